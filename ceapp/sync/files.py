"""The files sync writes and reads beside the database: key files and bundles.

One place for the checks a new file must pass (never over an existing one,
never into a missing folder) and for reading a key file, so the command
line and the Sync page refuse the same things in the same words.
"""

from __future__ import annotations

import os

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.sync import identity

KEY, BUNDLE = "key", "bundle"


def check_new_file(path: str | None, *, kind: str) -> str:
    """Refuse a name that is empty, a folder, already there or in no folder; returns the folder."""
    if not path or not path.strip():
        raise ValidationError("out", _("The file name is empty; give a file name."))
    if "\x00" in path:
        raise ValidationError(
            "out", _("The file name contains a NUL character; give a plain name.")
        )
    if os.path.isdir(path):
        message = (
            _("{path} is a folder; give a file name for the key.")
            if kind == KEY
            else _("{path} is a folder; give a file name for the bundle.")
        )
        raise ValidationError("out", message.format(path=path))
    if os.path.lexists(path):
        raise ValidationError(
            "out",
            _("{path} already exists; choose a new file name so nothing is overwritten.").format(
                path=path
            ),
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValidationError(
            "out",
            _("The folder {folder} does not exist; create it or choose another.").format(
                folder=folder
            ),
        )
    return folder


def write_new_file(path: str, data: bytes) -> None:
    """Write a file that must not exist yet (O_EXCL: not even one that appeared meanwhile)."""
    check_new_file(path, kind=KEY)
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except OSError as error:
        raise ValidationError(
            "out",
            _("Could not create {path}: {reason}.").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    with os.fdopen(handle, "wb") as file:
        file.write(data)


def read_public_key(path: str | None) -> str:
    """The public key (hex) in another laptop's key file; ValidationError if it holds none."""
    if not path or not path.strip() or "\x00" in path:
        raise ValidationError("keyfile", _("Give the name of the key file to trust."))
    try:
        with open(path, "rb") as handle:
            data = handle.read(identity.MAX_KEY_FILE_BYTES)
    except OSError as error:
        raise ValidationError(
            "keyfile",
            _("Cannot read the key file {path}: {reason}.").format(
                path=path, reason=error.strerror or error
            ),
        ) from None
    return identity.parse_public_key(data, source=path)
