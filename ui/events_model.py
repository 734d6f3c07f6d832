"""The events table model: rows come from ceapp.events a page at a time.

Like Anki's browser table, it never loads the whole table: Qt asks for more
(canFetchMore/fetchMore) as the view scrolls towards the end. In date order
each page starts after the (starts_at, id) of the last row loaded (keyset
paging on the events_by_start index); sorted by another column it starts at
an offset (ceapp.events.page_events says why).
"""

from __future__ import annotations

from datetime import datetime

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ceapp import events
from ceapp.i18n import N_, _, current_language
from ceapp.store import Store
from ceapp.vocab import METHODS, SPECTRUM

PAGE_SIZE = 200
DEFAULT_LOCALE = "en_GB"

# (row key, untranslated header); headers are translated when shown.
COLUMNS = (
    ("starts_at", N_("Date")),
    ("title", N_("Title")),
    ("method", N_("Method")),
    ("spectrum", N_("Spectrum")),
    ("ward", N_("Ward")),
    ("partner", N_("Partner")),
    ("attendance", N_("Attendance")),
    ("women_only", N_("Women only")),
)
COLUMN_KEYS = tuple(key for key, _header in COLUMNS)
# Every table a row's columns come from: a change to any of them may change what is shown.
# What a figure nobody recorded shows as (not 0, which would say nobody came).
NOT_RECORDED = "—"
SHOWN_TABLES = frozenset({"events", "areas", "partners", "attendance"})

_Index = QModelIndex | QPersistentModelIndex


def display_locale() -> Locale:
    """The Babel locale for dates: the UI language, or British English for English."""
    language = current_language()
    if language.split("_")[0] == "en":
        return Locale.parse(DEFAULT_LOCALE)
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def format_when(stamp: str | None, locale: Locale | None = None) -> str:
    """'2026-01-10T18:30' as e.g. '10 Jan 2026, 18:30' (medium date, short time)."""
    if not stamp:
        return ""
    locale = locale or display_locale()
    when = datetime.fromisoformat(stamp)
    # Babel's own medium datetime shows seconds, which ceapp never records;
    # join a medium date and a short time with the locale's own pattern instead.
    pattern = get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", format_date(when, "medium", locale=locale)).replace(
        "{0}", format_time(when, "short", locale=locale)
    )


# The columns a click on the header can sort by (ceapp.events.SORT_KEYS); the
# others hold codes whose order would mean nothing to a reader.
SORTABLE = frozenset(events.SORT_KEYS)
# Filters the model passes to ceapp.events.page_events, all optional.
FILTER_KEYS = ("area_id", "partner_id", "spectrum", "method", "date_from", "date_to")


class EventsModel(QAbstractTableModel):
    """Events, newest first unless sorted otherwise, optionally searched and filtered."""

    def __init__(self, store: Store, *, page_size: int = PAGE_SIZE, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._page_size = page_size
        self._search: str | None = None
        self._filters: dict[str, str] = {}
        self._sort = events.DEFAULT_SORT
        self._descending = True
        self._rows: list[dict] = []
        self._exhausted = False
        self._locale = display_locale()
        self.refresh()

    # -- what the window asks -----------------------------------------------

    @property
    def search(self) -> str | None:
        return self._search

    @property
    def filters(self) -> dict[str, str]:
        """The filters in force, without the empty ones."""
        return dict(self._filters)

    @property
    def sort_key(self) -> tuple[str, bool]:
        """(column key, descending)."""
        return self._sort, self._descending

    @property
    def page_size(self) -> int:
        return self._page_size

    @page_size.setter
    def page_size(self, size: int) -> None:
        self._page_size = max(1, int(size))
        self.refresh()

    @property
    def locale(self) -> Locale:
        """The Babel locale numbers and dates are shown in."""
        return self._locale

    def set_search(self, text: str) -> None:
        """Show only events whose title, venue, ward or partner contains `text`."""
        self._search = text.strip() or None
        self.refresh()

    def set_filters(self, **filters: str | None) -> None:
        """Show only events matching every filter given a value (FILTER_KEYS)."""
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise ValueError(f"no such filter: {sorted(unknown)}")
        self._filters = {key: value for key, value in filters.items() if value}
        self.refresh()

    def set_sort(self, key: str, *, descending: bool) -> None:
        if key not in SORTABLE:
            raise ValueError(f"cannot sort by {key!r}")
        self._sort, self._descending = key, descending
        self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMN_KEYS[column]
        if key in SORTABLE:
            self.set_sort(key, descending=order == Qt.SortOrder.DescendingOrder)

    def refresh(self) -> None:
        """Drop loaded rows and load the first page again (after a change or a new search)."""
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._locale = display_locale()
        self.endResetModel()
        # Load the first page now rather than when a view asks, so the window
        # can tell an empty result from one not yet loaded.
        self.fetchMore(QModelIndex())

    def event_at(self, row: int) -> dict:
        """The page_events record shown at `row`."""
        return self._rows[row]

    def row_of(self, event_id: str) -> int | None:
        """The row showing `event_id`, if it is loaded."""
        for row, record in enumerate(self._rows):
            if record["id"] == event_id:
                return row
        return None

    def count(self, store: Store) -> int:
        """How many events the search and filters give (for the worker: it may take long)."""
        return events.count_events(store, search=self._search, **self._filters)

    # -- Qt model interface ---------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or self._exhausted:
            return
        last = self._rows[-1] if self._rows else None
        page = events.page_events(
            self._store,
            search=self._search,
            sort=self._sort,
            descending=self._descending,
            after=(last["starts_at"], last["id"]) if last else None,
            offset=len(self._rows),
            limit=self._page_size,
            **self._filters,
        )
        # A short page is the last one; no count query needed to know it.
        self._exhausted = len(page) < self._page_size
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(COLUMN_KEYS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(key)
        return None

    # -- presentation ---------------------------------------------------------

    def _display(self, row: dict, key: str) -> str:
        value = row.get(key)
        if key == "starts_at":
            return format_when(value, self._locale)
        if key == "method":
            return METHODS.label(value)
        if key == "spectrum":
            return SPECTRUM.label(value)
        if key == "women_only":
            return _("Yes") if value else ""
        if key == "attendance":
            if value is None:
                return NOT_RECORDED
            return format_decimal(value, locale=self._locale)
        return "" if value is None else str(value)

    def _tooltip(self, row: dict, key: str) -> str | None:
        if key == "attendance" and row.get("attendance") is None:
            return _("Attendance not recorded: nobody was counted in.")
        if key == "title" and row.get("venue"):
            return _("{title}\nVenue: {venue}").format(title=row["title"], venue=row["venue"])
        if key == "ward" and row.get("borough"):
            return _("{ward}, {borough}").format(ward=row["ward"], borough=row["borough"])
        text = self._display(row, key)
        return text or None

    @staticmethod
    def _alignment(key: str) -> Qt.AlignmentFlag:
        if key == "attendance":
            return Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
        if key == "women_only":
            # Centred, so a "Yes" does not run into the attendance figure beside it.
            return Qt.AlignmentFlag.AlignCenter
        return Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
