"""Bad sync bundles are refused, and the receiving laptop is left exactly as it was.

Every refusal is checked the same way (`_assert_refused`): `ceapp sync import`
exits 2 with one line on stderr that says what is wrong and what to do, and
the receiver's fingerprint and its file's bytes are unchanged (with no -wal
file left holding anything).

The bundles start from a valid one, exported by a demo laptop ("Laptop A")
that the receiver trusts, and are then damaged. Where a test means to reach
one particular check behind the signature, the doctored bundle is signed
again with Laptop A's real key (`_resign`), so the test proves that check and
not merely the signature.

The bad bundles are written to a folder with a long name: a refusal names
the file, and its line must still fit the CLI's 300 characters whole (the
CLI shortens the path, never the advice at the end).

The good bundle is in format 1, one op a line: [table, row_id, stamp, node,
kind, field, value, redacted, base] (ceapp/sync/ops_check.py). An op's
identity is its table, record, stamp, node and field; a receiver counts
ops at or under its own mark for a node as ones it holds, checks only
their shape, and drops them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import struct
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from cli_run import cli_ok as _ok
from cli_run import file_fingerprint as _fingerprint
from cli_run import run_cli as _cli
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ceapp import cli
from ceapp.exit_codes import ExitCode
from ceapp.log_encoding import stamp_value
from ceapp.ops import canonical_json
from ceapp.store import open_store
from ceapp.sync import bundle, encryption, exchange
from ceapp.validation import excerpt

# What a refusal message says to do, one of which every message must carry.
EXPORT_AGAIN = "export it again"
CHOOSE_EXPORT = "chose a bundle ceapp exported"
DAMAGED = "damaged or incomplete"
NOT_A_BUNDLE = "is not a ceapp sync bundle"
BAD_SIGNATURE = "does not carry a valid signature"
OUTSIDE = "points outside the bundle"
TOO_BIG = "once unpacked"
BAD_CHANGE = "holds a change ceapp cannot accept"
CLASH = "already has with different content"
# The CLI's cap on a message line (ceapp/cli/__init__.py, MAX_MESSAGE).
MAX_LINE = cli.MAX_MESSAGE
# What a window user cannot type: the Sync page shows refusals as they are.
COMMAND_LINE_ONLY = ("ceapp sync export", "--encrypt-to")
# Makes a path far longer than the 40 characters the CLI quotes of it.
LONG_FOLDER = "bundles-received-by-hand-from-the-laptop-in-the-community-office"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _private_key(db: Path) -> Ed25519PrivateKey:
    """A laptop's signing key: PEM PKCS8 in `<db>.key` (ceapp.sync.identity)."""
    key = serialization.load_pem_private_key(Path(f"{db}.key").read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


@dataclass(frozen=True)
class World:
    folder: Path
    sender: Path
    sender_key: Ed25519PrivateKey
    sender_fingerprint: str
    stranger_key: Ed25519PrivateKey
    receiver: Path
    receiver_bytes: bytes
    receiver_key_bytes: bytes
    receiver_fingerprint: str
    good: Path
    manifest: dict
    lines: tuple[bytes, ...]
    # Laptop A's node id, as op lines name it.
    node: str
    # Laptop A's bundle encrypted for the receiver, and for Laptop C.
    sealed_for_receiver: Path
    sealed_for_other: Path
    # A valid bundle from Laptop C, whom the receiver does not trust.
    from_stranger: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("sync-refusals")
    a, b, c = folder / "a.db", folder / "receiver" / "b.db", folder / "c.db"
    b.parent.mkdir()
    _ok("--db", a, "demo", "--events", "20", "--until", "2026-01-31")
    _ok("--db", c, "demo", "--events", "2", "--until", "2026-01-31")
    for db in (a, b, c):
        _ok("--db", db, "sync", "id", "--out", f"{db}.pub")
    _ok("--db", b, "sync", "trust", f"{a}.pub", "--name", "Laptop A")
    _ok("--db", a, "sync", "trust", f"{b}.pub", "--name", "Laptop B")
    _ok("--db", a, "sync", "trust", f"{c}.pub", "--name", "Laptop C")
    good = folder / "good.zip"
    # Format 1, one op a line: what a laptop not yet updated sends, and what
    # these tests doctor op by op. Format 2's own refusals are in
    # tests/test_sync_format2.py; both formats end in the same op checks.
    with open_store(str(a)) as store:
        exchange.export_bundle(store, str(good), format=1)
    sealed_for_receiver = folder / "sealed-b.zip"
    _ok("--db", a, "sync", "export", "--out", sealed_for_receiver, "--encrypt-to", "Laptop B")
    sealed_for_other = folder / "sealed-c.zip"
    _ok("--db", a, "sync", "export", "--out", sealed_for_other, "--encrypt-to", "Laptop C")
    from_stranger = folder / "stranger.zip"
    _ok("--db", c, "sync", "export", "--out", from_stranger)
    assert not Path(f"{b}-wal").exists()
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read(bundle.MANIFEST))
        lines = tuple(archive.read(bundle.OPS).splitlines(keepends=True))
    world = World(
        folder=folder,
        sender=a,
        sender_key=_private_key(a),
        sender_fingerprint=_fingerprint(a),
        stranger_key=_private_key(c),
        receiver=b,
        receiver_bytes=b.read_bytes(),
        receiver_key_bytes=Path(f"{b}.key").read_bytes(),
        receiver_fingerprint=_fingerprint(b),
        good=good,
        manifest=manifest,
        lines=lines,
        node=manifest["node"],
        sealed_for_receiver=sealed_for_receiver,
        sealed_for_other=sealed_for_other,
        from_stranger=from_stranger,
    )
    assert world.receiver_fingerprint != world.sender_fingerprint
    assert len(lines) == manifest["op_count"] > 100
    return world


def _restore(world: World) -> Path:
    """The receiver as it was made, in its own place (a copy elsewhere would be re-keyed)."""
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{world.receiver}{suffix}")
    world.receiver.write_bytes(world.receiver_bytes)
    Path(f"{world.receiver}.key").write_bytes(world.receiver_key_bytes)
    return world.receiver


@pytest.fixture
def receiver(world, monkeypatch) -> Path:
    # An unexpected exception raises with its traceback instead of exiting 4.
    monkeypatch.setenv(cli.ENV_DEBUG, "1")
    return _restore(world)


@pytest.fixture
def cases(tmp_path) -> Path:
    """Where a test writes the bad bundles it makes: a folder with a long path."""
    folder = tmp_path / LONG_FOLDER / LONG_FOLDER
    folder.mkdir(parents=True)
    return folder


def _here(source: Path, folder: Path) -> Path:
    """A copy of one of the world's bundles in `folder`, under its own name."""
    return Path(shutil.copy(source, folder / source.name))


def _wal_is_empty(db: Path) -> bool:
    wal = Path(f"{db}-wal")
    return not wal.exists() or wal.stat().st_size == 0


def _assert_refused(db: Path, *bundles, expect: tuple[str, ...], names: Path | None = None) -> str:
    """Import `bundles` into `db`: refused, one clean line naming `expect`, nothing changed.

    The line is whole (not cut to the CLI's limit), tells no one to type a
    command-line option, and names the file `names` when it is given.
    """
    assert _wal_is_empty(db)
    before = _sha256(db)
    before_fingerprint = _fingerprint(db)
    assert _sha256(db) == before
    code, out, err = _cli("--db", db, "sync", "import", *bundles)
    assert code == ExitCode.BAD_INPUT, (code, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    for fragment in expect:
        assert fragment in lines[0], (fragment, lines[0])
    assert len(lines[0]) <= MAX_LINE and not lines[0].endswith("…"), lines[0]
    assert not any(option in lines[0] for option in COMMAND_LINE_ONLY), lines[0]
    if names is not None:
        # The path as the CLI quotes it (its first 40 characters), or the file's own name.
        assert excerpt(str(names)) in lines[0] or names.name in lines[0], (str(names), lines[0])
    assert _wal_is_empty(db), "a refused import left data in the -wal file"
    assert _sha256(db) == before, "a refused import changed the database file"
    assert _fingerprint(db) == before_fingerprint
    assert _sha256(db) == before
    return lines[0]


# -- making bad bundles -----------------------------------------------------------------


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(target: Path, members: dict[str, bytes] | list[tuple[str, bytes]]) -> Path:
    """A zip written by hand, holding exactly `members` (names as given)."""
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def _resign(
    world: World,
    target: Path,
    *,
    lines=None,
    manifest: dict | None = None,
    key: Ed25519PrivateKey | None = None,
) -> Path:
    """A bundle rebuilt by ceapp's own writer from these ops and signed by Laptop A's key.

    write_bundle sets the format, the op count and the digest, so only what
    the test changed is wrong.
    """
    base = {
        name: value
        for name, value in (manifest or world.manifest).items()
        if name not in ("format", "op_count", "members")
    }
    bundle.write_bundle(
        str(target),
        manifest=base,
        ops_lines=list(world.lines if lines is None else lines),
        sign=(key or world.sender_key).sign,
        format=1,
    )
    return target


def _signed_manifest(
    world: World, target: Path, manifest: dict, *, key: Ed25519PrivateKey | None = None
) -> Path:
    """The good ops with this exact manifest, signed: for fields write_bundle sets itself."""
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode()
    signature = (key or world.sender_key).sign(manifest_bytes)
    return _zip(
        target,
        {
            bundle.OPS: b"".join(world.lines),
            bundle.MANIFEST: manifest_bytes,
            bundle.SIGNATURE: signature,
        },
    )


FIELDS = ("table", "row_id", "stamp", "node", "kind", "field", "value", "redacted", "base")


def _line(op: list) -> bytes:
    """An op as a bundle's line carries it."""
    return (canonical_json(op) + "\n").encode()


def _parsed(world: World, table: str, kind: str = "create") -> list:
    """The first op of this table and kind in the good bundle, as a list."""
    for line in world.lines:
        op = json.loads(line)
        if op[0] == table and op[4] == kind:
            return op
    raise AssertionError(f"the demo bundle has no {kind} of {table}")


def _stamp(when: str = "2026-01-15T10:00:00.000Z", counter: int = 0) -> int:
    """A stamp as op lines carry it: milliseconds << 16 | counter."""
    moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
    return stamp_value(int(moment.timestamp() * 1000), counter)


def _with_extra(world: World, target: Path, *extra: bytes) -> Path:
    """The good ops plus these lines, signed properly."""
    return _resign(world, target, lines=[*world.lines, *extra])


def _changed(op: list, **changes) -> list:
    values = dict(zip(FIELDS, op, strict=True))
    assert set(changes) <= set(FIELDS), changes
    values.update(changes)
    return [values[name] for name in FIELDS]


def _data_range(path: Path, name: str) -> tuple[int, int]:
    """Where a member's stored (compressed) bytes are in the file: (start, length)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = path.read_bytes()
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
    return header + 30 + name_length + extra_length, info.compress_size


def _cut(source: Path, target: Path, drop: int) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) - drop])
    return target


def _flipped(source: Path, target: Path, position: int) -> Path:
    data = bytearray(source.read_bytes())
    # Bit 0: deflate fills a byte from its low bits, so even a stream's last byte uses it.
    data[position] ^= 0x01
    target.write_bytes(bytes(data))
    return target


# -- refusals that need nothing but the bundle ---------------------------------------------


def _changes_the_member(path: Path, name: str, position: int) -> bool:
    """Whether flipping this byte changes what the zip gives for the member.

    Not every bit of a deflate stream counts: the flag that marks its last
    block, or bits after its end, can flip and still decompress to the same
    bytes with the same checksum. Such a flip damages nothing, and the
    bundle rightly imports.
    """
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        intact = archive.read(name)
    data[position] ^= 0x01
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
            return archive.read(name) != intact
    except Exception:
        return True


def _flip_in(name: str, where: str) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        start, length = _data_range(world.good, name)
        near = {"start": start, "middle": start + length // 2, "end": start + length - 1}[where]
        step = -1 if where == "end" else 1
        position = next(
            position
            for position in range(near, near + 20 * step, step)
            if _changes_the_member(world.good, name, position)
        )
        return [_flipped(world.good, folder / "flipped.zip", position)]

    return build


def _truncated(keep: int | float) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        data = world.good.read_bytes()
        length = int(len(data) * keep) if isinstance(keep, float) else keep
        if length < 0:
            length += len(data)
        target = folder / "cut.zip"
        target.write_bytes(data[:length])
        return [target]

    return build


def _text_file(world: World, folder: Path) -> list[Path]:
    target = folder / "notes.zip"
    target.write_text("shopping: milk, eggs\n" * 50)
    return [target]


def _empty_file(world: World, folder: Path) -> list[Path]:
    target = folder / "empty.zip"
    target.write_bytes(b"")
    return [target]


def _folder(world: World, folder: Path) -> list[Path]:
    target = folder / "bundles"
    target.mkdir()
    return [target]


def _missing(world: World, folder: Path) -> list[Path]:
    return [folder / "nowhere.zip"]


def _manifest_changed_unsigned(world: World, folder: Path) -> list[Path]:
    members = _members(world.good)
    edited = json.loads(members[bundle.MANIFEST])
    edited["marks"] = {}
    members[bundle.MANIFEST] = json.dumps(edited, sort_keys=True, indent=1).encode()
    return [_zip(folder / "edited.zip", members)]


def _signature_byte_flipped(position: int) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        members = _members(world.good)
        signature = bytearray(members[bundle.SIGNATURE])
        signature[position] ^= 0x01
        members[bundle.SIGNATURE] = bytes(signature)
        return [_zip(folder / "bad-signature.zip", members)]

    return build


def _signed_by_another_key(world: World, folder: Path) -> list[Path]:
    # The manifest still names Laptop A's key; Laptop C signed it.
    return [_resign(world, folder / "other-key.zip", key=world.stranger_key)]


def _signature_of_another_manifest(world: World, folder: Path) -> list[Path]:
    members = _members(world.good)
    other = json.loads(members[bundle.MANIFEST])
    other["op_count"] -= 1
    members[bundle.SIGNATURE] = world.sender_key.sign(
        json.dumps(other, sort_keys=True, indent=1).encode()
    )
    return [_zip(folder / "other-manifest.zip", members)]


def _signature_cut_short(world: World, folder: Path) -> list[Path]:
    members = _members(world.good)
    members[bundle.SIGNATURE] = members[bundle.SIGNATURE][:20]
    return [_zip(folder / "short-signature.zip", members)]


def _stranger_key_named_and_signed(world: World, folder: Path) -> list[Path]:
    """Laptop C signs Laptop A's ops as itself: a valid signature, an untrusted signer."""
    from ceapp.sync import identity

    manifest = dict(world.manifest)
    manifest["public_key"] = identity.public_hex(world.stranger_key.public_key())
    return [_resign(world, folder / "resigned-by-c.zip", manifest=manifest, key=world.stranger_key)]


def _manifest_field(field: str, value) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        manifest = {**world.manifest, field: value}
        return [_signed_manifest(world, folder / f"{field}.zip", manifest)]

    return build


def _escaping_member(name: str) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        members = [*_members(world.good).items(), (name, b"owned\n")]
        return [_zip(folder / "escape.zip", members)]

    return build


def _escaping_instead_of_ops(name: str) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        members = _members(world.good)
        ops = members.pop(bundle.OPS)
        return [_zip(folder / "escape.zip", [*members.items(), (name, ops)])]

    return build


def _extra_member(world: World, folder: Path) -> list[Path]:
    members = [*_members(world.good).items(), ("readme.txt", b"hello\n")]
    return [_zip(folder / "extra.zip", members)]


def _missing_member(world: World, folder: Path) -> list[Path]:
    members = _members(world.good)
    del members[bundle.SIGNATURE]
    return [_zip(folder / "unsigned.zip", members)]


def _member_twice(world: World, folder: Path) -> list[Path]:
    members = list(_members(world.good).items())
    members.append((bundle.OPS, b""))
    with pytest.warns(UserWarning, match="Duplicate name"):
        return [_zip(folder / "twice.zip", members)]


def _duplicate_op(world: World, folder: Path) -> list[Path]:
    lines = list(world.lines)
    lines.insert(10, lines[10])
    return [_resign(world, folder / "duplicate.zip", lines=lines)]


def _same_op_with_another_value(world: World, folder: Path) -> list[Path]:
    """Two lines with one identity (table, record, stamp, node, field), different values."""
    op = _parsed(world, "events")
    lines = list(world.lines)
    index = lines.index(_line(op))
    lines.insert(index + 1, _line(_changed(op, value={**op[6], "title": "Another title"})))
    return [_resign(world, folder / "twins.zip", lines=lines)]


def _extra_op(make: Callable[[World], bytes]) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        return [_with_extra(world, folder / "bad-op.zip", make(world))]

    return build


def _area(world: World, **changes) -> list:
    """A new area's create op, stamped by Laptop A, changed as asked."""
    op = [
        "areas",
        str(uuid.uuid4()),
        _stamp(),
        world.node,
        "create",
        None,
        {"borough": "Leicester", "ward": "Evington"},
        0,
        None,
    ]
    return _changed(op, **changes)


def _area_line(**changes) -> Callable[[World], bytes]:
    return lambda world: _line(_area(world, **changes))


def _event_with(world: World, **fields) -> bytes:
    op = _parsed(world, "events")
    return _line(_changed(op, row_id=str(uuid.uuid4()), value={**op[6], **fields}))


def _set(world: World, table: str, field, value, **changes) -> bytes:
    """An edit of the first record of `table` in the good bundle, by Laptop A."""
    row_id = _parsed(world, table)[1]
    op = [table, row_id, _stamp("2026-01-20T10:00:00.000Z"), world.node, "set", field, value, 0]
    return _line(_changed([*op, None], **changes))


def _based(base: Callable[[World], object]) -> Callable[[World], bytes]:
    """An edit of an event's title naming `base` as the change it replaced."""
    return lambda world: _set(world, "events", "title", "New", base=base(world))


def _event_created(world: World) -> list:
    """[stamp, node] of the good bundle's first event's creation: a sound base."""
    op = _parsed(world, "events")
    return [op[2], op[3]]


def _slip_timed(world: World) -> bytes:
    op = _parsed(world, "monitoring_responses")
    assert op[2] == 0
    return _line(_changed(op, row_id=str(uuid.uuid4()), stamp=_stamp()))


def _create_missing_column(world: World) -> bytes:
    op = _parsed(world, "events")
    value = dict(op[6])
    del value["venue"]
    return _line(_changed(op, row_id=str(uuid.uuid4()), value=value))


def _create_in_column_order(world: World) -> bytes:
    """A creation's values as the change log stores them (a list), not by name."""
    op = _parsed(world, "areas")
    value = [op[6]["borough"], op[6]["ward"]]
    return _line(_changed(op, row_id=str(uuid.uuid4()), value=value))


def _in_the_old_line_format(world: World) -> bytes:
    """A line as bundles carried ops before the compact change log: an op id first."""
    table, row_id, _new_stamp, node, kind, field, value, redacted, base = _area(world)
    stamp = f"2026-01-15T10:00:00.000Z-0000-{node}"
    return _line(["0" * 32, table, row_id, stamp, kind, field, value, redacted, base])


def _erased_set_with_a_value(world: World) -> bytes:
    return _set(world, "community_groups", "contact_name", "Someone", redacted=1)


def _erased_creation_with_nothing_blanked(world: World) -> bytes:
    op = _parsed(world, "community_groups")
    assert all(op[6][column] is not None for column in ("contact_name", "contact_email"))
    return _line(_changed(op, row_id=str(uuid.uuid4()), redacted=1))


def _dangling_link(world: World) -> bytes:
    op = _parsed(world, "issues")
    value = {**op[6], "event_id": str(uuid.uuid4())}
    return _line(_changed(op, row_id=str(uuid.uuid4()), value=value))


def _raw(text: bytes) -> Callable[[World], bytes]:
    return lambda world: text


GOOD_ROW = "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b"

# (id, how to make the bundles, what the message must say)
CASES: list[tuple[str, Callable[[World, Path], list[Path]], tuple[str, ...]]] = [
    # A flipped byte: the zip's checksums catch it before any check of ours could be fooled.
    *[
        (f"flipped-{name}-{where}", _flip_in(name, where), (DAMAGED, EXPORT_AGAIN))
        for name in bundle.MEMBERS
        for where in ("start", "middle", "end")
    ],
    # Cut short: no end-of-zip record, or members whose data stops early.
    *[
        (f"truncated-{keep}", _truncated(keep), ("cut short", "export"))
        for keep in (1, 4, 30, 200, 0.25, 0.5, 0.9, -23, -1)
    ],
    ("text-file", _text_file, (NOT_A_BUNDLE, CHOOSE_EXPORT)),
    ("empty-file", _empty_file, (NOT_A_BUNDLE, CHOOSE_EXPORT)),
    ("folder", _folder, ("is a folder", "Choose the bundle file itself")),
    ("missing-file", _missing, ("cannot be read", "Check the file's name")),
    # Signatures.
    ("manifest-changed-not-signed", _manifest_changed_unsigned, (BAD_SIGNATURE, EXPORT_AGAIN)),
    *[
        (f"signature-byte-{position}", _signature_byte_flipped(position), (BAD_SIGNATURE,))
        for position in (0, 31, 63)
    ],
    ("signed-by-another-key", _signed_by_another_key, (BAD_SIGNATURE, EXPORT_AGAIN)),
    ("signature-of-another-manifest", _signature_of_another_manifest, (BAD_SIGNATURE,)),
    ("signature-cut-short", _signature_cut_short, (BAD_SIGNATURE, EXPORT_AGAIN)),
    (
        "signed-by-an-untrusted-laptop",
        _stranger_key_named_and_signed,
        ("does not trust", "trust its key file", "check the fingerprint"),
    ),
    # Versions, with the manifest signed again by the sender's real key.
    (
        "format-from-the-future",
        _manifest_field("format", bundle.FORMAT_VERSION + 1),
        ("newer ceapp", "Update ceapp on this laptop"),
    ),
    ("format-zero", _manifest_field("format", 0), (DAMAGED, EXPORT_AGAIN)),
    ("format-text", _manifest_field("format", "1"), (DAMAGED, EXPORT_AGAIN)),
    ("format-bool", _manifest_field("format", True), (DAMAGED, EXPORT_AGAIN)),
    ("schema-99", _manifest_field("schema", 99), ("version 99", "Update ceapp on this laptop")),
    ("schema-0", _manifest_field("schema", 0), ("no ceapp has ever used", EXPORT_AGAIN)),
    ("schema-x", _manifest_field("schema", "x"), ("no ceapp has ever used", EXPORT_AGAIN)),
    ("schema-missing", _manifest_field("schema", None), ("no ceapp has ever used",)),
    ("node-malformed", _manifest_field("node", "laptop-a"), (DAMAGED, EXPORT_AGAIN)),
    ("marks-malformed", _manifest_field("marks", {"x": "y"}), (DAMAGED, EXPORT_AGAIN)),
    ("op-count-wrong", _manifest_field("op_count", 3), (DAMAGED, EXPORT_AGAIN)),
    (
        "ops-digest-wrong",
        _manifest_field("members", {bundle.OPS: {"sha256": "0" * 64, "size": 10}}),
        (DAMAGED, EXPORT_AGAIN),
    ),
    # Member names, in zips made by hand.
    *[
        (f"member-{label}", _escaping_member(name), (OUTSIDE, EXPORT_AGAIN))
        for label, name in (
            ("dot-dot", "../x"),
            ("absolute", "/etc/x"),
            ("backslash", "..\\x"),
            ("drive", "C:x"),
            ("deep-dot-dot", "ops/../../x"),
        )
    ],
    ("ops-stored-as-dot-dot", _escaping_instead_of_ops("../ops.jsonl"), (OUTSIDE,)),
    ("extra-member", _extra_member, ("does not hold what", CHOOSE_EXPORT)),
    ("missing-member", _missing_member, ("does not hold what", CHOOSE_EXPORT)),
    ("member-twice", _member_twice, ("does not hold what", CHOOSE_EXPORT)),
    # Ops, each bundle signed again by Laptop A.
    ("duplicate-op", _duplicate_op, (BAD_CHANGE, "in the bundle twice", EXPORT_AGAIN)),
    ("same-op-with-another-value", _same_op_with_another_value, (BAD_CHANGE, "twice")),
    ("op-not-json", _extra_op(_raw(b"{not json\n")), (BAD_CHANGE, "not readable")),
    ("op-blank-line", _extra_op(_raw(b"\n")), (BAD_CHANGE, "not readable")),
    ("op-not-utf8", _extra_op(_raw(b'["\xff"]\n')), (BAD_CHANGE, "not readable")),
    ("op-deeply-nested", _extra_op(_raw(b"[" * 50_000 + b"]" * 50_000 + b"\n")), ("readable",)),
    ("op-an-object", _extra_op(_raw(b'{"op": 1}\n')), ("does not have the parts",)),
    (
        "op-wrong-arity",
        _extra_op(lambda world: _line(_area(world)[:8])),
        (BAD_CHANGE, "does not have the parts a change has"),
    ),
    (
        "op-one-part-too-many",
        _extra_op(lambda world: _line([*_area(world), None])),
        (BAD_CHANGE, "does not have the parts a change has"),
    ),
    (
        "op-in-the-old-line-format",
        _extra_op(_in_the_old_line_format),
        (BAD_CHANGE, "table this ceapp does not have"),
    ),
    *[
        (f"op-table-{label}", _extra_op(_area_line(table=table)), (BAD_CHANGE, "table this ceapp"))
        for label, table in (
            ("sqlite-master", "sqlite_master"),
            ("the-change-log", "changes"),
            ("a-number", 3),
            ("null", None),
        )
    ],
    *[
        (f"op-record-id-{label}", _extra_op(_area_line(row_id=row_id)), (BAD_CHANGE, "record id"))
        for label, row_id in (
            ("climbing-out", "../../etc"),
            ("with-newline", GOOD_ROW + "\n"),
            ("empty", ""),
            ("too-long", "a" * 65),
            ("a-number", 12),
            ("null", None),
        )
    ],
    # Stamps are integers: milliseconds << 16 | counter, 0 <= stamp < 2**62.
    *[
        (
            f"op-stamp-{label}",
            _extra_op(_area_line(stamp=stamp)),
            (BAD_CHANGE, "its time stamp is malformed"),
        )
        for label, stamp in (
            ("text", "yesterday"),
            ("a-number-as-text", str(_stamp())),
            ("a-float", float(_stamp())),
            ("a-fraction", 1.5),
            ("a-bool", True),
            ("null", None),
            ("a-list", [_stamp()]),
            ("negative", -1),
            ("negative-and-large", -_stamp()),
            ("two-to-the-62", 2**62),
            ("two-to-the-64", 2**64),
            ("absurd", 10**30),
            ("in-the-old-format", "2026-01-15T10:00:00.000Z-0000-0123456789abcdef"),
        )
    ],
    # Node ids are exactly 16 lower-case hex digits.
    *[
        (
            f"op-node-{label}",
            _extra_op(lambda world, node=node: _line(_area(world, node=node(world)))),
            (BAD_CHANGE, "laptop id it names is malformed"),
        )
        for label, node in (
            ("upper-case", lambda world: world.node.upper()),
            ("fifteen-digits", lambda world: world.node[:-1]),
            ("seventeen-digits", lambda world: world.node + "0"),
            ("with-newline", lambda world: world.node + "\n"),
            ("not-hex", lambda world: "g" * 16),
            ("a-number", lambda world: int(world.node, 16)),
            ("null", lambda world: None),
            ("a-name", lambda world: "laptop-a"),
        )
    ],
    (
        "op-timed-stamp-on-a-monitoring-slip",
        _extra_op(_slip_timed),
        (BAD_CHANGE, "time stamp is wrong for its table"),
    ),
    (
        "op-time-free-stamp-on-an-area",
        _extra_op(_area_line(stamp=0)),
        (BAD_CHANGE, "time stamp is wrong for its table"),
    ),
    # Bases: null, or a list of [stamp, node] pairs.
    *[
        (
            f"op-base-{label}",
            _extra_op(_based(base)),
            (BAD_CHANGE, "names the change it replaced wrongly"),
        )
        for label, base in (
            ("text", lambda world: "not-an-op"),
            ("empty-list", lambda world: []),
            ("one-pair-not-in-a-list", _event_created),
            (
                "an-object",
                lambda world: dict(zip(("stamp", "node"), _event_created(world), strict=True)),
            ),
            ("pair-of-one", lambda world: [_event_created(world)[:1]]),
            ("pair-of-three", lambda world: [[*_event_created(world), 0]]),
            ("stamp-as-text", lambda world: [[str(_stamp()), world.node]]),
            ("stamp-a-float", lambda world: [[1.5, world.node]]),
            ("stamp-a-bool", lambda world: [[True, world.node]]),
            ("stamp-negative", lambda world: [[-1, world.node]]),
            ("stamp-absurd", lambda world: [[2**62, world.node]]),
            ("node-upper-case", lambda world: [[_stamp(), world.node.upper()]]),
            ("node-short", lambda world: [[_stamp(), world.node[:8]]]),
            ("sixty-five-pairs", lambda world: [[n + 1, world.node] for n in range(65)]),
            ("old-format", lambda world: "0" * 32),
        )
    ],
    (
        "op-creation-with-a-base",
        _extra_op(lambda world: _line(_area(world, base=[_event_created(world)]))),
        (BAD_CHANGE, "creation that names a change it replaced"),
    ),
    (
        "op-deletion-with-a-base",
        _extra_op(
            lambda world: _set(
                world, "events", None, None, kind="delete", base=[_event_created(world)]
            )
        ),
        (BAD_CHANGE, "deletion that names a change it replaced"),
    ),
    (
        "op-create-missing-a-column",
        _extra_op(_create_missing_column),
        (BAD_CHANGE, "exactly the fields of its table"),
    ),
    (
        "op-create-with-an-extra-column",
        _extra_op(_area_line(value={"borough": "B", "ward": "W", "mayor": "X"})),
        (BAD_CHANGE, "exactly the fields of its table"),
    ),
    (
        "op-create-in-column-order",
        _extra_op(_create_in_column_order),
        (BAD_CHANGE, "exactly the fields of its table"),
    ),
    (
        "op-create-naming-a-field",
        _extra_op(_area_line(field="ward")),
        (BAD_CHANGE, "exactly the fields of its table"),
    ),
    (
        "op-set-of-an-unknown-field",
        _extra_op(lambda world: _set(world, "events", "mayor", "Someone")),
        (BAD_CHANGE, "sets a field its table does not have"),
    ),
    (
        "op-set-of-the-id",
        _extra_op(lambda world: _set(world, "events", "id", GOOD_ROW)),
        (BAD_CHANGE, "sets a field its table does not have"),
    ),
    (
        "op-set-of-no-field",
        _extra_op(lambda world: _set(world, "events", None, "New")),
        (BAD_CHANGE, "sets a field its table does not have"),
    ),
    *[
        (
            f"op-kind-{kind}",
            _extra_op(_area_line(kind=kind)),
            (BAD_CHANGE, "neither a creation, an edit nor a deletion"),
        )
        for kind in ("upsert", "CREATE", None)
    ],
    (
        "op-value-with-a-control-character",
        _extra_op(lambda world: _event_with(world, title="Forum\x1b[2J\x07")),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-with-a-bidi-override",
        _extra_op(lambda world: _event_with(world, title="Forum \u202eevil")),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-a-float",
        _extra_op(lambda world: _set(world, "attendance", "delta", 1.5)),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-a-bool",
        _extra_op(lambda world: _event_with(world, women_only=True)),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-text-in-a-number-field",
        _extra_op(lambda world: _set(world, "attendance", "delta", "12")),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-a-number-in-a-text-field",
        _extra_op(lambda world: _event_with(world, title=12)),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-a-huge-number",
        _extra_op(lambda world: _set(world, "attendance", "delta", 2**70)),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-a-list-in-a-text-field",
        _extra_op(lambda world: _set(world, "events", "title", ["a", "b"])),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-value-too-long",
        _extra_op(lambda world: _set(world, "events", "outcomes", "x" * 100_001)),
        (BAD_CHANGE, "value ceapp never stores"),
    ),
    (
        "op-create-with-an-empty-required-field",
        _extra_op(lambda world: _event_with(world, title=None)),
        (BAD_CHANGE, "leaves empty a field that is never empty"),
    ),
    (
        "op-set-of-a-required-field-to-empty",
        _extra_op(lambda world: _set(world, "events", "title", None)),
        (BAD_CHANGE, "leaves empty a field that is never empty"),
    ),
    (
        "op-deletion-with-a-value",
        _extra_op(lambda world: _set(world, "events", None, {"x": 1}, kind="delete")),
        (BAD_CHANGE, "deletion that carries a value"),
    ),
    (
        "op-deletion-naming-a-field",
        _extra_op(lambda world: _set(world, "events", "title", None, kind="delete")),
        (BAD_CHANGE, "deletion that carries a value"),
    ),
    (
        "op-erased-deletion",
        _extra_op(lambda world: _set(world, "events", None, None, kind="delete", redacted=1)),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    (
        "op-erasure-of-a-field-that-is-not-personal",
        _extra_op(lambda world: _set(world, "events", "title", None, redacted=1)),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    (
        "op-erased-edit-that-keeps-its-value",
        _extra_op(_erased_set_with_a_value),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    (
        "op-erased-creation-in-a-table-without-personal-details",
        _extra_op(_area_line(redacted=1)),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    (
        "op-erased-creation-with-nothing-blanked",
        _extra_op(_erased_creation_with_nothing_blanked),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    *[
        (f"op-erasure-mark-{label}", _extra_op(_area_line(redacted=mark)), (BAD_CHANGE, "erasure"))
        for label, mark in (("a-float", 1.0), ("two", 2), ("a-bool", True), ("null", None))
    ],
    ("op-dangling-link", _extra_op(_dangling_link), ("neither it nor this laptop has",)),
    # Encryption.
    (
        "encrypted-for-another-laptop",
        lambda world, folder: [_here(world.sealed_for_other, folder)],
        ("encrypted for another laptop", "export it again, encrypted for this laptop"),
    ),
    *[
        (
            f"encrypted-and-damaged-{where}",
            lambda world, folder, where=where: [
                _flipped(
                    world.sealed_for_receiver,
                    folder / "sealed.zip",
                    world.sealed_for_receiver.stat().st_size * where // 4,
                )
            ],
            ("is an encrypted bundle that is damaged or incomplete", EXPORT_AGAIN),
        )
        for where in (2, 3)
    ],
    *[
        (
            f"encrypted-and-cut-short-{drop}",
            lambda world, folder, drop=drop: [
                _cut(world.sealed_for_receiver, folder / "sealed.zip", drop)
            ],
            ("is an encrypted bundle that is damaged or incomplete", "Copy it again", EXPORT_AGAIN),
        )
        for drop in (1, 40, 1000)
    ],
    # The second of two files is bad: nothing of the first is imported either.
    (
        "second-of-two-bad",
        lambda world, folder: [
            _here(world.good, folder),
            _flip_in(bundle.OPS, "middle")(world, folder)[0],
        ],
        (DAMAGED,),
    ),
    (
        "second-of-two-from-a-stranger",
        lambda world, folder: [_here(world.good, folder), _here(world.from_stranger, folder)],
        ("does not trust", "sync trust"),
    ),
]

# Refusals whose message names no file: the record a dangling link points
# at is looked for after every file was read (ceapp/sync/merge.py), and
# exchange.py does not hand decrypt_for the file's name.
NAMES_NO_FILE = {
    "op-dangling-link",
    "encrypted-for-another-laptop",
    "encrypted-and-damaged-2",
    "encrypted-and-damaged-3",
    "encrypted-and-cut-short-1",
    "encrypted-and-cut-short-40",
    "encrypted-and-cut-short-1000",
}


BUILDERS = {case: make for case, make, _expect in CASES}
EXPECTED = {case: expect for case, _make, expect in CASES}


@pytest.mark.parametrize("case_id", list(BUILDERS))
def test_a_bad_bundle_is_refused_and_changes_nothing(world, receiver, cases, case_id):
    bundles = BUILDERS[case_id](world, cases)
    assert all(str(path).startswith(str(cases)) for path in bundles)
    names = None if case_id in NAMES_NO_FILE else bundles[-1]
    _assert_refused(receiver, *bundles, expect=EXPECTED[case_id], names=names)


def test_the_case_ids_are_unique():
    ids = [case for case, _make, _expect in CASES]
    assert len(ids) == len(set(ids))
    assert set(ids) >= NAMES_NO_FILE


# -- refusals that need more than a bundle --------------------------------------------------


def test_a_valid_bundle_from_a_laptop_not_trusted_says_how_to_trust_it(world, receiver):
    from ceapp.sync import identity

    message = _assert_refused(
        receiver,
        world.from_stranger,
        expect=("does not trust", "trust its key file here", "check the fingerprint"),
        names=world.from_stranger,
    )
    words = identity.fingerprint_words(identity.public_hex(world.stranger_key.public_key()))
    assert words in message


def test_a_member_declared_larger_than_the_limit_is_refused_before_it_is_read(
    world, receiver, monkeypatch
):
    # Writing gigabytes to prove the 4 GB limit would take minutes: the limit
    # is made smaller than this (perfectly valid) bundle's ops instead.
    size = world.manifest["members"][bundle.OPS]["size"]
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", size // 2)
    opened = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, *args, **kwargs):
        opened.append(name)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    _assert_refused(receiver, world.good, expect=(TOO_BIG, EXPORT_AGAIN))
    assert opened == [], "a member was decompressed before its declared size was checked"


def test_a_manifest_past_its_limit_is_refused(world, receiver, monkeypatch, cases):
    monkeypatch.setattr(bundle, "MAX_MANIFEST_BYTES", 100)
    _assert_refused(receiver, world.good, expect=(TOO_BIG, EXPORT_AGAIN))


def _zip_bomb(world: World, target: Path, size: int) -> Path:
    """A signed bundle whose ops are `size` bytes of newlines: tiny on disk."""
    ops = b"\n" * size
    manifest = {
        **world.manifest,
        "op_count": size,
        "members": {bundle.OPS: {"sha256": hashlib.sha256(ops).hexdigest(), "size": size}},
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(bundle.OPS, ops)
        z.writestr(bundle.MANIFEST, manifest_bytes)
        z.writestr(bundle.SIGNATURE, world.sender_key.sign(manifest_bytes))
    return target


def _declare_size(path: Path, name: str, size: int) -> None:
    """Make the zip's headers claim `name` holds `size` bytes (the data stays as it is)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    with zipfile.ZipFile(path) as archive:
        header = archive.getinfo(name).header_offset
    assert data[header : header + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, header + 22, size)
    central = data.index(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == encoded:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 46)
    path.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused(world, receiver, monkeypatch, cases):
    bomb = _zip_bomb(world, cases / "bomb.zip", 16 * 1024**2)
    assert bomb.stat().st_size < 64 * 1024
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", 1024**2)
    _assert_refused(receiver, bomb, expect=(TOO_BIG, "1 MB", EXPORT_AGAIN))


def test_a_zip_bomb_that_lies_about_its_size_is_refused_after_reading_no_more_than_it_claims(
    world, receiver, monkeypatch, cases
):
    """The zip and the signed manifest both claim a small member; it expands to 16 MB."""
    bomb = cases / "liar.zip"
    size = 16 * 1024**2
    ops = b"\n" * size
    manifest = {
        **world.manifest,
        "op_count": 1000,
        "members": {bundle.OPS: {"sha256": hashlib.sha256(ops).hexdigest(), "size": 1000}},
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(bundle.OPS, ops)
        z.writestr(bundle.MANIFEST, manifest_bytes)
        z.writestr(bundle.SIGNATURE, world.sender_key.sign(manifest_bytes))
    _declare_size(bomb, bundle.OPS, 1000)
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo(bundle.OPS).file_size == 1000
    monkeypatch.setattr(bundle, "MAX_OPS_BYTES", 1024**2)
    read = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = real_read(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    _assert_refused(receiver, bomb, expect=(DAMAGED, EXPORT_AGAIN))
    assert sum(read) < 2 * bundle.CHUNK


def test_a_manifest_that_lies_about_the_ops_size_stops_the_reading(
    world, receiver, monkeypatch, cases
):
    """The zip tells the truth (16 MB), the signed manifest claims 1000 bytes."""
    bomb = _zip_bomb(world, cases / "bomb.zip", 16 * 1024**2)
    members = _members(bomb)
    manifest = json.loads(members[bundle.MANIFEST])
    manifest["members"][bundle.OPS]["size"] = 1000
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode()
    members[bundle.MANIFEST] = manifest_bytes
    members[bundle.SIGNATURE] = world.sender_key.sign(manifest_bytes)
    _zip(cases / "liar.zip", members)
    checked = []
    real_add = bundle.ops_check.OpChecker.add
    monkeypatch.setattr(
        bundle.ops_check.OpChecker,
        "add",
        lambda self, line: checked.append(1) or real_add(self, line),
    )
    _assert_refused(receiver, cases / "liar.zip", expect=(DAMAGED, EXPORT_AGAIN))
    # The first line is blank (and refused); nothing past the first chunk is looked at.
    assert len(checked) <= 1


def _synced(world: World) -> Path:
    """The receiver after importing the good bundle: it holds every op in it."""
    _ok("--db", world.receiver, "sync", "import", world.good)
    assert _fingerprint(world.receiver) == world.sender_fingerprint
    return world.receiver


def _replaced(world: World, changes: dict[bytes, bytes]) -> list[bytes]:
    """The good ops with some lines replaced (each must be in the bundle)."""
    assert set(changes) <= set(world.lines)
    return [changes.get(line, line) for line in world.lines]


def test_a_slip_the_receiver_holds_arriving_with_other_answers_is_refused(world, receiver, cases):
    """The same op (table, record, stamp, node, field) with other content: the merge refuses it.

    Only a monitoring slip can get that far. Its stamp is 0, so no mark
    covers it and the merge always compares it with the one held. A timed op
    the receiver holds is at or under its mark for that op's node (the mark
    is the newest stamp it holds from the node), so one arriving with other
    content is dropped as held before the merge: see the next test.
    """
    _synced(world)
    slip = _parsed(world, "monitoring_responses")
    bands = {json.loads(line)[6]["age_band"] for line in world.lines if b'"age_band"' in line}
    other = sorted(bands - {slip[6]["age_band"]})[0]
    doctored = _line(_changed(slip, value={**slip[6], "age_band": other}))
    bad = _resign(world, cases / "clash.zip", lines=_replaced(world, {_line(slip): doctored}))
    message = _assert_refused(receiver, bad, expect=(CLASH, "monitoring_responses", slip[1]))
    assert "it again" in message or "altered" in message


def test_a_doctored_copy_of_an_op_the_receiver_holds_is_dropped_and_changes_nothing(
    world, receiver, cases
):
    """Ops at or under the receiver's mark for their node are ones it holds: counted, not merged.

    Their values are not checked again (their shape is: see the next test),
    and nothing in them reaches the records: not another title for an event,
    not a link that is no id at all, not an edit stamped under the mark that
    the receiver never had (it holds everything up to its mark, so no real
    laptop sends one).
    """
    _synced(world)
    event, issue = _parsed(world, "events"), _parsed(world, "issues")
    mark = world.manifest["marks"][world.node]
    invented = [
        "events",
        event[1],
        event[2] + 1,
        world.node,
        "set",
        "title",
        "Invented",
        0,
        [event[2:4]],
    ]
    taken = {tuple(op[:4] + op[5:6]) for op in map(json.loads, world.lines)}
    assert event[2] + 1 <= mark and tuple(invented[:4] + invented[5:6]) not in taken
    lines = _replaced(
        world,
        {
            _line(event): _line(_changed(event, value={**event[6], "title": "Forum\x1b[2J"})),
            _line(issue): _line(_changed(issue, value={**issue[6], "event_id": ["no", "id"]})),
        },
    )
    doctored = _resign(world, cases / "held.zip", lines=[*lines, _line(invented)])
    code, out, err = _cli("--db", receiver, "sync", "import", doctored)
    assert code == 0, err
    assert _fingerprint(receiver) == world.sender_fingerprint
    code, out, err = _cli("--db", receiver, "check")
    assert code == 0, out + err


HELD_SHAPES: list[tuple[str, Callable[[list], list], str]] = [
    (
        "a-creation-with-an-extra-column",
        lambda op: _changed(op, value={**op[6], "mayor": "X"}),
        "exactly the fields of its table",
    ),
    ("a-creation-with-a-base", lambda op: _changed(op, base=[op[2:4]]), "names a change"),
    ("a-malformed-base", lambda op: _changed(op, kind="set", field="ward", base="x"), "wrongly"),
    ("a-malformed-record-id", lambda op: _changed(op, row_id=op[1] + "\n"), "record id"),
    ("a-stamp-as-text", lambda op: _changed(op, stamp=str(op[2])), "time stamp is malformed"),
    ("an-unknown-kind", lambda op: _changed(op, kind="upsert"), "neither a creation"),
]


@pytest.mark.parametrize("label", [label for label, _change, _reason in HELD_SHAPES])
def test_an_op_under_the_receivers_mark_is_still_checked_for_shape(world, receiver, cases, label):
    change, reason = next((c, r) for lab, c, r in HELD_SHAPES if lab == label)
    _synced(world)
    area = _parsed(world, "areas")
    assert area[2] <= world.manifest["marks"][world.node]
    lines = _replaced(world, {_line(area): _line(change(area))})
    number = lines.index(_line(change(area))) + 1
    bad = _resign(world, cases / "held-shape.zip", lines=lines)
    # The change's number counts the held ops before it too: it is its line.
    _assert_refused(receiver, bad, expect=(BAD_CHANGE, f"change {number}: ", reason), names=bad)


def test_an_op_under_the_receivers_mark_twice_is_refused(world, receiver, cases):
    _synced(world)
    lines = list(world.lines)
    lines.insert(5, lines[5])
    bad = _resign(world, cases / "held-twice.zip", lines=lines)
    _assert_refused(receiver, bad, expect=(BAD_CHANGE, "change 7: ", "twice"), names=bad)


def test_a_bundle_imported_before_is_not_read_again_but_still_checked_for_signer(
    world, receiver, monkeypatch, cases
):
    _synced(world)
    checked = []
    real_add = bundle.ops_check.OpChecker.add
    monkeypatch.setattr(
        bundle.ops_check.OpChecker,
        "add",
        lambda self, line: checked.append(1) or real_add(self, line),
    )
    _ok("--db", receiver, "sync", "import", world.good)
    assert checked == []
    assert _fingerprint(receiver) == world.sender_fingerprint
    # The same ops under a manifest changed after signing: still refused.
    unsigned = _manifest_changed_unsigned(world, cases)
    _assert_refused(receiver, *unsigned, expect=(BAD_SIGNATURE, EXPORT_AGAIN), names=unsigned[0])
    # And once Laptop A is no longer trusted, its bundle is refused, read before or not.
    _ok("--db", receiver, "sync", "untrust", "Laptop A")
    good = _here(world.good, cases)
    _assert_refused(receiver, good, expect=("does not trust",), names=good)
    assert checked == []


def test_a_second_bad_file_leaves_even_a_fresh_receiver_as_it_was(world, receiver, cases):
    bad = BUILDERS["op-stamp-text"](world, cases)[0]
    _assert_refused(receiver, world.good, bad, expect=(BAD_CHANGE,), names=bad)
    assert _fingerprint(receiver) == world.receiver_fingerprint != world.sender_fingerprint


def test_the_good_bundle_imports_after_every_refusal(world, receiver, tmp_path):
    """A receiver that refused every bad bundle in turn is in no bad state: the good one imports."""
    for index, (_case_id, make, expect) in enumerate(CASES):
        folder = tmp_path / str(index)
        folder.mkdir()
        _assert_refused(receiver, *make(world, folder), expect=expect)
    code, out, err = _cli("--db", receiver, "sync", "import", world.good)
    assert code == 0, err
    assert "Laptop A" in out
    assert _fingerprint(receiver) == world.sender_fingerprint
    code, out, err = _cli("--db", receiver, "check")
    assert code == 0, out + err


def test_the_encrypted_bundle_for_the_receiver_imports(world, receiver):
    code, _out, err = _cli("--db", receiver, "sync", "import", world.sealed_for_receiver)
    assert code == 0, err
    assert _fingerprint(receiver) == world.sender_fingerprint


def test_the_doctoring_helpers_alone_do_not_make_a_bundle_bad(world, receiver, cases):
    """_resign, _signed_manifest and the op helpers on sound content give bundles that import.

    Without this, a refusal above might come from the helper, not the change it makes.
    """
    _ok("--db", receiver, "sync", "import", _resign(world, cases / "same.zip"))
    assert _fingerprint(receiver) == world.sender_fingerprint
    _restore(world)
    _ok(
        "--db", receiver, "sync", "import", _signed_manifest(world, cases / "m.zip", world.manifest)
    )
    assert _fingerprint(receiver) == world.sender_fingerprint
    _restore(world)
    assert _replaced(world, {line: _line(json.loads(line)) for line in world.lines}) == list(
        world.lines
    )
    sound = [
        _line(_area(world)),
        _event_with(world, title="Another forum"),
        _set(world, "events", "title", "Renamed", base=[_event_created(world)]),
        _set(world, "attendance", "delta", 7),
        _set(world, "community_groups", "contact_name", None, redacted=1),
        _set(world, "issues", None, None, kind="delete"),
    ]
    _ok("--db", receiver, "sync", "import", _with_extra(world, cases / "e.zip", *sound))
    assert _fingerprint(receiver) != world.sender_fingerprint
    code, out, err = _cli("--db", receiver, "check")
    assert code == 0, out + err


# -- messages --------------------------------------------------------------------------------


def test_every_reason_for_refusing_a_change_fits_a_line_with_a_long_path(cases):
    """The longest reason, the longest path the CLI quotes, a change number in the millions."""
    import inspect
    import re

    from ceapp.sync import ops_check

    source = inspect.getsource(ops_check)
    reasons = re.findall(r'(?:refuse\(_\(|return _\()\s*"([^"]+)"\s*\)', source)
    assert len(reasons) >= 15 and "its time stamp is malformed" in reasons
    path = str(cases / "bundle.zip")
    checker = ops_check.OpChecker(path=path)
    checker.already_held = 9_999_999
    for reason in reasons:
        message = str(checker.refuse(reason))
        assert message.startswith(path) and "change 10000000: " in message
        shown = "error: " + message.replace(path, excerpt(path))
        assert len(shown) <= MAX_LINE, (len(shown), shown)


def test_an_encrypted_bundle_refused_names_its_file_when_told_it(world, receiver, cases):
    """decrypt_for names the file it is given, and the line still fits with a long path."""
    from ceapp.errors import BundleRefusedError

    other = _here(world.sealed_for_other, cases)
    cut = _cut(world.sealed_for_receiver, cases / "cut.age", 40)
    fresh = cases / "fresh.db"
    attempts = [
        (receiver, other, "is encrypted for another laptop"),
        (receiver, cut, "is an encrypted bundle that is damaged or incomplete"),
        # A laptop without a key yet: no one can have encrypted for it.
        (fresh, other, "is encrypted for another laptop"),
    ]
    for db, path, expect in attempts:
        with open_store(str(db)) as store, pytest.raises(BundleRefusedError) as refused:
            encryption.decrypt_for(store, path.read_bytes(), path=str(path))
        message = str(refused.value)
        assert message.startswith(f"{path} {expect}"), message
        assert EXPORT_AGAIN in message
        assert not any(option in message for option in COMMAND_LINE_ONLY), message
        shown = "error: " + message.replace(str(path), excerpt(str(path)))
        assert len(shown) <= MAX_LINE, shown
    assert not os.path.exists(f"{fresh}.key")


# -- gaps found, not yet closed (reported; the fixes belong in ceapp/sync/merge.py) -------


def test_an_erased_creation_cannot_rewrite_a_record_the_receiver_holds(world, receiver, cases):
    _ok("--db", receiver, "sync", "import", world.good)
    group = _parsed(world, "community_groups")
    blanked = dict.fromkeys(("contact_name", "contact_email", "contact_phone"))
    forged = _changed(group, value={**group[6], "name": "Someone else's group", **blanked})
    forged = _changed(forged, redacted=1)
    # The real creation's identity (table, record, stamp, node): erased, it
    # is not dropped as held, and what it held before erasure no one can check.
    bad = _resign(world, cases / "forged.zip", lines=[_line(forged)])
    _assert_refused(receiver, bad, expect=(EXPORT_AGAIN,))


def test_an_erased_creation_with_nothing_to_fill_its_required_field_is_refused(
    world, receiver, cases
):
    event = _parsed(world, "events")
    entry = {
        "event_id": event[1],
        "name": None,
        "contact": None,
        "consent_recorded_by": "Officer",
        "consent_recorded_at": "2026-01-10",
    }
    op = ["register_entries", str(uuid.uuid4()), _stamp(), world.node, "create", None, entry, 1]
    bad = _with_extra(world, cases / "erased.zip", _line([*op, None]))
    _assert_refused(receiver, bad, expect=(EXPORT_AGAIN,))
