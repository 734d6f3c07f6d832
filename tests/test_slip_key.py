"""Monitoring slips keyed by (event, id): migration 7, and nothing reads them all per slip.

Since schema 7 the slips' table has no index on id alone (it was a third
of their space), so every lookup of one slip must name its event too.
Looking one up by id alone reads the whole table, and doing that for each
slip makes `ceapp check`, deleting an event and a merge quadratic: these
tests count the statements that read the whole table.
"""

from __future__ import annotations

import itertools
import re
from contextlib import contextmanager

from factories import event_fields

from ceapp import changes, events, integrity, migrations, monitoring
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store
from ceapp.sync import exchange, identity, trust

SLIPS = 5000
# The statements that may read the whole slips' table once per run (the
# check's count of odd ids and its search for unlogged rows, a merge's
# presence tests): a handful, never one per slip.
FEW = 10


def _answers(count: int) -> list[dict]:
    return [{"sex": ("female", "male")[index % 2]} for index in range(count)]


def _add_slips(store, event_id: str, count: int) -> None:
    monitoring.add_responses(store, event_id=event_id, answers=_answers(count))


@contextmanager
def _whole_table_reads(store):
    """Yields a list that ends up holding each statement run that scanned the slips' table."""
    run: list[str] = []
    store.conn.set_trace_callback(run.append)
    scans: list[str] = []
    try:
        yield scans
    finally:
        store.conn.set_trace_callback(None)
    plans: dict[str, bool] = {}
    for sql in run:
        if "monitoring_responses" not in sql or not re.match(
            r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)\b", sql, re.IGNORECASE
        ):
            continue
        if sql not in plans:
            plan = store.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            plans[sql] = any(re.match(r"SCAN (monitoring_responses|m)\b", row[3]) for row in plan)
        if plans[sql]:
            scans.append(sql)


def test_a_schema_6_database_with_slips_upgrades_unchanged(tmp_path, monkeypatch):
    path = str(tmp_path / "six.db")
    # The check compares with a new database's schema, which it builds once.
    integrity._expected_schema.cache_clear()
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:6])
        with open_store(path) as store:
            assert store.schema_version == 6
            kept = events.add_event(store, **event_fields(title="Kept"))
            gone = events.add_event(store, **event_fields(title="Gone"))
            _add_slips(store, kept, 40)
            _add_slips(store, gone, 7)
            with store.transaction():
                changes.delete(
                    store,
                    "monitoring_responses",
                    store.scalar(
                        "SELECT id FROM monitoring_responses WHERE event_id = ? LIMIT 1", (kept,)
                    ),
                )
            events.delete_event(store, gone)
            assert integrity.check(store) == []
            before = fingerprint(store)
            indexes = store.query(
                "SELECT name FROM sqlite_master WHERE tbl_name = 'monitoring_responses'"
                " AND type = 'index' AND sql IS NOT NULL"
            )
            assert [row["name"] for row in indexes] == ["monitoring_responses_by_event"]
    integrity._expected_schema.cache_clear()
    with open_store(path) as store:
        assert store.schema_version == migrations.latest_version() >= 7
        assert store.backup_path is not None
        assert fingerprint(store) == before
        assert integrity.check(store) == []
        assert store.scalar("SELECT count(*) FROM monitoring_responses") == 39
        indexes = store.query(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'monitoring_responses'"
            " AND type = 'index' AND sql IS NOT NULL"
        )
        assert indexes == []
        table = store.scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'monitoring_responses'"
        )
        assert "PRIMARY KEY (event_id, id)" in table and table.endswith("WITHOUT ROWID")
        key = store.query("PRAGMA index_info(sqlite_autoindex_monitoring_responses_1)")
        assert [row["name"] for row in key] == ["event_id", "id"]
        # Writing and deleting go on as before.
        _add_slips(store, kept, 2)
        slip = store.scalar("SELECT id FROM monitoring_responses ORDER BY id LIMIT 1")
        monitoring.delete_response(store, slip)
        assert monitoring.count_responses(store, kept) == 40
        assert integrity.check(store) == []


NAMES = ("Laptop 0", "Laptop 1")


def _laptops(folder):
    stores = [open_store(str(folder / f"laptop{index}.db")) for index in range(len(NAMES))]
    for store in stores:
        identity.device_identity(store)
    for (one, _name), (other, name) in itertools.permutations(zip(stores, NAMES, strict=True), 2):
        trust.trust(one, name=name, public_key_hex=identity.device_identity(other).public_key_hex)
    return stores


def _send(sender, receiver, path) -> None:
    exchange.export_bundle(sender, str(path), to=NAMES[1])
    exchange.import_bundles(receiver, [str(path)])


def test_check_delete_and_merge_find_each_slip_by_its_key(tmp_path):
    one, other = _laptops(tmp_path)
    try:
        event_id = events.add_event(one, **event_fields(title="Big forum"))
        _add_slips(one, event_id, SLIPS)
        _send(one, other, tmp_path / "first.zip")
        assert monitoring.count_responses(other, event_id) == SLIPS

        with _whole_table_reads(one) as scans:
            events.delete_event(one, event_id)
        assert len(scans) <= FEW, scans[:3]
        assert one.scalar("SELECT count(*) FROM monitoring_responses") == 0

        with _whole_table_reads(other) as scans:
            _send(one, other, tmp_path / "second.zip")
        assert len(scans) <= FEW, scans[:3]
        assert other.scalar("SELECT count(*) FROM monitoring_responses") == 0

        # Slips of a live event and of the deleted one, the latter only in the log.
        kept = events.add_event(other, **event_fields(title="Kept"))
        _add_slips(other, kept, SLIPS)
        with _whole_table_reads(other) as scans:
            assert integrity.check(other) == []
        assert len(scans) <= FEW, scans[:3]
        assert fingerprint(one) != fingerprint(other)
    finally:
        one.close()
        other.close()
