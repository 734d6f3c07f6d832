"""The trend by quarter of one characteristic, as a table model for the Reports page.

The counts are the report's published ones: a hidden count shows its
marker ("<5", "[c]"), never a number.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ceapp.i18n import _
from ceapp.reports.equality import Breakdown, quarter_label

# A year, quarter by quarter, in the width the page has; files hold them all.
SHOWN_QUARTERS = 4


class TrendModel(QAbstractTableModel):
    """Rows: the categories; columns: the category, the latest quarters, then all of them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.breakdown: Breakdown | None = None
        self.first = 0  # the first quarter shown, as an index into trend.quarters

    def set_breakdown(self, breakdown: Breakdown | None) -> None:
        self.beginResetModel()
        self.breakdown = breakdown if breakdown is not None and breakdown.trend else None
        if self.breakdown is not None:
            self.first = max(0, len(self.breakdown.trend.quarters) - SHOWN_QUARTERS)
        self.endResetModel()

    def _quarters(self) -> list[str]:
        return self.breakdown.trend.quarters[self.first :] if self.breakdown else []

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() or self.breakdown is None:
            return 0
        return len(self.breakdown.categories) + 1

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() or self.breakdown is None:
            return 0
        return len(self._quarters()) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal or self.breakdown is None:
            return None
        quarters = self._quarters()
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return _("Category")
            if section <= len(quarters):
                return quarter_label(quarters[section - 1])
            return _("All quarters")
        if role == Qt.ItemDataRole.TextAlignmentRole and section > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def text(self, row: int, column: int) -> str:
        published = self.breakdown.trend.published
        last_row = row == len(self.breakdown.categories)
        if column == 0:
            return _("All answers") if last_row else self.breakdown.categories[row].label
        quarters = self._quarters()
        if column > len(quarters):
            value = published.total if last_row else published.row_totals[row]
        else:
            index = self.first + column - 1
            value = published.column_totals[index] if last_row else published.cells[row][index]
        return str(value)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.breakdown is None or index.row() >= self.rowCount():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignLeft if index.column() == 0 else Qt.AlignmentFlag.AlignRight
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None
