"""Open, migrate and hold the database; own every transaction.

    store = open_store("forum.db")
    with store.transaction():
        ...  # domain writes; all or nothing

One Store holds one connection. Writes happen only inside `transaction()`,
which takes SQLite's write lock at the start (BEGIN IMMEDIATE), so a kill at
any moment leaves the file before or after, never between.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from ceapp import migrations
from ceapp.clock import HybridClock
from ceapp.errors import PassphraseError, SchemaTooNewError, StoreError, ValidationError
from ceapp.i18n import _

ENV_DB = "CEAPP_DB"
MEMORY = ":memory:"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    """The per-user database file in the platform's user-data folder."""
    return platformdirs.user_data_path("ceapp", appauthor=False) / "ceapp.db"


def resolve_db_path(path: str | os.PathLike | None = None, environ=None) -> str:
    """--db if given, else $CEAPP_DB, else the platform user-data folder."""
    environ = os.environ if environ is None else environ
    if path:
        return str(path)
    if environ.get(ENV_DB):
        return environ[ENV_DB]
    return str(default_db_path())


def looks_encrypted(path: str) -> bool:
    """True when the file exists, has content and is not plain SQLite."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return bool(header) and header != SQLITE_HEADER


def read_passphrase_file(path: str | None) -> str | None:
    """The passphrase on the first line of `path` (None when no file is given)."""
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            passphrase = handle.readline().rstrip("\r\n")
    except OSError as error:
        raise ValidationError(
            "passphrase_file",
            _("Cannot read the passphrase file {path}: {reason}.").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    if not passphrase:
        raise ValidationError(
            "passphrase_file",
            _("The passphrase file {path} is empty; put the passphrase on its first line.").format(
                path=path
            ),
        )
    return passphrase


class Store:
    """An open ceapp database: connection, node id and hybrid clock."""

    def __init__(
        self, conn: sqlite3.Connection, path: str, *, passphrase: str | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        self._passphrase = passphrase
        self.encrypted = passphrase is not None
        self.node = self._meta("node_id")
        self.clock = HybridClock(node=self.node)
        self._depth = 0
        self.backup_path: str | None = None
        # Tables written by committed transactions and not yet collected by
        # take_changes(): what views showing them need to refresh.
        self._changed: set[str] = set()
        self._changed_in_transaction: set[str] = set()

    # -- meta --------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- transactions ------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside commit together or not at all; nests with savepoints."""
        if self._depth:
            name = f"ceapp_{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        self._changed_in_transaction = set()
        try:
            # Another process may have written since we last looked: never
            # hand out a stamp below one already in the file.
            stored = self._meta("clock")
            if stored:
                self.clock.observe(stored, remote=False)
            yield self
            self._set_meta("clock", self.clock.last())
            self.conn.execute("COMMIT")
            self._changed |= self._changed_in_transaction
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def require_transaction(self) -> None:
        if not self._depth:
            raise RuntimeError("writes must happen inside store.transaction()")

    def note_changed(self, table: str) -> None:
        """Record that the open transaction wrote `table` (called by changes.py)."""
        self._changed_in_transaction.add(table)

    def take_changes(self) -> frozenset[str]:
        """Tables written by transactions committed since the last call; clears the list."""
        changed, self._changed = frozenset(self._changed), set()
        return changed

    def open_reader(self) -> Store:
        """A second Store on its own connection to the same file, for another thread.

        WAL lets it read while this one writes. Writes through the reader are
        refused (query_only). An in-memory database cannot be shared between
        connections, so there the reader is this same Store.
        """
        if self.path == MEMORY:
            return self
        conn = _connect(self.path, self._passphrase)
        _probe(conn, self.path, self._passphrase)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        return Store(conn, self.path, passphrase=self._passphrase)

    # -- reads -------------------------------------------------------------

    def query(self, sql: str, params=()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def scalar(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    @property
    def schema_version(self) -> int:
        return migrations.schema_version(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _connect(path: str, passphrase: str | None, *, read_only: bool = False) -> sqlite3.Connection:
    target, uri = path, False
    if read_only:
        # Look without touching: mode=ro cannot checkpoint a leftover WAL
        # into the file, and when there is no WAL, immutable=1 also stops
        # SQLite creating -wal/-shm files beside a file we may then refuse.
        wal = f"{path}-wal"
        has_wal = os.path.exists(wal) and os.path.getsize(wal) > 0
        query = "mode=ro" if has_wal else "mode=ro&immutable=1"
        target, uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?{query}", True
    if passphrase is None:
        return sqlite3.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    import sqlcipher3

    conn = sqlcipher3.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    # PRAGMA key takes no bound parameters; quote it as an SQL string literal.
    conn.execute("PRAGMA key = '{}'".format(passphrase.replace("'", "''")))
    return conn


def _probe(conn: sqlite3.Connection, path: str, passphrase: str | None) -> None:
    """Read the schema once so a wrong key or a foreign file fails here, cleanly."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as error:  # sqlite3 and sqlcipher3 have separate error classes
        conn.close()
        if "not a database" not in str(error) and "encrypted" not in str(error):
            raise StoreError(
                _("Could not read {path}: {error}").format(path=path, error=error)
            ) from error
        if passphrase is None:
            raise PassphraseError(
                _(
                    "{path} is encrypted or is not a ceapp database. If it is encrypted, "
                    "open it with its passphrase (--passphrase-file)."
                ).format(path=path)
            ) from error
        raise PassphraseError(
            _(
                "The passphrase does not open {path}. Check it and try again; "
                "without the right passphrase the data cannot be read."
            ).format(path=path)
        ) from error


def _backup_before_migrating(conn: sqlite3.Connection, path: str, version: int) -> str:
    # Fold the WAL into the main file so a plain copy holds everything; a
    # copy (not the backup API) keeps an encrypted file encrypted.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    backup = f"{path}.v{version}-{stamp}.bak"
    shutil.copy2(path, backup)
    return backup


def _refuse_if_not_ours(path: str, passphrase: str | None) -> None:
    """Look at an existing file read-only; raise before anything could change it."""
    conn = _connect(path, passphrase, read_only=True)
    try:
        _probe(conn, path, passphrase)
        version = migrations.schema_version(conn)
        has_tables = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
    finally:
        conn.close()
    if version > migrations.latest_version():
        raise SchemaTooNewError(
            _(
                "{path} was written by a newer version of ceapp (database schema "
                "{found}; this version understands up to {known}). It has not been "
                "changed. Install the newer ceapp to open it."
            ).format(path=path, found=version, known=migrations.latest_version())
        )
    if version == 0 and has_tables:
        # Tables but no schema version: some other program's database. Adding
        # ours (and switching it to WAL) would change a file that is not ours.
        raise StoreError(
            _(
                "{path} is an SQLite database from another program, not a ceapp one. "
                "It has not been changed. Choose a different file for ceapp."
            ).format(path=path)
        )


def open_store(
    path: str | os.PathLike | None = None,
    *,
    passphrase: str | None = None,
    wall_clock: Callable[[], int] | None = None,
) -> Store:
    """Open (creating if needed) and migrate the database at `path`.

    A file written by a newer ceapp is refused and left byte-for-byte as it
    was. An existing file is copied aside before any migration runs.
    """
    path = resolve_db_path(path)
    if passphrase == "":
        # SQLCipher rejects an empty key with a raw error after creating the file.
        raise PassphraseError(_("The passphrase is empty; give the database's passphrase."))
    memory = path == MEMORY
    if not memory and os.path.isdir(path):
        raise StoreError(
            _("{path} is a folder, not a database file; give a file name.").format(path=path)
        )
    existed = not memory and os.path.exists(path) and os.path.getsize(path) > 0
    if existed and passphrase is not None and not looks_encrypted(path):
        raise PassphraseError(
            _("{path} is not encrypted; open it without a passphrase.").format(path=path)
        )
    if existed:
        _refuse_if_not_ours(path, passphrase)
    try:
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path, passphrase)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            _(
                "Could not open {path}: {reason}. Check the folder exists and you may write there."
            ).format(path=path, reason=getattr(error, "strerror", None) or error)
        ) from error

    _probe(conn, path, passphrase)
    version = migrations.schema_version(conn)

    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not memory:
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL with synchronous=NORMAL is durable against application crashes,
        # which is what a kill mid-write is.
        conn.execute("PRAGMA synchronous = NORMAL")

    backup = None
    if migrations.pending(conn):
        try:
            if existed and version > 0:
                backup = _backup_before_migrating(conn, path, version)
            migrations.apply_pending(conn)
        except BaseException:
            # Let go of the file: an open connection would keep it locked.
            conn.close()
            raise
    if not conn.execute("SELECT 1 FROM meta WHERE key = 'node_id'").fetchone():
        conn.execute("INSERT INTO meta (key, value) VALUES ('node_id', ?)", (secrets.token_hex(8),))
    store = Store(conn, path, passphrase=passphrase)
    store.backup_path = backup
    if wall_clock is not None:
        store.clock.wall_clock = wall_clock
    return store
