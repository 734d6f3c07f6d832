"""Encryption at rest with SQLCipher: unreadable without the passphrase, clear when refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from factories import make_event

from ceapp import events, integrity, migrations
from ceapp.errors import PassphraseError
from ceapp.fingerprint import fingerprint
from ceapp.migrations import Migration
from ceapp.store import open_store
from ceapp.store_files import SQLITE_HEADER, looks_encrypted

PASSPHRASE = "correct horse battery staple"
# Distinctive enough that finding it in the file can only mean plaintext leaked.
SECRET_TITLE = "Zanzibar-Quokka consultation 7731"


@pytest.fixture
def encrypted_path(tmp_path):
    path = str(tmp_path / "secret.db")
    with open_store(path, passphrase=PASSPHRASE) as opened:
        make_event(opened, title=SECRET_TITLE)
    return path


def _all_bytes(path: str) -> bytes:
    # The WAL may hold recent pages; check it too where it exists.
    return b"".join(
        Path(path + suffix).read_bytes() for suffix in ("", "-wal") if Path(path + suffix).exists()
    )


def test_encrypted_file_hides_its_content(encrypted_path):
    data = Path(encrypted_path).read_bytes()
    assert not data.startswith(SQLITE_HEADER)
    assert looks_encrypted(encrypted_path)
    assert SECRET_TITLE.encode() not in _all_bytes(encrypted_path)
    assert b"Zanzibar" not in _all_bytes(encrypted_path)


def test_plain_sqlite_cannot_read_it(encrypted_path):
    conn = sqlite3.connect(encrypted_path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT * FROM events").fetchall()
    finally:
        conn.close()


def test_right_passphrase_reads_the_data(encrypted_path):
    with open_store(encrypted_path, passphrase=PASSPHRASE) as opened:
        assert opened.encrypted
        assert [row["title"] for row in events.list_events(opened)] == [SECRET_TITLE]
        assert integrity.check(opened) == []


def test_no_passphrase_is_refused_helpfully(encrypted_path):
    before = Path(encrypted_path).read_bytes()
    with pytest.raises(PassphraseError) as caught:
        open_store(encrypted_path)
    message = str(caught.value)
    assert "encrypted" in message
    assert "passphrase" in message
    assert Path(encrypted_path).read_bytes() == before


def test_wrong_passphrase_is_refused_and_file_unchanged(encrypted_path):
    before = Path(encrypted_path).read_bytes()
    with pytest.raises(PassphraseError) as caught:
        open_store(encrypted_path, passphrase="not the passphrase")
    message = str(caught.value)
    assert "does not open" in message
    assert encrypted_path in message
    # A person reads this: no exception class names or SQLite jargon.
    for jargon in ("Traceback", "DatabaseError", "sqlite", "file is not a database"):
        assert jargon not in message
    assert Path(encrypted_path).read_bytes() == before


def test_passphrase_with_quotes_works(tmp_path):
    # PRAGMA key is built as an SQL literal; a quote must not break or weaken it.
    path = str(tmp_path / "quoted.db")
    tricky = "it's a 'quoted' pass\"phrase"
    with open_store(path, passphrase=tricky) as opened:
        make_event(opened)
        expected = fingerprint(opened)
    with open_store(path, passphrase=tricky) as reopened:
        assert fingerprint(reopened) == expected
    with pytest.raises(PassphraseError):
        open_store(path, passphrase="it's a")


def test_plain_file_opened_with_passphrase_is_refused(db_path):
    with open_store(db_path) as opened:
        make_event(opened)
    before = Path(db_path).read_bytes()
    with pytest.raises(PassphraseError) as caught:
        open_store(db_path, passphrase=PASSPHRASE)
    message = str(caught.value)
    assert "not encrypted" in message
    assert "without a passphrase" in message
    assert Path(db_path).read_bytes() == before


def test_not_a_database_at_all_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are meeting notes, not a database.\n" * 200)
    before = path.read_bytes()
    with pytest.raises(PassphraseError) as caught:
        open_store(path)
    assert "not a ceapp database" in str(caught.value)
    assert path.read_bytes() == before


def test_empty_passphrase_is_refused_before_touching_the_file(tmp_path):
    path = tmp_path / "empty-key.db"
    with pytest.raises(PassphraseError, match="passphrase is empty"):
        open_store(path, passphrase="")
    assert not path.exists()


def test_backup_before_migrating_stays_encrypted(encrypted_path, monkeypatch):
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        (
            *migrations.MIGRATIONS,
            Migration(migrations.latest_version() + 1, "noop", lambda conn: None),
        ),
    )
    with open_store(encrypted_path, passphrase=PASSPHRASE) as upgraded:
        backup = upgraded.backup_path
    assert backup is not None
    assert looks_encrypted(backup)
    assert SECRET_TITLE.encode() not in Path(backup).read_bytes()
    monkeypatch.undo()
    with open_store(backup, passphrase=PASSPHRASE) as restored:
        assert restored.schema_version == migrations.latest_version()
        assert [row["title"] for row in events.list_events(restored)] == [SECRET_TITLE]
