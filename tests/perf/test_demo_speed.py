"""How long `demo --events 50000` takes, beside a floor measured in the same run.

The floor is SQLite alone: the same rows, read back from the demo database,
inserted with bare executemany into a fresh database of the same schema in
one transaction. The demo does far more per row (generating it,
validation, the change log), so the ratio says what the domain API costs
over raw inserts. The default test run uses a small size so
the benchmark cannot rot; README's third command runs it at full size:

    CEAPP_PERF_EVENTS=50000 pytest -s tests/perf
"""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from perf.floors import bare_insert_seconds, log_insert_seconds

from ceapp.demo import generate
from ceapp.schema import TABLES
from ceapp.store import open_store

EVENTS = int(os.environ.get("CEAPP_PERF_EVENTS", "200"))
UNTIL = date(2025, 6, 30)


def _file_size(path: str) -> int:
    return sum(os.path.getsize(name) for name in (path, f"{path}-wal") if os.path.exists(name))


@pytest.mark.perf
def test_demo_speed_against_bare_inserts(tmp_path, capsys):
    demo_path = str(tmp_path / "demo.db")
    store = open_store(demo_path)
    started = time.perf_counter()
    counts = generate(store, seed=1, events=EVENTS, until=UNTIL)
    demo_seconds = time.perf_counter() - started
    rows = sum(counts.values())
    log_rows = store.scalar("SELECT count(*) FROM changes")

    floor = open_store(str(tmp_path / "floor.db"))
    floor_seconds = bare_insert_seconds(store, floor)
    floor_counts = {name: floor.scalar(f"SELECT count(*) FROM {name}") for name in TABLES}
    log_floor_seconds = log_insert_seconds(store, floor)
    store.close()
    floor.close()
    # After closing, so the write-ahead log has been folded into the file.
    demo_bytes = _file_size(demo_path)

    assert counts["events"] == EVENTS
    assert floor_counts == counts
    assert rows > 0 and demo_seconds > 0 and floor_seconds > 0

    lines = [
        "",
        f"demo --events {EVENTS}",
        f"  {'demo seconds':<28}{demo_seconds:>14.1f}",
        f"  {'record rows written':<28}{rows:>14,}",
        f"  {'demo rows/s':<28}{rows / demo_seconds:>14,.0f}",
        f"  {'change-log rows (extra)':<28}{log_rows:>14,}",
        f"  {'database size (MB)':<28}{demo_bytes / 1e6:>14.1f}",
        f"  {'database KB per event':<28}{demo_bytes / 1e3 / EVENTS:>14.1f}",
        f"  {'floor seconds':<28}{floor_seconds:>14.2f}",
        f"  {'floor rows/s':<28}{rows / floor_seconds:>14,.0f}",
        f"  {'ratio demo/floor':<28}{demo_seconds / floor_seconds:>14.1f}",
        f"  {'floor + change log seconds':<28}{floor_seconds + log_floor_seconds:>14.2f}",
        f"  {'ratio demo/(floor + log)':<28}"
        f"{demo_seconds / (floor_seconds + log_floor_seconds):>14.1f}",
        "  per table: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()),
        "  (the floor writes the record rows only; the demo also writes the change log)",
    ]
    with capsys.disabled():
        print("\n".join(lines))
