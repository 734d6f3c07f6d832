"""What the stages of `ceapp check` share: their findings, and SQLite's errors as sentences.

A stage runs its queries inside `reported(...)`, which turns an error from a
damaged or busy file into one sentence so the check goes on, and reads text
through `tolerating_bad_text(...)`, so bytes that are not UTF-8 are reported
rather than raised.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ceapp.i18n import _, ngettext
from ceapp.store import Store
from ceapp.validation import excerpt

# Enough to see what is wrong without drowning the screen.
MAX_PROBLEMS_PER_TABLE = 20
# Undecodable bytes, as the lenient text reader below hands them over.
BAD_BYTES = re.compile("[\udc80-\udcff]")
HOUR_MS = 60 * 60 * 1000


@dataclass
class Findings:
    """What earlier stages learnt that later ones need."""

    # Columns of each table as it is in the file; None until read.
    columns: dict[str, list[str]] | None = None
    # (table, row id) of records whose ops are damaged, already reported.
    damaged_rows: set[tuple[str, str]] = field(default_factory=set)
    encrypted: bool = False
    # A page failed to decrypt: SQLCipher refuses every later query.
    undecryptable: bool = False

    def has(self, table: str, columns=()) -> bool:
        if self.columns is None or table not in self.columns:
            return False
        return set(columns) <= set(self.columns[table])


# -- SQLite errors as sentences ----------------------------------------------------

_ERROR_CLASSES = frozenset(
    {
        "Error",
        "DatabaseError",
        "OperationalError",
        "IntegrityError",
        "InternalError",
        "ProgrammingError",
        "InterfaceError",
        "DataError",
        "NotSupportedError",
    }
)


def _is_database_error(error: BaseException) -> bool:
    # sqlcipher3's error classes share sqlite3's names but not its classes.
    return isinstance(error, sqlite3.Error) or (
        type(error).__name__ in _ERROR_CLASSES and type(error).__module__.startswith("sqlcipher3")
    )


def _is_bad_text(error: BaseException) -> bool:
    return isinstance(error, UnicodeDecodeError) or (
        _is_database_error(error) and "decode" in str(error).lower()
    )


def _is_damage(error: BaseException) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("malformed", "corrupt", "not a database", "disk i/o"))


def _is_busy(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _detail(error: BaseException) -> str:
    return excerpt(str(error), limit=120)


@contextmanager
def reported(
    problems: list[str], found: Findings, *, damaged: str, failed: str, **names
) -> Iterator[None]:
    """Turn an SQLite error inside the block into one sentence; the check goes on.

    `damaged` and `failed` are whole sentences with a {detail} placeholder,
    for a damaged file and for any other error.
    """
    try:
        yield
    except MemoryError:
        # SQLCipher answers every query with "out of memory" once a page has
        # failed to decrypt on this connection: the file, not the memory.
        if not found.encrypted:
            raise
        if not found.undecryptable:
            found.undecryptable = True
            problems.append(
                _(
                    "The encrypted database file is damaged: part of it cannot be decrypted, "
                    "so the rest of the check could not run. Restore it from a backup copy."
                )
            )
    except Exception as error:
        if not _is_database_error(error):
            raise
        if _is_busy(error):
            problems.append(
                _(
                    "Another program is using the database, so part of the check could not "
                    "run ({detail}). Close the other program and run the check again."
                ).format(detail=_detail(error))
            )
        else:
            template = damaged if _is_damage(error) else failed
            problems.append(template.format(detail=_detail(error), **names))


def _lenient(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def tolerating_bad_text(store: Store, read: Callable[[bool], list[str]]) -> list[str]:
    """Run `read(lenient)`; on text that is not UTF-8, run it again reading such text leniently.

    The strict reader is SQLite's own and fast; the lenient one decodes every
    value in Python, so it is used only when a file needs it.
    """
    try:
        return read(False)
    except Exception as error:
        if not _is_bad_text(error):
            raise
    previous = store.conn.text_factory
    store.conn.text_factory = _lenient
    try:
        return read(True)
    finally:
        store.conn.text_factory = previous


def has_bad_bytes(value) -> bool:
    return isinstance(value, str) and BAD_BYTES.search(value) is not None


def now_ms(store: Store) -> int:
    # The store's clock, so a test that pins it sees the same "now".
    return store.clock.now_ms()


def when(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def more(count: int) -> str:
    return ngettext(
        "There is {count} more problem of this kind, not listed.",
        "There are {count} more problems of this kind, not listed.",
        count,
    ).format(count=count)
