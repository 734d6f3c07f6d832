"""The issues table model: every issue matching the filters, loaded at once.

Issues number in the hundreds, not millions, so unlike the events model it
holds them all; a reload is one query through the reader.
"""

from __future__ import annotations

from ceapp.i18n import N_, _
from ceapp.vocab import ISSUE_STATUSES, ISSUE_THEMES
from ui.record_tables import RecordListModel

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


class IssuesModel(RecordListModel):
    COLUMNS = COLUMNS

    def text(self, row: dict, key: str) -> str | None:
        return display(row, key) or None


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
