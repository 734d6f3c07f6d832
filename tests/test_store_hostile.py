"""The store against files and situations that are not what it expects.

Each case ends in a message a person can act on, never a traceback, and a
file that is not ours is left byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from factories import make_area, make_event

from ceapp import integrity, migrations, store_files
from ceapp import store as store_module
from ceapp.clock import format_stamp
from ceapp.errors import StoreError, ValidationError
from ceapp.log_encoding import stamp_parts
from ceapp.store import open_store
from ceapp.store_files import read_passphrase_file

ROOT = Path(__file__).resolve().parent.parent


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _sidecars(path) -> list[str]:
    return [suffix for suffix in ("-wal", "-shm") if os.path.exists(f"{path}{suffix}")]


@pytest.mark.parametrize("user_version", [0, 1, 2, -1, 99])
def test_another_programs_file_is_refused_unchanged_whatever_its_user_version(
    tmp_path, user_version
):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('not ours')")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    before = _sha256(path)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert "another program" in str(caught.value)
    assert _sha256(path) == before
    assert _sidecars(path) == []


def test_empty_db_path_is_refused_not_replaced_by_the_default(tmp_path, monkeypatch):
    monkeypatch.setattr(store_files, "default_db_path", lambda: tmp_path / "default.db")
    with pytest.raises(StoreError, match="empty"):
        open_store("")
    assert not (tmp_path / "default.db").exists()


def test_a_device_file_is_refused():
    with pytest.raises(StoreError, match="special file"):
        open_store("/dev/null")


def test_passphrase_file_that_is_not_utf8_is_refused(tmp_path):
    bad = tmp_path / "pass.txt"
    bad.write_bytes(b"caf\xe9 latin-1\n")
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_passphrase_file(str(bad))


def test_passphrase_file_with_a_nul_byte_is_refused(tmp_path):
    bad = tmp_path / "pass.txt"
    bad.write_bytes(b"secret\x00more\n")
    with pytest.raises(ValidationError, match="NUL"):
        read_passphrase_file(str(bad))


def test_a_huge_passphrase_file_is_refused_without_reading_it_all(tmp_path):
    bad = tmp_path / "pass.bin"
    bad.write_bytes(b"x" * 5_000_000)
    with pytest.raises(ValidationError, match="too long"):
        read_passphrase_file(str(bad))


def test_junk_clock_does_not_stop_writes_and_is_repaired(db_path):
    with open_store(db_path) as store:
        make_area(store)
        newest = store.scalar("SELECT max(stamp) FROM changes")
        store.conn.execute("UPDATE meta SET value = 'not a stamp' WHERE key = 'clock'")
    with open_store(db_path) as store:
        make_event(store)
        clock = store.scalar("SELECT value FROM meta WHERE key = 'clock'")
        assert clock > format_stamp(*stamp_parts(newest), store.node)
        stamps = [row[0] for row in store.conn.execute("SELECT stamp FROM changes")]
        assert len(set(stamps)) == len(stamps)
        assert integrity.check(store) == []


def test_a_clock_absurdly_far_ahead_is_not_followed(db_path):
    with open_store(db_path) as store:
        make_area(store)
        store.conn.execute(
            "UPDATE meta SET value = '9999-12-31T23:59:59.999Z-ffff-0000000000000000'"
            " WHERE key = 'clock'"
        )
    with open_store(db_path) as store:
        make_event(store)
        assert store.scalar("SELECT value FROM meta WHERE key = 'clock'") < "3000"


def test_a_busy_database_gives_a_message_not_a_traceback(db_path, monkeypatch):
    with open_store(db_path) as store:
        make_area(store)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 100)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with open_store(db_path) as store, pytest.raises(StoreError) as caught:
            make_area(store, ward="Weavers")
        assert "busy" in str(caught.value)
        assert "another program" in str(caught.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_missing_node_id_is_repaired_and_flagged(db_path):
    with open_store(db_path) as store:
        make_area(store)
        store.conn.execute("DELETE FROM meta WHERE key = 'node_id'")
    with open_store(db_path) as store:
        assert store.node_was_missing
        assert store.node
    with open_store(db_path) as store:
        assert not store.node_was_missing


def test_several_processes_creating_one_file_at_once(tmp_path):
    path = tmp_path / "new.db"
    script = textwrap.dedent(
        f"""
        from ceapp.store import open_store
        with open_store({str(path)!r}) as store:
            print(store.schema_version)
        """
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _n in range(6)
    ]
    results = [child.communicate(timeout=60) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert out.strip() == str(migrations.latest_version())
    with open_store(path) as store:
        assert integrity.check(store) == []
        assert store.scalar("SELECT count(*) FROM schema_migrations") == len(migrations.MIGRATIONS)
        assert store.scalar("SELECT count(*) FROM meta WHERE key = 'node_id'") == 1


def test_backups_refuse_to_overwrite_and_are_private(store, tmp_path):
    make_area(store)
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(ValidationError, match="already exists"):
        store.save_copy(existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(ValidationError, match="different file"):
        store.save_copy(store.path)
    copy = store.save_copy(tmp_path / "sub" / "copy.db")
    assert os.stat(copy).st_mode & 0o777 == 0o600
    with open_store(copy) as opened:
        assert opened.scalar("SELECT count(*) FROM areas") == 1


def test_new_database_files_are_private(db_path):
    with open_store(db_path) as store:
        make_area(store)
        for name in (db_path, f"{db_path}-wal", f"{db_path}-shm"):
            assert os.stat(name).st_mode & 0o777 == 0o600, name
