"""The store: where the file lives, how it is opened, migrated, refused and kept whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from factories import make_area, make_event, row_counts

from ceapp import changes, events, integrity, migrations, store_files
from ceapp.errors import SchemaTooNewError, StoreError
from ceapp.fingerprint import fingerprint
from ceapp.migrations import Migration
from ceapp.store import open_store
from ceapp.store_files import ENV_DB, resolve_db_path

# The version a test migration added after the real ones gets.
NEXT = migrations.latest_version() + 1

# The project root, so a child interpreter imports this checkout of ceapp.
ROOT = Path(__file__).resolve().parent.parent


def _run_child(script: str, *, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _sidecars(path: str) -> list[str]:
    return [suffix for suffix in ("-wal", "-shm", "-journal") if os.path.exists(path + suffix)]


# -- where the database lives ------------------------------------------------


def test_db_option_beats_environment_and_default(tmp_path):
    given = tmp_path / "given.db"
    environ = {ENV_DB: str(tmp_path / "env.db")}
    assert resolve_db_path(given, environ=environ) == str(given)


def test_environment_beats_platform_default(tmp_path):
    environ = {ENV_DB: str(tmp_path / "env.db")}
    assert resolve_db_path(None, environ=environ) == str(tmp_path / "env.db")


def test_platform_default_when_nothing_given(tmp_path, monkeypatch):
    # An empty CEAPP_DB counts as unset, as an empty shell variable would.
    monkeypatch.setattr(store_files, "default_db_path", lambda: tmp_path / "data" / "ceapp.db")
    assert resolve_db_path(None, environ={ENV_DB: ""}) == str(tmp_path / "data" / "ceapp.db")


def test_default_path_is_in_user_data_folder():
    # platformdirs picks the folder per platform; ours is always called ceapp.
    path = store_files.default_db_path()
    assert path.name == "ceapp.db"
    assert path.parent.name == "ceapp"


def test_open_store_follows_environment_and_creates_folders(tmp_path, monkeypatch):
    target = tmp_path / "nested" / "folder" / "env.db"
    monkeypatch.setenv(ENV_DB, str(target))
    with open_store() as opened:
        assert opened.path == str(target)
    assert target.exists()


# -- how it is opened ----------------------------------------------------------


def test_wal_mode_and_foreign_keys_are_on(store):
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1


def test_foreign_keys_are_enforced(store):
    # The write path checks references itself; the database refuses too.
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.conn.execute(
            "INSERT INTO attendance (id, event_id, role, delta) VALUES ('a', 'nope', 'resident', 1)"
        )
    assert store.scalar("SELECT count(*) FROM attendance") == 0


def test_writes_outside_a_transaction_are_refused(store):
    with pytest.raises(RuntimeError, match="transaction"):
        changes.create(store, "areas", {"borough": "B", "ward": "W"})


def test_fresh_file_is_migrated_and_recorded(store):
    latest = migrations.latest_version()
    assert store.scalar("PRAGMA user_version") == latest
    assert store.schema_version == latest
    recorded = store.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY 1")
    assert [row["version"] for row in recorded] == [m.version for m in migrations.MIGRATIONS]
    assert all(row["name"] and row["applied_at"] for row in recorded)
    assert store.backup_path is None


def test_node_id_is_kept_across_openings(db_path):
    with open_store(db_path) as first:
        node = first.node
    with open_store(db_path) as second:
        assert second.node == node
    assert len(node) == 16


def test_clock_never_goes_back_across_openings(db_path):
    # The second opening's wall clock is an hour behind the first; its stamps
    # must still sort after everything already in the file.
    start = 1_800_000_000_000
    with open_store(db_path, wall_clock=lambda: start) as first:
        make_area(first)
        high = first.scalar("SELECT max(stamp) FROM changes")
    with open_store(db_path, wall_clock=lambda: start - 3_600_000) as second:
        make_area(second, ward="Weavers")
        newest = second.scalar("SELECT max(stamp) FROM changes")
    assert newest > high


# -- a file from a newer ceapp ---------------------------------------------------


def _make_too_new(db_path: str) -> bytes:
    with open_store(db_path) as opened:
        make_area(opened)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    conn.close()
    assert _sidecars(db_path) == []
    return Path(db_path).read_bytes()


def test_too_new_schema_is_refused_and_file_unchanged(db_path):
    before = _make_too_new(db_path)
    with pytest.raises(SchemaTooNewError) as caught:
        open_store(db_path)
    message = str(caught.value)
    # What happened, that nothing was changed, and what to do about it.
    assert "newer version of ceapp" in message
    assert str(migrations.latest_version() + 1) in message
    assert "not been changed" in message
    assert "Install the newer ceapp" in message
    assert Path(db_path).read_bytes() == before
    assert _sidecars(db_path) == []


def test_too_new_schema_with_a_crash_left_wal_is_refused_unchanged(tmp_path):
    """A newer ceapp that crashed leaves a WAL; refusing must not fold it into the file."""
    path = str(tmp_path / "crashed.db")
    with open_store(path) as opened:
        make_area(opened)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    # Copy the files while the writer still holds its WAL: what a crash leaves.
    crashed = str(tmp_path / "copy.db")
    for suffix in ("", "-wal"):
        Path(crashed + suffix).write_bytes(Path(path + suffix).read_bytes())
    writer.close()
    assert os.path.getsize(crashed + "-wal") > 0
    before = Path(crashed).read_bytes(), Path(crashed + "-wal").read_bytes()
    with pytest.raises(SchemaTooNewError):
        open_store(crashed)
    assert (Path(crashed).read_bytes(), Path(crashed + "-wal").read_bytes()) == before


def test_another_programs_database_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "recipes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO recipes (name) VALUES ('soup')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert "another program" in str(caught.value)
    assert "not been changed" in str(caught.value)
    assert path.read_bytes() == before
    assert _sidecars(str(path)) == []


# -- migrating an older file -----------------------------------------------------


def _second_migration(conn):
    conn.execute("CREATE TABLE venues (id TEXT PRIMARY KEY, name TEXT NOT NULL)")


def _failing_migration(conn):
    conn.execute("CREATE TABLE venues (id TEXT PRIMARY KEY, name TEXT NOT NULL)")
    conn.execute("INSERT INTO venues VALUES ('v1', 'Town hall')")
    conn.execute("ALTER TABLE events ADD COLUMN capacity INTEGER")
    raise RuntimeError("migration broke halfway")


def _table_names(path: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_backup_is_made_before_migrating(db_path, monkeypatch):
    with open_store(db_path) as old:
        make_event(old, title="Before the upgrade")
        old_fingerprint = fingerprint(old)
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        (*migrations.MIGRATIONS, Migration(NEXT, "venues", _second_migration)),
    )

    with open_store(db_path) as upgraded:
        assert upgraded.schema_version == NEXT
        assert "venues" in _table_names(db_path)
        backup = upgraded.backup_path
    assert backup is not None
    assert backup.startswith(f"{db_path}.v{NEXT - 1}-")
    assert backup.endswith(".bak")

    # The backup is a whole version-1 database holding the old content.
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == NEXT - 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        titles = [row[0] for row in conn.execute("SELECT title FROM events")]
    finally:
        conn.close()
    assert titles == ["Before the upgrade"]
    assert "venues" not in _table_names(backup)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[: NEXT - 1])
    with open_store(backup) as restored:
        assert fingerprint(restored) == old_fingerprint


def test_fresh_file_gets_no_backup(tmp_path, monkeypatch):
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        (*migrations.MIGRATIONS, Migration(NEXT, "venues", _second_migration)),
    )
    path = tmp_path / "fresh.db"
    with open_store(path) as opened:
        assert opened.schema_version == NEXT
        assert opened.backup_path is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".bak") == []


def test_up_to_date_file_gets_no_backup(db_path):
    with open_store(db_path) as first:
        make_area(first)
    with open_store(db_path) as again:
        assert again.backup_path is None
    assert not list(Path(db_path).parent.glob("*.bak"))


def test_failed_migration_leaves_previous_version(db_path, monkeypatch):
    with open_store(db_path) as old:
        make_event(old)
        old_fingerprint = fingerprint(old)
    tables_before = _table_names(db_path)
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        (*migrations.MIGRATIONS, Migration(NEXT, "broken", _failing_migration)),
    )

    with pytest.raises(RuntimeError, match="halfway"):
        open_store(db_path)
    # The failed open let go of the file: the last connection to close removes
    # the WAL side files, and a lingering one would keep the file locked.
    assert _sidecars(db_path) == []

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[: NEXT - 1])
    with open_store(db_path) as reopened:
        assert reopened.schema_version == NEXT - 1
        assert fingerprint(reopened) == old_fingerprint
        columns = {row["name"] for row in reopened.query("PRAGMA table_info(events)")}
        recorded = reopened.scalar("SELECT max(version) FROM schema_migrations")
    assert "capacity" not in columns
    assert recorded == NEXT - 1
    assert _table_names(db_path) == tables_before


# -- killed mid-write ------------------------------------------------------------


def test_exit_before_commit_leaves_database_as_it_was(db_path):
    with open_store(db_path) as opened:
        event_id = make_event(opened)
        before = fingerprint(opened)
        counts = row_counts(opened)

    result = _run_child(
        f"""
        import os
        from ceapp import areas, attendance, events
        from ceapp.store import open_store

        store = open_store({db_path!r})
        with store.transaction():
            for number in range(20):
                areas.add_area(store, borough="Hackney", ward=f"Ward {{number}}")
            attendance.add_count(store, event_id={event_id!r}, role="resident", count=7)
            events.edit_event(store, {event_id!r}, title="Changed and never saved")
            print("written", flush=True)
            os._exit(1)
        """
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == "written"

    with open_store(db_path) as reopened:
        assert fingerprint(reopened) == before
        assert row_counts(reopened) == counts
        assert integrity.check(reopened) == []


def test_sigkill_during_write_loop_leaves_a_committed_state(db_path):
    with open_store(db_path) as opened:
        make_area(opened)

    # Each transaction writes two areas and one event, so any committed state
    # holds twice as many areas (plus the first) as loop events.
    script = f"""
        import sys
        from ceapp import areas, events
        from ceapp.store import open_store

        store = open_store({db_path!r})
        number = 0
        while True:
            with store.transaction():
                areas.add_area(store, borough="Hackney", ward=f"A{{number}}")
                areas.add_area(store, borough="Hackney", ward=f"B{{number}}")
                events.add_event(
                    store, title=f"Loop {{number}}", starts_at="2026-03-14 18:30",
                    spectrum="consultation", method="drop_in",
                )
            if number == 20:
                print("running", flush=True)
            number += 1
        """
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "running"
        time.sleep(0.3)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    with open_store(db_path) as reopened:
        assert integrity.check(reopened) == []
        loop_events = events.count_events(reopened)
        area_count = reopened.scalar("SELECT count(*) FROM areas")
        assert loop_events > 20
        assert area_count == 1 + 2 * loop_events


def test_a_folder_or_unwritable_place_gives_a_message_not_a_traceback(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Could not open"):
        open_store(blocker / "ceapp.db")
