"""The change log: every write is logged with its stamp, failed writes leave nothing.

Also the properties sync will lean on: replay reproduces every row, deletes
cascade or detach with tombstones, monitoring stays anonymous, attendance is
a pile of increments, the fingerprint is about content only, and the hybrid
clock never goes back.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from itertools import pairwise

import pytest
from factories import event_fields, make_area, make_event, make_partner, row_counts

from ceapp import (
    attendance,
    changes,
    events,
    feedback,
    groups,
    integrity,
    issues,
    monitoring,
)
from ceapp.clock import (
    MAX_COUNTER,
    MAX_DRIFT_MS,
    HybridClock,
    format_stamp,
    parse_stamp,
)
from ceapp.errors import ValidationError
from ceapp.fingerprint import fingerprint
from ceapp.log_encoding import decode_id, decoded_ops, stamp_parts
from ceapp.schema import TABLE_CODES, TABLES, spec_for
from ceapp.store import open_store

DAY_MS = 24 * 60 * 60 * 1000
# 2027-01-15T08:00:00Z, a fixed "now" for tests that pin the wall clock.
NOW_MS = 1_800_000_000_000


def _log_rows(store) -> dict[tuple, dict]:
    return {op["key"]: op for op in decoded_ops(store)}


def _ops_of(write, store) -> list[dict]:
    """Run `write` and return the log rows it added."""
    before = set(_log_rows(store))
    write()
    return [row for op, row in _log_rows(store).items() if op not in before]


def _stored_value(store, table: str, row_id: str, field: str):
    spec = spec_for(table)
    value = store.scalar(f"SELECT {field} FROM {table} WHERE id = ?", (row_id,))
    return changes.from_column(spec, field, value)


def _assert_well_formed(store, op: dict) -> None:
    millis, _counter = stamp_parts(op["stamp"])
    assert op["node"] == store.node
    if spec_for(op["tbl"]).anonymous:
        assert op["stamp"] == 0
    else:
        assert millis > 0
    # An edit names the op it replaced, so a merge can tell concurrent edits apart.
    if op["kind"] == "set":
        assert op["base"]


def _assert_matches_table(store, op: dict) -> None:
    """A create carries the whole row, a set the field's new value, a delete nothing."""
    table, row_id = op["tbl"], op["row_id"]
    if op["kind"] == "create":
        assert op["field"] is None
        logged = json.loads(op["value"])
        assert set(logged) == set(spec_for(table).columns)
        if store.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)):
            for field, value in logged.items():
                assert _stored_value(store, table, row_id, field) == value, field
    elif op["kind"] == "set":
        assert op["field"] in spec_for(table).columns
        if store.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)):
            assert _stored_value(store, table, row_id, op["field"]) == json.loads(op["value"])
    else:
        assert op["kind"] == "delete"
        assert op["field"] is None and op["value"] is None
        assert store.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)) is None


@pytest.fixture
def world(store):
    """One of each record that others hang off, made through the domain functions."""
    area = make_area(store)
    partner = make_partner(store)
    event = make_event(store, area_id=area, partner_id=partner)
    issue = issues.add_issue(store, title="Broken lights", theme="environment", recorded_by="Sam")
    group = groups.add_group(store, name="Brick Lane Tenants", group_type="residents_association")
    response = monitoring.add_response(store, event_id=event, answers={"age_band": "25_34"})
    return {
        "area": area,
        "partner": partner,
        "event": event,
        "issue": issue,
        "group": group,
        "response": response,
    }


# Each domain write, what it should log, and how to run it against `world`.
DOMAIN_WRITES = {
    "add_area": (
        {("areas", "create")},
        lambda s, w: make_area(s, ward="Weavers"),
    ),
    "add_partner": (
        {("partners", "create")},
        lambda s, w: make_partner(s, name="Met Police", kind="police"),
    ),
    "add_group": (
        {("community_groups", "create")},
        lambda s, w: groups.add_group(
            s,
            name="Somali Women's Network",
            group_type="women",
            languages=["so", "en"],
            contact_name="Amina",
            contact_email="amina@example.org",
            contact_consent=True,
        ),
    ),
    "edit_group": (
        {("community_groups", "set")},
        lambda s, w: groups.edit_group(s, w["group"], notes="Meets on Tuesdays"),
    ),
    "add_event": (
        {("events", "create")},
        lambda s, w: make_event(s, title="Youth drop-in", languages="bn, en"),
    ),
    "edit_event": (
        {("events", "set")},
        lambda s, w: events.edit_event(s, w["event"], title="Renamed forum", women_only=True),
    ),
    "add_count": (
        {("attendance", "create")},
        lambda s, w: attendance.add_count(s, event_id=w["event"], role="resident", count=4),
    ),
    "add_register_entry": (
        {("register_entries", "create")},
        lambda s, w: attendance.add_register_entry(
            s, event_id=w["event"], name="Rosa Parks", consent=True, consent_recorded_by="Sam"
        ),
    ),
    "add_response": (
        {("monitoring_responses", "create")},
        lambda s, w: monitoring.add_response(
            s, event_id=w["event"], answers={"sex": "female", "religion": "prefer_not_to_say"}
        ),
    ),
    "add_responses": (
        {("monitoring_responses", "create")},
        lambda s, w: monitoring.add_responses(
            s, event_id=w["event"], answers=[{"sex": "female"}, {"religion": "muslim"}, {}]
        ),
    ),
    "delete_response": (
        {("monitoring_responses", "delete")},
        lambda s, w: monitoring.delete_response(s, w["response"]),
    ),
    "add_issue": (
        {("issues", "create"), ("issue_status_history", "create")},
        lambda s, w: issues.add_issue(
            s, title="Fly-tipping", theme="environment", recorded_by="Sam", event_id=w["event"]
        ),
    ),
    "update_issue": (
        {("issues", "set"), ("issue_status_history", "create")},
        lambda s, w: issues.update_issue(
            s, w["issue"], changed_by="Sam", status="answered", response="Lights fixed"
        ),
    ),
    "add_feedback": (
        {("feedback_responses", "create")},
        lambda s, w: feedback.add_feedback(
            s,
            event_id=w["event"],
            language="bn",
            answers={"q1": "Very useful", "q2": "More evening sessions"},
            received_on="2026-03-20",
        ),
    ),
}
# delete_event cascades through several tables: see its own test below.


@pytest.mark.parametrize("name", sorted(DOMAIN_WRITES))
def test_every_domain_write_is_logged(store, world, name):
    expected, write = DOMAIN_WRITES[name]
    ops = _ops_of(lambda: write(store, world), store)

    assert {(op["tbl"], op["kind"]) for op in ops} == expected
    for op in ops:
        _assert_well_formed(store, op)
        _assert_matches_table(store, op)
    assert integrity.check(store) == []


def test_delete_event_cascades_and_detaches_with_tombstones(store, world):
    event = world["event"]
    issue = issues.add_issue(
        store, title="Noise", theme="antisocial_behaviour", recorded_by="Sam", event_id=event
    )
    counts = [attendance.add_count(store, event_id=event, role="resident", count=3)]
    entry = attendance.add_register_entry(
        store, event_id=event, name="Ada", consent=True, consent_recorded_by="Sam"
    )
    sheet = feedback.add_feedback(
        store, event_id=event, language="en", answers={"q1": "Good"}, received_on="2026-03-20"
    )
    other_event = make_event(store, title="Another forum")
    other_count = attendance.add_count(store, event_id=other_event, role="resident", count=2)

    ops = _ops_of(lambda: events.delete_event(store, event), store)

    tombstones = {(op["tbl"], op["row_id"]) for op in ops if op["kind"] == "delete"}
    assert tombstones == {
        ("events", event),
        ("attendance", counts[0]),
        ("register_entries", entry),
        ("feedback_responses", sheet),
        ("monitoring_responses", world["response"]),
    }
    # The issue outlives the forum it was raised at; only its link is cleared.
    detached = [op for op in ops if op["kind"] == "set"]
    assert [(op["tbl"], op["row_id"], op["field"], op["value"]) for op in detached] == [
        ("issues", issue, "event_id", "null")
    ]
    for op in ops:
        _assert_well_formed(store, op)
        _assert_matches_table(store, op)
    assert issues.get_issue(store, issue)["event_id"] is None
    assert issues.get_issue(store, issue)["title"] == "Noise"
    for table in ("attendance", "register_entries", "feedback_responses", "monitoring_responses"):
        assert store.scalar(f"SELECT count(*) FROM {table} WHERE event_id = ?", (event,)) == 0
    # Nothing belonging to another event is touched.
    assert store.scalar("SELECT delta FROM attendance WHERE id = ?", (other_count,)) == 2
    assert integrity.check(store) == []


def test_an_edit_that_changes_nothing_logs_nothing(store, world):
    # Saving a form unchanged must not fill the log (or win a sync conflict).
    counts = row_counts(store)
    current = events.get_event(store, world["event"])
    assert events.edit_event(store, world["event"], title=current["title"]) == {}
    assert groups.edit_group(store, world["group"]) == {}
    assert row_counts(store) == counts


def test_deleting_a_missing_event_changes_nothing(store, world):
    counts = row_counts(store)
    with pytest.raises(Exception, match="No record"):
        events.delete_event(store, str(uuid.uuid4()))
    assert row_counts(store) == counts


def test_stamps_strictly_increase_across_writes(store, world):
    # Even with the wall clock stuck, each write's stamp is above the last.
    store.clock.wall_clock = lambda: NOW_MS
    writes = [
        lambda: make_area(store, ward="Bow"),
        lambda: make_partner(store, name="NHS Trust", kind="nhs"),
        lambda: events.edit_event(store, world["event"], title="One"),
        lambda: events.edit_event(store, world["event"], title="Two"),
        lambda: attendance.add_count(store, event_id=world["event"], role="officer"),
        lambda: issues.update_issue(store, world["issue"], changed_by="Sam", status="referred"),
    ]
    stamps = []
    for write in writes:
        ops = _ops_of(write, store)
        stamps.append(sorted({op["stamp"] for op in ops}))
    flat = [stamp for per_write in stamps for stamp in per_write]
    assert flat == sorted(flat)
    assert len(set(flat)) == len(flat)
    # One write's stamps all sort above the previous write's.
    for earlier, later in pairwise(stamps):
        assert min(later) > max(earlier)
    millis, counter = stamp_parts(flat[-1])
    clock = store.scalar("SELECT value FROM meta WHERE key = 'clock'")
    assert clock == format_stamp(millis, counter, store.node)


def test_two_stores_on_one_file_never_reuse_a_stamp(db_path, store):
    # Two windows (or the CLI and the window) on one file: each reads the
    # file's clock when it starts writing, so neither stamps below the other.
    store.clock.wall_clock = lambda: NOW_MS
    with open_store(db_path, wall_clock=lambda: NOW_MS - DAY_MS // 2) as other:
        make_area(store, ward="First")
        make_area(other, ward="Second")
        make_area(store, ward="Third")
        ops = sorted(
            (op["stamp"], op["row_id"]) for op in decoded_ops(store) if op["tbl"] == "areas"
        )
        stamps = [stamp for stamp, _row_id in ops]
        wards = [
            store.scalar("SELECT ward FROM areas WHERE id = ?", (row_id,)) for _s, row_id in ops
        ]
    assert wards == ["First", "Second", "Third"]
    assert len(set(stamps)) == 3


def test_own_clock_far_ahead_does_not_stop_writes(db_path):
    # Written while this laptop's clock was wrongly set two days ahead, then
    # the clock was corrected: writing must go on, stamps still increasing.
    with open_store(db_path, wall_clock=lambda: NOW_MS + 2 * DAY_MS) as ahead:
        make_area(ahead)
        high = ahead.scalar("SELECT max(stamp) FROM changes")
    with open_store(db_path, wall_clock=lambda: NOW_MS) as corrected:
        make_area(corrected, ward="After the fix")
        assert corrected.scalar("SELECT max(stamp) FROM changes") > high


# -- failed writes leave nothing -------------------------------------------------


def test_refused_write_leaves_no_rows_and_no_log(store, world):
    counts = row_counts(store)
    with pytest.raises(ValidationError):
        make_event(store, title="Bad", spectrum="shouting")
    with pytest.raises(ValidationError):
        attendance.add_count(store, event_id=world["event"], role="resident", count=-1)
    with pytest.raises(ValidationError):
        issues.update_issue(store, world["issue"], changed_by="Sam", status="answered")
    assert row_counts(store) == counts


def test_failure_while_logging_rolls_back_the_row(store, world, monkeypatch):
    counts = row_counts(store)
    before = fingerprint(store)

    def broken_log(*args, **kwargs):
        raise OSError("disk full while logging")

    monkeypatch.setattr(changes, "_log", broken_log)
    with pytest.raises(OSError, match="disk full"):
        make_area(store, ward="Never saved")
    with pytest.raises(OSError, match="disk full"):
        events.edit_event(store, world["event"], title="Never saved")
    monkeypatch.undo()

    assert row_counts(store) == counts
    assert fingerprint(store) == before
    assert integrity.check(store) == []


def test_failure_partway_through_a_compound_write_rolls_back_all_of_it(store, monkeypatch):
    # add_issue writes the issue and then its first history entry; failing on
    # the second must take the first back out too.
    counts = row_counts(store)
    real_log = changes._log
    calls = []

    def log_then_fail(store_, **kwargs):
        calls.append(kwargs["spec"].name)
        if kwargs["spec"].name == "issue_status_history":
            raise RuntimeError("power cut")
        real_log(store_, **kwargs)

    monkeypatch.setattr(changes, "_log", log_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        issues.add_issue(store, title="Potholes", theme="transport", recorded_by="Sam")
    assert calls == ["issues", "issue_status_history"]
    assert row_counts(store) == counts


def test_error_inside_a_transaction_undoes_every_write_in_it(store, world):
    counts = row_counts(store)
    before = fingerprint(store)
    with pytest.raises(KeyboardInterrupt), store.transaction():
        make_area(store, ward="Mile End")
        events.edit_event(store, world["event"], title="Changed")
        attendance.add_count(store, event_id=world["event"], role="resident", count=9)
        raise KeyboardInterrupt
    assert row_counts(store) == counts
    assert fingerprint(store) == before
    assert not store.in_transaction
    # The store is usable afterwards.
    make_area(store, ward="Mile End")


def test_inner_rollback_keeps_outer_writes(store, world):
    counts = row_counts(store)
    with store.transaction():
        kept = make_area(store, ward="Kept")
        with pytest.raises(ValidationError):
            # add_area opens its own (nested) transaction, so the duplicate
            # it refuses is rolled back to its savepoint only.
            make_area(store, ward="Kept")
        with pytest.raises(RuntimeError), store.transaction():
            make_area(store, ward="Dropped")
            raise RuntimeError("undo this part")
        events.edit_event(store, world["event"], title="Also kept")
    wards = {row["ward"] for row in store.query("SELECT ward FROM areas")}
    assert "Kept" in wards
    assert "Dropped" not in wards
    assert row_counts(store)["areas"] == counts["areas"] + 1
    assert changes.read(store, "areas", kept)["ward"] == "Kept"
    assert changes.read(store, "events", world["event"])["title"] == "Also kept"
    assert integrity.check(store) == []


# -- replay and check ------------------------------------------------------------


def test_replay_reproduces_every_row(store, world):
    for name in sorted(DOMAIN_WRITES):
        DOMAIN_WRITES[name][1](store, world)
    events.delete_event(store, make_event(store, title="Short-lived"))
    assert integrity.check(store) == []

    for name, spec in TABLES.items():
        ops_by_row: dict[str, list] = {}
        for row in store.query(
            "SELECT row_id, field, value FROM changes WHERE tbl = ? ORDER BY stamp, node, field",
            (TABLE_CODES[name],),
        ):
            ops_by_row.setdefault(decode_id(row["row_id"]), []).append((row["field"], row["value"]))
        replayed = {row_id: changes.replay(spec, ops) for row_id, ops in sorted(ops_by_row.items())}
        replayed = {row_id: row for row_id, row in replayed.items() if row is not None}
        stored = {
            row["id"]: {column: row[column] for column in spec.columns}
            for row in store.query(f"SELECT * FROM {name}")
        }
        assert replayed == stored, name


def test_check_reports_a_row_changed_behind_the_logs_back(store, world):
    store.conn.execute("UPDATE events SET title = 'Tampered' WHERE id = ?", (world["event"],))
    problems = integrity.check(store)
    assert problems == [f"events {world['event']} differs from its change log in: title."]


def test_check_reports_rows_added_or_removed_behind_the_logs_back(store, world):
    store.conn.execute("INSERT INTO areas (id, borough, ward) VALUES ('zz-unlogged', 'B', 'W')")
    store.conn.execute("DELETE FROM community_groups WHERE id = ?", (world["group"],))
    problems = integrity.check(store)
    assert "areas zz-unlogged was written without a change-log entry." in problems
    assert (
        f"community_groups {world['group']} is in the change log but missing from the table."
        in problems
    )
    assert len(problems) == 2


# -- monitoring stays anonymous --------------------------------------------------


def test_monitoring_responses_carry_no_time_and_no_order(store, world):
    clock_before = store.scalar("SELECT value FROM meta WHERE key = 'clock'")
    ids = [
        monitoring.add_response(store, event_id=world["event"], answers={"sex": sex})
        for sex in ("female", "male", "female", "prefer_not_to_say")
    ]
    ops = [op for op in decoded_ops(store) if op["tbl"] == "monitoring_responses"]
    assert ops
    for op in ops:
        assert op["stamp"] == 0
    # Typing slips does not move the file's clock either.
    assert store.scalar("SELECT value FROM meta WHERE key = 'clock'") == clock_before
    for response_id in ids:
        assert uuid.UUID(response_id).version == 4
    table_sql = store.scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'monitoring_responses'"
    )
    assert "WITHOUT ROWID" in table_sql
    with pytest.raises(sqlite3.OperationalError):
        store.conn.execute("SELECT rowid FROM monitoring_responses")
    # The log's own storage order is by hash, not by when ops were written.
    log_sql = store.scalar("SELECT sql FROM sqlite_master WHERE name = 'changes'")
    assert "WITHOUT ROWID" in log_sql
    columns = {row["name"] for row in store.query("PRAGMA table_info(monitoring_responses)")}
    timeish = {c for c in columns if any(w in c for w in ("time", "date", "_at", "created"))}
    assert timeish == set()
    assert not {"name", "contact", "postcode", "date_of_birth"} & columns


# -- attendance is a pile of increments -------------------------------------------


def test_attendance_increments_sum(store, world):
    event = world["event"]
    for count in (5, 3, -2):
        attendance.add_count(store, event_id=event, role="resident", count=count)
    attendance.add_count(store, event_id=event, role="councillor", count=2)
    assert attendance.role_total(store, event_id=event, role="resident") == 6
    deltas = sorted(
        row["delta"]
        for row in store.query(
            "SELECT delta FROM attendance WHERE event_id = ? AND role = 'resident'", (event,)
        )
    )
    assert deltas == [-2, 3, 5]
    totals = attendance.totals(store, event)
    assert totals["resident"] == 6
    assert totals["councillor"] == 2
    assert totals["officer"] == 0
    assert events.get_event(store, event)["attendance"] == {"councillor": 2, "resident": 6}

    counts = row_counts(store)
    with pytest.raises(ValidationError) as caught:
        attendance.add_count(store, event_id=event, role="resident", count=-7)
    assert caught.value.field == "count"
    assert row_counts(store) == counts
    attendance.add_count(store, event_id=event, role="resident", count=-6)
    assert attendance.role_total(store, event_id=event, role="resident") == 0


# -- fingerprint -----------------------------------------------------------------

AREA_ID = "11111111-1111-4111-8111-111111111111"
EVENT_ID = "22222222-2222-4222-8222-222222222222"
COUNT_IDS = ("33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444")


def _build(store, *, reverse: bool, title: str = "Forum") -> None:
    """The same records, written in one order or the other."""
    event = {
        **events.clean_event(store, event_fields(title=title)),
        "area_id": AREA_ID,
        "languages": ["bn", "en"],
    }
    writes = [
        lambda: changes.create(store, "areas", {"borough": "B", "ward": "W"}, row_id=AREA_ID),
        lambda: changes.create(store, "events", event, row_id=EVENT_ID),
        lambda: changes.create(
            store,
            "attendance",
            {"event_id": EVENT_ID, "role": "resident", "delta": 4},
            row_id=COUNT_IDS[0],
        ),
        lambda: changes.create(
            store,
            "attendance",
            {"event_id": EVENT_ID, "role": "officer", "delta": 1},
            row_id=COUNT_IDS[1],
        ),
    ]
    with store.transaction():
        if reverse:
            # Children before parents is fine inside one transaction once
            # foreign keys are checked at commit; defer them for this build.
            store.conn.execute("PRAGMA defer_foreign_keys = ON")
            writes.reverse()
        for write in writes:
            write()


def test_fingerprint_is_about_content_not_history(tmp_path):
    with (
        open_store(tmp_path / "one.db") as one,
        open_store(tmp_path / "two.db") as two,
        open_store(tmp_path / "three.db") as three,
    ):
        _build(one, reverse=False)
        _build(two, reverse=True)
        _build(three, reverse=False, title="Forum!")
        # Different node ids and different logs, same records.
        assert one.node != two.node
        assert fingerprint(one) == fingerprint(two)
        assert fingerprint(one) != fingerprint(three)

        before = fingerprint(one)
        one.conn.execute("VACUUM")
        assert fingerprint(one) == before


def test_fingerprint_changes_with_any_field(store, world):
    before = fingerprint(store)
    attendance.add_count(store, event_id=world["event"], role="resident", count=1)
    after_count = fingerprint(store)
    assert after_count != before
    events.edit_event(store, world["event"], venue="Town hall")
    assert fingerprint(store) != after_count


# -- the hybrid logical clock ------------------------------------------------------

NODE = "0123456789abcdef"


class FakeWall:
    """A wall clock a test can set, forwards or backwards."""

    def __init__(self, millis: int) -> None:
        self.millis = millis

    def __call__(self) -> int:
        return self.millis


def test_stamp_format_round_trips_and_sorts_like_its_parts():
    stamp = format_stamp(NOW_MS, 0x2A, NODE)
    assert parse_stamp(stamp) == (NOW_MS, 0x2A, NODE)
    assert stamp.endswith(f"-002a-{NODE}")
    ordered = [
        format_stamp(NOW_MS, 0xFFFF, NODE),
        format_stamp(NOW_MS + 1, 0, NODE),
        format_stamp(NOW_MS + 1, 1, "0000000000000000"),
        format_stamp(NOW_MS + 1, 1, NODE),
    ]
    assert sorted(ordered) == ordered
    for bad in ("", "2026-01-01T00:00:00Z-0000-" + NODE, format_stamp(NOW_MS, 1, NODE) + "x"):
        with pytest.raises(ValueError):
            parse_stamp(bad)


def test_tick_is_monotonic_when_the_wall_clock_goes_back():
    wall = FakeWall(NOW_MS)
    clock = HybridClock(node=NODE, wall_clock=wall)
    first = clock.tick()
    wall.millis -= 60_000  # someone sets the laptop clock back a minute
    second = clock.tick()
    third = clock.tick()
    assert first < second < third
    assert parse_stamp(second) == (NOW_MS, 1, NODE)
    wall.millis = NOW_MS + 5
    fourth = clock.tick()
    assert parse_stamp(fourth) == (NOW_MS + 5, 0, NODE)
    assert third < fourth


def test_counter_rolls_over_into_the_next_millisecond():
    clock = HybridClock(node=NODE, wall_clock=FakeWall(NOW_MS))
    clock.millis, clock.counter = NOW_MS, MAX_COUNTER
    before = clock.last()
    after = clock.tick()
    assert parse_stamp(after) == (NOW_MS + 1, 0, NODE)
    assert after > before


def test_observing_a_remote_stamp_moves_the_clock_forward():
    clock = HybridClock(node=NODE, wall_clock=FakeWall(NOW_MS))
    clock.tick()
    remote = format_stamp(NOW_MS + 60_000, 7, "fedcba9876543210")
    clock.observe(remote)
    following = clock.tick()
    assert following > remote
    assert parse_stamp(following) == (NOW_MS + 60_000, 8, NODE)
    # An older remote stamp does not pull it back.
    clock.observe(format_stamp(NOW_MS - 60_000, 0, "fedcba9876543210"))
    assert clock.tick() > following


def test_a_stamp_from_a_day_in_the_future_is_refused():
    clock = HybridClock(node=NODE, wall_clock=FakeWall(NOW_MS))
    clock.tick()
    state = (clock.millis, clock.counter)
    too_far = format_stamp(NOW_MS + MAX_DRIFT_MS + 1_000, 0, "fedcba9876543210")
    with pytest.raises(ValueError, match="more than a day ahead"):
        clock.observe(too_far)
    assert (clock.millis, clock.counter) == state
    # Just inside the limit is followed.
    clock.observe(format_stamp(NOW_MS + MAX_DRIFT_MS - 1_000, 0, "fedcba9876543210"))
    assert clock.millis == NOW_MS + MAX_DRIFT_MS - 1_000


def test_register_and_feedback_listings_show_what_was_recorded(store, world):
    for name, contact in (("zed Person", None), ("Amina Person", "amina@example.org")):
        attendance.add_register_entry(
            store,
            event_id=world["event"],
            name=name,
            contact=contact,
            consent=True,
            consent_recorded_by="Volunteer",
        )
    entries = attendance.register(store, world["event"])
    assert [entry["name"] for entry in entries] == ["Amina Person", "zed Person"]
    assert entries[0]["contact"] == "amina@example.org"
    for day, comment in (("2026-03-20", "Later"), ("2026-03-15", "Sooner")):
        feedback.add_feedback(
            store,
            event_id=world["event"],
            language="en",
            answers={"comments": comment},
            received_on=day,
        )
    received = feedback.list_feedback(store, world["event"])
    assert [row["answers"] for row in received] == [{"comments": "Sooner"}, {"comments": "Later"}]


def test_status_changes_in_one_millisecond_list_in_the_order_made(store, monkeypatch):
    monkeypatch.setattr(issues, "_now", lambda: "2026-03-14T18:30:00.000+00:00")
    issue = issues.add_issue(store, title="Bins", theme="environment", recorded_by="Sam")
    for status in ("referred", "in_progress", "closed"):
        issues.update_issue(store, issue, changed_by="Sam", status=status)
    assert [row["status"] for row in issues.history(store, issue)] == [
        "open",
        "referred",
        "in_progress",
        "closed",
    ]


def test_slips_typed_in_bulk_are_all_or_nothing(store, world):
    counts = row_counts(store)
    with pytest.raises(ValidationError, match="not one of the allowed values"):
        monitoring.add_responses(
            store, event_id=world["event"], answers=[{"sex": "female"}, {"sex": "sometimes"}]
        )
    assert row_counts(store) == counts
    ids = monitoring.add_responses(
        store, event_id=world["event"], answers=[{"sex": "female"}, {"sex": "male"}]
    )
    assert len(set(ids)) == 2
    assert row_counts(store)["monitoring_responses"] == counts["monitoring_responses"] + 2
    assert integrity.check(store) == []
