"""The Sync page's conflicts: fields two laptops changed without seeing each other's edit.

Each conflict is shown as a person knows the record (the event's title, the
group's name), with its field's label and both values as the other pages
show them, and which laptop each came from. "Keep current" and "Keep other"
settle the selected one through ceapp.sync.conflicts.resolve. The list is
worked out on the op runner's worker (it reads the whole change log).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ceapp import monitoring
from ceapp.errors import CeappError
from ceapp.i18n import N_, _, ngettext
from ceapp.schema import TABLES
from ceapp.store import Store
from ceapp.sync import conflicts, exchange
from ceapp.vocab import (
    ACCESSIBILITY,
    ATTENDANCE_ROLES,
    GROUP_TYPES,
    ISSUE_STATUSES,
    ISSUE_THEMES,
    METHODS,
    PARTNER_KINDS,
    SPECTRUM,
)
from ui.pages.context import PageContext
from ui.record_tables import RecordListModel, labelled, record_table

# How each kind of record is named in the list, from its own fields (or its parent's).
RECORD_LABELS = {
    "events": N_("Event “{title}”"),
    "community_groups": N_("Group “{name}”"),
    "partners": N_("Partner “{name}”"),
    "areas": N_("Ward “{ward}, {borough}”"),
    "issues": N_("Issue “{title}”"),
    "attendance": N_("Head count at “{event}”"),
    "register_entries": N_("Register entry at “{event}”"),
    "monitoring_responses": N_("Monitoring slip at “{event}”"),
    "issue_status_history": N_("Status change of issue “{issue}”"),
    "feedback_responses": N_("Feedback sheet at “{event}”"),
}
FIELD_LABELS = {
    "accessibility": N_("Accessibility"),
    "answers": N_("Answers"),
    "area_id": N_("Ward"),
    "audience": N_("Audience"),
    "borough": N_("Borough"),
    "changed_at": N_("Changed at"),
    "changed_by": N_("Changed by"),
    "communities": N_("Communities of interest"),
    "consent_recorded_at": N_("Consent recorded at"),
    "consent_recorded_by": N_("Consent recorded by"),
    "consultation_closes": N_("Consultation closes"),
    "consultation_opens": N_("Consultation opens"),
    "contact": N_("Contact"),
    "contact_consent": N_("Agreed to be contacted"),
    "contact_email": N_("Contact email"),
    "contact_name": N_("Contact name"),
    "contact_phone": N_("Contact phone"),
    "delta": N_("Count"),
    "detail": N_("Detail"),
    "ends_at": N_("Ends"),
    "event_id": N_("Event"),
    "exemption_reason": N_("Exemption reason"),
    "group_type": N_("Type"),
    "issue_id": N_("Issue"),
    "kind": N_("Kind"),
    "language": N_("Language"),
    "languages": N_("Languages"),
    "method": N_("Method"),
    "name": N_("Name"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "outcomes": N_("Outcomes"),
    "partner_id": N_("Partner"),
    "raised_on": N_("Raised on"),
    "received_on": N_("Received on"),
    "report_back": N_("Report back"),
    "response": N_("Response"),
    "role": N_("Role"),
    "spectrum": N_("Spectrum"),
    "starts_at": N_("Starts"),
    "status": N_("Status"),
    "theme": N_("Theme"),
    "title": N_("Title"),
    "venue": N_("Venue"),
    "ward": N_("Ward"),
    "women_only": N_("Women only"),
}
CHOICES = {
    "spectrum": SPECTRUM,
    "method": METHODS,
    "role": ATTENDANCE_ROLES,
    "kind": PARTNER_KINDS,
    "group_type": GROUP_TYPES,
    "status": ISSUE_STATUSES,
    "theme": ISSUE_THEMES,
}
YES_NO_FIELDS = frozenset({"women_only", "contact_consent", "report_back"})
COLUMNS = (
    ("record", N_("Record")),
    ("field", N_("Field")),
    ("current", N_("Current value")),
    ("current_from", N_("Current from")),
    ("other", N_("Other value")),
    ("other_from", N_("Other from")),
)
COLUMN_KEYS = tuple(key for key, _header in COLUMNS)


def field_label(table: str, field: str) -> str:
    if table == "monitoring_responses" and field in monitoring.QUESTIONS:
        return monitoring.question_label(field)
    return _(FIELD_LABELS.get(field, field))


def record_label(store: Store, table: str, row_id: str | None) -> str:
    """How a person knows the record: 'Event “Forum”', 'Head count at “Forum”'."""
    spec = TABLES.get(table)
    found = store.query(f"SELECT * FROM {table} WHERE id = ?", (row_id,)) if spec and row_id else []
    if not found:
        return _("(deleted)")
    row = found[0]
    values = {key: one_line(value) for key, value in row.items() if isinstance(value, str)}
    if table in ("attendance", "register_entries", "monitoring_responses", "feedback_responses"):
        values["event"] = _title(store, "events", "title", row["event_id"])
    elif table == "issue_status_history":
        values["issue"] = _title(store, "issues", "title", row["issue_id"])
    try:
        return _(RECORD_LABELS[table]).format(**values)
    except KeyError:
        return row_id[:8]


def _title(store: Store, table: str, column: str, row_id: str | None) -> str:
    value = store.scalar(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,))
    return one_line(value) if value is not None else _("(deleted)")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def value_text(store: Store, table: str, field: str, value, *, erased: bool = False) -> str:
    """A field's value as the other pages would show it."""
    if erased:
        return _("(erased)")
    if value is None or value == "" or value == [] or value == {}:
        return _("(empty)")
    if table == "monitoring_responses" and field in monitoring.QUESTIONS:
        return monitoring.QUESTIONS[field].label(value)
    if field in YES_NO_FIELDS:
        return _("Yes") if value else _("No")
    if field in CHOICES and isinstance(value, str):
        return CHOICES[field].label(value)
    if field == "accessibility" and isinstance(value, list):
        return ", ".join(ACCESSIBILITY.label(code) for code in value)
    for column, parent, _how in TABLES[table].parents:
        if column == field:
            return record_label(store, parent, value)
    if isinstance(value, list):
        return ", ".join(one_line(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            _("{question}: {answer}").format(question=one_line(key), answer=one_line(answer))
            for key, answer in value.items()
        )
    return one_line(value)


def conflict_rows(store: Store) -> list[dict]:
    """Every open conflict, described for the table (run on the worker)."""
    names: dict[str, str] = {}

    def laptop(node: str) -> str:
        if node not in names:
            names[node] = exchange.device_name_for_node(store, node)
        return names[node]

    rows = []
    for conflict in conflicts.list_conflicts(store):
        table = conflict.table
        rows.append(
            {
                "id": conflict.id,
                "conflict": conflict,
                "record": record_label(store, table, conflict.row_id),
                "field": field_label(table, conflict.field),
                "current": value_text(store, table, conflict.field, conflict.current_value),
                "current_from": laptop(conflict.current_node),
                "other": value_text(
                    store,
                    table,
                    conflict.field,
                    conflict.other_value,
                    erased=conflict.other_erased,
                ),
                "other_from": laptop(conflict.other_node),
            }
        )
    return rows


class ConflictsModel(RecordListModel):
    COLUMNS = COLUMNS

    def text(self, row: dict, key: str) -> str:
        return row[key]


class ConflictsBox(QGroupBox):
    """The open conflicts, and the two buttons that settle the selected one."""

    def __init__(
        self,
        context: PageContext,
        *,
        on_count: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Conflicts"), parent)
        self.context = context
        self.on_count = on_count
        self.rows: list[dict] | None = None
        # Only the newest listing may fill the table.
        self._request = 0

        self.explanation = QLabel(
            _(
                "The same field was changed on two laptops before they swapped bundles. "
                "The current value is the one in use on every laptop; keep it, or bring "
                "back the other."
            )
        )
        self.explanation.setWordWrap(True)
        self.model = ConflictsModel(self)
        self.table = record_table(self.model, _("Conflicts"))
        # Tab leaves the list for the buttons instead of walking its cells.
        self.table.setTabKeyNavigation(False)
        # It takes the height left on the page, showing three conflicts at least.
        rows = self.table.verticalHeader().defaultSectionSize()
        header_height = self.table.horizontalHeader().sizeHint().height()
        self.table.setMinimumHeight(header_height + 3 * rows + 2 * self.table.frameWidth())
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        header = self.table.horizontalHeader()
        # Records and values share what is left after the short columns, which
        # fit their heading and a typical field or laptop name.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()
        for key, typical in (("field", 12), ("current_from", 16), ("other_from", 16)):
            heading = self.model.headerData(
                COLUMN_KEYS.index(key), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )
            width = max(metrics.horizontalAdvance(heading), typical * char) + 3 * char
            header.resizeSection(COLUMN_KEYS.index(key), width)
        for key in ("record", "current", "other"):
            header.setSectionResizeMode(COLUMN_KEYS.index(key), QHeaderView.ResizeMode.Stretch)
        self.table_label = labelled(_("Co&nflicts waiting for a decision"), self.table)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of conflicts"))

        self.keep_current_button = QPushButton(_("Keep c&urrent"))
        self.keep_current_button.setAccessibleName(_("Keep current value"))
        self.keep_current_button.setToolTip(_("Keep the value in use now; the other is dropped."))
        self.keep_other_button = QPushButton(_("Keep &other"))
        self.keep_other_button.setAccessibleName(_("Keep other value"))
        self.keep_other_button.setToolTip(_("Use the other value instead, on every laptop."))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName(_("Conflict message"))
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        said = QVBoxLayout()
        said.addWidget(self.count_label)
        said.addWidget(self.message_label)
        buttons = QHBoxLayout()
        buttons.addLayout(said, 1)
        buttons.addWidget(self.keep_current_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.keep_other_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        for first, second in itertools.pairwise(
            (self.table, self.keep_current_button, self.keep_other_button)
        ):
            QWidget.setTabOrder(first, second)

        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.keep_current_button.clicked.connect(lambda: self.resolve(conflicts.KEEP_CURRENT))
        self.keep_other_button.clicked.connect(lambda: self.resolve(conflicts.KEEP_OTHER))
        self._enable()

    # -- reading ----------------------------------------------------------------

    def stop(self) -> None:
        self._request += 1

    def refresh(self) -> None:
        """List the open conflicts again (on the worker); the selection is kept."""
        self._request += 1
        request = self._request

        def listed(rows: list[dict]) -> None:
            if request == self._request:
                self._show(rows)

        def failed(error: BaseException) -> None:
            if request == self._request:
                self.message_label.setText(str(error))

        self.context.ops.run(conflict_rows, on_success=listed, on_failure=failed)

    def _show(self, rows: list[dict]) -> None:
        chosen = self.selected()
        keep = chosen["id"] if chosen else None
        self.rows = rows
        self.model.set_rows(rows)
        self.count_label.setText(
            ngettext("{count} conflict", "{count} conflicts", len(rows)).format(count=len(rows))
            if rows
            else _("No conflicts: every laptop's edits fitted together.")
        )
        row = self.model.row_of(keep)
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._enable()
        self.on_count(len(rows))

    def selected(self) -> dict | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.record_at(index.row())

    def _enable(self) -> None:
        chosen = self.selected()
        self.keep_current_button.setEnabled(chosen is not None)
        self.keep_other_button.setEnabled(chosen is not None)

    # -- writing ----------------------------------------------------------------

    def resolve(self, keep: str) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        kept = chosen["current"] if keep == conflicts.KEEP_CURRENT else chosen["other"]
        self.keep_current_button.setEnabled(False)
        self.keep_other_button.setEnabled(False)

        def resolved(_conflict) -> None:
            message = _("{record}: {field} is now {value}.").format(
                record=chosen["record"], field=chosen["field"], value=kept
            )
            self.message_label.setText(message)
            self.context.tell(message)
            self.refresh()

        def failed(error: BaseException) -> None:
            if isinstance(error, CeappError):
                self.message_label.setText(str(error))
            else:
                self.message_label.setText(_unexpected(error))
            self.refresh()

        self.context.ops.run_write(
            lambda store: conflicts.resolve(store, chosen["id"], keep=keep),
            on_success=resolved,
            on_failure=failed,
        )


def _unexpected(error: BaseException) -> str:
    return _("ceapp hit an unexpected problem ({kind}); nothing half-written was kept.").format(
        kind=type(error).__name__
    )
