"""The logical shape of each record table, as the change log sees it.

The SQL that builds the tables lives in migrations.py (append-only). This
module says, for the schema in force, which columns each synchronised table
has and how their values are encoded, so that the one write path in
changes.py and the fingerprint can treat every table alike. A test checks it
against the real tables.
"""

from __future__ import annotations

from dataclasses import dataclass

CASCADE, DETACH = "cascade", "detach"


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]
    # Columns holding lists or mappings: JSON text in the table, plain values in ops.
    json_columns: frozenset[str] = frozenset()
    # Anonymous tables get time-free stamps and are kept in id order on disk
    # (docs/architecture.md, "Anonymity"); `group_column` says which rows are
    # settled together after a write (for slips, in key order: by event, then
    # by random id within it).
    anonymous: bool = False
    group_column: str | None = None
    # Columns holding a person's details: the change log keeps their values
    # only while they are current (docs/architecture.md, "Erasure").
    personal: frozenset[str] = frozenset()
    # (column, parent table, on delete): deleting a parent either deletes
    # the row too (CASCADE, for what has no meaning alone, such as head
    # counts) or clears the column (DETACH, for what must outlive it, such as
    # an issue a resident raised at a forum later deleted).
    parents: tuple[tuple[str, str, str], ...] = ()
    # The column the table's primary key starts with, before id, if any
    # (monitoring slips are keyed by event, then id). Such a table has no
    # index on id alone, so a record is found by both (changes.locate):
    # by id alone SQLite would read the whole table.
    key_prefix: str | None = None


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("areas", ("borough", "ward")),
        TableSpec("partners", ("name", "kind")),
        TableSpec(
            "community_groups",
            (
                "name",
                "group_type",
                "communities",
                "area_id",
                "languages",
                "contact_name",
                "contact_email",
                "contact_phone",
                "contact_consent",
                "notes",
            ),
            json_columns=frozenset({"communities", "languages"}),
            personal=frozenset({"contact_name", "contact_email", "contact_phone"}),
            parents=(("area_id", "areas", DETACH),),
        ),
        TableSpec(
            "events",
            (
                "title",
                "partner_id",
                "area_id",
                "venue",
                "starts_at",
                "ends_at",
                "spectrum",
                "method",
                "audience",
                "women_only",
                "accessibility",
                "languages",
                "consultation_opens",
                "consultation_closes",
                "exemption_reason",
                "outcomes",
            ),
            json_columns=frozenset({"accessibility", "languages"}),
            parents=(("partner_id", "partners", DETACH), ("area_id", "areas", DETACH)),
        ),
        TableSpec(
            "attendance",
            ("event_id", "role", "delta"),
            parents=(("event_id", "events", CASCADE),),
        ),
        TableSpec(
            "register_entries",
            ("event_id", "name", "contact", "consent_recorded_by", "consent_recorded_at"),
            personal=frozenset({"name", "contact"}),
            parents=(("event_id", "events", CASCADE),),
        ),
        TableSpec(
            "monitoring_responses",
            (
                "event_id",
                "age_band",
                "sex",
                "gender_same_as_birth",
                "sexual_orientation",
                "ethnic_group",
                "religion",
                "long_term_condition",
                "condition_impact",
                "marital_status",
                "pregnancy_maternity",
                "carer",
                "first_language",
            ),
            anonymous=True,
            group_column="event_id",
            parents=(("event_id", "events", CASCADE),),
            key_prefix="event_id",
        ),
        TableSpec(
            "issues",
            (
                "event_id",
                "title",
                "detail",
                "theme",
                "area_id",
                "partner_id",
                "status",
                "response",
                "report_back",
                "raised_on",
            ),
            parents=(
                ("event_id", "events", DETACH),
                ("area_id", "areas", DETACH),
                ("partner_id", "partners", DETACH),
            ),
        ),
        TableSpec(
            "issue_status_history",
            ("issue_id", "status", "changed_at", "changed_by", "note"),
            parents=(("issue_id", "issues", CASCADE),),
        ),
        TableSpec(
            "feedback_responses",
            ("event_id", "language", "answers", "received_on"),
            json_columns=frozenset({"answers"}),
            parents=(("event_id", "events", CASCADE),),
        ),
        # An event's own questions on its feedback sheet, after the standard
        # ones: `texts` maps a language code to the question in that language
        # (English always there, the fallback).
        TableSpec(
            "event_questions",
            ("event_id", "position", "kind", "texts"),
            json_columns=frozenset({"texts"}),
            parents=(("event_id", "events", CASCADE),),
        ),
    )
}


# How the change log names each table: a small number, never reused. A
# column is named by its place in `columns`, so columns are only ever added
# at the end (docs/architecture.md, "Change log and clock").
TABLE_CODES: dict[str, int] = {
    "areas": 1,
    "partners": 2,
    "community_groups": 3,
    "events": 4,
    "attendance": 5,
    "register_entries": 6,
    "monitoring_responses": 7,
    "issues": 8,
    "issue_status_history": 9,
    "feedback_responses": 10,
    "event_questions": 11,
}
TABLE_NAMES: dict[int, str] = {code: name for name, code in TABLE_CODES.items()}


def spec_for(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(f"not a synchronised table: {table!r}") from None


def children_of(table: str) -> list[tuple[TableSpec, str, str]]:
    """(child spec, column, on delete) for every table that points at `table`."""
    return [
        (spec, column, on_delete)
        for spec in TABLES.values()
        for column, parent, on_delete in spec.parents
        if parent == table
    ]
