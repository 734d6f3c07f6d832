"""The Issues page: issues residents raised, filtered, with the one selected in full.

Reads go through the reader on the GUI thread; status, response and
report-back changes go through the undo stack, so Ctrl+Z takes them back.
"""

from __future__ import annotations

import itertools
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ceapp import areas, issues, partners
from ceapp.errors import CeappError, ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.vocab import ISSUE_STATUSES, ISSUE_THEMES
from ui.issues_model import COLUMN_KEYS, IssuesModel
from ui.operations import OpChanges
from ui.pages.context import PageContext
from ui.record_tables import filter_combo, labelled, record_table, set_combo_items
from ui.undo import Change
from ui.window_state import settings

SHOWN_TABLES = ("issues", "issue_status_history", "areas", "partners")
# Who last changed a status, offered again next time.
CHANGED_BY_KEY = "issues/changed_by"


class IssuesPage(QWidget):
    key = "issues"
    title = N_("Issues")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        # The day overdue is judged on; tests fix it, None means today.
        self.today: date | None = None
        self.issue: dict | None = None

        # -- filters --
        self.status_filter = filter_combo(
            _("Status filter"), [(ISSUE_STATUSES.label(c), c) for c in ISSUE_STATUSES.codes]
        )
        self.theme_filter = filter_combo(
            _("Theme filter"), [(ISSUE_THEMES.label(c), c) for c in ISSUE_THEMES.codes]
        )
        self.partner_filter = filter_combo(_("Partner filter"), [])
        self.area_filter = filter_combo(_("Ward filter"), [])
        self.overdue_filter = QCheckBox(_("&Overdue only"))
        self.overdue_filter.setAccessibleName(_("Overdue only"))
        filters = QGridLayout()
        for column, (text, widget) in enumerate(
            (
                (_("&Status"), self.status_filter),
                (_("T&heme"), self.theme_filter),
                (_("&Partner"), self.partner_filter),
                (_("&Ward"), self.area_filter),
            )
        ):
            filters.addWidget(labelled(text, widget), 0, column)
            filters.addWidget(widget, 1, column)
            filters.setColumnStretch(column, 1)
        filters.addWidget(self.overdue_filter, 1, 4)

        # -- the list --
        self.model = IssuesModel(self)
        self.table = record_table(self.model, _("Issues"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN_KEYS.index("title"), QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()

        def widest(key: str, *texts: str, cap: int = 0) -> int:
            heading = self.model.headerData(
                COLUMN_KEYS.index(key), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )
            width = max(metrics.horizontalAdvance(text) for text in (heading, *texts)) + 3 * char
            return min(width, cap * char) if cap else width

        # Sized from what each column can hold in the current font and language;
        # free text is capped and elides (the tooltip has it whole).
        for key, width in (
            ("raised_on", widest("raised_on", "2026-12-28")),
            ("theme", widest("theme", *map(ISSUE_THEMES.label, ISSUE_THEMES.codes), cap=22)),
            ("status", widest("status", *map(ISSUE_STATUSES.label, ISSUE_STATUSES.codes))),
            ("overdue", widest("overdue", _("Overdue"))),
            ("ward", 14 * char),
            ("partner", 16 * char),
        ):
            header.resizeSection(COLUMN_KEYS.index(key), width)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of issues shown"))

        # -- the selected issue --
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = self.title_label.font()
        bold.setBold(True)
        self.title_label.setFont(bold)
        self.title_label.setAccessibleName(_("Issue"))
        self.facts_label = QLabel()
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_label.setAccessibleName(_("Theme, ward, partner and status"))
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setAccessibleName(_("Detail"))

        self.history_list = QListWidget()
        self.history_list.setAccessibleName(_("Status history"))
        self.history_list.setWordWrap(True)

        self.response_edit = QPlainTextEdit()
        self.response_edit.setAccessibleName(_("Response"))
        self.response_edit.setTabChangesFocus(True)
        self.response_edit.setPlaceholderText(_("The answer to report back to residents"))
        self.save_response_button = QPushButton(_("Save respo&nse"))
        self.save_response_button.setAccessibleName(_("Save response"))
        self.report_back_box = QCheckBox(_("&Report back at the next forum"))
        self.report_back_box.setAccessibleName(_("Report back at the next forum"))

        self.changed_by_edit = QLineEdit(str(settings().value(CHANGED_BY_KEY, "") or ""))
        self.changed_by_edit.setAccessibleName(_("Changed by"))
        self.changed_by_edit.setPlaceholderText(_("Your name"))
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("New status"))
        for number, code in enumerate(ISSUE_STATUSES.codes, start=1):
            self.status_combo.addItem(
                _("{status} (Alt+{number})").format(
                    status=ISSUE_STATUSES.label(code), number=number
                ),
                code,
            )
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName(_("Note for the history"))
        self.note_edit.setPlaceholderText(_("Optional; no personal details"))
        self.change_status_button = QPushButton(_("&Change status"))
        self.change_status_button.setAccessibleName(_("Change status"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName(_("Message"))
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.detail_panel = QWidget()
        detail = QVBoxLayout(self.detail_panel)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.title_label)
        detail.addWidget(self.facts_label)
        detail.addWidget(self.detail_label)
        detail.addWidget(labelled(_("Status &history"), self.history_list))
        detail.addWidget(self.history_list, 1)
        detail.addWidget(labelled(_("Res&ponse"), self.response_edit))
        detail.addWidget(self.response_edit, 1)
        response_row = QHBoxLayout()
        response_row.addWidget(self.report_back_box, 1)
        response_row.addWidget(self.save_response_button)
        detail.addLayout(response_row)
        form = QFormLayout()
        form.addRow(labelled(_("Changed &by"), self.changed_by_edit), self.changed_by_edit)
        form.addRow(labelled(_("New s&tatus"), self.status_combo), self.status_combo)
        form.addRow(labelled(_("No&te"), self.note_edit), self.note_edit)
        detail.addLayout(form)
        detail.addWidget(self.change_status_button, 0, Qt.AlignmentFlag.AlignRight)
        detail.addWidget(self.message_label)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        order = (
            self.status_filter,
            self.theme_filter,
            self.partner_filter,
            self.area_filter,
            self.overdue_filter,
            self.table,
            self.history_list,
            self.response_edit,
            self.report_back_box,
            self.save_response_button,
            self.changed_by_edit,
            self.status_combo,
            self.note_edit,
            self.change_status_button,
        )
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        for combo in (self.status_filter, self.theme_filter, self.partner_filter, self.area_filter):
            combo.currentIndexChanged.connect(self.refresh)
        self.overdue_filter.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        self.save_response_button.clicked.connect(self.save_response)
        self.report_back_box.clicked.connect(self.set_report_back)
        self.change_status_button.clicked.connect(self.change_status)
        self.changed_by_edit.returnPressed.connect(self.change_status)
        self.note_edit.returnPressed.connect(self.change_status)
        for number, code in enumerate(ISSUE_STATUSES.codes, start=1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda c=code: self.change_status(c))

        self._load_choices()
        self.refresh()

    # -- the page interface -----------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.table if self.model.rowCount() else self.status_filter

    def stop(self) -> None:
        """Nothing runs in the background here."""

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("areas", "partners"):
            self._load_choices()
        if changes.touches(*SHOWN_TABLES):
            self.refresh()

    def shortcut_help(self) -> list[str]:
        return [
            _("{keys}: {action}").format(
                keys=f"Alt+{number}",
                action=_("Issues: change the status to {status}").format(
                    status=ISSUE_STATUSES.label(code)
                ),
            )
            for number, code in enumerate(ISSUE_STATUSES.codes, start=1)
        ]

    # -- reading ----------------------------------------------------------------

    def _load_choices(self) -> None:
        set_combo_items(
            self.partner_filter,
            [(row["name"], row["id"]) for row in partners.list_partners(self.reader)],
        )
        set_combo_items(
            self.area_filter,
            [
                (_("{ward}, {borough}").format(ward=row["ward"], borough=row["borough"]), row["id"])
                for row in areas.list_areas(self.reader)
            ],
        )

    def refresh(self) -> None:
        """Reload the list with the filters as they are, keeping the selected issue."""
        keep = self.issue["id"] if self.issue else None
        rows = issues.list_issues(
            self.reader,
            status=self.status_filter.currentData(),
            theme=self.theme_filter.currentData(),
            partner_id=self.partner_filter.currentData(),
            area_id=self.area_filter.currentData(),
            overdue=self.overdue_filter.isChecked(),
            today=self.today,
        )
        self.model.set_rows(rows)
        overdue = sum(1 for row in rows if row["overdue"])
        self.count_label.setText(
            ngettext("{count} issue", "{count} issues", len(rows)).format(count=len(rows))
            + " · "
            + ngettext("{count} overdue", "{count} overdue", overdue).format(count=overdue)
        )
        row = self.model.row_of(keep)
        if row is None and rows:
            row = 0
        if row is None:
            self._show_issue(None)
        else:
            self.select_row(row)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._show_selected(index)

    def _show_selected(self, current, _previous=None) -> None:
        if not current.isValid():
            self._show_issue(None)
            return
        issue_id = self.model.record_at(current.row())["id"]
        try:
            issue = issues.get_issue(self.reader, issue_id)
        except CeappError:
            issue = None
        if issue is not None and self.today is not None:
            issue["overdue"] = issues.is_overdue(issue, self.today)
        self._show_issue(issue)

    def _show_issue(self, issue: dict | None) -> None:
        same = issue is not None and self.issue is not None and issue["id"] == self.issue["id"]
        self.issue = issue
        self.detail_panel.setEnabled(issue is not None)
        if issue is None:
            self.title_label.setText(_("No issue selected."))
            for label in (self.facts_label, self.detail_label):
                label.clear()
            self.history_list.clear()
            self.response_edit.clear()
            return
        self.title_label.setText(issue["title"])
        status = ISSUE_STATUSES.label(issue["status"])
        if issue["overdue"]:
            status = _("{status} — Overdue").format(status=status)
        self.facts_label.setText(
            _(
                "Theme: {theme}\nWard: {ward}\nPartner: {partner}\nRaised: {raised}\n"
                "Status: {status}"
            ).format(
                theme=ISSUE_THEMES.label(issue["theme"]),
                ward=issue["ward"] or _("not recorded"),
                partner=issue["partner"] or _("none yet"),
                raised=issue["raised_on"],
                status=status,
            )
        )
        self.detail_label.setText(issue["detail"] or _("No detail recorded."))
        self.history_list.clear()
        for entry in issue["history"]:
            text = _("{when}: {status}, by {who}").format(
                when=entry["changed_at"][:16].replace("T", " "),
                status=ISSUE_STATUSES.label(entry["status"]),
                who=entry["changed_by"],
            )
            if entry["note"]:
                text = _("{entry} — {note}").format(entry=text, note=entry["note"])
            self.history_list.addItem(text)
        # Keep what the person is typing when the same issue is shown again after a write.
        if not same or not self.response_edit.document().isModified():
            self.response_edit.setPlainText(issue["response"] or "")
            self.response_edit.document().setModified(False)
        self.report_back_box.setChecked(issue["report_back"])
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(issue["status"]), 0))

    # -- writing ----------------------------------------------------------------

    def _changed_by(self) -> str | None:
        name = self.changed_by_edit.text().strip()
        if not name:
            self._say(
                _("Type your name in “Changed by” first: the history records who changed it.")
            )
            self.changed_by_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        settings().setValue(CHANGED_BY_KEY, name)
        return name

    def _say(self, text: str) -> None:
        self.message_label.setText(text)

    def _response_text(self) -> str | None:
        return self.response_edit.toPlainText().strip() or None

    def change_status(self, status: str | None = None) -> None:
        """Move the selected issue to `status` (default: the one chosen in "New status")."""
        if self.issue is None:
            return
        if status is not None:
            self.status_combo.setCurrentIndex(self.status_combo.findData(status))
        status = self.status_combo.currentData()
        issue = self.issue
        old_status, old_response = issue["status"], issue["response"]
        if status == old_status:
            self._say(
                _("The issue is already {status}.").format(status=ISSUE_STATUSES.label(status))
            )
            return
        who = self._changed_by()
        if who is None:
            return
        response = self._response_text()
        try:
            issues.check_response(status, response)
        except ValidationError as error:
            self._say(str(error))
            self.response_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        note = self.note_edit.text().strip() or None
        issue_id = issue["id"]
        label, old_label = ISSUE_STATUSES.label(status), ISSUE_STATUSES.label(old_status)
        undo_note = _("Undone: back to {status}").format(status=old_label)

        def do(store):
            return issues.update_issue(
                store, issue_id, changed_by=who, status=status, response=response, note=note
            )

        def undo(store):
            return issues.update_issue(
                store,
                issue_id,
                changed_by=who,
                status=old_status,
                response=old_response,
                note=undo_note,
            )

        self.response_edit.document().setModified(False)
        self.note_edit.clear()
        self._say(
            _(
                "Status changed to {status}. Undo changes it back to {old}; the history keeps both."
            ).format(status=label, old=old_label)
        )
        self.context.undo.push(
            Change(
                _("status change to {status} (changes it back; the history keeps both)").format(
                    status=label
                ),
                do,
                undo,
            )
        )

    def save_response(self) -> None:
        if self.issue is None:
            return
        who = self._changed_by()
        if who is None:
            return
        issue_id, old = self.issue["id"], self.issue["response"]
        new = self._response_text()
        status = self.issue["status"]
        try:
            issues.check_response(status, new)
        except ValidationError as error:
            self._say(str(error))
            return
        self.response_edit.document().setModified(False)
        self._say(_("Response saved."))
        self.context.undo.push(
            Change(
                _("response"),
                lambda store: issues.update_issue(
                    store, issue_id, changed_by=who, response=new or ""
                ),
                lambda store: issues.update_issue(
                    store, issue_id, changed_by=who, response=old or ""
                ),
            )
        )

    def set_report_back(self, checked: bool) -> None:
        if self.issue is None:
            return
        who = self._changed_by()
        if who is None:
            self.report_back_box.setChecked(not checked)
            return
        issue_id = self.issue["id"]
        self.context.undo.push(
            Change(
                _("report back at the next forum"),
                lambda store: issues.update_issue(
                    store, issue_id, changed_by=who, report_back=checked
                ),
                lambda store: issues.update_issue(
                    store, issue_id, changed_by=who, report_back=not checked
                ),
            )
        )
