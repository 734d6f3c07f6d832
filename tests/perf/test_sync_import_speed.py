"""Importing a sync bundle, beside a floor measured in the same run.

A laptop with demo data exports everything it holds; a new laptop that
trusts it imports the bundle. The floor is SQLite alone: the same record
rows inserted with bare executemany into a fresh database of the same schema
(tests/perf/floors.py). The import does much more: it reads, checks and
verifies every op, writes the change log and rebuilds the records from it.
Then the same bundle is imported again, twice: as a repeat (ceapp knows the
bundle's digest and reads nothing), and with that memory cleared, so every
op is read and checked again and found held.

    CEAPP_PERF_SYNC_CHANGES=1000000 pytest -s tests/perf/test_sync_import_speed.py
"""

from __future__ import annotations

import math
import os
import time
from datetime import date

import pytest
from perf.floors import bare_insert_seconds, log_insert_seconds

from ceapp.demo import generate
from ceapp.fingerprint import fingerprint
from ceapp.schema import TABLES
from ceapp.store import open_store
from ceapp.sync import exchange, identity, trust

CHANGES = int(os.environ.get("CEAPP_PERF_SYNC_CHANGES", "5000"))
# About this many changes come with each demo event (its attendance, slips,
# issues and the rest); enough events are made to reach CHANGES.
CHANGES_PER_EVENT = 22
UNTIL = date(2025, 6, 30)


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


@pytest.mark.perf
def test_sync_import_against_bare_inserts(tmp_path, capsys):
    sender = open_store(str(tmp_path / "sender.db"))
    generate(sender, seed=2, events=math.ceil(CHANGES / CHANGES_PER_EVENT), until=UNTIL)
    bundle = str(tmp_path / "everything.zip")
    export_seconds, exported = _timed(lambda: exchange.export_bundle(sender, bundle))
    receiver = open_store(str(tmp_path / "receiver.db"))
    trust.trust(
        receiver, name="Sender", public_key_hex=identity.device_identity(sender).public_key_hex
    )

    import_seconds, first = _timed(lambda: exchange.import_bundles(receiver, [bundle]))
    repeat_seconds, repeat = _timed(lambda: exchange.import_bundles(receiver, [bundle]))
    receiver.conn.execute("DELETE FROM sync_imported")
    reread_seconds, reread = _timed(lambda: exchange.import_bundles(receiver, [bundle]))
    rows = sum(receiver.scalar(f"SELECT count(*) FROM {name}") for name in TABLES)
    same = fingerprint(receiver) == fingerprint(sender)

    floor = open_store(str(tmp_path / "floor.db"))
    floor_seconds = bare_insert_seconds(sender, floor)
    # The import writes the log too: its rows, bare, as a second floor.
    log_floor_seconds = log_insert_seconds(receiver, floor)
    for store in (sender, receiver, floor):
        store.close()

    assert same
    assert first.summary.ops_new == exported.op_count
    assert repeat.summary.ops_new == 0 and reread.summary.ops_new == 0
    assert floor_seconds > 0
    lines = [
        "",
        f"sync import of one bundle holding {exported.op_count:,} changes ({rows:,} records)",
        f"  {'bundle size (MB)':<32}{os.path.getsize(bundle) / 1e6:>12.1f}",
        f"  {'export seconds':<32}{export_seconds:>12.2f}",
        f"  {'floor seconds (bare inserts)':<32}{floor_seconds:>12.2f}",
        f"  {'import seconds':<32}{import_seconds:>12.2f}",
        f"  {'ratio import/floor':<32}{import_seconds / floor_seconds:>12.1f}",
        f"  {'floor + change log seconds':<32}{floor_seconds + log_floor_seconds:>12.2f}",
        f"  {'ratio import/(floor + log)':<32}"
        f"{import_seconds / (floor_seconds + log_floor_seconds):>12.1f}",
        f"  {'repeat import seconds':<32}{repeat_seconds:>12.2f}",
        f"  {'ratio repeat/import':<32}{repeat_seconds / import_seconds:>12.2f}",
        f"  {'re-read import seconds':<32}{reread_seconds:>12.2f}",
        f"  {'ratio re-read/import':<32}{reread_seconds / import_seconds:>12.2f}",
        "  (repeat: the bundle's digest is known, nothing is read; re-read: every op is",
        "   read and checked again and found already held)",
    ]
    with capsys.disabled():
        print("\n".join(lines))
