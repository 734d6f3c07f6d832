"""The issues table model: every issue matching the filters, loaded at once.

Issues number in the hundreds, not millions, so unlike the events model it
holds them all; a reload is one query through the reader.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ceapp.i18n import N_, _
from ceapp.vocab import ISSUE_STATUSES, ISSUE_THEMES

COLUMNS = (
    ("raised_on", N_("Raised")),
    ("title", N_("Issue")),
    ("theme", N_("Theme")),
    ("status", N_("Status")),
    ("overdue", N_("Overdue")),
    ("ward", N_("Ward")),
    ("partner", N_("Partner")),
)
COLUMN_KEYS = tuple(key for key, _header in COLUMNS)

_Index = QModelIndex | QPersistentModelIndex


class IssuesModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def issue_at(self, row: int) -> dict:
        return self._rows[row]

    def row_of(self, issue_id: str | None) -> int | None:
        for row, issue in enumerate(self._rows):
            if issue["id"] == issue_id:
                return row
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return display(row, key) or None
        return None


def display(row: dict, key: str) -> str:
    value = row.get(key)
    if key == "theme":
        return ISSUE_THEMES.label(value)
    if key == "status":
        return ISSUE_STATUSES.label(value)
    if key == "overdue":
        # In words, never by colour alone.
        return _("Overdue") if value else ""
    return "" if value is None else str(value)
