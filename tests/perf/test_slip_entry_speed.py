"""How long typing one monitoring slip takes, beside a floor measured in the same run.

Each slip is its own transaction, as at a laptop after a forum. ceapp does
more than insert it: validation, the change log, rewriting the event's slips
in id order and emptying the WAL (so the file cannot tell the order slips
were typed). The floor is the same two rows (slip and its op) inserted with
bare SQL and committed, one transaction each, on a database with the same
settings. The event already holds CEAPP_PERF_SLIPS slips, as a big forum
would by the end of the evening.

    CEAPP_PERF_SLIPS=1000 pytest -s tests/perf/test_slip_entry_speed.py
"""

from __future__ import annotations

import os
import random
import time
import uuid

import pytest
from factories import make_event

from ceapp import monitoring
from ceapp.log_encoding import CREATE_FIELD, encode_create, encode_id, node_value
from ceapp.monitoring import QUESTIONS
from ceapp.schema import TABLE_CODES, spec_for
from ceapp.store import open_store

SLIPS = int(os.environ.get("CEAPP_PERF_SLIPS", "40"))
TIMED = max(10, SLIPS // 10)


def _answers(rng: random.Random) -> dict:
    return {
        name: rng.choice(choices.codes)
        for name, choices in QUESTIONS.items()
        if name != "condition_impact"
    }


def _bare_slip(store, event_id: str, answers: dict) -> None:
    row_id = str(uuid.uuid4())
    record = {"event_id": event_id, "condition_impact": "not_answered", **answers}
    columns = ["id", *record]
    store.conn.execute("BEGIN IMMEDIATE")
    store.conn.execute(
        f"INSERT INTO monitoring_responses ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _c in columns)})",
        [row_id, *record.values()],
    )
    spec = spec_for("monitoring_responses")
    store.conn.execute(
        "INSERT INTO changes (tbl, row_id, stamp, node, field, value) VALUES (?, ?, 0, ?, ?, ?)",
        (
            TABLE_CODES[spec.name],
            encode_id(row_id),
            node_value(store.node),
            CREATE_FIELD,
            encode_create(spec, record),
        ),
    )
    store.conn.execute("COMMIT")


@pytest.mark.perf
def test_slip_entry_against_bare_inserts(tmp_path, capsys):
    rng = random.Random(5)
    ours = open_store(str(tmp_path / "ours.db"))
    floor = open_store(str(tmp_path / "floor.db"))
    ours_event, floor_event = make_event(ours), make_event(floor)
    for _n in range(SLIPS):
        monitoring.add_response(ours, event_id=ours_event, answers=_answers(rng))
        _bare_slip(floor, floor_event, _answers(rng))

    started = time.perf_counter()
    for _n in range(TIMED):
        monitoring.add_response(ours, event_id=ours_event, answers=_answers(rng))
    ours_seconds = (time.perf_counter() - started) / TIMED
    started = time.perf_counter()
    for _n in range(TIMED):
        _bare_slip(floor, floor_event, _answers(rng))
    floor_seconds = (time.perf_counter() - started) / TIMED
    started = time.perf_counter()
    for _n in range(TIMED):
        _bare_slip(floor, floor_event, _answers(rng))
        floor.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint_seconds = (time.perf_counter() - started) / TIMED
    ours.close()
    floor.close()

    assert ours_seconds > 0 and floor_seconds > 0
    lines = [
        "",
        f"one slip typed into an event already holding {SLIPS} slips ({TIMED} timed)",
        f"  {'ceapp ms per slip':<28}{ours_seconds * 1000:>10.2f}",
        f"  {'floor ms per slip':<28}{floor_seconds * 1000:>10.2f}",
        f"  {'ratio ceapp/floor':<28}{ours_seconds / floor_seconds:>10.1f}",
        f"  {'floor + checkpoint ms':<28}{checkpoint_seconds * 1000:>10.2f}",
        f"  {'ratio ceapp/(floor + ckpt)':<28}{ours_seconds / checkpoint_seconds:>10.1f}",
        "  (ceapp also validates, rewrites the event's slips in id order and empties the WAL)",
    ]
    with capsys.disabled():
        print("\n".join(lines))
