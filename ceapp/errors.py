"""Error types that the CLI and the window turn into plain messages."""


class CeappError(Exception):
    """An error whose message is written for the person using ceapp."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(CeappError):
    """Input that was refused; nothing was saved.

    `field` names the input at fault (a form field, a CLI option, a column of
    an imported file) so a form can put the cursor there.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(CeappError):
    """A record that was asked for by id does not exist (or was deleted)."""


class StoreError(CeappError):
    """The database could not be opened or used as it stands."""


class SchemaTooNewError(StoreError):
    """The file was written by a newer ceapp; it is left untouched."""


class PassphraseError(StoreError):
    """The database is encrypted and the passphrase is missing or wrong."""


class BundleRefusedError(CeappError):
    """A sync bundle that was not imported; the database is untouched."""


class ImportCancelledError(CeappError):
    """Someone cancelled a sync import before it committed; nothing was kept."""
