"""Conflicts described as a person knows the records: for the Sync page and the CLI.

Each conflict is named by its record (the event's title, the group's name),
its field's label and both values as the other pages show them, and which
laptop each came from.
"""

from __future__ import annotations

from ceapp import changes, monitoring
from ceapp.i18n import N_, _
from ceapp.schema import TABLES
from ceapp.store import Store
from ceapp.sync import conflicts, exchange
from ceapp.vocab import (
    ACCESSIBILITY,
    ATTENDANCE_ROLES,
    GROUP_TYPES,
    ISSUE_STATUSES,
    ISSUE_THEMES,
    METHODS,
    PARTNER_KINDS,
    SPECTRUM,
)

# How each kind of record is named in the list, from its own fields (or its parent's).
RECORD_LABELS = {
    "events": N_("Event “{title}”"),
    "community_groups": N_("Group “{name}”"),
    "partners": N_("Partner “{name}”"),
    "areas": N_("Ward “{ward}, {borough}”"),
    "issues": N_("Issue “{title}”"),
    "attendance": N_("Head count at “{event}”"),
    "register_entries": N_("Register entry at “{event}”"),
    "monitoring_responses": N_("Monitoring slip at “{event}”"),
    "issue_status_history": N_("Status change of issue “{issue}”"),
    "feedback_responses": N_("Feedback sheet at “{event}”"),
}
FIELD_LABELS = {
    "accessibility": N_("Accessibility"),
    "answers": N_("Answers"),
    "area_id": N_("Ward"),
    "audience": N_("Audience"),
    "borough": N_("Borough"),
    "changed_at": N_("Changed at"),
    "changed_by": N_("Changed by"),
    "communities": N_("Communities of interest"),
    "consent_recorded_at": N_("Consent recorded at"),
    "consent_recorded_by": N_("Consent recorded by"),
    "consultation_closes": N_("Consultation closes"),
    "consultation_opens": N_("Consultation opens"),
    "contact": N_("Contact"),
    "contact_consent": N_("Agreed to be contacted"),
    "contact_email": N_("Contact email"),
    "contact_name": N_("Contact name"),
    "contact_phone": N_("Contact phone"),
    "delta": N_("Count"),
    "detail": N_("Detail"),
    "ends_at": N_("Ends"),
    "event_id": N_("Event"),
    "exemption_reason": N_("Exemption reason"),
    "group_type": N_("Type"),
    "issue_id": N_("Issue"),
    "kind": N_("Kind"),
    "language": N_("Language"),
    "languages": N_("Languages"),
    "method": N_("Method"),
    "name": N_("Name"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "outcomes": N_("Outcomes"),
    "partner_id": N_("Partner"),
    "raised_on": N_("Raised on"),
    "received_on": N_("Received on"),
    "report_back": N_("Report back"),
    "response": N_("Response"),
    "role": N_("Role"),
    "spectrum": N_("Spectrum"),
    "starts_at": N_("Starts"),
    "status": N_("Status"),
    "theme": N_("Theme"),
    "title": N_("Title"),
    "venue": N_("Venue"),
    "ward": N_("Ward"),
    "women_only": N_("Women only"),
}
CHOICES = {
    "spectrum": SPECTRUM,
    "method": METHODS,
    "role": ATTENDANCE_ROLES,
    "kind": PARTNER_KINDS,
    "group_type": GROUP_TYPES,
    "status": ISSUE_STATUSES,
    "theme": ISSUE_THEMES,
}
YES_NO_FIELDS = frozenset({"women_only", "contact_consent", "report_back"})


def field_label(table: str, field: str) -> str:
    if table == "monitoring_responses" and field in monitoring.QUESTIONS:
        return monitoring.question_label(field)
    return _(FIELD_LABELS.get(field, field))


def record_label(store: Store, table: str, row_id: str | None) -> str:
    """How a person knows the record: 'Event “Forum”', 'Head count at “Forum”'."""
    spec = TABLES.get(table)
    found = []
    if spec and row_id:
        where, params = changes.locate(store, spec, row_id)
        found = store.query(f"SELECT * FROM {table} WHERE {where}", params)
    if not found:
        return _("(deleted)")
    row = found[0]
    values = {key: one_line(value) for key, value in row.items() if isinstance(value, str)}
    if table in ("attendance", "register_entries", "monitoring_responses", "feedback_responses"):
        values["event"] = _title(store, "events", "title", row["event_id"])
    elif table == "issue_status_history":
        values["issue"] = _title(store, "issues", "title", row["issue_id"])
    try:
        return _(RECORD_LABELS[table]).format(**values)
    except KeyError:
        return row_id[:8]


def _title(store: Store, table: str, column: str, row_id: str | None) -> str:
    value = store.scalar(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,))
    return one_line(value) if value is not None else _("(deleted)")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def value_text(store: Store, table: str, field: str, value, *, erased: bool = False) -> str:
    """A field's value as the other pages would show it."""
    if erased:
        return _("(erased)")
    if value is None or value == "" or value == [] or value == {}:
        return _("(empty)")
    if table == "monitoring_responses" and field in monitoring.QUESTIONS:
        return monitoring.QUESTIONS[field].label(value)
    if field in YES_NO_FIELDS:
        return _("Yes") if value else _("No")
    if field in CHOICES and isinstance(value, str):
        return CHOICES[field].label(value)
    if field == "accessibility" and isinstance(value, list):
        return ", ".join(ACCESSIBILITY.label(code) for code in value)
    for column, parent, _how in TABLES[table].parents:
        if column == field:
            return record_label(store, parent, value)
    if isinstance(value, list):
        return ", ".join(one_line(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            _("{question}: {answer}").format(question=one_line(key), answer=one_line(answer))
            for key, answer in value.items()
        )
    return one_line(value)


def conflict_rows(store: Store) -> list[dict]:
    """Every open conflict, described for the table (run on the worker)."""
    names: dict[str, str] = {}

    def laptop(node: str) -> str:
        if node not in names:
            names[node] = exchange.device_name_for_node(store, node)
        return names[node]

    rows = []
    for conflict in conflicts.list_conflicts(store):
        table = conflict.table
        rows.append(
            {
                "id": conflict.id,
                "conflict": conflict,
                "record": record_label(store, table, conflict.row_id),
                "field": field_label(table, conflict.field),
                "current": value_text(store, table, conflict.field, conflict.current_value),
                "current_from": laptop(conflict.current_node),
                "other": value_text(
                    store,
                    table,
                    conflict.field,
                    conflict.other_value,
                    erased=conflict.other_erased,
                ),
                "other_from": laptop(conflict.other_node),
            }
        )
    return rows
