"""Quick builders for the records most tests need; each goes through the real write path."""

from __future__ import annotations

from ceapp import areas, events, partners
from ceapp.schema import TABLES
from ceapp.store import Store

# A consultation long enough (exactly 12 weeks) to need no exemption.
CONSULTATION_OPENS = "2026-01-05"
CONSULTATION_CLOSES = "2026-03-30"


def make_area(store: Store, *, borough: str = "Tower Hamlets", ward: str = "Spitalfields") -> str:
    return areas.add_area(store, borough=borough, ward=ward)


def make_partner(
    store: Store, *, name: str = "Tower Hamlets Council", kind: str = "council"
) -> str:
    return partners.add_partner(store, name=name, kind=kind)


def event_fields(**overrides) -> dict:
    """A valid event, minus links to other records unless given."""
    fields = {
        "title": "Spitalfields area forum",
        "starts_at": "2026-03-14 18:30",
        "ends_at": "2026-03-14 20:30",
        "spectrum": "consultation",
        "method": "area_forum",
    }
    fields.update(overrides)
    return fields


def make_event(store: Store, **overrides) -> str:
    return events.add_event(store, **event_fields(**overrides))


def row_counts(store: Store) -> dict[str, int]:
    """Rows in every record table and in the change log, to show nothing was written."""
    counts = {name: store.scalar(f"SELECT count(*) FROM {name}") for name in TABLES}
    counts["changes"] = store.scalar("SELECT count(*) FROM changes")
    return counts
