"""SQLite's busy and damaged-file errors, as StoreErrors a person can act on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from ceapp.errors import StoreError
from ceapp.i18n import _


def is_sqlite_error(error: BaseException) -> bool:
    # sqlcipher3 has its own error classes, not subclasses of sqlite3's.
    return isinstance(error, sqlite3.Error) or type(error).__module__.startswith("sqlcipher3")


@contextmanager
def database_errors(path: str) -> Iterator[None]:
    """Turn SQLite's busy and damaged-file errors into StoreErrors a person can act on."""
    try:
        yield
    except Exception as error:
        if not is_sqlite_error(error):
            raise
        text = str(error).lower()
        if "locked" in text or "busy" in text:
            raise StoreError(
                _(
                    "The database {path} is busy: another program (perhaps another ceapp "
                    "window) is writing to it. Wait for it to finish or close it, then try again."
                ).format(path=path)
            ) from error
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise StoreError(
                _(
                    "The database file {path} is damaged. Run `ceapp check` to see what is "
                    "wrong, and restore it from a backup copy."
                ).format(path=path)
            ) from error
        if "disk is full" in text or "disk i/o" in text or "readonly" in text:
            raise StoreError(
                _(
                    "Could not write to {path}: {reason}. Free some disk space or check you "
                    "may write there, then try again; nothing was half-saved."
                ).format(path=path, reason=error)
            ) from error
        raise
