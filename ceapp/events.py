"""Engagement events: what, who led it, where, when, how, and what came of it."""

from __future__ import annotations

from datetime import date

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _, ngettext
from ceapp.lookup import LIKE_ESCAPE, contains_pattern
from ceapp.schema import spec_for
from ceapp.store import Store
from ceapp.vocab import ACCESSIBILITY, METHODS, SPECTRUM

# Council engagement frameworks: consultations run at least 12 weeks unless an
# exemption is recorded.
MINIMUM_CONSULTATION_DAYS = 12 * 7

# The event's fields are the columns schema.py lists for the table; every
# optional one may be left out (clean_event gives it its empty value).
EVENT_FIELDS = spec_for("events").columns


def clean_event(store: Store, fields: dict) -> dict:
    """Check a whole event; return it normalised or raise ValidationError."""
    v = validation
    event = {
        "title": v.text("title", fields.get("title"), label=_("Title")),
        "partner_id": v.reference(
            store, "partner_id", fields.get("partner_id"), table="partners", label=_("Lead partner")
        ),
        "area_id": v.reference(
            store, "area_id", fields.get("area_id"), table="areas", label=_("Area")
        ),
        "venue": v.text("venue", fields.get("venue"), label=_("Venue"), required=False),
        "starts_at": v.datetime_text("starts_at", fields.get("starts_at"), label=_("Start")),
        "ends_at": v.datetime_text(
            "ends_at", fields.get("ends_at"), label=_("End"), required=False
        ),
        "spectrum": v.choice(
            "spectrum", fields.get("spectrum"), SPECTRUM, label=_("Engagement spectrum")
        ),
        "method": v.choice("method", fields.get("method"), METHODS, label=_("Method")),
        "audience": v.text("audience", fields.get("audience"), label=_("Audience"), required=False),
        "women_only": v.flag("women_only", fields.get("women_only", False), label=_("Women only")),
        "accessibility": v.choice_list(
            "accessibility",
            fields.get("accessibility"),
            ACCESSIBILITY,
            label=_("Accessibility provision"),
        ),
        "languages": v.languages(
            "languages", fields.get("languages"), label=_("Languages offered")
        ),
        "consultation_opens": v.date_text(
            "consultation_opens",
            fields.get("consultation_opens"),
            label=_("Consultation opens"),
            required=False,
        ),
        "consultation_closes": v.date_text(
            "consultation_closes",
            fields.get("consultation_closes"),
            label=_("Consultation closes"),
            required=False,
        ),
        "exemption_reason": v.text(
            "exemption_reason",
            fields.get("exemption_reason"),
            label=_("Exemption reason"),
            required=False,
            limit=validation.LONG_TEXT,
        ),
        "outcomes": v.text(
            "outcomes",
            fields.get("outcomes"),
            label=_("Outcomes"),
            required=False,
            limit=validation.LONG_TEXT,
        ),
    }
    if event["ends_at"] and event["ends_at"] < event["starts_at"]:
        raise ValidationError("ends_at", _("The event ends before it starts; check the end time."))
    _check_consultation_window(event)
    return event


def _check_consultation_window(event: dict) -> None:
    opens, closes = event["consultation_opens"], event["consultation_closes"]
    if bool(opens) != bool(closes):
        missing = "consultation_closes" if opens else "consultation_opens"
        raise ValidationError(
            missing,
            _("A consultation window needs both an opening and a closing date."),
        )
    if not opens:
        return
    days = (date.fromisoformat(closes) - date.fromisoformat(opens)).days
    if days < 0:
        raise ValidationError(
            "consultation_closes", _("The consultation closes before it opens; check the dates.")
        )
    if days < MINIMUM_CONSULTATION_DAYS and not event["exemption_reason"]:
        raise ValidationError(
            "exemption_reason",
            ngettext(
                "The consultation runs {days} day; the minimum is 12 weeks. Lengthen it, "
                "or record why this one is exempt.",
                "The consultation runs {days} days; the minimum is 12 weeks. Lengthen it, "
                "or record why this one is exempt.",
                days,
            ).format(days=days),
        )


def _refuse_unknown_fields(fields: dict) -> None:
    unknown = sorted(set(fields) - set(EVENT_FIELDS))
    if unknown:
        raise ValidationError(
            unknown[0], _("Events have no field called {name}.").format(name=unknown[0])
        )


def add_event(store: Store, **fields) -> str:
    """Record an event; returns its id."""
    _refuse_unknown_fields(fields)
    with store.transaction():
        return changes.create(store, "events", clean_event(store, fields))


def edit_event(store: Store, event_id: str, **fields) -> dict:
    """Change some fields of an event; returns the fields that changed."""
    with store.transaction():
        _refuse_unknown_fields(fields)
        current = changes.read(store, "events", event_id)
        current.pop("id")
        event = clean_event(store, {**current, **fields})
        return changes.update(store, "events", event_id, event)


def delete_event(store: Store, event_id: str) -> int:
    """Delete an event with its attendance, responses and linked issues.

    Returns the number of records deleted.
    """
    with store.transaction():
        return changes.delete(store, "events", event_id)


_EVENT_COLUMNS = """
    e.id, e.title, e.starts_at, e.ends_at, e.venue, e.spectrum, e.method,
    e.women_only, e.area_id, e.partner_id,
    a.ward AS ward, a.borough AS borough, p.name AS partner,
    (SELECT COALESCE(SUM(delta), 0) FROM attendance WHERE event_id = e.id) AS attendance
"""
_EVENT_JOINS = """
    FROM events e
    LEFT JOIN areas a ON a.id = e.area_id
    LEFT JOIN partners p ON p.id = e.partner_id
"""


def _search_clause(search: str | None) -> tuple[str, list]:
    if not search:
        return "", []
    like = f"LIKE ? {LIKE_ESCAPE}"
    return (
        f" WHERE (e.title {like} OR e.venue {like} OR a.ward {like} OR p.name {like})",
        [contains_pattern(search)] * 4,
    )


def list_events(
    store: Store, *, search: str | None = None, limit: int | None = None, offset: int = 0
) -> list[dict]:
    """Events, newest first, with area, partner and attendance total."""
    where, params = _search_clause(search)
    sql = f"SELECT {_EVENT_COLUMNS} {_EVENT_JOINS} {where} ORDER BY e.starts_at DESC, e.id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return store.query(sql, params)


def count_events(store: Store, *, search: str | None = None) -> int:
    where, params = _search_clause(search)
    return store.scalar(f"SELECT count(*) {_EVENT_JOINS} {where}", params)


def get_event(store: Store, event_id: str) -> dict:
    """One event with every field, plus attendance by role and counts of what hangs off it."""
    event = changes.read(store, "events", event_id)
    event["women_only"] = bool(event["women_only"])
    event["attendance"] = {
        row["role"]: row["total"]
        for row in store.query(
            "SELECT role, SUM(delta) AS total FROM attendance WHERE event_id = ?"
            " GROUP BY role ORDER BY role",
            (event_id,),
        )
    }
    event["monitoring_responses"] = store.scalar(
        "SELECT count(*) FROM monitoring_responses WHERE event_id = ?", (event_id,)
    )
    event["issues"] = store.scalar("SELECT count(*) FROM issues WHERE event_id = ?", (event_id,))
    return event
