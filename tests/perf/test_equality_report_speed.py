"""The equality report over many monitoring responses, beside a floor measured in the same run.

The database is filled with bare executemany (events across two years and
their slips, answers drawn at random), because writing a million slips
through the write path takes minutes and what is measured here is reading.
The floor is the same aggregation written by hand as one SQL statement: a
GROUP BY per characteristic and quarter over the slips joined to their
events, fetched, on a bare sqlite3 connection. The report does that and
more: it folds the counts into categories, applies disclosure control to
every table and trend, compares with the population and writes findings.

    CEAPP_PERF_REPORT_RESPONSES=1000000 pytest -s tests/perf/test_equality_report_speed.py
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import uuid
from datetime import date, timedelta

import pytest

from ceapp import reference_figures
from ceapp.monitoring import QUESTIONS
from ceapp.reports.equality import equality_report
from ceapp.reports.selection import Selection
from ceapp.store import open_store

RESPONSES = int(os.environ.get("CEAPP_PERF_REPORT_RESPONSES", "20000"))
SLIPS_PER_EVENT = 25
REPEATS = 3

_GROUPS = (
    *((name, (name,)) for name in QUESTIONS if name != "condition_impact"),
    ("disability", ("long_term_condition", "condition_impact")),
)


def _pair(columns: tuple[str, ...]) -> str:
    return ", ".join([*columns, "NULL"][:2])


# Two ways a person would write it; the floor is whichever runs faster.
FLOOR_QUERIES = (
    " UNION ALL ".join(
        f"SELECT '{name}', substr(e.starts_at, 1, 4) AS year,"
        f" (CAST(substr(e.starts_at, 6, 2) AS INTEGER) + 2) / 3 AS quarter, {_pair(columns)},"
        f" count(*) FROM monitoring_responses m JOIN events e ON e.id = m.event_id"
        f" GROUP BY year, quarter, {', '.join(columns)}"
        for name, columns in _GROUPS
    ),
    "WITH s AS MATERIALIZED (SELECT substr(e.starts_at, 1, 4) AS year,"
    " (CAST(substr(e.starts_at, 6, 2) AS INTEGER) + 2) / 3 AS quarter, m.*"
    " FROM monitoring_responses m JOIN events e ON e.id = m.event_id) "
    + " UNION ALL ".join(
        f"SELECT '{name}', year, quarter, {_pair(columns)}, count(*) FROM s"
        f" GROUP BY year, quarter, {', '.join(columns)}"
        for name, columns in _GROUPS
    ),
)


def _fill(path: str) -> None:
    """Events and slips written straight into the tables (the log is not read by reports)."""
    rng = random.Random(8)
    events = max(1, RESPONSES // SLIPS_PER_EVENT)
    start = date(2023, 7, 1)
    conn = sqlite3.connect(path)
    with conn:
        event_rows = []
        for _number in range(events):
            day = start + timedelta(days=rng.randrange(730))
            event_rows.append((str(uuid.UUID(int=rng.getrandbits(128))), f"{day}T18:30"))
        conn.executemany(
            "INSERT INTO events (id, title, starts_at, spectrum, method)"
            " VALUES (?, 'Forum', ?, 'consultation', 'area_forum')",
            event_rows,
        )
        columns = list(QUESTIONS)
        choices = [QUESTIONS[name].codes for name in columns]
        conn.executemany(
            f"INSERT INTO monitoring_responses (id, event_id, {', '.join(columns)})"
            f" VALUES (?, ?, {', '.join('?' for _c in columns)})",
            (
                (
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    event_rows[number // SLIPS_PER_EVENT][0],
                    *(rng.choice(codes) for codes in choices),
                )
                for number in range(events * SLIPS_PER_EVENT)
            ),
        )
    conn.close()


def _best(action) -> float:
    times = []
    for _repeat in range(REPEATS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.perf
def test_equality_report_against_one_hand_written_query(tmp_path, capsys):
    path = str(tmp_path / "report.db")
    open_store(path).close()
    _fill(path)
    bare = sqlite3.connect(path)
    floors = [_best(lambda sql=sql: bare.execute(sql).fetchall()) for sql in FLOOR_QUERIES]
    floor = min(floors)
    groups = len(bare.execute(FLOOR_QUERIES[0]).fetchall())
    bare.close()
    reference = reference_figures.find("England")
    with open_store(path) as store:
        responses = store.scalar("SELECT count(*) FROM monitoring_responses")
        report_seconds = _best(lambda: equality_report(store, Selection(), reference=reference))
        report = equality_report(store, Selection(), reference=reference)
    assert report.responses == responses
    assert groups > 0 and floor > 0
    lines = [
        "",
        f"equality report over {responses:,} monitoring responses (best of {REPEATS})",
        f"  {'one GROUP BY per question, seconds':<40}{floors[0]:>10.3f}",
        f"  {'the same over a WITH table, seconds':<40}{floors[1]:>10.3f}",
        f"  {'floor seconds (the faster)':<40}{floor:>10.3f}",
        f"  {'report seconds':<40}{report_seconds:>10.3f}",
        f"  {'ratio report/floor':<40}{report_seconds / floor:>10.2f}",
    ]
    with capsys.disabled():
        print("\n".join(lines))
