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

from ceapp.errors import CeappError
from ceapp.i18n import N_, _, ngettext
from ceapp.sync import conflicts
from ceapp.sync.conflict_view import conflict_rows
from ui.operations import failure_text
from ui.pages.context import PageContext
from ui.record_tables import RecordListModel, labelled, record_table, selected_record

COLUMNS = (
    ("record", N_("Record")),
    ("field", N_("Field")),
    ("current", N_("Current value")),
    ("current_from", N_("Current from")),
    ("other", N_("Other value")),
    ("other_from", N_("Other from")),
)
COLUMN_KEYS = tuple(key for key, _header in COLUMNS)


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
        return selected_record(self.table)

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
                self.message_label.setText(failure_text(error))
            self.refresh()

        self.context.ops.run_write(
            lambda store: conflicts.resolve(store, chosen["id"], keep=keep),
            on_success=resolved,
            on_failure=failed,
        )
