"""ceapp.events: filtered, sorted, keyset-paged lists; delete with a snapshot and restore."""

from __future__ import annotations

import pytest
from factories import make_area, make_event, make_partner

from ceapp import attendance, events, feedback, issues, monitoring
from ceapp.errors import ValidationError
from ceapp.integrity import check
from ceapp.schema import children_of


@pytest.fixture
def world(store):
    bow = make_area(store, ward="Bow East")
    mile_end = make_area(store, ward="Mile End")
    police = make_partner(store, name="Metropolitan Police", kind="police")
    titles = {}
    with store.transaction():
        for number in range(30):
            event_id = make_event(
                store,
                title=f"Event {number:02d}",
                starts_at=f"2026-01-{1 + number % 10:02d} 10:00",
                ends_at=None,
                area_id=bow if number % 2 else mile_end,
                partner_id=police if number % 3 == 0 else None,
                method="walkabout" if number % 5 == 0 else "area_forum",
                spectrum="consultation",
            )
            titles[event_id] = f"Event {number:02d}"
    return {"store": store, "bow": bow, "police": police, "titles": titles}


def _all_pages(store, page_size, **options):
    rows, after, offset = [], None, 0
    while True:
        page = events.page_events(store, limit=page_size, after=after, offset=offset, **options)
        rows += page
        if len(page) < page_size:
            return rows
        after = (page[-1]["starts_at"], page[-1]["id"])
        offset += len(page)


@pytest.mark.parametrize(
    ("sort", "descending"),
    [
        ("starts_at", True),
        ("starts_at", False),
        ("title", False),
        ("ward", True),
        ("attendance", True),
    ],
)
def test_pages_join_up_to_the_whole_list_without_repeats(world, sort, descending):
    store = world["store"]
    whole = events.page_events(store, sort=sort, descending=descending)
    paged = _all_pages(store, 7, sort=sort, descending=descending)
    assert [row["id"] for row in paged] == [row["id"] for row in whole]
    assert len({row["id"] for row in paged}) == 30


def test_date_order_is_newest_first_and_uses_the_start_index(world):
    store = world["store"]
    rows = events.page_events(store)
    assert [row["starts_at"] for row in rows] == sorted(
        (r["starts_at"] for r in rows), reverse=True
    )
    plan = " ".join(
        str(row[-1])
        for row in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM events e"
            " WHERE (e.starts_at, e.id) < (?, ?) ORDER BY e.starts_at DESC, e.id DESC LIMIT 5",
            ("2026-01-05", "z"),
        )
    )
    assert "events_by_start" in plan


def test_filters_narrow_the_list_and_the_count_agrees(world):
    store = world["store"]
    cases = [
        ({"area_id": world["bow"]}, 15),
        ({"partner_id": world["police"]}, 10),
        ({"method": "walkabout"}, 6),
        ({"spectrum": "consultation"}, 30),
        ({"spectrum": "information_giving"}, 0),
        ({"date_from": "2026-01-03", "date_to": "2026-01-04"}, 6),
        ({"date_to": "2026-01-01"}, 3),
        ({"area_id": world["bow"], "method": "walkabout", "search": "Event"}, 3),
    ]
    for filters, expected in cases:
        assert len(events.page_events(store, **filters)) == expected, filters
        assert events.count_events(store, **filters) == expected, filters
        assert len(events.list_events(store, **filters)) == expected, filters


@pytest.mark.parametrize(
    "filters",
    [
        {"method": "séance"},
        {"spectrum": "x"},
        {"date_from": "yesterday"},
        {"date_from": "2026-02-01", "date_to": "2026-01-01"},
    ],
)
def test_bad_filters_are_refused_with_a_validation_error(world, filters):
    with pytest.raises(ValidationError):
        events.page_events(world["store"], **filters)


def _content(store, event_id):
    """The event and everything hanging off it, ids left out, in a comparable form."""
    event = events.get_event(store, event_id)
    event.pop("id")
    hanging = {}
    for spec, column, _on_delete in children_of("events"):
        columns = [c for c in spec.columns if c != column]
        rows = store.query(
            f"SELECT {', '.join(columns)} FROM {spec.name} WHERE {column} = ?", (event_id,)
        )
        hanging[spec.name] = sorted(repr(sorted(row.items())) for row in rows)
    return event, hanging


def test_a_deleted_event_comes_back_whole_under_new_ids(store):
    area = make_area(store)
    forum = make_event(store, area_id=area, venue="Christ Church Hall")
    attendance.add_count(store, event_id=forum, role="resident", count=40)
    attendance.add_count(store, event_id=forum, role="officer", count=2)
    attendance.add_count(store, event_id=forum, role="councillor", count=1)
    attendance.add_count(store, event_id=forum, role="councillor", count=-1)
    attendance.add_register_entry(
        store, event_id=forum, name="Amina Begum", consent=True, consent_recorded_by="Jo"
    )
    for band in ("25_34", "65_74", "prefer_not_to_say"):
        monitoring.add_response(store, event_id=forum, answers={"age_band": band})
    feedback.add_feedback(
        store, event_id=forum, language="bn", answers={"q1": "Good"}, received_on="2026-03-20"
    )
    issue = issues.add_issue(
        store, title="Broken lights", theme="community_safety", recorded_by="Jo", event_id=forum
    )
    before = _content(store, forum)

    with store.transaction():
        snapshot = events.delete_event_with_snapshot(store, forum)
    assert events.count_events(store) == 0
    assert issues.get_issue(store, issue)["event_id"] is None

    with store.transaction():
        restored = events.restore_event(store, snapshot)

    assert restored != forum
    assert _content(store, restored) == before
    assert issues.get_issue(store, issue)["event_id"] == restored
    assert events.get_event(store, restored)["attendance"]["councillor"] == 0
    assert check(store) == []
