"""How fast the Events page opens and answers a keystroke, beside a floor measured in the same run.

The database is filled with bare executemany (events, two attendance rows
each, and their change-log ops), because the demo generator takes minutes
for 100,000 events and what is measured here is reading, not writing.

Measured:
- opening: building the Events page and showing its first page of rows;
- a keystroke: the search box's text applied (the pause the page waits for
  typing to stop is left out) and the new rows painted; also one filter.

The floor for each is the same SELECT, as the page ran it (caught with
SQLite's trace callback), run on a bare sqlite3 connection and fetched, plus
an empty QTableView built and painted. The whole-list count runs on the op
runner's worker and is not part of either figure; its time is printed too.
The default test run uses a small size so the benchmark cannot rot;
README's third command runs it at full size:

    CEAPP_PERF_PAGE_EVENTS=100000 pytest -s tests/perf/test_events_page_speed.py
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import time
import uuid

import pytest
from PySide6.QtWidgets import QApplication, QTableView

from ceapp import areas, events, partners
from ceapp.log_encoding import CREATE_FIELD, encode_create, encode_id, node_value, stamp_value
from ceapp.ops import canonical_json
from ceapp.schema import TABLE_CODES, spec_for
from ceapp.store import open_store
from ceapp.vocab import ATTENDANCE_ROLES, METHODS, SPECTRUM
from ui.operations import OpRunner
from ui.pages.context import PageContext
from ui.pages.events_page import EventsPage
from ui.undo import UndoStack

EVENTS = int(os.environ.get("CEAPP_PERF_PAGE_EVENTS", "2000"))
# What a person types, one keystroke at a time, and a search nothing matches
# (the worst case: every row is looked at).
TYPED = "forum"
NOTHING_MATCHES = "qzx"
_WORDS = (
    "Ward forum",
    "Street stall",
    "Estate walkabout",
    "Youth panel",
    "Budget workshop",
    "Drop-in",
    "Public meeting",
    "Focus group",
    "Health checks",
    "Parks survey",
)


def _fill(store, count: int) -> None:
    rng = random.Random(7)
    with store.transaction():
        area_ids = [
            areas.add_area(store, borough="Perfshire", ward=f"Ward {n:02d}") for n in range(40)
        ]
        partner_ids = [
            partners.add_partner(store, name=f"Partner {n:02d}", kind="council") for n in range(15)
        ]
    event_spec, attendance_spec = spec_for("events"), spec_for("attendance")
    event_rows, attendance_rows, ops = [], [], []
    base_ms = 1_780_000_000_000
    for number in range(count):
        event_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        day = rng.randrange(730)
        starts = time.strftime("%Y-%m-%dT%H:00", time.gmtime(1_700_000_000 + day * 86400))
        values = {
            "title": f"{rng.choice(_WORDS)} {number}",
            "partner_id": rng.choice(partner_ids) if rng.random() < 0.6 else None,
            "area_id": rng.choice(area_ids),
            "venue": f"Hall {rng.randrange(300)}",
            "starts_at": starts,
            "ends_at": None,
            "spectrum": rng.choice(SPECTRUM.codes),
            "method": rng.choice(METHODS.codes),
            "audience": None,
            "women_only": 0,
            "accessibility": [],
            "languages": ["en"],
            "consultation_opens": None,
            "consultation_closes": None,
            "exemption_reason": None,
            "outcomes": None,
        }
        event_rows.append(
            [
                event_id,
                *(
                    canonical_json(v) if c in event_spec.json_columns else v
                    for c, v in values.items()
                ),
            ]
        )
        ops.append(("events", event_id, values, number))
        for role in rng.sample(ATTENDANCE_ROLES.codes, 2):
            row_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            row = {"event_id": event_id, "role": role, "delta": rng.randrange(1, 80)}
            attendance_rows.append([row_id, *row.values()])
            ops.append(("attendance", row_id, row, number))
    log = []
    node = node_value(store.node)
    for serial, (table, row_id, value, number) in enumerate(ops):
        log.append(
            (
                TABLE_CODES[table],
                encode_id(row_id),
                stamp_value(base_ms + number, serial % 0xFFFF),
                node,
                CREATE_FIELD,
                encode_create(spec_for(table), value),
            )
        )
    columns = ("id", *event_spec.columns)
    with store.transaction():
        store.conn.executemany(
            f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            event_rows,
        )
        columns = ("id", *attendance_spec.columns)
        store.conn.executemany(
            f"INSERT INTO attendance ({', '.join(columns)}) VALUES (?, ?, ?, ?)", attendance_rows
        )
        store.conn.executemany(
            "INSERT INTO changes (tbl, row_id, stamp, node, field, value)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            log,
        )
    store.conn.execute("ANALYZE")


def _painted(app: QApplication, widget) -> None:
    app.processEvents()
    widget.repaint()


def _floor(app, path: str, sql: str, *, table: QTableView) -> float:
    """Seconds for the page's own SELECT on a bare connection, plus an empty table painted."""
    connection = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        connection.execute(sql).fetchall()
        table.setModel(None)
        _painted(app, table)
        return time.perf_counter() - started
    finally:
        connection.close()


@pytest.mark.perf
def test_events_page_speed_against_bare_sql(qapp, tmp_path, capsys):
    path = str(tmp_path / "events.db")
    setup = open_store(path)
    started = time.perf_counter()
    _fill(setup, EVENTS)
    fill_seconds = time.perf_counter() - started
    setup.close()

    ops = OpRunner(open_store(path))
    reader = ops.open_reader()
    statements: list[str] = []
    reader.conn.set_trace_callback(statements.append)
    context = PageContext(reader=reader, ops=ops, undo=UndoStack(ops))
    empty_table = QTableView()
    empty_table.resize(1200, 500)
    empty_table.show()
    page = None
    try:
        # Opening the page: build it, show its first page of rows.
        started = time.perf_counter()
        page = EventsPage(context)
        page.resize(1200, 700)
        page.show()
        _painted(qapp, page)
        open_seconds = time.perf_counter() - started
        first_sql = next(s for s in statements if "FROM events e" in s and "LIMIT" in s)
        open_floor = _floor(qapp, path, first_sql, table=empty_table)
        assert page.model.rowCount() == min(EVENTS, page.model.page_size)

        def keystroke(apply) -> tuple[float, float]:
            statements.clear()
            started = time.perf_counter()
            apply()
            _painted(qapp, page)
            seconds = time.perf_counter() - started
            sql = next(s for s in statements if "FROM events e" in s and "LIMIT" in s)
            return seconds, _floor(qapp, path, sql, table=empty_table)

        typed = []
        for length in range(1, len(TYPED) + 1):
            page.search_box.setText(TYPED[:length])
            typed.append(keystroke(page.apply_search))
        page.search_box.setText(NOTHING_MATCHES)
        worst = keystroke(page.apply_search)
        assert page.model.rowCount() == 0
        page.search_box.setText("")
        page.apply_search()
        ward = keystroke(lambda: page.area_filter.setCurrentIndex(3))
        assert page.model.rowCount() > 0

        started = time.perf_counter()
        events.count_events(reader, search=TYPED[:1])
        count_seconds = time.perf_counter() - started
    finally:
        if page is not None:
            page.stop()
            page.close()
        empty_table.close()
        ops.wait_for_idle()
        qapp.processEvents()
        ops.close(reader=reader)

    median_typed = statistics.median(seconds for seconds, _floor in typed)
    median_floor = statistics.median(floor for _seconds, floor in typed)
    slowest = max(typed)
    ms = 1000

    def line(name: str, seconds: float, floor: float) -> str:
        return (
            f"  {name:<34}{seconds * ms:>10.1f} ms   floor {floor * ms:>8.1f} ms"
            f"   ratio {seconds / floor:>6.1f}"
        )

    lines = [
        "",
        f"Events page with {EVENTS:,} events (filled in {fill_seconds:.1f} s)",
        line("open, first page shown", open_seconds, open_floor),
        line(f"keystroke, median of '{TYPED}'", median_typed, median_floor),
        line("keystroke, slowest of those", *slowest),
        line(f"keystroke, no match ('{NOTHING_MATCHES}')", *worst),
        line("ward filter chosen", *ward),
        f"  {'count on the worker (not above)':<34}{count_seconds * ms:>10.1f} ms",
        "  (floor: the same SELECT on a bare sqlite3 connection plus an empty table painted)",
    ]
    with capsys.disabled():
        print("\n".join(lines))
