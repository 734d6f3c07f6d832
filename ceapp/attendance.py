"""Attendance: head counts by role, and an optional named register.

Counts are stored as signed increments (+1 at the door, -1 to correct a
slip of the finger), so counts typed on several laptops add up when merged.
A named register entry can only be made with consent recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.store import Store
from ceapp.vocab import ATTENDANCE_ROLES

# Field labels, translated only if a message needs one (validation.later).
_CONSENT_LABEL = validation.later(N_("Consent"))
_CONSENT_RECORDED_BY_LABEL = validation.later(N_("Consent recorded by"))
_CONTACT_LABEL = validation.later(N_("Contact"))
_COUNT_LABEL = validation.later(N_("Count"))
_EVENT_LABEL = validation.later(N_("Event"))
_NAME_LABEL = validation.later(N_("Name"))
_ROLE_LABEL = validation.later(N_("Role"))

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


def add_counts(store: Store, entries: list[dict]) -> list[str]:
    """add_count for many entries at once (bulk entry, the demo); returns their ids.

    Each entry is add_count's keywords (event_id, role, count) and is checked
    as add_count checks it, in order, so an entry taking away people counts
    those added by the entries before it.
    """
    with store.transaction():
        references = validation.References(store)
        totals: dict[tuple[str, str], int] = {}
        records = []
        for entry in entries:
            event_id = references.check(
                "event_id", entry.get("event_id"), table="events", label=_EVENT_LABEL, required=True
            )
            role, count = _check_entry(entry.get("role"), entry.get("count", 1))
            key = (event_id, role)
            if key not in totals:
                # Every role's total for the event at once: one query, not one per role.
                found = {
                    row["role"]: row["total"]
                    for row in store.query(
                        "SELECT role, SUM(delta) AS total FROM attendance WHERE event_id = ?"
                        " GROUP BY role",
                        (event_id,),
                    )
                }
                for each in ATTENDANCE_ROLES.codes:
                    totals.setdefault((event_id, each), found.get(each, 0))
            totals[key] = _check_total(totals[key], role, count)
            records.append({"event_id": event_id, "role": role, "delta": count})
        return changes.create_many(store, "attendance", records)


def check_count(store: Store, *, event_id: str, role: str, count=1) -> tuple[str, str, int]:
    """Raise the ValidationError add_count would, without writing; returns the cleaned values.

    Reads only, so a window can refuse a tap on its read-only connection and
    say why beside the counter before anything is queued.
    """
    event_id = validation.reference(
        store, "event_id", event_id, table="events", label=_EVENT_LABEL, required=True
    )
    role, count = _check_entry(role, count)
    _check_total(role_total(store, event_id=event_id, role=role), role, count)
    return event_id, role, count


def _check_entry(role, count) -> tuple[str, int]:
    role = validation.choice("role", role, ATTENDANCE_ROLES, label=_ROLE_LABEL)
    count = validation.whole_number("count", count, label=_COUNT_LABEL)
    if count == 0:
        raise ValidationError("count", _("Count is zero; enter how many people to add."))
    if abs(count) > MAX_SINGLE_ENTRY:
        raise ValidationError(
            "count",
            _("{count} is more than {limit} people in one entry; check the number.").format(
                count=count, limit=MAX_SINGLE_ENTRY
            ),
        )
    return role, count


def _check_total(total: int, role: str, count: int) -> int:
    """The role's new total after `count`; refused if it would fall below zero."""
    if total + count < 0:
        raise ValidationError(
            "count",
            _(
                "That would leave {total} for {role}; only {current} are recorded, "
                "so you can take away at most {current}."
            ).format(total=total + count, role=ATTENDANCE_ROLES.label(role), current=total),
        )
    return total + count


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
        entry = _clean_register_entry(
            validation.References(store),
            event_id=event_id,
            name=name,
            consent=consent,
            consent_recorded_by=consent_recorded_by,
            contact=contact,
            at=at,
        )
        return changes.create(store, "register_entries", entry)


def add_register_entries(store: Store, entries: list[dict]) -> list[str]:
    """add_register_entry for many people at once (the demo); returns their ids.

    Each entry is add_register_entry's keywords, checked as it checks them.
    """
    with store.transaction():
        references = validation.References(store)
        records = [_clean_register_entry(references, **entry) for entry in entries]
        return changes.create_many(store, "register_entries", records)


def _clean_register_entry(
    references: validation.References,
    *,
    event_id: str,
    name: str,
    consent: bool,
    consent_recorded_by: str,
    contact: str | None = None,
    at: str | None = None,
) -> dict:
    event_id = references.check(
        "event_id", event_id, table="events", label=_EVENT_LABEL, required=True
    )
    if not validation.flag("consent", consent, label=_CONSENT_LABEL):
        raise ValidationError(
            "consent",
            _(
                "A name can only go on the register with the person's consent. "
                "Count them instead, or record their consent first."
            ),
        )
    return {
        "event_id": event_id,
        "name": validation.text("name", name, label=_NAME_LABEL),
        "contact": validation.text("contact", contact, label=_CONTACT_LABEL, required=False),
        "consent_recorded_by": validation.text(
            "consent_recorded_by", consent_recorded_by, label=_CONSENT_RECORDED_BY_LABEL
        ),
        "consent_recorded_at": at or datetime.now(UTC).isoformat(timespec="seconds"),
    }


def register(store: Store, event_id: str) -> list[dict]:
    return store.query(
        "SELECT id, name, contact, consent_recorded_by, consent_recorded_at"
        " FROM register_entries WHERE event_id = ? ORDER BY name COLLATE NOCASE, id",
        (event_id,),
    )
