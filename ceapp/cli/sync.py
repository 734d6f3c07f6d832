"""CLI commands for sync between laptops: this laptop's identity and whom it trusts."""

from __future__ import annotations

import argparse

from ceapp.cli.output import print_json, print_listing
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, ngettext
from ceapp.store import Store
from ceapp.sync import conflict_view, conflicts, exchange, files, identity, trust
from ceapp.sync.summary import summary_lines
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

    action = actions.add_parser("export", help=_("write a signed bundle of records to send"))
    action.add_argument("--out", required=True, help=_("the new bundle file to write"))
    action.add_argument(
        "--to", metavar="NAME", help=_("only what that trusted laptop may lack (smaller bundles)")
    )
    action.add_argument(
        "--encrypt-to",
        metavar="NAME",
        help=_("encrypt the bundle so only that trusted laptop can open it"),
    )
    action.set_defaults(handler=sync_export)

    action = actions.add_parser("import", help=_("check and merge bundles from other laptops"))
    action.add_argument("files", nargs="+", metavar="FILE", help=_("bundle files to import"))
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=sync_import)

    action = actions.add_parser("conflicts", help=_("edits made on two laptops at once"))
    steps = action.add_subparsers(dest="step", metavar="STEP", parser_class=Parser)
    steps.required = True
    step = steps.add_parser("list", help=_("the conflicts waiting for a decision"))
    step.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    step.set_defaults(handler=sync_conflicts_list)
    step = steps.add_parser("resolve", help=_("keep one of the two values"))
    step.add_argument("id", help=_("the conflict's id from `sync conflicts list`"))
    step.add_argument(
        "--keep",
        required=True,
        choices=(conflicts.KEEP_CURRENT, conflicts.KEEP_OTHER),
        help=_("current: the value in force; other: the value that lost"),
    )
    step.set_defaults(handler=sync_conflicts_resolve)


def sync_id(store: Store, args: argparse.Namespace) -> int:
    if args.out is not None:
        # Checked before the key is made, so a refusal changes nothing.
        files.check_new_file(args.out, kind=files.KEY)
    me = identity.device_identity(store)
    if store.node_was_renewed:
        print(
            _(
                "This database was copied or moved from where its key was made: it now has "
                "its own installation id and key, which the other laptops must trust again."
            )
        )
    if args.out is not None:
        files.write_new_file(args.out, identity.public_key_pem(me.public_key_hex))
    print(_("Public key: {key}").format(key=me.public_key_hex))
    print(_("Fingerprint: {words}").format(words=me.fingerprint_words))
    if args.out is not None:
        print(_("Public key written to {path}").format(path=escape(args.out)))
    return ExitCode.OK


def sync_trust(store: Store, args: argparse.Namespace) -> int:
    public = files.read_public_key(args.keyfile)
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


def sync_export(store: Store, args: argparse.Namespace) -> int:
    result = exchange.export_bundle(store, args.out, to=args.to, encrypt_to=args.encrypt_to)
    if result.encrypted_for:
        message = ngettext(
            "Wrote {count} change to {path}, encrypted for {name}: only that laptop can open it.",
            "Wrote {count} changes to {path}, encrypted for {name}: only that laptop can open it.",
            result.op_count,
        )
    else:
        message = ngettext(
            "Wrote {count} change to {path}.", "Wrote {count} changes to {path}.", result.op_count
        )
    print(
        message.format(
            count=result.op_count, path=escape(result.path), name=escape(result.encrypted_for)
        )
    )
    if result.sensitive and not result.encrypted_for:
        print(
            _(
                "It is not encrypted and holds equality monitoring answers or contact details: "
                "carry it on an encrypted stick or drive, or export with --encrypt-to NAME."
            )
        )
    return ExitCode.OK


def sync_import(store: Store, args: argparse.Namespace) -> int:
    result = exchange.import_bundles(store, args.files)
    summary = result.summary
    if args.json:
        print_json(
            {
                "changes_received_count": summary.ops_received,
                "changes_new_count": summary.ops_new,
                "new_records_count": summary.new_records,
                "changed_fields_count": summary.changed_fields,
                "deleted_records_count": summary.deleted_records,
                "conflicts_count": summary.conflicts,
                "erasures_count": summary.erasures,
                "edits_to_deleted_count": summary.edits_to_deleted,
                "senders": result.senders,
            }
        )
        return ExitCode.OK
    print(
        _("Imported {files} bundle(s) from {senders}.").format(
            files=len(args.files), senders=escape(", ".join(dict.fromkeys(result.senders)))
        )
    )
    for line in summary_lines(summary):
        print(line)
    if summary.conflicts:
        print(_("See them with `ceapp sync conflicts list`."))
    return ExitCode.OK


def sync_conflicts_list(store: Store, args: argparse.Namespace) -> int:
    if args.json:
        print_json(
            [
                {
                    "id": conflict.id,
                    "table": conflict.table,
                    "record": conflict.row_id,
                    "field": conflict.field,
                    "current": conflict.current_value,
                    "current_from": exchange.device_name_for_node(store, conflict.current_node),
                    "other": None if conflict.other_erased else conflict.other_value,
                    "other_erased": conflict.other_erased,
                    "other_from": exchange.device_name_for_node(store, conflict.other_node),
                }
                for conflict in conflicts.list_conflicts(store)
            ]
        )
        return ExitCode.OK
    rows = conflict_view.conflict_rows(store)
    if not rows:
        print(_("No conflicts."))
        return ExitCode.OK
    return print_listing(
        rows,
        as_json=False,
        headers=[_("Id"), _("Record"), _("Field"), _("Current"), _("Other"), _("Other from")],
        cells=lambda row: (
            row["id"],
            row["record"],
            row["field"],
            row["current"],
            row["other"],
            row["other_from"],
        ),
    )


def sync_conflicts_resolve(store: Store, args: argparse.Namespace) -> int:
    conflict = conflicts.resolve(store, args.id, keep=args.keep)
    kept = conflict.current_value if args.keep == conflicts.KEEP_CURRENT else conflict.other_value
    print(
        _("Resolved: {field} of {record} is now {value}.").format(
            field=conflict_view.field_label(conflict.table, conflict.field),
            record=conflict_view.record_label(store, conflict.table, conflict.row_id),
            value=conflict_view.value_text(store, conflict.table, conflict.field, kept),
        )
    )
    return ExitCode.OK
