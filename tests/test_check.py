"""`ceapp check` on damaged files: each kind of damage is a sentence, never a traceback.

Every test damages a copy of one small demo database with plain sqlite3,
the way a failing disk, another program or a hand at the sqlite3 shell
would, then runs `ceapp check` (and `check --json`) in-process.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from factories import make_event

from ceapp import demo, groups, integrity
from ceapp.cli import main
from ceapp.clock import MAX_DRIFT_MS, format_stamp, parse_stamp
from ceapp.log_encoding import decode_id, stamp_value
from ceapp.store import open_store

FUTURE = "2099-01-01T00:00:00.000Z-0000-0123456789abcdef"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("check") / "pristine.db")
    with open_store(path) as store:
        demo.generate(store, seed=1, events=20)
    # Fold the WAL into the file so byte-level damage hits the real pages.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


@pytest.fixture
def copy(pristine, tmp_path):
    def make(name: str = "damaged.db") -> str:
        target = str(tmp_path / name)
        shutil.copyfile(pristine, target)
        return target

    return make


def _sql(path: str, *statements: str, params=()) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement, params)
    finally:
        conn.close()


def _first(path: str, sql: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


def _run(capsys, path: str, *options: str) -> tuple[int, str, str]:
    code = main(["--db", path, "check", *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _reported(capsys, path: str) -> list[str]:
    """Run check as people and programs do; both must report the same problems."""
    twin = path + ".twin.db"
    # Opening may repair what it finds (a lost installation id), so the JSON
    # run gets its own copy of the damaged file.
    shutil.copyfile(path, twin)
    code, out, err = _run(capsys, path)
    assert code == 1, out + err
    assert err == ""
    assert "Traceback" not in out
    lines = out.splitlines()
    assert lines
    for line in lines:
        # One problem per line, each a sentence.
        assert line.strip() == line and line.endswith("."), line

    code, out, err = _run(capsys, twin, "--json")
    assert code == 1, out + err
    assert err == ""
    report = json.loads(out)
    assert report["ok"] is False
    assert report["problems"] == lines
    return lines


def _one_like(lines: list[str], *phrases: str) -> str:
    matching = [line for line in lines if all(phrase in line for phrase in phrases)]
    assert matching, f"no line with {phrases} in {lines}"
    return matching[0]


def test_a_sound_file_has_no_problems(capsys, copy):
    code, out, _err = _run(capsys, copy())
    assert (code, out) == (0, "No problems found.\n")
    code, out, _err = _run(capsys, copy(), "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "problems": []}


def test_a_damaged_page(capsys, copy):
    path = copy()
    root, page_size = _first(
        path,
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size())"
        " FROM sqlite_master WHERE name = 'events'",
    )
    assert root > 1  # a data page, not the header and schema page
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xab" * 64)
        handle.seek((root - 1) * page_size + page_size // 2)
        handle.write(b"\xcd" * 200)
    lines = _reported(capsys, path)
    _one_like(lines, "The database file is damaged", "Restore it from a backup copy.")
    _one_like(lines, "events", "damaged")


def test_text_that_is_not_utf8(capsys, copy):
    path = copy()
    event = _first(path, "SELECT id FROM events ORDER BY id")[0]
    _sql(path, "UPDATE events SET title = CAST(X'41fffe42' AS TEXT) WHERE id = ?", params=(event,))
    lines = _reported(capsys, path)
    assert lines == [
        f"events {event}: the title field holds bytes that are not valid UTF-8 text, "
        "so the file is damaged there. Restore it from a backup copy."
    ]


def test_a_change_whose_value_is_not_json(capsys, copy):
    path = copy()
    stored = _first(
        path, "SELECT row_id FROM changes WHERE tbl = 4 AND field = -1 ORDER BY row_id"
    )[0]
    event = decode_id(stored)
    _sql(
        path,
        "UPDATE changes SET value = 'not json {' WHERE tbl = 4 AND row_id = ? AND field = -1",
        params=(stored,),
    )
    lines = _reported(capsys, path)
    assert lines == [
        f"A change to events {event} in the change log holds a value that is not valid JSON, "
        "so the record cannot be rebuilt from the log. Restore the file from a backup copy."
    ]


def test_a_dropped_table(capsys, copy):
    path = copy()
    _sql(path, "PRAGMA foreign_keys = OFF", "DROP TABLE feedback_responses")
    lines = _reported(capsys, path)
    _one_like(lines, "The feedback_responses table is missing from the database.")
    # Its ops are still in the log, but that is the same problem, said once.
    assert not [line for line in lines if "missing from the table" in line]


def test_a_dropped_index(capsys, copy):
    path = copy()
    _sql(path, "DROP INDEX events_by_start")
    lines = _reported(capsys, path)
    assert lines == [
        "The index events_by_start of the events table is missing from the database. "
        "The records are intact, but the file has been altered: restore it from a backup copy."
    ]


def test_a_dropped_column(capsys, copy):
    path = copy()
    _sql(path, "ALTER TABLE events DROP COLUMN outcomes")
    lines = _reported(capsys, path)
    _one_like(lines, "The events table has lost its column outcomes.")


def test_a_lost_installation_id(capsys, copy):
    path = copy()
    _sql(path, "DELETE FROM meta WHERE key = 'node_id'")
    lines = _reported(capsys, path)
    assert len(lines) == 1
    _one_like(lines, "lost its installation id")


def test_a_junk_clock(capsys, copy):
    path = copy()
    _sql(path, "UPDATE meta SET value = 'half past nine' WHERE key = 'clock'")
    lines = _reported(capsys, path)
    assert lines == [
        "The database's clock, half past nine, is not a valid time stamp. "
        "The next change saved puts a good one back; nothing else needs doing."
    ]


def test_a_clock_in_the_future(capsys, copy):
    path = copy()
    _sql(path, "UPDATE meta SET value = ? WHERE key = 'clock'", params=(FUTURE,))
    lines = _reported(capsys, path)
    assert len(lines) == 1
    _one_like(lines, "The database's clock says 2099-01-01 00:00 UTC", "ahead of this computer")


def test_a_change_stamped_in_the_future(capsys, copy):
    # As a laptop with its date set decades ahead would write it.
    path = copy()
    stored = _first(path, "SELECT row_id FROM changes WHERE tbl = 1 ORDER BY row_id")[0]
    future = stamp_value(parse_stamp(FUTURE)[0], 0)
    _sql(path, "UPDATE changes SET stamp = ? WHERE tbl = 1 AND row_id = ?", params=(future, stored))
    lines = _reported(capsys, path)
    assert len(lines) == 1
    _one_like(lines, "1 change in the change log is stamped as late as 2099-01-01 00:00 UTC")


def test_a_create_that_does_not_fit_its_table(capsys, copy):
    path = copy()
    stored = _first(path, "SELECT row_id FROM changes WHERE tbl = 1 ORDER BY row_id")[0]
    _sql(
        path,
        "UPDATE changes SET value = '[1, 2, 3, 4]' WHERE tbl = 1 AND row_id = ? AND field = -1",
        params=(stored,),
    )
    lines = _reported(capsys, path)
    assert lines == [
        f"The change log of areas {decode_id(stored)} is damaged: the record cannot be rebuilt "
        "from it. Restore the file from a backup copy."
    ]


def test_a_change_of_an_unknown_kind(capsys, copy):
    path = copy()
    stored = _first(path, "SELECT row_id FROM changes WHERE tbl = 1 ORDER BY row_id")[0]
    _sql(path, "UPDATE changes SET field = 99 WHERE tbl = 1 AND row_id = ?", params=(stored,))
    lines = _reported(capsys, path)
    _one_like(
        lines, f"A change to areas {decode_id(stored)} in the change log is of an unknown kind, 99"
    )


def test_changes_to_an_unknown_table(capsys, copy):
    path = copy()
    _sql(
        path,
        "INSERT INTO changes (tbl, row_id, stamp, node, field, value)"
        " SELECT 99, row_id, stamp, node, field, value FROM changes WHERE tbl = 1 LIMIT 3",
    )
    lines = _reported(capsys, path)
    assert lines == [
        "The change log holds 3 changes to 99, which is not a table this version of "
        "ceapp knows. They may come from a newer ceapp or from another program."
    ]


def test_a_row_changed_behind_the_logs_back(capsys, copy):
    path = copy()
    event = _first(path, "SELECT id FROM events ORDER BY id")[0]
    _sql(path, "UPDATE events SET title = 'Tampered' WHERE id = ?", params=(event,))
    assert _reported(capsys, path) == [f"events {event} differs from its change log in: title."]


def test_a_link_to_a_missing_record(capsys, copy):
    path = copy()
    event = _first(path, "SELECT id FROM events ORDER BY id")[0]
    _sql(path, "UPDATE attendance SET event_id = 'gone' WHERE event_id = ?", params=(event,))
    lines = _reported(capsys, path)
    _one_like(lines, "attendance", "points at events gone, which does not exist.")


def test_each_kind_of_damage_at_once(capsys, copy):
    """Damage everywhere: each stage still reports its own."""
    path = copy()
    _sql(
        path,
        "PRAGMA foreign_keys = OFF",
        "DROP TABLE feedback_responses",
        "DROP INDEX issues_by_status",
        "UPDATE meta SET value = 'junk' WHERE key = 'clock'",
        "UPDATE events SET venue = CAST(X'c3' AS TEXT)",
        "UPDATE changes SET value = '{' WHERE tbl = 2",
    )
    lines = _reported(capsys, path)
    _one_like(lines, "feedback_responses table is missing")
    _one_like(lines, "issues_by_status")
    _one_like(lines, "clock, junk")
    _one_like(lines, "venue field holds bytes that are not valid UTF-8")
    _one_like(lines, "partners", "not valid JSON")


def test_problems_per_table_are_capped(capsys, copy):
    path = copy()
    _sql(path, "UPDATE attendance SET delta = delta + 1")
    assert _first(path, "SELECT count(*) FROM attendance")[0] > integrity.MAX_PROBLEMS_PER_TABLE
    lines = _reported(capsys, path)
    assert len(lines) == integrity.MAX_PROBLEMS_PER_TABLE


# -- redacted ops ---------------------------------------------------------------------


def test_redacted_ops_pass_the_check(store):
    group = groups.add_group(
        store,
        name="Shadwell Women's Group",
        group_type="faith",
        contact_consent=True,
        contact_name="Old Contact",
    )
    groups.edit_group(store, group, contact_name="New Contact")
    assert store.scalar("SELECT count(*) FROM changes WHERE redacted = 1") >= 1
    assert store.scalar("SELECT count(*) FROM changes WHERE instr(value, 'Old Contact')") == 0
    assert integrity.check(store) == []


# -- the clock tolerance ------------------------------------------------------------------


def test_stamps_just_inside_the_tolerance_are_fine(store):
    make_event(store)
    now = store.clock.now_ms()
    store.conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'clock'",
        (format_stamp(now + MAX_DRIFT_MS - 60_000, 0, store.node),),
    )
    assert integrity.check(store) == []


# -- an encrypted file ------------------------------------------------------------------


def test_a_damaged_page_in_an_encrypted_file(capsys, tmp_path):
    sqlcipher3 = pytest.importorskip("sqlcipher3")
    path, secret = str(tmp_path / "locked.db"), tmp_path / "passphrase"
    secret.write_text("correct horse\n")
    with open_store(path, passphrase="correct horse") as store:
        demo.generate(store, seed=1, events=20)
    conn = sqlcipher3.connect(path, isolation_level=None)
    conn.execute("PRAGMA key = 'correct horse'")
    conn.execute("PRAGMA journal_mode = DELETE")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'issues'").fetchone()[0]
    page_size = int(conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size + page_size // 2)
        handle.write(b"\x00" * 64)
    code = main(["--db", path, "--passphrase-file", str(secret), "check"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    lines = out.splitlines()
    _one_like(lines, "file is damaged", "Restore it from a backup copy.")
    assert all(line.endswith(".") for line in lines)
