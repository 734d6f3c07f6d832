"""A sync bundle on disk: a zip holding a manifest, its signature and the ops.

    manifest.json   format and schema version, the sender's node and public
                    key, its clock high-water marks, the op count and the
                    SHA-256 and size of ops.jsonl
    manifest.sig    Ed25519 signature of manifest.json's exact bytes
    ops.jsonl       format 2: one block of ops of a table, kind and field per
                    line; format 1: one op per line (ops_check.py gives both)

The signature covers the manifest, and the manifest the ops file's digest,
so one signature vouches for every byte. Reading checks everything (zip
structure, member names and sizes, signer, signature, digests, every op)
before the caller writes anything. See docs/architecture.md, "Sync".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ceapp.errors import BundleRefusedError
from ceapp.i18n import _
from ceapp.sync import ops_check
from ceapp.validation import excerpt

FORMAT_VERSION = 2
# Format 1 (one op per line) is still read: a laptop not yet updated sends it.
OLDEST_FORMAT = 1
MANIFEST, SIGNATURE, OPS = "manifest.json", "manifest.sig", "ops.jsonl"
MEMBERS = (MANIFEST, SIGNATURE, OPS)
# Far beyond any real team's data (a million changes is about 400 MB of
# ops), and far below what would fill a laptop's disk or memory.
MAX_BUNDLE_BYTES = 2 * 1024**3
MAX_OPS_BYTES = 4 * 1024**3
MAX_MANIFEST_BYTES = 1024**2
MAX_SIGNATURE_BYTES = 1024
CHUNK = 1024 * 1024


@dataclass
class Bundle:
    """A bundle that passed every check: who sent it and what it holds."""

    path: str
    manifest: dict
    public_key_hex: str
    ops: list[tuple] = field(default_factory=list)
    # Ops the bundle carries that this laptop already held when it was read.
    already_held: int = 0
    created: list = field(default_factory=list)
    links: set = field(default_factory=set)

    @property
    def sender_node(self) -> str:
        return self.manifest["node"]

    @property
    def marks(self) -> dict[str, str]:
        return self.manifest["marks"]


def write_bundle(
    path: str,
    *,
    manifest: dict,
    ops_lines: Iterable[bytes | tuple[bytes, int]],
    sign: Callable[[bytes], bytes],
    format: int = FORMAT_VERSION,
) -> dict:
    """Write the zip to `path` (which must not exist); returns the manifest written.

    `ops_lines` are lines of bundle format `format`: each a line holding
    one op, or (line, how many ops it holds) as ops_check.op_blocks gives.
    """
    digest = hashlib.sha256()
    size = ops = 0
    with zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open(OPS, "w", force_zip64=True) as member:
            for item in ops_lines:
                line, held = item if isinstance(item, tuple) else (item, 1)
                digest.update(line)
                member.write(line)
                size += len(line)
                ops += held
        manifest = {
            **manifest,
            "format": format,
            "op_count": ops,
            "members": {OPS: {"sha256": digest.hexdigest(), "size": size}},
        }
        manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode()
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, sign(manifest_bytes))
    return manifest


def _refuse(message: str) -> BundleRefusedError:
    return BundleRefusedError(message)


def _damaged(path: str) -> BundleRefusedError:
    return _refuse(
        _(
            "{path} is damaged or incomplete (perhaps cut short while copying). Copy it "
            "again, or ask the sender to export it again."
        ).format(path=path)
    )


def open_archive(path: str, data: bytes | None = None) -> zipfile.ZipFile:
    """Open the zip and check its members before anything is decompressed."""
    import io

    source = io.BytesIO(data) if data is not None else path
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise _refuse(
            _(
                "{path} is not a ceapp sync bundle (it is not a zip file, or it was cut short "
                "while copying). Check that you chose a bundle ceapp exported; if you did, copy "
                "it again or ask the sender to export it again."
            ).format(path=path)
        ) from None
    except Exception as error:  # OSError, EOFError, ValueError, struct.error: a mangled zip
        raise _damaged(path) from error
    names = [info.filename for info in archive.infolist()]
    for name in names:
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or (len(name) > 1 and name[1] == ":")
        ):
            raise _refuse(
                _(
                    "{path} holds a file named {name}, which points outside the bundle; "
                    "ceapp never writes such names, so the file was made or changed by "
                    "another program and is refused. Ask the sender to export it again."
                ).format(path=path, name=excerpt(name))
            )
    if sorted(names) != sorted(MEMBERS):
        raise _refuse(
            _(
                "{path} does not hold what a ceapp sync bundle holds (it has {names}). Check "
                "that you chose a bundle ceapp exported; if you did, ask the sender to export "
                "it again."
            ).format(path=path, names=excerpt(", ".join(sorted(names)) or "-"))
        )
    limits = {MANIFEST: MAX_MANIFEST_BYTES, SIGNATURE: MAX_SIGNATURE_BYTES, OPS: MAX_OPS_BYTES}
    for info in archive.infolist():
        # The size the zip declares; read_member and read_ops also stop at
        # the limit, whatever the zip declares.
        if info.file_size > limits[info.filename]:
            raise _too_big(path, limits[info.filename])
    return archive


def _size(count: int) -> str:
    for unit, text in ((1024**3, _("{number} GB")), (1024**2, _("{number} MB"))):
        if count >= unit:
            return text.format(number=f"{count / unit:.3g}")
    return _("{number} KB").format(number=f"{max(count, 1) / 1024:.3g}")


def _too_big(path: str, limit: int) -> BundleRefusedError:
    return _refuse(
        _(
            "{path} would take up more than {limit} once unpacked, far more than any ceapp "
            "bundle does, so it is refused to protect this computer's memory and disk. Ask "
            "the sender to export it again."
        ).format(path=path, limit=_size(limit))
    )


def read_member(archive: zipfile.ZipFile, name: str, *, path: str, limit: int) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except Exception as error:  # BadZipFile, zlib.error, EOFError: a mangled member
        raise _damaged(path) from error
    if len(data) > limit:
        raise _too_big(path, limit)
    return data


def read_manifest(archive: zipfile.ZipFile, *, path: str) -> tuple[dict, bytes, bytes]:
    manifest_bytes = read_member(archive, MANIFEST, path=path, limit=MAX_MANIFEST_BYTES)
    signature = read_member(archive, SIGNATURE, path=path, limit=MAX_SIGNATURE_BYTES)
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        manifest = None
    if not isinstance(manifest, dict):
        raise _damaged(path)
    return manifest, manifest_bytes, signature


def check_signature(*, path: str, manifest: dict, manifest_bytes: bytes, signature: bytes) -> str:
    """The signer's public key (hex) once its signature over the manifest checks out."""
    key_hex = manifest.get("public_key")
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
    except (TypeError, ValueError):
        raise _damaged(path) from None
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise _refuse(
            _(
                "{path} does not carry a valid signature: it was changed after the "
                "sending laptop signed it, or it was not made by ceapp. Ask the sender to "
                "export it again."
            ).format(path=path)
        ) from None
    return key_hex


def check_versions(*, path: str, manifest: dict, schema_version: int) -> None:
    version = manifest.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _damaged(path)
    if version > FORMAT_VERSION:
        raise _refuse(
            _(
                "{path} was made by a newer ceapp (bundle format {version}; this one "
                "reads format {supported}). Update ceapp on this laptop, then import it again."
            ).format(path=path, version=version, supported=FORMAT_VERSION)
        )
    if version < OLDEST_FORMAT:
        raise _damaged(path)
    schema = manifest.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or not 1 <= schema <= schema_version:
        newer = isinstance(schema, int) and not isinstance(schema, bool) and schema > 0
        if newer:
            message = _(
                "{path} holds records in a database layout this ceapp does not know "
                "(version {schema}; this one knows up to {known}). Update ceapp on this "
                "laptop, then import it again."
            )
        else:
            message = _(
                "{path} names a database layout ({schema}) that no ceapp has ever used, so "
                "it was not made by ceapp and is refused. Ask the sender to export it again."
            )
        raise _refuse(message.format(path=path, schema=excerpt(str(schema)), known=schema_version))


def _are_marks(value) -> bool:
    """{node id in hex: stamp}, as a manifest's marks and `since` are."""
    return isinstance(value, dict) and all(
        ops_check.is_node(node) and ops_check.is_stamp(stamp) for node, stamp in value.items()
    )


def check_manifest_fields(*, path: str, manifest: dict) -> None:
    node = manifest.get("node")
    members = manifest.get("members")
    count = manifest.get("op_count")
    entry = members.get(OPS) if isinstance(members, dict) else None
    if (
        not ops_check.is_node(node)
        or not _are_marks(manifest.get("marks"))
        # What a bundle made for one laptop leaves out (absent: nothing).
        or not _are_marks(manifest.get("since", {}))
        or not isinstance(count, int)
        or count < 0
        or not isinstance(entry, dict)
        or not isinstance(entry.get("sha256"), str)
        or not isinstance(entry.get("size"), int)
    ):
        raise _damaged(path)


def read_ops(
    archive: zipfile.ZipFile,
    *,
    path: str,
    manifest: dict,
    progress: Callable[[int, int], None] | None = None,
    held: dict[int, int] | None = None,
) -> ops_check.OpChecker:
    """Check every op in the bundle; the checker holds those this laptop lacks.

    Ops that are not the ones the signed manifest vouches for (another size
    or digest) are refused as damaged, even when a bad op is met first: the
    file was changed, and what the op says does not matter.
    """
    entry = manifest["members"][OPS]
    expected_size = entry["size"]
    if expected_size > MAX_OPS_BYTES:
        raise _too_big(path, MAX_OPS_BYTES)
    checker = ops_check.OpChecker(path=path, held=held)
    if manifest["format"] == 1:
        check, longest = checker.add, None
    else:
        check, longest = checker.add_block, ops_check.MAX_BLOCK_BYTES
    refusal: BundleRefusedError | None = None
    read = 0
    # The line begun at the end of the last chunk (a bytearray: one very long
    # line is gathered in linear time).
    pending = bytearray()
    with _Unpacker(archive, expected_size) as unpacker:
        for chunk in unpacker:
            read += len(chunk)
            if refusal is None:
                try:
                    _check_lines(check, pending, chunk, longest)
                except BundleRefusedError as refused:
                    # Kept until the digest is known; reading goes on to it.
                    refusal = refused
            if progress is not None:
                progress(read, expected_size)  # may raise: Cancel
        if unpacker.failure is not None:
            raise _damaged(path) from unpacker.failure
        digest = unpacker.digest
    if read != expected_size or digest.hexdigest() != entry["sha256"]:
        raise _damaged(path)
    if refusal is not None:
        raise refusal
    if pending or checker.count != manifest["op_count"]:
        raise _damaged(path)
    return checker


class _Unpacker:
    """The ops member's bytes, unpacked and hashed in a thread while the caller checks them.

    Inflating, the zip's CRC and SHA-256 all let go of Python's lock, so on
    a second core they cost the import next to nothing. Stops at the first
    byte past `limit` (a zip bomb, or a manifest that lies about the size)
    or at damage, which `failure` then holds; the chunks read until then
    are still given, so a bad op met first is still told from damage by the
    digest. Leaving the `with` stops the thread, whatever happened.
    """

    def __init__(self, archive: zipfile.ZipFile, limit: int) -> None:
        self.archive = archive
        self.limit = limit
        self.digest = hashlib.sha256()
        self.failure: BaseException | None = None
        self.read = 0
        # A few chunks ahead at most: memory stays bounded however big the member.
        self.chunks: queue.Queue = queue.Queue(maxsize=4)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ceapp-unpack", daemon=True)

    def __enter__(self) -> _Unpacker:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        # Unblock a thread waiting to hand over a chunk.
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.chunks.get(timeout=0.05)
        self.thread.join()

    def __iter__(self) -> Iterator[bytes]:
        while (chunk := self.chunks.get()) is not None:
            yield chunk

    def _run(self) -> None:
        try:
            with self.archive.open(OPS) as member:
                while not self.stopped.is_set() and (chunk := member.read(CHUNK)):
                    self.read += len(chunk)
                    if self.read > self.limit:
                        raise ValueError("the ops are larger than the manifest says")
                    self.digest.update(chunk)
                    self._give(chunk)
        except Exception as error:  # BadZipFile, zlib.error, EOFError: a mangled member
            self.failure = error
        self._give(None)

    def _give(self, chunk: bytes | None) -> None:
        while not self.stopped.is_set():
            with contextlib.suppress(queue.Full):
                self.chunks.put(chunk, timeout=0.05)
                return


def _check_lines(
    check: Callable[[bytes], None], pending: bytearray, chunk: bytes, longest: int | None
) -> None:
    """Check each line `chunk` completes; keep its unfinished end in `pending`.

    A line longer than `longest` goes to `check` as soon as it is, which
    refuses it, rather than being gathered to its end.
    """
    start = 0
    while (end := chunk.find(b"\n", start)) != -1:
        if pending:
            pending += chunk[start:end]
            line = bytes(pending)
            pending.clear()
        else:
            line = chunk[start:end]
        check(line)
        start = end + 1
    pending += chunk[start:]
    if longest is not None and len(pending) > longest:
        check(bytes(pending))


def file_size_ok(path: str) -> int:
    if os.path.isdir(path):
        raise _refuse(
            _(
                "{path} is a folder, not a bundle. Choose the bundle file itself, not the "
                "folder it is in."
            ).format(path=path)
        )
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise _refuse(
            _(
                "{path} cannot be read ({reason}). Check the file's name and that it is "
                "still where it was."
            ).format(path=path, reason=error.strerror or error)
        ) from None
    if size > MAX_BUNDLE_BYTES:
        raise _refuse(
            _(
                "{path} is larger than {limit}, far more than any ceapp bundle; it is refused "
                "to protect this computer's memory and disk. Check that you chose a bundle "
                "ceapp exported."
            ).format(path=path, limit=_size(MAX_BUNDLE_BYTES))
        )
    return size
