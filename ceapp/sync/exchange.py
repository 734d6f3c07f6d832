"""Export and import: what `ceapp sync export|import` and the Sync page do.

Export writes what the recipient may lack: every op newer than what that
laptop said it had in its last bundle to us (its high-water mark per node),
or everything when we know nothing of it. A laptop's marks can only grow,
and every bundle carries all ops above them, so what a laptop holds from
each node is always everything up to its mark. Monitoring slips carry no
time at all, so they cannot be cut by a mark and always travel.

Import checks every bundle completely (see bundle.py), then merges them all
in one transaction. See docs/architecture.md, "Sync".
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ceapp import bulk_work
from ceapp.errors import BundleRefusedError, ImportCancelledError, NotFoundError, ValidationError
from ceapp.i18n import _
from ceapp.log_encoding import node_hex, node_value
from ceapp.schema import TABLE_CODES, TABLES
from ceapp.store import Store
from ceapp.sync import bundle, encryption, files, identity, merge, ops_check, trust
from ceapp.sync.merge import MergeSummary

Progress = Callable[[str, int, int], None]


@dataclass
class ExportResult:
    path: str
    op_count: int
    encrypted_for: str | None
    recipient: str | None
    # The bundle holds equality monitoring answers or people's details: if it
    # is not encrypted, say how to carry it safely.
    sensitive: bool = False


@dataclass
class ImportResult:
    summary: MergeSummary
    senders: list[str] = field(default_factory=list)


def _device_key(store: Store, name: str, option: str) -> str:
    key = store.scalar("SELECT public_key FROM trusted_devices WHERE name = ?", (name,))
    if key is None:
        raise NotFoundError(
            _(
                'No trusted laptop is called "{name}" (given with {option}); '
                "`ceapp sync devices` lists them."
            ).format(name=name, option=option)
        )
    return key


def own_marks(store: Store) -> dict[str, int]:
    """The newest stamp this laptop holds from each node (by node id in hex)."""
    return {
        node_hex(node): stamp
        for node, stamp in store.conn.execute(
            "SELECT node, max(stamp) FROM changes WHERE stamp > 0 GROUP BY node"
        )
    }


def peer_marks(store: Store, public_key_hex: str) -> dict[int, int]:
    return dict(
        store.conn.execute(
            "SELECT node, stamp FROM sync_peers WHERE public_key = ?", (public_key_hex,)
        ).fetchall()
    )


def _ops_for(store: Store, marks: dict[int, int]):
    conn = store.conn
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS export_marks (node INTEGER PRIMARY KEY, stamp INTEGER)"
    )
    conn.execute("DELETE FROM temp.export_marks")
    conn.executemany("INSERT INTO temp.export_marks VALUES (?, ?)", sorted(marks.items()))
    # The log's own key order: slips come out in id order, never in the
    # order they were typed. Slips have no stamp, so no mark can cut them.
    return conn.execute(
        "SELECT c.tbl, c.row_id, c.stamp, c.node, c.field, c.value, c.redacted, c.base"
        " FROM main.changes c LEFT JOIN temp.export_marks m ON m.node = c.node"
        " WHERE m.stamp IS NULL OR c.stamp > m.stamp OR c.stamp = 0"
        " ORDER BY c.tbl, c.row_id, c.stamp, c.node, c.field"
    )


def export_bundle(
    store: Store,
    out: str,
    *,
    to: str | None = None,
    encrypt_to: str | None = None,
    format: int = bundle.FORMAT_VERSION,
) -> ExportResult:
    """Write a signed bundle to `out`, a file that must not exist yet.

    `format` 1 makes a bundle a ceapp older than bundle format 2 can read
    (and tests prove format 1 is still read).
    """
    folder = files.check_new_file(out, kind=files.BUNDLE)
    recipient_key = _device_key(store, to, "--to") if to is not None else None
    encrypt_key = _device_key(store, encrypt_to, "--encrypt-to") if encrypt_to is not None else None
    key = identity.private_key(store)
    public = identity.device_identity(store).public_key_hex
    marks = peer_marks(store, recipient_key) if recipient_key else {}
    tables_seen: set[int] = set()
    handle, temporary = tempfile.mkstemp(prefix=".ceapp-bundle-", dir=folder)
    os.close(handle)
    os.unlink(temporary)
    try:
        # One read snapshot for the ops and the marks the manifest promises.
        store.conn.execute("SAVEPOINT export_snapshot")
        try:
            manifest = bundle.write_bundle(
                temporary,
                manifest={
                    "app": "ceapp",
                    "schema": store.schema_version,
                    "node": store.node,
                    "public_key": public,
                    "marks": own_marks(store),
                    # What the bundle leaves out: from each node, everything up
                    # to this stamp, which the recipient said it had.
                    "since": {node_hex(node): stamp for node, stamp in sorted(marks.items())},
                },
                ops_lines=(ops_check.op_lines if format == 1 else ops_check.op_blocks)(
                    _noting(_ops_for(store, marks), tables_seen)
                ),
                sign=key.sign,
                format=format,
            )
        finally:
            store.conn.execute("RELEASE export_snapshot")
        os.chmod(temporary, 0o600)
        if encrypt_key is not None:
            with open(temporary, "rb") as plain:
                data = encryption.encrypt_for(encrypt_key, plain.read())
            with open(temporary, "wb") as sealed:
                sealed.write(data)
        # A hard link never replaces a file that appeared meanwhile.
        os.link(temporary, out)
    except FileExistsError:
        raise ValidationError(
            "out",
            _("{path} already exists; choose a new file name so nothing is overwritten.").format(
                path=out
            ),
        ) from None
    except OSError as error:
        raise ValidationError(
            "out",
            _("Could not write {path}: {reason}.").format(path=out, reason=error.strerror or error),
        ) from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return ExportResult(
        path=out,
        op_count=manifest["op_count"],
        encrypted_for=encrypt_to,
        recipient=to,
        sensitive=bool(tables_seen & SENSITIVE_TABLES),
    )


# Monitoring answers are special category data; the others hold contact details.
SENSITIVE_TABLES = frozenset(
    TABLE_CODES[name] for name, spec in TABLES.items() if spec.anonymous or spec.personal
)


def _noting(ops, tables_seen: set[int]):
    for op in ops:
        tables_seen.add(op[0])
        yield op


def read_bundle(
    store: Store, path: str, *, progress: Callable[[int, int], None] | None = None
) -> bundle.Bundle:
    """Check one bundle file completely; nothing is written."""
    size = bundle.file_size_ok(path)
    data = None
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(encryption.AGE_MAGIC))
            if encryption.looks_encrypted(head):
                handle.seek(0)
                data = encryption.decrypt_for(store, handle.read(size + 1), path=path)
    except OSError as error:
        raise BundleRefusedError(
            _("{path} cannot be read: {reason}.").format(path=path, reason=error.strerror or error)
        ) from None
    with bundle.open_archive(path, data) as archive:
        manifest, manifest_bytes, signature = bundle.read_manifest(archive, path=path)
        bundle.check_versions(path=path, manifest=manifest, schema_version=store.schema_version)
        signer = bundle.check_signature(
            path=path, manifest=manifest, manifest_bytes=manifest_bytes, signature=signature
        )
        if signer != identity.recorded_public_key(store) and not trust.trusted_name(store, signer):
            raise BundleRefusedError(
                _(
                    "{name} comes from a laptop this one does not trust (key fingerprint "
                    "{words}). If you know it, trust its key file here (Sync page, or `sync "
                    "trust`), check the fingerprint with that laptop, then import again."
                ).format(name=os.path.basename(path), words=identity.fingerprint_words(signer))
            )
        bundle.check_manifest_fields(path=path, manifest=manifest)
        held = own_marks(store)
        _refuse_gaps(path, manifest, held)
        result = bundle.Bundle(path=path, manifest=manifest, public_key_hex=signer)
        if already_imported(store, manifest):
            # Every op of this very bundle is in the log already (the log
            # only grows), so there is nothing to read: a repeat costs nothing.
            result.already_held = manifest["op_count"]
            return result
        checker = bundle.read_ops(
            archive,
            path=path,
            manifest=manifest,
            progress=progress,
            held={node_value(node): stamp for node, stamp in held.items()},
        )
    result.ops, result.already_held = checker.ops, checker.already_held
    result.created, result.links = checker.created, checker.links
    return result


def _refuse_gaps(path: str, manifest: dict, held: dict[str, int]) -> None:
    """Refuse a bundle that leaves out changes this laptop does not hold.

    A bundle made for one laptop skips what that laptop had. Imported
    anywhere else, or here after a backup was put back, it would leave a gap
    that later bundles, trusting the marks, would never fill.
    """
    since = manifest.get("since", {})  # its shape checked with the manifest's other fields
    if any(held.get(node, 0) < stamp for node, stamp in since.items()):
        raise BundleRefusedError(
            _(
                "{path} was made for another laptop, or for this one before it lost changes "
                "(a backup put back?): it leaves out changes this laptop does not have. Ask "
                "the sender for a bundle of everything, or one made for this laptop."
            ).format(path=path)
        )


def _digest(manifest: dict) -> str:
    return manifest["members"][bundle.OPS]["sha256"]


def already_imported(store: Store, manifest: dict) -> bool:
    return (
        store.scalar("SELECT 1 FROM sync_imported WHERE digest = ?", (_digest(manifest),))
        is not None
    )


def import_bundles(
    store: Store,
    paths: Sequence[str],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Check every bundle, then merge them all in one transaction."""
    if not paths:
        raise ValidationError("files", _("Name at least one bundle file to import."))
    with bulk_work.collector_paused():
        return _import_bundles(store, paths, progress=progress, cancelled=cancelled)


def _import_bundles(
    store: Store,
    paths: Sequence[str],
    *,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> ImportResult:
    bundles = []
    for path in paths:

        def reading(done: int, total: int, path=path) -> None:
            if cancelled is not None and cancelled():
                raise ImportCancelledError(merge.CANCELLED())
            if progress is not None:
                progress(_("Checking {path}").format(path=os.path.basename(path)), done, total)

        bundles.append(read_bundle(store, path, progress=reading))
        if cancelled is not None and cancelled():
            raise ImportCancelledError(merge.CANCELLED())
    merge.check_references(store, bundles)
    identity.renew_if_copied(store)
    result = ImportResult(summary=MergeSummary())
    with bulk_work.large_page_cache(store), store.transaction():
        for each in bundles:

            def merging(done: int, total: int, each=each) -> None:
                if progress is not None:
                    progress(
                        _("Merging {path}").format(path=os.path.basename(each.path)), done, total
                    )

            result.summary.add(
                merge.merge(
                    store,
                    each.ops,
                    progress=merging,
                    cancelled=cancelled,
                    source=each.path,
                    created=each.created,
                )
            )
            result.summary.ops_received += each.already_held
            _remember_peer(store, each)
            store.conn.execute(
                "INSERT OR IGNORE INTO sync_imported (digest) VALUES (?)", (_digest(each.manifest),)
            )
            result.senders.append(
                trust.trusted_name(store, each.public_key_hex) or _("this laptop")
            )
        if cancelled is not None and cancelled():
            raise ImportCancelledError(merge.CANCELLED())
    return result


def _remember_peer(store: Store, each: bundle.Bundle) -> None:
    store.conn.executemany(
        "INSERT INTO sync_peers (public_key, node, stamp) VALUES (?, ?, ?)"
        " ON CONFLICT (public_key, node) DO UPDATE SET stamp = max(stamp, excluded.stamp)",
        [
            (each.public_key_hex, node_value(node), stamp)
            for node, stamp in sorted(each.marks.items())
        ],
    )
    store.conn.execute(
        "INSERT INTO sync_nodes (node, public_key) VALUES (?, ?)"
        " ON CONFLICT (node) DO UPDATE SET public_key = excluded.public_key",
        (node_value(each.sender_node), each.public_key_hex),
    )


def device_name_for_node(store: Store, node: int) -> str:
    """Who a node id (as the log stores it) belongs to, as this laptop knows it."""
    if node_hex(node) == store.node:
        return _("this laptop")
    name = store.scalar(
        "SELECT t.name FROM sync_nodes n JOIN trusted_devices t ON t.public_key = n.public_key"
        " WHERE n.node = ?",
        (node,),
    )
    return name or _("laptop {node}").format(node=node_hex(node)[:8])
