"""Where the database file lives, its passphrase file, and files made private.

The database is chosen by --db, else $CEAPP_DB, else the platform's user-data
folder. Files ceapp creates (the database, and through SQLite its -wal and
-shm files, and backups) are readable by their owner only.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from ceapp.errors import StoreError, ValidationError
from ceapp.i18n import _

ENV_DB = "CEAPP_DB"
MEMORY = ":memory:"
SQLITE_HEADER = b"SQLite format 3\x00"
MAX_PASSPHRASE_BYTES = 1024
# Owner read and write only: the file holds personal and special category data.
PRIVATE_FILE_MODE = 0o600


def default_db_path() -> Path:
    """The per-user database file in the platform's user-data folder."""
    return platformdirs.user_data_path("ceapp", appauthor=False) / "ceapp.db"


def resolve_db_path(path: str | os.PathLike | None = None, environ=None) -> str:
    """--db if given, else $CEAPP_DB, else the platform user-data folder.

    An empty path given on purpose is refused: silently opening the default
    database instead would write somewhere the person did not ask for.
    """
    environ = os.environ if environ is None else environ
    if path is not None:
        if not str(path).strip():
            raise StoreError(
                _("The database file name is empty; give a file name, or leave the option out.")
            )
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
        with open(path, "rb") as handle:
            # A passphrase is a line, not a file: never read more than this.
            raw = handle.readline(MAX_PASSPHRASE_BYTES + 1)
    except OSError as error:
        raise ValidationError(
            "passphrase_file",
            _("Cannot read the passphrase file {path}: {reason}.").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    if len(raw) > MAX_PASSPHRASE_BYTES:
        raise ValidationError(
            "passphrase_file",
            _(
                "The first line of the passphrase file {path} is too long for a passphrase; "
                "put only the passphrase on it."
            ).format(path=path),
        )
    try:
        passphrase = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise ValidationError(
            "passphrase_file",
            _("The passphrase file {path} is not UTF-8 text; save it as plain UTF-8 text.").format(
                path=path
            ),
        ) from None
    if "\x00" in passphrase:
        raise ValidationError(
            "passphrase_file",
            _(
                "The passphrase file {path} contains a NUL byte; it must hold the "
                "passphrase as plain text."
            ).format(path=path),
        )
    if not passphrase:
        raise ValidationError(
            "passphrase_file",
            _("The passphrase file {path} is empty; put the passphrase on its first line.").format(
                path=path
            ),
        )
    return passphrase


def create_private_file(path: str) -> None:
    """Create an empty file readable by its owner only, before SQLite opens it.

    SQLite gives the -wal and -shm files the same permissions as the database.
    """
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
    except FileExistsError:
        # Empty and already there (or another process just made it): ours to fill.
        os.chmod(path, PRIVATE_FILE_MODE)
        return
    os.close(handle)
