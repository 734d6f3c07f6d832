"""Migration 5: a database whose change log is in the old text form is converted, losing nothing.

tests/data/schema3-text-log.db was written by the last release with that
form (schema 3): demo data with an erased contact, an edited and a deleted
event. Its fingerprint then was FINGERPRINT.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from factories import make_area

from ceapp import integrity
from ceapp.fingerprint import fingerprint
from ceapp.log_encoding import decoded_ops
from ceapp.migrations import latest_version
from ceapp.store import open_store

FIXTURE = Path(__file__).parent / "data" / "schema3-text-log.db"
# Since schema 6 an empty table adds nothing to a fingerprint; the records
# are the same ones the old rule hashed to a5aa7e0a…0e658.
FINGERPRINT = "07c866b47d6037939da978dfe8f9c71286ffd4a14b681b62784fc4c933168705"
OPS = 287


def _old_copy(tmp_path) -> str:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    return str(path)


def test_an_old_text_log_is_converted_and_the_records_are_unchanged(tmp_path):
    path = _old_copy(tmp_path)
    with open_store(path) as store:
        assert store.schema_version == latest_version()
        assert store.backup_path is not None
        assert fingerprint(store) == FINGERPRINT
        ops = decoded_ops(store)
        assert len(ops) == OPS
        assert sum(op["redacted"] for op in ops) == 1
        assert {op["kind"] for op in ops} == {"create", "set", "delete"}
        assert integrity.check(store) == []
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(changes)")]
        assert "op_id" not in columns
        indexes = store.query("SELECT name FROM sqlite_master WHERE tbl_name = 'changes'")
        assert [row["name"] for row in indexes] == ["changes"]
        # Writing goes on, stamped after everything the old log held.
        newest = max(op["stamp"] for op in ops)
        make_area(store, ward="After the upgrade")
        assert max(op["stamp"] for op in decoded_ops(store)) > newest
        assert integrity.check(store) == []


def test_the_converted_log_is_smaller(tmp_path):
    path = _old_copy(tmp_path)
    conn = sqlite3.connect(path)
    before = conn.execute(
        "SELECT sum(length(op_id) + length(row_id) + length(stamp) + length(node)"
        " + coalesce(length(value), 0)) FROM changes"
    ).fetchone()[0]
    conn.close()
    with open_store(path) as store:
        after = store.scalar(
            "SELECT sum(length(row_id) + 16 + coalesce(length(value), 0)) FROM changes"
        )
    assert after < before / 2


def test_an_unreadable_old_op_is_kept_aside_and_reported(tmp_path):
    path = _old_copy(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "UPDATE changes SET stamp = 'half past nine'"
        " WHERE op_id = (SELECT op_id FROM changes WHERE tbl = 'issues' ORDER BY op_id LIMIT 1)"
    )
    conn.close()
    with open_store(path) as store:
        assert store.scalar("SELECT count(*) FROM changes_unconverted") == 1
        assert len(decoded_ops(store)) == OPS - 1
        problems = integrity.check(store)
        assert any("changes_unconverted" in problem for problem in problems)
