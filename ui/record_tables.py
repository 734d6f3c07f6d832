"""What the pages' record lists share: the table view's set-up, a model for short
lists loaded at once (issues, groups: hundreds, not the events' millions), and
the filter bar's labelled combo boxes."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QTableView, QWidget

from ceapp.i18n import _


def record_table(model: QAbstractItemModel, name: str) -> QTableView:
    """A table of records: whole rows selected one at a time, no grid, no row numbers."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    table.setAccessibleName(name)
    return table


def selected_record(table: QTableView) -> dict | None:
    """The record in the table's current row (its model a RecordListModel), or None."""
    index = table.selectionModel().currentIndex()
    model = table.model()
    if not index.isValid() or index.row() >= model.rowCount():
        return None
    return model.record_at(index.row())


class RecordListModel(QAbstractTableModel):
    """Records held in a list; subclasses give COLUMNS ((key, untranslated header), ...)
    and `text(row, key)`, the cell as shown (also its tooltip)."""

    COLUMNS: tuple[tuple[str, str], ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []
        self.column_keys = tuple(key for key, _header in self.COLUMNS)

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def record_at(self, row: int) -> dict:
        return self._rows[row]

    def row_of(self, record_id: str | None) -> int | None:
        for row, record in enumerate(self._rows):
            if record["id"] == record_id:
                return row
        return None

    def text(self, row: dict, key: str) -> str | None:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.COLUMNS[section][1])
        return None

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self.text(self._rows[index.row()], self.column_keys[index.column()])


def filter_combo(name: str, items: list[tuple[str, str | None]]) -> QComboBox:
    """A combo whose first item, "All", means no filter; item data is the code or id."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(_("All"), None)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def set_combo_items(combo: QComboBox, items: list[tuple[str, str]]) -> None:
    """Replace a filter combo's items, keeping the choice when it is still there."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(_("All"), None)
    for text, data in items:
        combo.addItem(text, data)
    found = combo.findData(chosen)
    combo.setCurrentIndex(max(found, 0))
    combo.blockSignals(False)


def labelled(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
