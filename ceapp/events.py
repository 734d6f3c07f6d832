"""Engagement events: what, who led it, where, when, how, and what came of it."""

from __future__ import annotations

from datetime import date, timedelta

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.lookup import LIKE_ESCAPE, contains_pattern
from ceapp.schema import CASCADE, children_of, spec_for
from ceapp.store import Store
from ceapp.vocab import ACCESSIBILITY, METHODS, SPECTRUM

# Field labels, translated only if a message needs one (validation.later).
_ACCESSIBILITY_PROVISION_LABEL = validation.later(N_("Accessibility provision"))
_AREA_LABEL = validation.later(N_("Area"))
_AUDIENCE_LABEL = validation.later(N_("Audience"))
_CONSULTATION_CLOSES_LABEL = validation.later(N_("Consultation closes"))
_CONSULTATION_OPENS_LABEL = validation.later(N_("Consultation opens"))
_END_LABEL = validation.later(N_("End"))
_ENGAGEMENT_SPECTRUM_LABEL = validation.later(N_("Engagement spectrum"))
_EXEMPTION_REASON_LABEL = validation.later(N_("Exemption reason"))
_FROM_LABEL = validation.later(N_("From"))
_LANGUAGES_OFFERED_LABEL = validation.later(N_("Languages offered"))
_LEAD_PARTNER_LABEL = validation.later(N_("Lead partner"))
_METHOD_LABEL = validation.later(N_("Method"))
_OUTCOMES_LABEL = validation.later(N_("Outcomes"))
_START_LABEL = validation.later(N_("Start"))
_TITLE_LABEL = validation.later(N_("Title"))
_TO_LABEL = validation.later(N_("To"))
_VENUE_LABEL = validation.later(N_("Venue"))
_WOMEN_ONLY_LABEL = validation.later(N_("Women only"))

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
        "title": v.text("title", fields.get("title"), label=_TITLE_LABEL),
        "partner_id": v.reference(
            store,
            "partner_id",
            fields.get("partner_id"),
            table="partners",
            label=_LEAD_PARTNER_LABEL,
        ),
        "area_id": v.reference(
            store, "area_id", fields.get("area_id"), table="areas", label=_AREA_LABEL
        ),
        "venue": v.text("venue", fields.get("venue"), label=_VENUE_LABEL, required=False),
        "starts_at": v.datetime_text("starts_at", fields.get("starts_at"), label=_START_LABEL),
        "ends_at": v.datetime_text(
            "ends_at", fields.get("ends_at"), label=_END_LABEL, required=False
        ),
        "spectrum": v.choice(
            "spectrum", fields.get("spectrum"), SPECTRUM, label=_ENGAGEMENT_SPECTRUM_LABEL
        ),
        "method": v.choice("method", fields.get("method"), METHODS, label=_METHOD_LABEL),
        "audience": v.text(
            "audience", fields.get("audience"), label=_AUDIENCE_LABEL, required=False
        ),
        "women_only": v.flag(
            "women_only", fields.get("women_only", False), label=_WOMEN_ONLY_LABEL
        ),
        "accessibility": v.choice_list(
            "accessibility",
            fields.get("accessibility"),
            ACCESSIBILITY,
            label=_ACCESSIBILITY_PROVISION_LABEL,
        ),
        "languages": v.languages(
            "languages", fields.get("languages"), label=_LANGUAGES_OFFERED_LABEL
        ),
        "consultation_opens": v.date_text(
            "consultation_opens",
            fields.get("consultation_opens"),
            label=_CONSULTATION_OPENS_LABEL,
            required=False,
        ),
        "consultation_closes": v.date_text(
            "consultation_closes",
            fields.get("consultation_closes"),
            label=_CONSULTATION_CLOSES_LABEL,
            required=False,
        ),
        "exemption_reason": v.text(
            "exemption_reason",
            fields.get("exemption_reason"),
            label=_EXEMPTION_REASON_LABEL,
            required=False,
            limit=validation.LONG_TEXT,
        ),
        "outcomes": v.text(
            "outcomes",
            fields.get("outcomes"),
            label=_OUTCOMES_LABEL,
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
    -- NULL, not 0, when nobody was counted: "not recorded" is not "nobody came".
    (SELECT SUM(delta) FROM attendance WHERE event_id = e.id) AS attendance
"""
_EVENT_JOINS = """
    FROM events e
    LEFT JOIN areas a ON a.id = e.area_id
    LEFT JOIN partners p ON p.id = e.partner_id
"""

# What a list can be sorted by, as (SQL expression, put empty values last).
# Only the date has an index (events_by_start on (starts_at, id)); the rest
# sort the filtered rows whole, page by page.
SORT_KEYS = {
    "starts_at": ("e.starts_at", False),
    "title": ("e.title COLLATE NOCASE", False),
    "ward": ("a.ward COLLATE NOCASE", True),
    "partner": ("p.name COLLATE NOCASE", True),
    "attendance": ("attendance", False),
}
DEFAULT_SORT = "starts_at"


def _filter_clause(
    search: str | None = None,
    *,
    area_id: str | None = None,
    partner_id: str | None = None,
    spectrum: str | None = None,
    method: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> tuple[list[str], list]:
    """SQL conditions and their parameters for the list filters; all of them must hold.

    The dates are calendar days, both included; a bad value raises ValidationError.
    """
    conditions: list[str] = []
    params: list = []
    if search:
        like = f"LIKE ? {LIKE_ESCAPE}"
        conditions.append(f"(e.title {like} OR e.venue {like} OR a.ward {like} OR p.name {like})")
        params += [contains_pattern(search)] * 4
    if area_id:
        conditions.append("e.area_id = ?")
        params.append(area_id)
    if partner_id:
        conditions.append("e.partner_id = ?")
        params.append(partner_id)
    if spectrum:
        conditions.append("e.spectrum = ?")
        params.append(
            validation.choice("spectrum", spectrum, SPECTRUM, label=_ENGAGEMENT_SPECTRUM_LABEL)
        )
    if method:
        conditions.append("e.method = ?")
        params.append(validation.choice("method", method, METHODS, label=_METHOD_LABEL))
    first = validation.date_text("from", date_from, label=_FROM_LABEL, required=False)
    last = validation.date_text("to", date_to, label=_TO_LABEL, required=False)
    if first and last and last < first:
        raise ValidationError("to", _("The date range ends before it starts; check the dates."))
    if first:
        conditions.append("e.starts_at >= ?")
        params.append(first)
    if last:
        # Starts are 'YYYY-MM-DDTHH:MM': everything on the last day sorts below its next day.
        conditions.append("e.starts_at < ?")
        params.append((date.fromisoformat(last) + timedelta(days=1)).isoformat())
    return conditions, params


def _where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def page_events(
    store: Store,
    *,
    search: str | None = None,
    sort: str = DEFAULT_SORT,
    descending: bool = True,
    after: tuple[str, str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    **filters,
) -> list[dict]:
    """One page of events with area, partner and attendance total, in the order asked.

    By date (the default, newest first) the next page starts `after` the
    (starts_at, id) of the last row shown: keyset paging along the
    events_by_start index, so page 500 costs what page 1 does. By any other
    column there is no index to walk, so SQLite sorts the filtered rows for
    every page whatever the paging; `offset` then says where the page starts,
    which costs little beside that sort and, unlike a keyset, needs no care
    for empty wards or partners and the computed attendance. Ties are broken
    by id so pages neither repeat nor skip rows.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort events by {sort!r}")
    conditions, params = _filter_clause(search, **filters)
    direction = "DESC" if descending else "ASC"
    if sort == "starts_at":
        if after is not None:
            conditions.append(f"(e.starts_at, e.id) {'<' if descending else '>'} (?, ?)")
            params += [after[0], after[1]]
        order = f"e.starts_at {direction}, e.id {direction}"
    else:
        expression, empty_last = SORT_KEYS[sort]
        order = f"{expression} {direction}, e.id {direction}"
        if empty_last:
            order = f"{expression.split()[0]} IS NULL, {order}"
    sql = f"SELECT {_EVENT_COLUMNS} {_EVENT_JOINS}{_where(conditions)} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
        if sort != "starts_at" and offset:
            sql += " OFFSET ?"
            params.append(int(offset))
    return store.query(sql, params)


def list_events(
    store: Store,
    *,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    **filters,
) -> list[dict]:
    """Events, newest first, with area, partner and attendance total."""
    if not offset:
        return page_events(store, search=search, limit=limit, **filters)
    conditions, params = _filter_clause(search, **filters)
    sql = (
        f"SELECT {_EVENT_COLUMNS} {_EVENT_JOINS}{_where(conditions)}"
        " ORDER BY e.starts_at DESC, e.id DESC LIMIT ? OFFSET ?"
    )
    return store.query(sql, [*params, -1 if limit is None else int(limit), int(offset)])


def count_events(store: Store, *, search: str | None = None, **filters) -> int:
    """How many events list_events would give with the same search and filters."""
    conditions, params = _filter_clause(search, **filters)
    return store.scalar(f"SELECT count(*) {_EVENT_JOINS}{_where(conditions)}", params)


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


def event_detail(store: Store, event_id: str) -> dict:
    """get_event plus the counts a delete would take with it (register, feedback)."""
    event = get_event(store, event_id)
    event["register_entries"] = store.scalar(
        "SELECT count(*) FROM register_entries WHERE event_id = ?", (event_id,)
    )
    event["feedback"] = store.scalar(
        "SELECT count(*) FROM feedback_responses WHERE event_id = ?", (event_id,)
    )
    event["attendance_entries"] = store.scalar(
        "SELECT count(*) FROM attendance WHERE event_id = ?", (event_id,)
    )
    return event


def delete_event_with_snapshot(store: Store, event_id: str) -> dict:
    """Delete an event as delete_event does; return what restore_event needs to bring it back.

    The snapshot holds the event's fields, the rows deleted with it
    (attendance, register, monitoring responses, feedback: every table whose
    link to events is CASCADE), and the ids of the rows only detached from it
    (issues). It lives in memory only: it holds register names, which the
    change log erases once the event is deleted (docs/architecture.md, "Erasure").
    """
    with store.transaction():
        event = changes.read(store, "events", event_id)
        event.pop("id")
        deleted: list[tuple[str, str, list[dict]]] = []
        detached: list[tuple[str, str, list[str]]] = []
        for spec, column, on_delete in children_of("events"):
            rows = store.query(
                f"SELECT * FROM {spec.name} WHERE {column} = ? ORDER BY id", (event_id,)
            )
            if on_delete == CASCADE:
                kept = []
                for row in rows:
                    decoded = {c: changes.from_column(spec, c, row[c]) for c in spec.columns}
                    decoded.pop(column)
                    decoded["id"] = row["id"]  # for what points at it (own questions)
                    kept.append(decoded)
                deleted.append((spec.name, column, kept))
            else:
                detached.append((spec.name, column, [row["id"] for row in rows]))
        changes.delete(store, "events", event_id)
    return {"event_id": event_id, "event": event, "deleted": deleted, "detached": detached}


def restore_event(store: Store, snapshot: dict) -> str:
    """Bring back an event deleted by delete_event_with_snapshot; returns its new id.

    Everything comes back under NEW ids: the event, its attendance, register
    entries, monitoring responses (anonymous rows, whose ids are random
    anyway) and feedback. The old ids cannot be reused: the delete left a
    tombstone in the change log, and replaying a row treats any delete as
    final (changes.replay), so a row re-created under its old id would be
    invisible to replay, `ceapp check` and sync. Issues detached by the
    delete are pointed at the new id, unless one has been deleted or linked
    elsewhere since. A lead partner or area deleted meanwhile is left empty.
    """
    with store.transaction():
        event = dict(snapshot["event"])
        for column, table in (("partner_id", "partners"), ("area_id", "areas")):
            if event[column] and not store.scalar(
                f"SELECT count(*) FROM {table} WHERE id = ?", (event[column],)
            ):
                event[column] = None
        new_id = changes.create(store, "events", event)
        # Here, not at the top: it brings in the sheets' fonts, which listing events never needs.
        from ceapp import event_questions

        # The event's own questions first: returned sheets' answers name them by id.
        renamed: dict[str, str] = {}
        for table, column, rows in sorted(
            snapshot["deleted"], key=lambda part: part[0] != "event_questions"
        ):
            for row in rows:
                fields = {key: value for key, value in row.items() if key != "id"}
                if table == "feedback_responses":
                    fields["answers"] = event_questions.renamed_answers(fields["answers"], renamed)
                made = changes.create(store, table, {**fields, column: new_id})
                if table == "event_questions":
                    renamed[row["id"]] = made
        for table, column, ids in snapshot["detached"]:
            for row_id in ids:
                found = store.query(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,))
                if found and found[0][column] is None:
                    changes.update(store, table, row_id, {column: new_id})
    return new_id
