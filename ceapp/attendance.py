"""Attendance: head counts by role, and an optional named register.

Counts are stored as signed increments (+1 at the door, -1 to correct a
slip of the finger), so counts typed on several laptops add up when merged.
A named register entry can only be made with consent recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.vocab import ATTENDANCE_ROLES

# A single entry this large is far more likely a typing slip than a crowd.
MAX_SINGLE_ENTRY = 10_000


def add_count(store: Store, *, event_id: str, role: str, count=1) -> str:
    """Add (or, with a negative count, take away) people of a role at an event."""
    # Checks run inside the transaction so a delete by another program in
    # between cannot slip past them.
    with store.transaction():
        event_id, role, count = check_count(store, event_id=event_id, role=role, count=count)
        return changes.create(
            store, "attendance", {"event_id": event_id, "role": role, "delta": count}
        )


def check_count(store: Store, *, event_id: str, role: str, count=1) -> tuple[str, str, int]:
    """Raise the ValidationError add_count would, without writing; returns the cleaned values.

    Reads only, so a window can refuse a tap on its read-only connection and
    say why beside the counter before anything is queued.
    """
    event_id = validation.reference(
        store, "event_id", event_id, table="events", label=_("Event"), required=True
    )
    role = validation.choice("role", role, ATTENDANCE_ROLES, label=_("Role"))
    count = validation.whole_number("count", count, label=_("Count"))
    if count == 0:
        raise ValidationError("count", _("Count is zero; enter how many people to add."))
    if abs(count) > MAX_SINGLE_ENTRY:
        raise ValidationError(
            "count",
            _("{count} is more than {limit} people in one entry; check the number.").format(
                count=count, limit=MAX_SINGLE_ENTRY
            ),
        )
    total = role_total(store, event_id=event_id, role=role)
    if total + count < 0:
        raise ValidationError(
            "count",
            _(
                "That would leave {total} for {role}; only {current} are recorded, "
                "so you can take away at most {current}."
            ).format(total=total + count, role=ATTENDANCE_ROLES.label(role), current=total),
        )
    return event_id, role, count


def role_total(store: Store, *, event_id: str, role: str) -> int:
    return store.scalar(
        "SELECT COALESCE(SUM(delta), 0) FROM attendance WHERE event_id = ? AND role = ?",
        (event_id, role),
    )


def totals(store: Store, event_id: str) -> dict[str, int]:
    """Head count per role (every role present, zero where none came)."""
    found = {
        row["role"]: row["total"]
        for row in store.query(
            "SELECT role, SUM(delta) AS total FROM attendance WHERE event_id = ? GROUP BY role",
            (event_id,),
        )
    }
    return {role: found.get(role, 0) for role in ATTENDANCE_ROLES.codes}


def add_register_entry(
    store: Store,
    *,
    event_id: str,
    name: str,
    consent: bool,
    consent_recorded_by: str,
    contact: str | None = None,
    at: str | None = None,
) -> str:
    """Put a named person on an event's register; refused without their consent."""
    with store.transaction():
        event_id = validation.reference(
            store, "event_id", event_id, table="events", label=_("Event"), required=True
        )
        if not validation.flag("consent", consent, label=_("Consent")):
            raise ValidationError(
                "consent",
                _(
                    "A name can only go on the register with the person's consent. "
                    "Count them instead, or record their consent first."
                ),
            )
        entry = {
            "event_id": event_id,
            "name": validation.text("name", name, label=_("Name")),
            "contact": validation.text("contact", contact, label=_("Contact"), required=False),
            "consent_recorded_by": validation.text(
                "consent_recorded_by", consent_recorded_by, label=_("Consent recorded by")
            ),
            "consent_recorded_at": at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return changes.create(store, "register_entries", entry)


def register(store: Store, event_id: str) -> list[dict]:
    return store.query(
        "SELECT id, name, contact, consent_recorded_by, consent_recorded_at"
        " FROM register_entries WHERE event_id = ? ORDER BY name COLLATE NOCASE, id",
        (event_id,),
    )
