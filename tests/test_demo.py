"""Demo data: repeatable, realistic, sound, and only ever written into a new database."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from factories import make_area

from ceapp import changes
from ceapp.cli import main
from ceapp.demo import generate, generator
from ceapp.errors import ValidationError
from ceapp.fingerprint import fingerprint
from ceapp.integrity import check
from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY, QUESTIONS
from ceapp.schema import TABLES
from ceapp.store import open_store

UNTIL = date(2025, 3, 31)
EVENTS = 250


def _generate(path, *, seed: int, events: int = EVENTS, until: date = UNTIL):
    store = open_store(str(path))
    counts = generate(store, seed=seed, events=events, until=until)
    return store, counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store, counts = _generate(tmp_path_factory.mktemp("demo") / "demo.db", seed=11)
    yield store, counts
    store.close()


def test_same_seed_gives_the_same_data_and_another_seed_does_not(demo, tmp_path):
    store, _counts = demo
    again, _ = _generate(tmp_path / "again.db", seed=11)
    other, _ = _generate(tmp_path / "other.db", seed=12)
    try:
        assert fingerprint(again) == fingerprint(store)
        assert fingerprint(other) != fingerprint(store)
        # Not just the same content: the same ids, so links agree as well.
        ids = "SELECT id FROM events ORDER BY id"
        assert again.query(ids) == store.query(ids)
    finally:
        again.close()
        other.close()


def test_counts_are_rows_written_and_scale_with_events(demo, tmp_path):
    store, counts = demo
    assert set(counts) == set(TABLES)
    for table, count in counts.items():
        assert store.scalar(f"SELECT count(*) FROM {table}") == count
    assert counts["events"] == EVENTS
    small_store, small = _generate(tmp_path / "small.db", seed=11, events=EVENTS // 5)
    small_store.close()
    assert small["events"] == EVENTS // 5
    for table in ("attendance", "monitoring_responses", "issues", "feedback_responses"):
        assert 0 < small[table] < counts[table]
    # The places and partners do not depend on how many events there are.
    assert small["areas"] == counts["areas"] == 41
    assert small["partners"] == counts["partners"]


def test_generated_data_passes_the_integrity_check(demo):
    store, _counts = demo
    assert check(store) == []


def test_events_fall_in_the_two_years_ending_at_until(demo):
    store, _counts = demo
    first, last = store.query("SELECT min(starts_at) AS a, max(starts_at) AS b FROM events")[
        0
    ].values()
    assert first[:10] >= (UNTIL - timedelta(days=729)).isoformat()
    assert last[:10] <= UNTIL.isoformat()
    # Spread across the window, not bunched at one end.
    assert first[:10] < (UNTIL - timedelta(days=600)).isoformat()
    assert last[:10] > (UNTIL - timedelta(days=130)).isoformat()


def test_events_look_like_engagement_work(demo):
    store, _counts = demo
    methods = {row["method"] for row in store.query("SELECT DISTINCT method FROM events")}
    assert {"area_forum", "drop_in", "focus_group", "street_stall"} <= methods
    boroughs = store.query(
        "SELECT a.borough, count(*) AS n FROM events e JOIN areas a ON a.id = e.area_id"
        " GROUP BY a.borough ORDER BY a.borough"
    )
    assert [row["borough"] for row in boroughs] == ["Leicester", "Tower Hamlets"]
    assert store.scalar("SELECT count(*) FROM events WHERE women_only") > 0
    assert store.scalar("SELECT count(*) FROM events WHERE languages LIKE '%\"bn\"%'") > 0
    assert store.scalar("SELECT count(*) FROM events WHERE languages LIKE '%\"gu\"%'") > 0
    # Consultations with a window run 12 weeks unless an exemption says why.
    windows = store.query(
        "SELECT consultation_opens AS opens, consultation_closes AS closes, exemption_reason"
        " FROM events WHERE consultation_opens IS NOT NULL"
    )
    assert windows
    for window in windows:
        days = (date.fromisoformat(window["closes"]) - date.fromisoformat(window["opens"])).days
        assert days >= 84 or window["exemption_reason"]


def test_attendance_is_scaled_to_the_method(demo):
    store, _counts = demo
    totals = store.query(
        "SELECT e.method, SUM(a.delta) AS residents FROM attendance a"
        " JOIN events e ON e.id = a.event_id WHERE a.role = 'resident'"
        " GROUP BY e.id HAVING e.method IN ('focus_group', 'area_forum')"
    )
    for row in totals:
        low, high = (6, 12) if row["method"] == "focus_group" else (15, 60)
        assert low <= row["residents"] <= high


def test_monitoring_has_gaps_of_both_kinds_in_every_question(demo):
    store, _counts = demo
    for question in ("sexual_orientation", "religion", "ethnic_group"):
        found = {
            row["code"]
            for row in store.query(f"SELECT DISTINCT {question} AS code FROM monitoring_responses")
        }
        assert {PREFER_NOT_TO_SAY, NOT_ANSWERED} <= found
        assert found <= set(QUESTIONS[question].codes)
    # Borough mixes show through: Bangladeshi residents are the largest
    # group monitored in Tower Hamlets, Indian residents in Leicester.
    for borough, largest in (("Tower Hamlets", "asian_bangladeshi"), ("Leicester", "asian_indian")):
        top = store.query(
            "SELECT m.ethnic_group AS code, count(*) AS n FROM monitoring_responses m"
            " JOIN events e ON e.id = m.event_id JOIN areas a ON a.id = e.area_id"
            " WHERE a.borough = ? AND m.ethnic_group NOT IN (?, ?)"
            " GROUP BY m.ethnic_group ORDER BY n DESC LIMIT 2",
            (borough, PREFER_NOT_TO_SAY, NOT_ANSWERED),
        )
        assert largest in {row["code"] for row in top}


def test_issues_have_histories(demo):
    store, _counts = demo
    issues = store.query("SELECT id, status, response FROM issues")
    assert issues
    lengths = []
    for issue in issues:
        history = store.query(
            "SELECT status FROM issue_status_history WHERE issue_id = ? ORDER BY changed_at, id",
            (issue["id"],),
        )
        statuses = [row["status"] for row in history]
        assert statuses[0] == "open"
        assert statuses[-1] == issue["status"]
        if issue["status"] in ("answered", "closed"):
            assert issue["response"]
        lengths.append(len(statuses))
    assert max(lengths) == 5  # some go all the way to closed
    assert min(lengths) == 1  # and some are still open
    last_change = store.scalar("SELECT max(changed_at) FROM issue_status_history")
    assert last_change[:10] <= UNTIL.isoformat()


def test_feedback_comes_in_several_languages(demo):
    store, _counts = demo
    languages = {row["language"] for row in store.query("SELECT language FROM feedback_responses")}
    assert "en" in languages and len(languages) >= 3


def test_a_database_with_events_is_refused_and_left_unchanged(tmp_path):
    store, _counts = _generate(tmp_path / "full.db", seed=3, events=20)
    try:
        before = fingerprint(store)
        log = store.scalar("SELECT count(*) FROM changes")
        with pytest.raises(ValidationError) as refused:
            generate(store, seed=4, events=20, until=UNTIL)
        assert refused.value.field == "events"
        assert "20 events" in refused.value.message and "--db" in refused.value.message
        assert fingerprint(store) == before
        assert store.scalar("SELECT count(*) FROM changes") == log
    finally:
        store.close()


def _schema(store) -> list[tuple]:
    return store.conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"
    ).fetchall()


def test_the_schema_comes_out_as_it_went_in_and_the_log_packed(demo, tmp_path):
    store, _counts = demo
    fresh = open_store(str(tmp_path / "fresh.db"))
    try:
        # Indexes dropped and built again, nothing left behind in temp.
        assert _schema(store) == _schema(fresh)
        assert store.conn.execute("SELECT name FROM temp.sqlite_schema").fetchall() == []
    finally:
        fresh.close()
    size, unused = store.conn.execute(
        "SELECT sum(pgsize), sum(unused) FROM dbstat WHERE name = 'changes'"
    ).fetchone()
    assert unused < 0.05 * size


def test_an_interrupted_run_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    store = open_store(str(tmp_path / "interrupted.db"))
    try:
        schema = _schema(store)
        made = []
        real = generator._add_event

        def fail_after_five(*args):
            if len(made) == 5:
                raise RuntimeError("interrupted")
            made.append(real(*args))

        monkeypatch.setattr(generator, "_add_event", fail_after_five)
        with pytest.raises(RuntimeError):
            generate(store, seed=7, events=20, until=UNTIL)
        assert _schema(store) == schema
        assert store.scalar("SELECT count(*) FROM changes") == 0
        assert store.conn.execute("SELECT name FROM temp.sqlite_schema").fetchall() == []
    finally:
        store.close()


def test_a_log_with_ops_already_in_it_takes_the_demo_ops_too(tmp_path):
    store = open_store(str(tmp_path / "used.db"))
    try:
        area = make_area(store, borough="Elsewhere", ward="Nowhere")
        with store.transaction():
            changes.update(store, "areas", area, {"ward": "Somewhere"})
        counts = generate(store, seed=6, events=30, until=UNTIL)
        assert counts["events"] == 30
        assert store.scalar("SELECT count(*) FROM changes WHERE tbl = 1") == counts["areas"] + 2
        assert check(store) == []
    finally:
        store.close()


def test_progress_is_reported_up_to_the_total(store, monkeypatch):
    # The package's `generate` attribute is the function, so fetch the module itself.
    monkeypatch.setattr(generator, "BATCH", 40)
    reports = []
    generate(store, seed=5, events=100, until=UNTIL, progress=lambda *args: reports.append(args))
    assert reports == [(40, 100), (80, 100), (100, 100)]


def test_cli_demo_then_events_list(tmp_path, capsys):
    path = str(tmp_path / "cli.db")
    assert main(["--db", path, "demo", "--events", "60", "--until", "2025-03-31"]) == 0
    capsys.readouterr()
    assert main(["--db", path, "events", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 60
