"""Open, migrate and hold the database; own every transaction.

    store = open_store("forum.db")
    with store.transaction():
        ...  # domain writes; all or nothing

One Store holds one connection. Writes happen only inside `transaction()`,
which takes SQLite's write lock at the start (BEGIN IMMEDIATE), so a kill at
any moment leaves the file before or after, never between.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ceapp import migrations
from ceapp.clock import HybridClock, parse_stamp
from ceapp.errors import PassphraseError, SchemaTooNewError, StoreError, ValidationError
from ceapp.i18n import _
from ceapp.log_encoding import node_value, stamp_parts, stamp_value
from ceapp.sqlite_errors import database_errors, is_sqlite_error
from ceapp.store_files import (
    MEMORY,
    create_private_file,
    looks_encrypted,
    resolve_db_path,
)

BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_ATTEMPTS = 20
# A stored clock further ahead of this computer's than this is damage, not
# drift: ten years.
ABSURD_CLOCK_MS = 10 * 365 * 24 * 60 * 60 * 1000


def _absurd_millis() -> int:
    return time.time_ns() // 1_000_000 + ABSURD_CLOCK_MS


LOG_INSERT = (
    "INSERT INTO changes (tbl, row_id, stamp, node, field, value, redacted, base)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _log_key(row: tuple) -> tuple:
    """A log row's primary key in SQLite's order, where text ids sort before UUID bytes."""
    table, row_id, stamp, node, field = row[:5]
    return table, isinstance(row_id, bytes), row_id, stamp, node, field


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
        self._before_commit: dict = {}
        self._checkpoint_wanted = False
        self._closed = False
        # Anonymous rows written in the open transaction, by table and group,
        # for ceapp.anonymity to settle before it commits.
        self.anonymous_rows: dict[str, dict] = {}
        # Change-log rows waiting to be written with one executemany
        # (flush_log): written before anything reads the log, before a
        # savepoint, and before commit.
        self.log_buffer: list[tuple] = []
        # Anonymous rows created inside bulk() and their log rows, by table:
        # written in id order before commit (changes.write_held_rows).
        self.held_rows: dict[str, tuple[list, list]] = {}
        # Inside bulk(), nested transactions take no savepoint of their own:
        # a failure anywhere abandons the whole outer transaction.
        self._bulk = False
        # Inside bulk(), ids validation.reference found, by table: nothing
        # deletes a record there but changes.delete, which forgets them all.
        self.known_ids: dict[str, set[str]] | None = None
        # Set by open_store when an existing database had lost its node id.
        self.node_was_missing = False
        # Set by open_store when the file was a copy of another installation's
        # database and got a node id and device key of its own (ceapp.sync.identity).
        self.node_was_renewed = False

    @property
    def passphrase(self) -> str | None:
        """The database passphrase, which also locks the device key beside it."""
        return self._passphrase

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
        if self._depth and self._bulk:
            yield self
            return
        if self._depth:
            # A savepoint must not roll back ops logged before it.
            self.flush_log()
            name = f"ceapp_{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                # Everything buffered was logged inside the savepoint (it
                # was flushed on entry), so it goes with the rollback.
                self.log_buffer = []
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        with database_errors(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        self._changed_in_transaction = set()
        self._before_commit = {}
        try:
            self._catch_up_with_stored_clock()
            yield self
            # Hooks may register further hooks (settling rows they rewrote).
            self.flush_log()
            while self._before_commit:
                _key, hook = self._before_commit.popitem()
                hook()
                self.flush_log()
            self._set_meta("clock", self.clock.last())
            with database_errors(self.path):
                self.conn.execute("COMMIT")
            self._changed |= self._changed_in_transaction
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
            self._before_commit = {}
            self.log_buffer = []
            self._bulk = False
            self.anonymous_rows = {}
            self.held_rows = {}
        if self._checkpoint_wanted:
            self.checkpoint()

    def flush_log(self) -> None:
        """Write the buffered change-log rows; call before reading the log."""
        if self.log_buffer:
            rows, self.log_buffer = self.log_buffer, []
            # In key order: each insert then lands beside the one before, in
            # a page the cache holds, and a large flush leaves full pages
            # behind instead of pages split half empty.
            try:
                rows.sort()
            except TypeError:
                rows.sort(key=_log_key)
            self.conn.executemany(LOG_INSERT, rows)

    @property
    def in_bulk(self) -> bool:
        """True inside bulk(): anonymous rows are then held back until commit."""
        return self._bulk

    @contextmanager
    def bulk(self) -> Iterator[Store]:
        """A transaction for many writes at once: no savepoint per record.

        For the demo generator, where any failure abandons
        everything anyway; per-record savepoints were most of their cost.
        """
        with self.transaction():
            previous, self._bulk = self._bulk, True
            self.known_ids = {}
            try:
                yield self
            finally:
                self._bulk = previous
                self.known_ids = None

    def _catch_up_with_stored_clock(self) -> None:
        """Never hand out a stamp below one already in the file.

        Another process may have written since we last looked. A stored
        clock that is not a stamp, or is absurdly far ahead, is damage (see
        `ceapp check`): fall back to the newest sane stamp this node has
        logged, and the commit writes a good clock back.
        """
        logged = None
        if self.node:
            try:
                node = node_value(self.node)
            except ValueError:
                node = None
            newest = self.scalar(
                "SELECT max(stamp) FROM changes WHERE node = ? AND typeof(stamp) = 'integer'"
                " AND stamp < ?",
                (node, stamp_value(_absurd_millis(), 0)),
            )
            if isinstance(newest, int):
                logged = stamp_parts(newest)
        for stored in (self._meta("clock"), logged):
            if not stored:
                continue
            if isinstance(stored, tuple):
                millis, counter = stored
            else:
                try:
                    millis, counter, _node = parse_stamp(stored)
                except ValueError:
                    continue
            if millis - self.clock.now_ms() <= ABSURD_CLOCK_MS:
                self.clock.observe_parts(millis, counter, remote=False)
                return

    def before_commit(self, key, hook: Callable[[], None]) -> None:
        """Run `hook` once, just before the open transaction commits (keyed to dedupe)."""
        self.require_transaction()
        self._before_commit.setdefault(key, hook)

    def want_checkpoint(self) -> None:
        """Fold the WAL into the file and empty it after this transaction commits.

        Used after writes whose trail must not stay in the -wal file: monitoring
        slips (their order) and erasures (the erased values).
        """
        self._checkpoint_wanted = True

    def checkpoint(self) -> bool:
        """Copy the WAL into the database and truncate it; False if a reader held it."""
        if self.path == MEMORY:
            self._checkpoint_wanted = False
            return True
        for _attempt in range(CHECKPOINT_ATTEMPTS):
            with database_errors(self.path):
                busy, _log, _done = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                self._checkpoint_wanted = False
                return True
            time.sleep(0.05)
        return False  # still wanted: tried again after the next commit and at close

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

    def save_copy(self, destination: str | os.PathLike) -> str:
        """Write a consistent, compacted copy of the database to a new file; returns its path.

        VACUUM INTO writes every table in key order with no free pages, so the
        copy holds nothing erased and no trace of the order rows were typed;
        an encrypted database gives a copy encrypted with the same passphrase.
        """
        target = str(destination)
        if self.in_transaction:
            raise RuntimeError("save_copy cannot run inside a transaction")
        if not target.strip():
            raise ValidationError(
                "destination", _("The backup file name is empty; give a file name.")
            )
        if "\x00" in target:
            raise ValidationError(
                "destination",
                _("The backup file name contains a NUL character; give a plain file name."),
            )
        if os.path.isdir(target):
            raise ValidationError(
                "destination",
                _("{path} is a folder; give a file name for the backup.").format(path=target),
            )
        if self.path != MEMORY and os.path.abspath(target) == os.path.abspath(self.path):
            raise ValidationError(
                "destination", _("The backup must be a different file from the database.")
            )
        if os.path.exists(target):
            raise ValidationError(
                "destination",
                _(
                    "{path} already exists; choose a new file name so nothing is overwritten."
                ).format(path=target),
            )
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            create_private_file(target)
        except OSError as error:
            raise ValidationError(
                "destination",
                _("Could not create {path}: {reason}.").format(
                    path=target, reason=error.strerror or error
                ),
            ) from error
        try:
            with database_errors(self.path):
                self.conn.execute("VACUUM INTO ?", (target,))
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(target)
            raise
        return target

    def close(self) -> None:
        """Close the connection; closing twice does nothing."""
        if self._closed:
            return
        if self._checkpoint_wanted:
            self.checkpoint()
        self.conn.close()
        self._closed = True

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
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    else:
        import sqlcipher3

        conn = sqlcipher3.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
        # SQLCipher logs a wrong key or a damaged page to stderr from C; we
        # report both ourselves, in a sentence.
        conn.execute("PRAGMA cipher_log_level = NONE")
        # PRAGMA key takes no bound parameters; quote it as an SQL string literal.
        conn.execute("PRAGMA key = '{}'".format(passphrase.replace("'", "''")))
    # Waiting readers and writers queue instead of failing at once.
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
    create_private_file(backup)
    shutil.copyfile(path, backup)
    return backup


def _looks_like_ours(conn: sqlite3.Connection, version: int) -> bool:
    """A ceapp file records each migration it ran; another program's does not."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"meta", "changes", "schema_migrations"} <= names:
        return False
    if version > migrations.latest_version():
        return True  # a newer ceapp's file: how it records migrations is its business
    recorded = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    return recorded == version


def _refuse_if_not_ours(path: str, passphrase: str | None) -> None:
    """Look at an existing file read-only; raise before anything could change it."""
    conn = _connect(path, passphrase, read_only=True)
    try:
        _probe(conn, path, passphrase)
        with database_errors(path):
            # One read transaction, so every look sees the same moment: another
            # process migrating the file commits between separate statements.
            conn.execute("BEGIN")
            version = migrations.schema_version(conn)
            has_tables = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
            ours = version > 0 and _looks_like_ours(conn, version)
            conn.execute("COMMIT")
    finally:
        conn.close()
    if version > migrations.latest_version() and ours:
        raise SchemaTooNewError(
            _(
                "{path} was written by a newer version of ceapp (database schema "
                "{found}; this version understands up to {known}). It has not been "
                "changed. Install the newer ceapp to open it."
            ).format(path=path, found=version, known=migrations.latest_version())
        )
    if (version == 0 and has_tables) or (version != 0 and not ours):
        # Another program's database. Adding our tables (and switching it to
        # WAL) would change a file that is not ours.
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

    A file written by a newer ceapp, or by another program, is refused and
    left byte-for-byte as it was. An existing file is copied aside before
    any migration runs.
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
    if not memory and os.path.exists(path) and not os.path.isfile(path):
        raise StoreError(
            _(
                "{path} is a device or other special file, not a database file; "
                "give the name of an ordinary file."
            ).format(path=path)
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
            if not existed:
                create_private_file(path)
        conn = _connect(path, passphrase)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(
            _(
                "Could not open {path}: {reason}. Check the folder exists and you may write there."
            ).format(path=path, reason=getattr(error, "strerror", None) or error)
        ) from error

    _probe(conn, path, passphrase)
    try:
        with database_errors(path):
            store = _prepare(conn, path, passphrase=passphrase, existed=existed, memory=memory)
            # Imported here: identity builds on Store.
            from ceapp.sync.identity import renew_if_copied

            # Before anything else writes: a copy must not write under the
            # original's node id.
            renew_if_copied(store)
    except BaseException:
        # Let go of the file: an open connection would keep it locked.
        conn.close()
        raise
    if wall_clock is not None:
        store.clock.wall_clock = wall_clock
    return store


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch a file to WAL, waiting while another process holds it.

    SQLite answers "locked" at once, without its busy wait, when another
    connection is in the middle of the same switch on a new file (several
    processes opening one new file at once).
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except Exception as error:
            if not is_sqlite_error(error) or "locked" not in str(error).lower():
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _prepare(
    conn: sqlite3.Connection, path: str, *, passphrase: str | None, existed: bool, memory: bool
) -> Store:
    """Set the connection up, migrate, and make sure the file has a node id."""
    version = migrations.schema_version(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted and overwritten content is zeroed, not left in free space:
    # erased personal details must be gone from the file.
    conn.execute("PRAGMA secure_delete = ON")
    if not memory:
        _use_wal(conn)
        # WAL with synchronous=NORMAL is durable against application crashes,
        # which is what a kill mid-write is.
        conn.execute("PRAGMA synchronous = NORMAL")
        # Shrink the -wal file to nothing whenever it is reset, so old page
        # images do not linger at its end.
        conn.execute("PRAGMA journal_size_limit = 0")

    backup = None
    if migrations.pending(conn):
        if existed and version > 0:
            backup = _backup_before_migrating(conn, path, version)
        migrations.apply_pending(conn)
    node_was_missing = False
    if not conn.execute("SELECT 1 FROM meta WHERE key = 'node_id'").fetchone():
        inserted = conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('node_id', ?)",
            (secrets.token_hex(8),),
        ).rowcount
        # A file that already had records but no node id was damaged or
        # edited by another program; `ceapp check` reports it.
        node_was_missing = bool(inserted) and version > 0
    store = Store(conn, path, passphrase=passphrase)
    store.backup_path = backup
    store.node_was_missing = node_was_missing
    return store
