"""The Events page: a searchable list of events.

It reads through the reader on the GUI thread; writes and whole-table counts
go through the op runner (see ui/operations.py).
"""

from __future__ import annotations

from babel.numbers import format_decimal
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ceapp import events
from ceapp.i18n import N_, _, ngettext
from ceapp.vocab import METHODS, SPECTRUM
from ui.events_model import COLUMN_KEYS, SHOWN_TABLES, EventsModel, format_when
from ui.operations import OpChanges
from ui.pages.context import PageContext

# Typing pauses this long before the list is searched, so each keystroke does
# not query a large database.
SEARCH_DELAY_MS = 250
# A date late in the year with two-digit day and hour: the widest a date gets.
_WIDEST_DATE = "2026-12-28T23:59"


class EventsPage(QWidget):
    """Events newest first, with instant search."""

    key = "events"
    title = N_("Events")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.ops = context.ops
        # Counts come back from a worker; only the newest request may update the label.
        self._count_request = 0

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Search events"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(_("Search events"))

        self.model = EventsModel(self.reader, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(_("Events"))
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.stack)
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self.apply_search)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_box)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search_box.clear)

        self._show_results()

    def first_focus(self) -> QWidget:
        """The widget that takes the keyboard when the page is shown."""
        return self.search_box

    def stop(self) -> None:
        """Stop timers before the database closes."""
        self._search_timer.stop()

    # -- actions --------------------------------------------------------------

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

    def refresh(self) -> None:
        """Reload the list, e.g. after events were added or changed."""
        self.model.refresh()
        self._show_results()

    # -- building and updating ------------------------------------------------

    def apply_changes(self, changes: OpChanges) -> None:
        """Refresh when an op wrote a table this page shows."""
        if changes.touches(*SHOWN_TABLES):
            self.refresh()

    def _size_columns(self) -> None:
        """Widths from the widest text each column can hold, in the current font and language."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        padding = 3 * char

        def widest(*texts: str) -> int:
            return max(metrics.horizontalAdvance(text) for text in texts) + padding

        def header_text(key: str) -> str:
            return self.model.headerData(
                COLUMN_KEYS.index(key), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )

        widths = {
            "starts_at": widest(header_text("starts_at"), format_when(_WIDEST_DATE)),
            "method": widest(header_text("method"), *(METHODS.label(c) for c in METHODS.codes)),
            "spectrum": widest(
                header_text("spectrum"), *(SPECTRUM.label(c) for c in SPECTRUM.codes)
            ),
            # Free text: sized for typical names, longer ones elide (full text in the tooltip)
            # so the title keeps the spare width.
            "ward": max(widest(header_text("ward")), 16 * char),
            "partner": max(widest(header_text("partner")), 18 * char),
            "attendance": widest(header_text("attendance"), "10,000"),
            "women_only": widest(header_text("women_only")),
        }
        for column, key in enumerate(COLUMN_KEYS):
            if key == "title":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, widths[key])
        header.setMinimumSectionSize(6 * char)

    def _show_results(self) -> None:
        if self.model.rowCount() == 0:
            if self.model.search:
                text = _("No events match “{search}”.").format(search=self.model.search)
            else:
                text = _(
                    "No events yet.\n\nAdd one with “ceapp events add”, "
                    "or load demo data with “ceapp demo”."
                )
            self.empty_label.setText(text)
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentWidget(self.table)
            self.table.scrollToTop()
        self._update_count()

    def _update_count(self) -> None:
        self._count_request += 1
        request = self._count_request
        search = self.model.search
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
            lambda store: events.count_events(store, search=search),
            on_success=shown,
            on_failure=failed,
        )
