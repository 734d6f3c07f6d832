"""CLI commands for sync between laptops: this laptop's identity and whom it trusts."""

from __future__ import annotations

import argparse
import os

from ceapp.cli.output import print_json, print_listing
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.sync import identity, trust
from ceapp.validation import escape


def add_commands(commands) -> None:
    """Register `sync` and its actions on the top-level subparsers."""
    from ceapp.cli import Parser

    group = commands.add_parser("sync", help=_("share records between laptops by file"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser("id", help=_("this laptop's public key and fingerprint"))
    action.add_argument("--out", help=_("also write the public key to this new file, to share"))
    action.set_defaults(handler=sync_id)

    action = actions.add_parser("trust", help=_("accept bundles from another laptop"))
    action.add_argument("keyfile", help=_("the file the other laptop's `sync id --out` wrote"))
    action.add_argument("--name", help=_('a name for that laptop, e.g. "Laptop 3"'))
    action.set_defaults(handler=sync_trust)

    action = actions.add_parser("devices", help=_("the laptops this one trusts"))
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=sync_devices)

    action = actions.add_parser("untrust", help=_("stop accepting bundles from a laptop"))
    action.add_argument("name", help=_("the name it was trusted under"))
    action.set_defaults(handler=sync_untrust)


def _refuse_bad_out(target: str) -> None:
    if not target.strip():
        raise ValidationError("out", _("The file name after --out is empty; give a file name."))
    if "\x00" in target:
        raise ValidationError(
            "out", _("The file name after --out contains a NUL character; give a plain name.")
        )
    if os.path.isdir(target):
        raise ValidationError(
            "out", _("{path} is a folder; give a file name for the key.").format(path=target)
        )
    if os.path.lexists(target):
        raise ValidationError(
            "out",
            _("{path} already exists; choose a new file name so nothing is overwritten.").format(
                path=target
            ),
        )


def _write_new_file(target: str, data: bytes) -> None:
    try:
        # O_EXCL: never over a file that appeared since we looked.
        handle = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except OSError as error:
        raise ValidationError(
            "out",
            _("Could not create {path}: {reason}.").format(
                path=target, reason=error.strerror or error
            ),
        ) from error
    with os.fdopen(handle, "wb") as file:
        file.write(data)


def sync_id(store: Store, args: argparse.Namespace) -> int:
    if args.out is not None:
        # Checked before the key is made, so a refusal changes nothing.
        _refuse_bad_out(args.out)
    me = identity.device_identity(store)
    if store.node_was_renewed:
        print(
            _(
                "This database was copied from another laptop (or moved without its key): "
                "it now has its own installation id and key."
            )
        )
    if args.out is not None:
        _write_new_file(args.out, identity.public_key_pem(me.public_key_hex))
    print(_("Public key: {key}").format(key=me.public_key_hex))
    print(_("Fingerprint: {words}").format(words=me.fingerprint_words))
    if args.out is not None:
        print(_("Public key written to {path}").format(path=escape(args.out)))
    return ExitCode.OK


def _read_key_file(path: str) -> bytes:
    if not path.strip() or "\x00" in path:
        raise ValidationError("keyfile", _("Give the name of the key file to trust."))
    try:
        with open(path, "rb") as handle:
            return handle.read(identity.MAX_KEY_FILE_BYTES)
    except OSError as error:
        raise ValidationError(
            "keyfile",
            _("Cannot read the key file {path}: {reason}.").format(
                path=path, reason=error.strerror or error
            ),
        ) from None


def sync_trust(store: Store, args: argparse.Namespace) -> int:
    public = identity.parse_public_key(_read_key_file(args.keyfile), source=args.keyfile)
    row = trust.trust(store, name=args.name, public_key_hex=public)
    message = _('Trusted "{name}" (fingerprint {words}). Check the fingerprint with that laptop.')
    print(message.format(name=escape(row["name"]), words=identity.fingerprint_words(public)))
    return ExitCode.OK


def sync_devices(store: Store, args: argparse.Namespace) -> int:
    rows = trust.devices(store)
    if args.json:
        print_json(rows)
        return ExitCode.OK
    return print_listing(
        rows,
        as_json=False,
        headers=[_("Name"), _("Fingerprint"), _("Trusted at")],
        cells=lambda row: (row["name"], row["fingerprint"], row["trusted_at"]),
    )


def sync_untrust(store: Store, args: argparse.Namespace) -> int:
    trust.untrust(store, args.name)
    print(_('"{name}" is no longer trusted.').format(name=escape(args.name)))
    return ExitCode.OK
