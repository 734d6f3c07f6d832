"""Issues residents raise, tracked until answered ("you said, we did").

Each issue keeps a status history: every change of status is a row saying
what, when and who, written in the same transaction as the status itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.store import Store
from ceapp.vocab import ISSUE_STATUSES, ISSUE_THEMES

# Field labels, translated only if a message needs one (validation.later).
_AREA_LABEL = validation.later(N_("Area"))
_CHANGED_BY_LABEL = validation.later(N_("Changed by"))
_DATE_RAISED_LABEL = validation.later(N_("Date raised"))
_DETAIL_LABEL = validation.later(N_("Detail"))
_EVENT_LABEL = validation.later(N_("Event"))
_ISSUE_LABEL = validation.later(N_("Issue"))
_NOTE_LABEL = validation.later(N_("Note"))
_RECORDED_BY_LABEL = validation.later(N_("Recorded by"))
_REPORT_BACK_LABEL = validation.later(N_("Report back"))
_RESPONSE_LABEL = validation.later(N_("Response"))
_RESPONSIBLE_PARTNER_LABEL = validation.later(N_("Responsible partner"))
_STATUS_LABEL = validation.later(N_("Status"))
_THEME_LABEL = validation.later(N_("Theme"))

# Moving to these statuses needs the answer recorded, so it can be reported back.
STATUSES_NEEDING_RESPONSE = frozenset({"answered"})
# Still waiting for an answer: these can become overdue.
OPEN_STATUSES = ("open", "referred", "in_progress")
# Days an issue may stay open after it was raised before it is overdue: the
# service standard for answering residents, unless its theme has its own.
OVERDUE_AFTER_DAYS = 28
# Themes where residents may be at risk get an answer sooner.
OVERDUE_AFTER_DAYS_BY_THEME = {
    "community_safety": 14,
    "antisocial_behaviour": 14,
}


def overdue_after(theme: str | None) -> int:
    """Days an issue of this theme may stay open before it is overdue."""
    return OVERDUE_AFTER_DAYS_BY_THEME.get(theme or "", OVERDUE_AFTER_DAYS)


def is_overdue(issue: dict, today: date | None = None) -> bool:
    """True when the issue is still open more than its theme's days after it was raised."""
    if issue.get("status") not in OPEN_STATUSES or not issue.get("raised_on"):
        return False
    try:
        raised = date.fromisoformat(issue["raised_on"][:10])
    except ValueError:
        return False
    today = today or date.today()
    return (today - raised).days > overdue_after(issue.get("theme"))


def _overdue_clause(today: date) -> tuple[str, list]:
    """SQL (over issues `i`) true for overdue issues, with its parameters."""

    def cutoff(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    cases, params = [], []
    for theme, days in OVERDUE_AFTER_DAYS_BY_THEME.items():
        cases.append("WHEN ? THEN ?")
        params += [theme, cutoff(days)]
    placeholders = ", ".join("?" for _status in OPEN_STATUSES)
    clause = (
        f"i.status IN ({placeholders}) AND substr(i.raised_on, 1, 10) <"
        f" CASE i.theme {' '.join(cases)} ELSE ? END"
    )
    return clause, [*OPEN_STATUSES, *params, cutoff(OVERDUE_AFTER_DAYS)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _after_last_change(store: Store, issue_id: str) -> str:
    """Now, or a millisecond after the issue's last change if that is not earlier.

    Two changes within one millisecond (or after the clock was put back) must
    still list in the order they were made.
    """
    last = store.scalar(
        "SELECT max(changed_at) FROM issue_status_history WHERE issue_id = ?", (issue_id,)
    )
    return _after(last)


def _after(last: str | None) -> str:
    """Now, or a millisecond after `last` (a change's time) if that is not earlier."""
    now = _now()
    if last is None or now > last:
        return now
    try:
        later = datetime.fromisoformat(last) + timedelta(milliseconds=1)
    except ValueError:
        return now
    return later.isoformat(timespec="milliseconds")


def add_issue(
    store: Store,
    *,
    title: str,
    theme: str,
    recorded_by: str,
    event_id: str | None = None,
    area_id: str | None = None,
    partner_id: str | None = None,
    detail: str | None = None,
    report_back: bool = False,
    raised_on: str | None = None,
    at: str | None = None,
) -> str:
    """Log an issue raised by the public; it starts 'open'. Returns its id."""
    with store.transaction():
        issue, recorded_by = _clean_issue(
            store,
            validation.References(store),
            title=title,
            theme=theme,
            recorded_by=recorded_by,
            event_id=event_id,
            area_id=area_id,
            partner_id=partner_id,
            detail=detail,
            report_back=report_back,
            raised_on=raised_on,
        )
        issue_id = changes.create(store, "issues", issue)
        _record_status(store, issue_id, "open", by=recorded_by, at=at, note=None)
        return issue_id


def _clean_issue(
    store: Store,
    references: validation.References,
    *,
    title: str,
    theme: str,
    recorded_by: str,
    event_id: str | None = None,
    area_id: str | None = None,
    partner_id: str | None = None,
    detail: str | None = None,
    report_back: bool = False,
    raised_on: str | None = None,
) -> tuple[dict, str]:
    """add_issue's checks: the new issue's fields and who recorded it."""
    v = validation
    issue = {
        "title": v.text("title", title, label=_ISSUE_LABEL),
        "detail": v.text("detail", detail, label=_DETAIL_LABEL, required=False, limit=v.LONG_TEXT),
        "theme": v.choice("theme", theme, ISSUE_THEMES, label=_THEME_LABEL),
        "event_id": references.check("event_id", event_id, table="events", label=_EVENT_LABEL),
        "area_id": references.check("area_id", area_id, table="areas", label=_AREA_LABEL),
        "partner_id": references.check(
            "partner_id", partner_id, table="partners", label=_RESPONSIBLE_PARTNER_LABEL
        ),
        "report_back": v.flag("report_back", report_back, label=_REPORT_BACK_LABEL),
        "status": "open",
        "response": None,
    }
    recorded_by = v.text("recorded_by", recorded_by, label=_RECORDED_BY_LABEL)
    if issue["event_id"] and (not issue["area_id"] or raised_on is None):
        event_area, event_day = store.conn.execute(
            "SELECT area_id, substr(starts_at, 1, 10) FROM events WHERE id = ?",
            (issue["event_id"],),
        ).fetchone()
        # Raised at a forum: the forum's area is the issue's area unless told otherwise.
        issue["area_id"] = issue["area_id"] or event_area
        if raised_on is None:
            raised_on = event_day
    issue["raised_on"] = v.date_text(
        "raised_on", raised_on or _now()[:10], label=_DATE_RAISED_LABEL
    )
    return issue, recorded_by


def add_tracked_issues(store: Store, raised: list[dict]) -> list[str]:
    """Log issues together with what happened to them since (the demo); returns their ids.

    Each item is add_issue's keywords plus `updates`: a list of
    update_issue's keywords (without the issue id), applied in order. Every
    step is checked as add_issue and update_issue check it, and the records
    and change log come out as those calls would leave them; nothing is read
    back, as the issues are new.
    """
    with store.transaction():
        references = validation.References(store)
        ids = []
        history = []
        history_ids = []
        for item in raised:
            item = dict(item)
            updates = item.pop("updates", ())
            at = item.pop("at", None)
            issue, recorded_by = _clean_issue(store, references, **item)
            issue_id = changes.new_id()
            entries = [_status_entry(issue_id, "open", by=recorded_by, at=at, note=None, last=None)]
            entry_ids = [changes.new_id()]
            current = dict(issue)
            edits = []
            for update in updates:
                fields, changed_by, note, at = _clean_update(references, current, **update)
                edits.append(fields)
                # What update_issue's changes.update would find changed.
                changed = {
                    column: value
                    for column, value in fields.items()
                    if current[column] != (int(value) if isinstance(value, bool) else value)
                }
                current.update(changed)
                if "status" in changed or (note and not changed):
                    last = entries[-1]["changed_at"]
                    entries.append(
                        _status_entry(
                            issue_id, current["status"], by=changed_by, at=at, note=note, last=last
                        )
                    )
                    entry_ids.append(changes.new_id())
            changes.create_edited(store, "issues", issue, edits, row_id=issue_id)
            ids.append(issue_id)
            history += entries
            history_ids += entry_ids
        changes.create_many(store, "issue_status_history", history, ids=history_ids)
        return ids


def _record_status(store: Store, issue_id: str, status: str, *, by: str, at, note) -> None:
    changes.create(
        store,
        "issue_status_history",
        {
            "issue_id": issue_id,
            "status": status,
            "changed_at": at or _after_last_change(store, issue_id),
            "changed_by": by,
            "note": note,
        },
    )


def _status_entry(issue_id: str, status: str, *, by: str, at, note, last: str | None) -> dict:
    """A history entry for an issue whose latest entry so far was at `last`."""
    return {
        "issue_id": issue_id,
        "status": status,
        "changed_at": at or _after(last),
        "changed_by": by,
        "note": note,
    }


def check_response(status: str, response: str | None) -> None:
    """Refuse (ValidationError on "response") a status that needs a response without one.

    update_issue applies it; the window asks first, to say so beside the response.
    """
    if status in STATUSES_NEEDING_RESPONSE and not (response or "").strip():
        raise ValidationError(
            "response",
            _("Write the response before marking the issue {status}.").format(
                status=ISSUE_STATUSES.label(status)
            ),
        )


def update_issue(
    store: Store,
    issue_id: str,
    *,
    changed_by: str,
    status: str | None = None,
    response: str | None = None,
    partner_id: str | None = None,
    report_back: bool | None = None,
    theme: str | None = None,
    note: str | None = None,
    at: str | None = None,
) -> dict:
    """Change an issue's status, response, partner, theme or report-back flag.

    A change of status adds a history entry saying when and who. Returns the
    fields that changed.
    """
    # Checked before the issue is read: a bad name is reported whether or not it exists.
    changed_by = validation.text("changed_by", changed_by, label=_CHANGED_BY_LABEL)
    note = validation.text(
        "note", note, label=_NOTE_LABEL, required=False, limit=validation.LONG_TEXT
    )
    with store.transaction():
        current = changes.read(store, "issues", issue_id)
        fields, changed_by, note, at = _clean_update(
            validation.References(store),
            current,
            changed_by=changed_by,
            status=status,
            response=response,
            partner_id=partner_id,
            report_back=report_back,
            theme=theme,
            note=note,
            at=at,
        )
        changed = changes.update(store, "issues", issue_id, fields)
        if "status" in changed or (note and not changed):
            new_status = fields.get("status", current["status"])
            _record_status(store, issue_id, new_status, by=changed_by, at=at, note=note)
        return changed


def _clean_update(
    references: validation.References,
    current: dict,
    *,
    changed_by: str,
    status: str | None = None,
    response: str | None = None,
    partner_id: str | None = None,
    report_back: bool | None = None,
    theme: str | None = None,
    note: str | None = None,
    at: str | None = None,
) -> tuple[dict, str, str | None, str | None]:
    """update_issue's checks against the issue as it stands: (fields, changed_by, note, at)."""
    v = validation
    changed_by = v.text("changed_by", changed_by, label=_CHANGED_BY_LABEL)
    note = v.text("note", note, label=_NOTE_LABEL, required=False, limit=v.LONG_TEXT)
    fields = {}
    if status is not None:
        fields["status"] = v.choice("status", status, ISSUE_STATUSES, label=_STATUS_LABEL)
    if response is not None:
        fields["response"] = v.text(
            "response", response, label=_RESPONSE_LABEL, required=False, limit=v.LONG_TEXT
        )
    if partner_id is not None:
        fields["partner_id"] = references.check(
            "partner_id", partner_id, table="partners", label=_RESPONSIBLE_PARTNER_LABEL
        )
    if report_back is not None:
        fields["report_back"] = v.flag("report_back", report_back, label=_REPORT_BACK_LABEL)
    if theme is not None:
        fields["theme"] = v.choice("theme", theme, ISSUE_THEMES, label=_THEME_LABEL)
    new_status = fields.get("status", current["status"])
    check_response(new_status, fields.get("response", current["response"]))
    return fields, changed_by, note, at


def list_issues(
    store: Store,
    *,
    status: str | None = None,
    event_id: str | None = None,
    report_back: bool | None = None,
    theme: str | None = None,
    partner_id: str | None = None,
    area_id: str | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[dict]:
    """Issues, most recently raised first, with area and partner names.

    Each row says whether it is `overdue` on `today` (default: today's date);
    `overdue=True` keeps only those.
    """
    today = today or date.today()
    where, params = [], []
    if status:
        validation.choice("status", status, ISSUE_STATUSES, label=_STATUS_LABEL)
        where.append("i.status = ?")
        params.append(status)
    if theme:
        validation.choice("theme", theme, ISSUE_THEMES, label=_THEME_LABEL)
        where.append("i.theme = ?")
        params.append(theme)
    if partner_id:
        where.append("i.partner_id = ?")
        params.append(partner_id)
    if area_id:
        where.append("i.area_id = ?")
        params.append(area_id)
    if overdue:
        clause, clause_params = _overdue_clause(today)
        where.append(f"({clause})")
        params += clause_params
    if event_id:
        where.append("i.event_id = ?")
        params.append(event_id)
    if report_back is not None:
        where.append("i.report_back = ?")
        params.append(int(report_back))
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = store.query(
        "SELECT i.id, i.title, i.theme, i.status, i.report_back, i.raised_on, i.response,"
        " i.event_id, a.ward AS ward, p.name AS partner"
        " FROM issues i LEFT JOIN areas a ON a.id = i.area_id"
        " LEFT JOIN partners p ON p.id = i.partner_id"
        f" {clause} ORDER BY i.raised_on DESC, i.id",
        params,
    )
    for row in rows:
        row["overdue"] = is_overdue(row, today)
    return rows


def get_issue(store: Store, issue_id: str) -> dict:
    """One issue with its history, area and partner names, and whether it is overdue today."""
    issue = changes.read(store, "issues", issue_id)
    issue["report_back"] = bool(issue["report_back"])
    issue["ward"] = store.scalar("SELECT ward FROM areas WHERE id = ?", (issue["area_id"],))
    issue["partner"] = store.scalar(
        "SELECT name FROM partners WHERE id = ?", (issue["partner_id"],)
    )
    issue["overdue"] = is_overdue(issue)
    issue["history"] = history(store, issue_id)
    return issue


def history(store: Store, issue_id: str) -> list[dict]:
    return store.query(
        "SELECT status, changed_at, changed_by, note FROM issue_status_history"
        " WHERE issue_id = ? ORDER BY changed_at, id",
        (issue_id,),
    )
