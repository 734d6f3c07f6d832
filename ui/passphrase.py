"""Open an encrypted database by asking for its passphrase until it opens or the person gives up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from ceapp.errors import PassphraseError
from ceapp.i18n import _
from ceapp.store import Store, open_store
from ceapp.store_files import looks_encrypted


def ask_passphrase(path: str, *, problem: str | None, parent: QWidget | None = None) -> str | None:
    """Show the passphrase prompt; None when cancelled."""
    name = Path(path).name
    if problem:
        label = _("{problem}\n\nPassphrase for {name}:").format(problem=problem, name=name)
    else:
        # The file only tells us it is not plain SQLite; it may not be ceapp's at all.
        label = _(
            "{name} is encrypted, or is not a ceapp database. If it is encrypted, "
            "enter its passphrase:"
        ).format(name=name)
    text, accepted = QInputDialog.getText(
        parent, _("Encrypted database"), label, QLineEdit.EchoMode.Password
    )
    return text if accepted else None


def open_with_prompt(
    path: str, *, passphrase: str | None = None, parent: QWidget | None = None
) -> Store | None:
    """Open `path`, prompting for the passphrase while it is encrypted and not yet open.

    Returns None if the person cancels the prompt. Any other StoreError (a
    newer schema, an unreadable file) is raised for the caller to show.
    """
    while True:
        try:
            return open_store(path, passphrase=passphrase)
        except PassphraseError as error:
            # e.g. a passphrase given for a plain file: asking again cannot help.
            if not looks_encrypted(path):
                raise
            # With no passphrase tried yet, the error only says the file is
            # encrypted; the first prompt says that better itself.
            problem = str(error) if passphrase is not None else None
        passphrase = ask_passphrase(path, problem=problem, parent=parent)
        if passphrase is None:
            return None
