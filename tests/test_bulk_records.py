"""Bulk forms of the record functions (the demo's) check and log as the single ones do."""

from __future__ import annotations

import pytest
from factories import make_area, make_event, make_partner, row_counts

from ceapp import attendance, changes, events, feedback, issues, monitoring
from ceapp.errors import ValidationError
from ceapp.integrity import check
from ceapp.log_encoding import CREATE_FIELD, decode_id, decoded_ops, encode_create, encode_id
from ceapp.schema import TABLE_NAMES, spec_for


def _ops(store, row_id: str) -> list[tuple]:
    """A record's ops in replay order, less what differs between two records (stamps)."""
    found = decoded_ops(store, "row_id = ?", (encode_id(row_id),))
    return [(op["kind"], op["field"], op["value"], op["base"] is None) for op in found]


def test_counts_taken_away_count_those_added_earlier_in_the_batch(store):
    event_id = make_event(store)
    before = row_counts(store)
    with pytest.raises(ValidationError) as refused:
        attendance.add_counts(
            store,
            [
                {"event_id": event_id, "role": "resident", "count": 3},
                {"event_id": event_id, "role": "officer", "count": 2},
                {"event_id": event_id, "role": "resident", "count": -4},
            ],
        )
    assert refused.value.field == "count"
    assert row_counts(store) == before  # all or nothing
    attendance.add_counts(
        store,
        [
            {"event_id": event_id, "role": "resident", "count": 3},
            {"event_id": event_id, "role": "resident", "count": -3},
            {"event_id": event_id, "role": "officer", "count": 2},
        ],
    )
    assert attendance.totals(store, event_id)["officer"] == 2
    with pytest.raises(ValidationError):
        attendance.add_counts(store, [{"event_id": event_id, "role": "officer", "count": -3}])


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"role": "resident", "count": 1, "event_id": "missing"}, "event_id"),
        ({"role": "dragon", "count": 1}, "role"),
        ({"role": "resident", "count": 0}, "count"),
        ({"role": "resident", "count": 10_001}, "count"),
    ],
)
def test_a_bad_count_in_a_batch_is_refused_as_add_count_refuses_it(store, entry, field):
    event_id = make_event(store)
    entry = {"event_id": event_id, **entry}
    with pytest.raises(ValidationError) as single:
        attendance.add_count(store, **entry)
    with pytest.raises(ValidationError) as bulk:
        attendance.add_counts(store, [entry])
    assert (bulk.value.field, bulk.value.message) == (single.value.field, single.value.message)


def test_register_and_feedback_batches_are_checked_like_single_entries(store):
    event_id = make_event(store)
    with pytest.raises(ValidationError) as refused:
        attendance.add_register_entries(
            store,
            [{"event_id": event_id, "name": "A", "consent": False, "consent_recorded_by": "B"}],
        )
    assert refused.value.field == "consent"
    with pytest.raises(ValidationError) as refused:
        feedback.add_feedback_sheets(
            store,
            [
                {
                    "event_id": event_id,
                    "language": "xx-nonsense",
                    "answers": {"useful": "5"},
                    "received_on": "2026-03-15",
                }
            ],
        )
    assert refused.value.field == "language"
    assert store.scalar("SELECT count(*) FROM register_entries") == 0
    assert store.scalar("SELECT count(*) FROM feedback_responses") == 0


def test_a_tracked_issue_leaves_the_records_and_ops_add_then_update_would(store):
    area_id = make_area(store)
    partner_id = make_partner(store)
    event_id = make_event(store, area_id=area_id)
    raised = {
        "title": "Fly-tipping behind the shops",
        "theme": "environment",
        "recorded_by": "Ayesha",
        "event_id": event_id,
        "partner_id": partner_id,
        "report_back": True,
        "at": "2026-03-14T19:00:00.000+00:00",
    }
    updates = [
        {"changed_by": "Ben", "status": "referred", "note": "Passed on", "at": "2026-03-16T10:00"},
        {"changed_by": "Ben", "note": "Chased", "at": "2026-03-18T10:00"},
        {"changed_by": "Cleo", "status": "answered", "response": "Cleared", "at": "2026-03-20"},
    ]
    one = issues.add_issue(store, **raised)
    for update in updates:
        issues.update_issue(store, one, **update)
    [other] = issues.add_tracked_issues(store, [{**raised, "updates": updates}])

    def record(issue_id):
        issue = issues.get_issue(store, issue_id)
        issue.pop("id")
        return issue

    assert record(other) == record(one)  # history included
    assert _ops(store, other) == _ops(store, one)
    history = "SELECT id FROM issue_status_history WHERE issue_id = ? ORDER BY changed_at"
    for first, second in zip(
        store.query(history, (one,)), store.query(history, (other,)), strict=True
    ):
        assert [
            (kind, field, value.replace(other, one), no_base)
            for kind, field, value, no_base in _ops(store, second["id"])
        ] == _ops(store, first["id"])
    assert check(store) == []


def test_a_tracked_issue_is_refused_where_update_issue_would_refuse_it(store):
    event_id = make_event(store)
    with pytest.raises(ValidationError) as refused:
        issues.add_tracked_issues(
            store,
            [
                {
                    "title": "Broken lights",
                    "theme": "community_safety",
                    "recorded_by": "Ayesha",
                    "event_id": event_id,
                    "updates": [{"changed_by": "Ben", "status": "answered"}],
                }
            ],
        )
    assert refused.value.field == "response"
    assert store.scalar("SELECT count(*) FROM issues") == 0


def test_slips_held_in_bulk_are_written_in_id_order_and_settled_otherwise(store):
    first = make_event(store)
    second = make_event(store)
    slips = [{"age_band": "25_34"}] * 5
    with store.bulk():
        ids = monitoring.add_responses(store, event_id=first, answers=slips)
        # Held back until written: not in the table yet.
        assert monitoring.count_responses(store, first) == 0
        changes.write_held_rows(store)
        assert monitoring.count_responses(store, first) == 5
        # The table now has rows: a second batch is settled as any write is.
        more = monitoring.add_responses(store, event_id=second, answers=slips)
    stored = {row["id"] for row in store.query("SELECT id FROM monitoring_responses")}
    assert stored == set(ids + more)
    assert not store.anonymous_rows and not store.held_rows
    assert check(store) == []


def test_ids_found_in_bulk_are_forgotten_when_something_is_deleted(store):
    event_id = make_event(store)
    with pytest.raises(ValidationError), store.bulk():
        attendance.add_counts(store, [{"event_id": event_id, "role": "resident", "count": 1}])
        events.delete_event(store, event_id)
        attendance.add_counts(store, [{"event_id": event_id, "role": "resident", "count": 1}])
    assert store.known_ids is None
    assert events.count_events(store) == 1  # the whole bulk write was abandoned


def test_create_ops_hold_the_canonical_text_of_the_record(store):
    # Text only (written string by string) and mixed records alike.
    area = make_area(store, borough='Brent "North"', ward="Café \\ Zoë 🙂\ttab")
    event_id = make_event(store, title='The "Big" Lunch — ١٢', area_id=area)
    with store.bulk():
        monitoring.add_responses(store, event_id=event_id, answers=[{"age_band": "25_34"}])
        attendance.add_counts(store, [{"event_id": event_id, "role": "resident", "count": 3}])
    creates = store.conn.execute(
        "SELECT tbl, row_id, value FROM changes WHERE field = ?", (CREATE_FIELD,)
    ).fetchall()
    tables = {TABLE_NAMES[code] for code, _row_id, _value in creates}
    assert tables >= {"areas", "events", "monitoring_responses", "attendance"}
    for code, row_id, value in creates:
        spec = spec_for(TABLE_NAMES[code])
        record = changes.read(store, spec.name, decode_id(row_id))
        assert value == encode_create(spec, record)


@pytest.mark.parametrize(
    "answers",
    [
        {"age_band": "25_34", "carer": "yes"},
        {"age_band": None, "sex": "", "religion": "prefer_not_to_say"},
        {},
    ],
)
def test_slips_are_cleaned_alike_however_they_are_checked(answers):
    cleaned = monitoring.clean_answers(answers)
    assert list(cleaned) == list(monitoring.QUESTIONS)
    for name, value in cleaned.items():
        assert value == (answers.get(name) or monitoring.NOT_ANSWERED)
