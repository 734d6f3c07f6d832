"""The Events page: a searchable, filterable, sortable list of events, and the selected one.

It reads through the reader on the GUI thread; whole-table counts go through
the op runner, and every change a person makes (new, edit, delete) goes
through the undo stack (see ui/undo.py).
"""

from __future__ import annotations

from itertools import pairwise

from babel.numbers import format_decimal
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ceapp import areas, events, partners
from ceapp.errors import NotFoundError, ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.vocab import METHODS, SPECTRUM
from ui.event_dialog import EventDialog
from ui.events_model import (
    COLUMN_KEYS,
    SHOWN_TABLES,
    SORTABLE,
    EventsModel,
    format_when,
)
from ui.operations import OpChanges
from ui.pages.context import PageContext
from ui.pages.event_detail import EventDetailBox
from ui.record_tables import filter_combo, labelled, record_table, set_combo_items
from ui.undo import Change

# Typing pauses this long before the list is searched, so each keystroke does
# not query a large database.
SEARCH_DELAY_MS = 250
# A date late in the year with two-digit day and hour: the widest a date gets.
_WIDEST_DATE = "2026-12-28T23:59"
# A date edit at its minimum shows "Any": no limit on that side of the range.
_NO_DATE = QDate(1900, 1, 1)
# Tables the detail panel shows counts from, beyond those the list shows.
DETAIL_TABLES = frozenset({"issues", "monitoring_responses", "feedback_responses"})

# (label, column key, descending), in the order the Sort box lists them.
SORTS = (
    (N_("Newest first"), "starts_at", True),
    (N_("Oldest first"), "starts_at", False),
    (N_("Title A to Z"), "title", False),
    (N_("Title Z to A"), "title", True),
    (N_("Ward A to Z"), "ward", False),
    (N_("Ward Z to A"), "ward", True),
    (N_("Partner A to Z"), "partner", False),
    (N_("Partner Z to A"), "partner", True),
    (N_("Most attended first"), "attendance", True),
    (N_("Least attended first"), "attendance", False),
)


class IdChain:
    """Where an event went: undoing a delete brings it back under a new id.

    Changes on the undo stack name events by the id they had when made; they
    follow the chain to the id the event has now. Written on the worker,
    read anywhere: plain dict operations, each atomic.
    """

    def __init__(self) -> None:
        self._moved: dict[str, str] = {}

    def moved(self, old: str, new: str) -> None:
        if old != new:
            self._moved[old] = new

    def follow(self, event_id: str) -> str:
        seen = set()
        while event_id in self._moved and event_id not in seen:
            seen.add(event_id)
            event_id = self._moved[event_id]
        return event_id


class EventsPage(QWidget):
    """Events newest first, with instant search, filters, sorting, and the selected event."""

    key = "events"
    title = N_("Events")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.ops = context.ops
        self.ids = IdChain()
        # Counts come back from a worker; only the newest request may update the label.
        self._count_request = 0
        # The event to select once the list shows it (after a save or an undo).
        self._select_after_refresh: str | None = None
        self.dialog: EventDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self._build_controls()
        self._build_table()
        self._build_detail()
        self._lay_out()
        self._connect()
        self._set_tab_order()

        self._show_results()
        self._show_detail()

    # -- building ---------------------------------------------------------------

    def _build_controls(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Search events"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(_("Search events"))

        self.sort_combo = QComboBox()
        self.sort_combo.setAccessibleName(_("Sort events"))
        self.sort_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.sort_combo.setMinimumContentsLength(12)
        for label, _key, _descending in SORTS:
            self.sort_combo.addItem(_(label))
        self.clear_button = QPushButton(_("C&lear filters"))
        self.clear_button.setAccessibleName(_("Clear filters"))
        self.new_button = QPushButton(_("&New event…"))
        self.new_button.setAccessibleName(_("New event"))
        self.new_button.setToolTip(_("New event (Ctrl+N)"))

        def combo(name: str, items) -> QComboBox:
            box = filter_combo(name, items)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            # Narrow when the window is: the stretch gives them room on a wider one.
            box.setMinimumContentsLength(5)
            return box

        self.area_filter = combo(_("Ward filter"), [])
        self.partner_filter = combo(_("Partner filter"), [])
        self._fill_reference_filters()
        self.spectrum_filter = combo(
            _("Spectrum filter"), [(SPECTRUM.label(c), c) for c in SPECTRUM.codes]
        )
        self.method_filter = combo(
            _("Method filter"), [(METHODS.label(c), c) for c in METHODS.codes]
        )

        def date_edit(name: str) -> QDateEdit:
            edit = QDateEdit()
            edit.setAccessibleName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumDate(_NO_DATE)
            edit.setSpecialValueText(_("Any"))
            edit.setDate(_NO_DATE)
            return edit

        self.from_filter = date_edit(_("From date"))
        self.to_filter = date_edit(_("To date"))

    def _fill_reference_filters(self) -> None:
        """Ward and partner choices from the database, keeping what was chosen."""
        for box, rows in (
            (
                self.area_filter,
                [(row["ward"], row["id"]) for row in areas.list_areas(self.reader)],
            ),
            (
                self.partner_filter,
                [(row["name"], row["id"]) for row in partners.list_partners(self.reader)],
            ),
        ):
            set_combo_items(box, rows)

    def _build_table(self) -> None:
        self.model = EventsModel(self.reader, parent=self)
        self.table = record_table(self.model, _("Events"))
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COLUMN_KEYS.index("starts_at"), Qt.SortOrder.DescendingOrder)
        self._size_columns()

        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_label.setMargin(24)
        empty_font = self.empty_label.font()
        empty_font.setPointSizeF(empty_font.pointSizeF() * 1.25)
        self.empty_label.setFont(empty_font)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of events shown"))

    def _build_detail(self) -> None:
        self.detail_box = EventDetailBox()
        # The page's tests and shortcuts reach the panel's parts through the page.
        self.role_values = self.detail_box.role_values
        self.count_values = self.detail_box.count_values
        self.edit_button = self.detail_box.edit_button
        self.delete_button = self.detail_box.delete_button
        self.event_day_button = self.detail_box.event_day_button

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(labelled(_("S&ort:"), self.sort_combo))
        top.addWidget(self.sort_combo)
        top.addWidget(self.clear_button)
        top.addWidget(self.new_button)

        filters = QHBoxLayout()
        for text, widget in (
            (_("&Ward:"), self.area_filter),
            (_("&Partner:"), self.partner_filter),
            (_("Spe&ctrum:"), self.spectrum_filter),
            (_("&Method:"), self.method_filter),
            (_("&From:"), self.from_filter),
            (_("&To:"), self.to_filter),
        ):
            filters.addWidget(labelled(text, widget))
            filters.addWidget(widget, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.detail_box)

    def _connect(self) -> None:
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self.apply_search)

        for box in (
            self.area_filter,
            self.partner_filter,
            self.spectrum_filter,
            self.method_filter,
        ):
            box.currentIndexChanged.connect(self.apply_filters)
        for edit in (self.from_filter, self.to_filter):
            edit.dateChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.sort_combo.currentIndexChanged.connect(self._sort_chosen)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._header_sorted)
        self.new_button.clicked.connect(self.new_event)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.event_day_button.clicked.connect(self.open_in_event_day)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._show_detail()
        )
        self.model.modelReset.connect(self._show_detail)

        def shortcut(keys, slot, widget: QWidget, context: Qt.ShortcutContext) -> None:
            made = QShortcut(QKeySequence(keys), widget)
            made.setContext(context)
            made.activated.connect(slot)

        page_wide = Qt.ShortcutContext.WidgetWithChildrenShortcut
        shortcut(QKeySequence.StandardKey.Find, self.focus_search, self, page_wide)
        shortcut("Ctrl+N", self.new_event, self, page_wide)
        shortcut("Ctrl+D", self.open_in_event_day, self, page_wide)
        table_only = Qt.ShortcutContext.WidgetShortcut
        shortcut(Qt.Key.Key_Return, self.edit_selected, self.table, table_only)
        shortcut(Qt.Key.Key_Enter, self.edit_selected, self.table, table_only)
        shortcut(Qt.Key.Key_Delete, self.delete_selected, self.table, table_only)
        shortcut(Qt.Key.Key_Escape, self.search_box.clear, self.search_box, table_only)

    def _set_tab_order(self) -> None:
        order = [
            self.search_box,
            self.sort_combo,
            self.clear_button,
            self.new_button,
            self.area_filter,
            self.partner_filter,
            self.spectrum_filter,
            self.method_filter,
            self.from_filter,
            self.to_filter,
            self.table,
            self.edit_button,
            self.delete_button,
            self.event_day_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def first_focus(self) -> QWidget:
        """The widget that takes the keyboard when the page is shown."""
        return self.search_box

    def page_shown(self) -> None:
        """Select the event being worked on (chosen here or on another page)."""
        current = self.context.current_event
        if current is not None and current != self.selected_event_id():
            self.select_event(current)

    def stop(self) -> None:
        """Stop timers before the database closes."""
        self._search_timer.stop()

    def shortcut_help(self) -> list[str]:
        return [
            _("{keys}: {action}").format(keys="Ctrl+N", action=_("new event")),
            _("{keys}: {action}").format(keys=_("Enter"), action=_("edit the selected event")),
            _("{keys}: {action}").format(keys=_("Delete"), action=_("delete the selected event")),
            _("{keys}: {action}").format(keys="Ctrl+D", action=_("open the event in Event day")),
        ]

    # -- list actions -----------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def apply_search(self) -> None:
        """Filter the list by what is in the search box now."""
        self._search_timer.stop()
        text = self.search_box.text().strip()
        if (text or None) == self.model.search:
            return
        self.model.set_search(text)
        self._show_results()

    def _date_filter(self, edit: QDateEdit) -> str | None:
        return None if edit.date() == _NO_DATE else edit.date().toString("yyyy-MM-dd")

    def current_filters(self) -> dict[str, str | None]:
        return {
            "area_id": self.area_filter.currentData() or None,
            "partner_id": self.partner_filter.currentData() or None,
            "spectrum": self.spectrum_filter.currentData() or None,
            "method": self.method_filter.currentData() or None,
            "date_from": self._date_filter(self.from_filter),
            "date_to": self._date_filter(self.to_filter),
        }

    def apply_filters(self) -> None:
        """Show only events matching the filter boxes; at once, as each one changes."""
        filters = self.current_filters()
        # A range the wrong way round would show nothing: widen the other end instead.
        if (
            filters["date_from"]
            and filters["date_to"]
            and filters["date_to"] < filters["date_from"]
        ):
            filters["date_to"] = None
        if {k: v for k, v in filters.items() if v} == self.model.filters:
            return
        self.model.set_filters(**filters)
        self._show_results()

    def clear_filters(self) -> None:
        widgets = (self.area_filter, self.partner_filter, self.spectrum_filter, self.method_filter)
        for widget in (*widgets, self.from_filter, self.to_filter):
            widget.blockSignals(True)
        for box in widgets:
            box.setCurrentIndex(0)
        self.from_filter.setDate(_NO_DATE)
        self.to_filter.setDate(_NO_DATE)
        for widget in (*widgets, self.from_filter, self.to_filter):
            widget.blockSignals(False)
        self.apply_filters()

    def _sort_chosen(self, index: int) -> None:
        _label, key, descending = SORTS[index]
        self._sort_by(key, descending)

    def _header_sorted(self, section: int, order: Qt.SortOrder) -> None:
        key = COLUMN_KEYS[section]
        if key not in SORTABLE:
            # Method, spectrum and women-only hold codes: put the arrow back where it was.
            self._show_sort_indicator()
            return
        self._sort_by(key, order == Qt.SortOrder.DescendingOrder)

    def _sort_by(self, key: str, descending: bool) -> None:
        if self.model.sort_key != (key, descending):
            self.model.set_sort(key, descending=descending)
            self._show_results()
        self._show_sort_indicator()

    def _show_sort_indicator(self) -> None:
        key, descending = self.model.sort_key
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            COLUMN_KEYS.index(key),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        self.sort_combo.blockSignals(True)
        self.sort_combo.setCurrentIndex([(k, d) for _label, k, d in SORTS].index((key, descending)))
        self.sort_combo.blockSignals(False)

    def refresh(self) -> None:
        """Reload the list, e.g. after events were added or changed."""
        selected = self._select_after_refresh or self.selected_event_id()
        self._select_after_refresh = None
        self.model.refresh()
        self._show_results(keep_place=True)
        if selected is not None:
            self.select_event(selected)

    def apply_changes(self, changes: OpChanges) -> None:
        """Refresh when an op wrote a table this page shows."""
        if changes.touches("areas", "partners"):
            self._fill_reference_filters()
        if changes.touches(*SHOWN_TABLES):
            self.refresh()
        elif changes.touches(*DETAIL_TABLES):
            self._show_detail()

    # -- the selected event -------------------------------------------------------

    def selected_event_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.event_at(index.row())["id"]

    def select_event(self, event_id: str) -> bool:
        """Make `event_id` the current row if the list has loaded it."""
        row = self.model.row_of(event_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _show_detail(self) -> None:
        event_id = self.selected_event_id()
        detail = None
        if event_id is not None:
            try:
                detail = events.event_detail(self.reader, event_id)
            except NotFoundError:
                # Gone since the list loaded (deleted elsewhere): show nothing rather than fail.
                detail = None
        self.detail_box.show_event(detail, self.model.locale)

    # -- changes --------------------------------------------------------------------

    def new_event(self) -> None:
        """Open the dialog for a new event; Save adds it through the undo stack."""
        dialog = EventDialog(self.reader, parent=self)
        dialog.accepted.connect(lambda: self._create(dialog.fields()))
        self._open_dialog(dialog)

    def edit_selected(self) -> None:
        event_id = self.selected_event_id()
        if event_id is None:
            return
        event = events.get_event(self.reader, event_id)
        dialog = EventDialog(self.reader, event=event, parent=self)
        old = {field: event[field] for field in events.EVENT_FIELDS}
        dialog.accepted.connect(lambda: self._edit(event_id, old, dialog.fields()))
        self._open_dialog(dialog)

    def _open_dialog(self, dialog: EventDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()
        dialog.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _create(self, fields: dict) -> None:
        title = fields["title"].strip()
        state: dict[str, str] = {}
        ids = self.ids

        def do(store):
            new_id = events.add_event(store, **fields)
            if "id" in state:
                ids.moved(state["id"], new_id)
            state["id"] = new_id
            return new_id

        def undo(store):
            events.delete_event(store, ids.follow(state["id"]))

        self.context.undo.push(
            Change(
                _("new event “{title}”").format(title=title),
                do,
                undo,
                on_done=lambda new_id: self._done(new_id, _("Event added: {title}"), title),
            )
        )

    def _edit(self, event_id: str, old: dict, new: dict) -> None:
        title = new["title"].strip()
        try:
            unchanged = events.clean_event(self.reader, new) == events.clean_event(self.reader, old)
        except ValidationError:
            # The stored event no longer passes today's checks: saving will say why.
            unchanged = False
        if unchanged:
            # Nothing to save, and nothing worth an entry in Edit ▸ Undo.
            return
        ids = self.ids
        self.context.undo.push(
            Change(
                _("edit of “{title}”").format(title=title),
                lambda store: events.edit_event(store, ids.follow(event_id), **new),
                lambda store: events.edit_event(store, ids.follow(event_id), **old),
                on_done=lambda _changed: self._done(
                    ids.follow(event_id), _("Event saved: {title}"), title
                ),
            )
        )

    def delete_selected(self) -> None:
        """Ask, saying what goes with the event; then delete it through the undo stack."""
        event_id = self.selected_event_id()
        if event_id is None:
            return
        detail = events.event_detail(self.reader, event_id)
        lines = [
            _("Delete “{title}”?").format(title=detail["title"]),
            "",
            _("This also deletes:"),
            ngettext(
                "• {count} attendance entry",
                "• {count} attendance entries",
                detail["attendance_entries"],
            ).format(count=detail["attendance_entries"]),
            ngettext(
                "• {count} register entry",
                "• {count} register entries",
                detail["register_entries"],
            ).format(count=detail["register_entries"]),
            ngettext(
                "• {count} monitoring slip",
                "• {count} monitoring slips",
                detail["monitoring_responses"],
            ).format(count=detail["monitoring_responses"]),
            ngettext(
                "• {count} feedback sheet", "• {count} feedback sheets", detail["feedback"]
            ).format(count=detail["feedback"]),
            "",
            ngettext(
                "The {count} issue raised at it is kept, no longer linked to an event.",
                "The {count} issues raised at it are kept, no longer linked to an event.",
                detail["issues"],
            ).format(count=detail["issues"]),
            _("You can undo this with Ctrl+Z."),
        ]
        box = QMessageBox(
            QMessageBox.Icon.Warning, _("Delete event"), "\n".join(lines), parent=self
        )
        delete = box.addButton(_("&Delete event"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        # The person pressed Delete on purpose, and undo is one key away.
        box.setDefaultButton(delete)
        self.confirm_box = box

        def finished(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is delete:
                self._delete(event_id, detail["title"])
            box.deleteLater()

        box.finished.connect(finished)
        box.open()

    def _delete(self, event_id: str, title: str) -> None:
        state: dict = {}
        ids = self.ids

        def do(store):
            state["snapshot"] = events.delete_event_with_snapshot(store, ids.follow(event_id))

        def undo(store):
            snapshot = state["snapshot"]
            new_id = events.restore_event(store, snapshot)
            ids.moved(snapshot["event_id"], new_id)
            self._select_after_refresh = new_id

        self.context.undo.push(
            Change(
                _("deletion of “{title}”").format(title=title),
                do,
                undo,
                on_done=lambda _result: self.context.tell(
                    _("Event deleted: {title}. Ctrl+Z brings it back.").format(title=title)
                ),
            )
        )

    def _done(self, event_id: str, message: str, title: str) -> None:
        self.select_event(event_id)
        self.context.tell(message.format(title=title))

    def open_in_event_day(self) -> None:
        """Hand the selected event to the Event day page and bring that page forward."""
        event_id = self.selected_event_id()
        if event_id is None:
            return
        self.context.current_event = event_id
        try:
            self.context.show_page("event-day")
        except (KeyError, ValueError):
            self.context.tell(_("The Event day page is not available in this version."))

    # -- building and updating ------------------------------------------------

    def _size_columns(self) -> None:
        """Widths from the widest text each column can hold, in the current font and language."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        padding = 3 * char
        # Room for the sort arrow beside a header's text.
        arrow = 2 * char

        def widest(*texts: str) -> int:
            return max(metrics.horizontalAdvance(text) for text in texts) + padding

        def header_text(key: str) -> str:
            return self.model.headerData(
                COLUMN_KEYS.index(key), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )

        widths = {
            "starts_at": widest(header_text("starts_at"), format_when(_WIDEST_DATE)) + arrow,
            "method": widest(header_text("method"), *(METHODS.label(c) for c in METHODS.codes)),
            "spectrum": widest(
                header_text("spectrum"), *(SPECTRUM.label(c) for c in SPECTRUM.codes)
            ),
            # Free text: sized for typical names, longer ones elide (full text in the tooltip)
            # so the title keeps the spare width.
            "ward": max(widest(header_text("ward")) + arrow, 16 * char),
            "partner": max(widest(header_text("partner")) + arrow, 18 * char),
            "attendance": widest(header_text("attendance"), "10,000") + arrow,
            "women_only": widest(header_text("women_only")),
        }
        for column, key in enumerate(COLUMN_KEYS):
            if key == "title":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, widths[key])
        header.setMinimumSectionSize(6 * char)

    def _show_results(self, *, keep_place: bool = False) -> None:
        if self.model.rowCount() == 0:
            search, filtered = self.model.search, bool(self.model.filters)
            if search and filtered:
                text = _("No events match “{search}” with these filters.").format(search=search)
            elif search:
                text = _("No events match “{search}”.").format(search=search)
            elif filtered:
                text = _("No events match these filters. “Clear filters” shows them all.")
            else:
                text = _(
                    "No events yet.\n\nAdd one with New event (Ctrl+N), "
                    "or from the command line with “ceapp events add”, "
                    "or load demo data with “ceapp demo”."
                )
            self.empty_label.setText(text)
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentWidget(self.table)
            if not keep_place:
                self.table.scrollToTop()
        self._update_count()
        self._show_detail()

    def _update_count(self) -> None:
        self._count_request += 1
        request = self._count_request
        search, filters = self.model.search, self.model.filters
        self.count_label.setText(_("Counting events…"))

        def shown(count: int) -> None:
            if request == self._count_request:
                self.count_label.setText(
                    ngettext("{count} event", "{count} events", count).format(
                        count=format_decimal(count, locale=self.model.locale)
                    )
                )

        def failed(error: BaseException) -> None:
            if request == self._count_request:
                self.count_label.setText(_("Could not count events: {error}").format(error=error))

        # Counting a large table takes a while: on the worker, so typing stays quick.
        self.ops.run(
            lambda store: events.count_events(store, search=search, **filters),
            on_success=shown,
            on_failure=failed,
        )
