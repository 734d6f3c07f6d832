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
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import struct
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ceapp import cli
from ceapp.exit_codes import ExitCode
from ceapp.fingerprint import fingerprint
from ceapp.ops import canonical_json, op_id
from ceapp.store import open_store
from ceapp.sync import bundle

# What a refusal message says to do, one of which every message must carry.
EXPORT_AGAIN = "export it again"
CHOOSE_EXPORT = "`ceapp sync export` wrote"
DAMAGED = "damaged or incomplete"
NOT_A_BUNDLE = "is not a ceapp sync bundle"
BAD_SIGNATURE = "does not carry a valid signature"
OUTSIDE = "points outside the bundle"
TOO_BIG = "once unpacked"
BAD_CHANGE = "holds a change ceapp cannot accept"


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(arg) for arg in argv])
    return code, out.getvalue(), err.getvalue()


def _ok(*argv) -> str:
    code, out, err = _cli(*argv)
    assert code == 0, err
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fingerprint(path: Path) -> str:
    with open_store(str(path)) as store:
        return fingerprint(store)


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
    _ok("--db", a, "sync", "export", "--out", good)
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
    """Where a test writes the bad bundles it makes."""
    return tmp_path


def _wal_is_empty(db: Path) -> bool:
    wal = Path(f"{db}-wal")
    return not wal.exists() or wal.stat().st_size == 0


def _assert_refused(db: Path, *bundles, expect: tuple[str, ...]) -> str:
    """Import `bundles` into `db`: refused, one clean line naming `expect`, nothing changed."""
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


def _op(table, row_id, stamp, kind, field, value, *, redacted=0, base=None, identity=None) -> bytes:
    """An op line as a bundle stores it, with its true id unless one is given."""
    value_json = None if kind == "delete" else canonical_json(value)
    identity = identity or op_id(
        table=table,
        row_id=row_id,
        kind=kind,
        field=field,
        value_json=value_json,
        stamp=stamp,
        base=base,
    )
    return (
        canonical_json([identity, table, row_id, stamp, kind, field, value, redacted, base]) + "\n"
    ).encode()


def _parsed(world: World, table: str, kind: str = "create") -> list:
    """The first op of this table and kind in the good bundle, as a list."""
    for line in world.lines:
        op = json.loads(line)
        if op[1] == table and op[4] == kind:
            return op
    raise AssertionError(f"the demo bundle has no {kind} of {table}")


def _stamp(world: World, when: str = "2026-01-15T10:00:00.000Z", counter: str = "0000") -> str:
    return f"{when}-{counter}-{world.manifest['node']}"


def _with_extra(world: World, target: Path, *extra: bytes) -> Path:
    """The good ops plus these lines, signed properly."""
    return _resign(world, target, lines=[*world.lines, *extra])


def _changed(op: list, **changes) -> list:
    names = ("identity", "table", "row_id", "stamp", "kind", "field", "value", "redacted", "base")
    values = dict(zip(names, op, strict=True))
    values.update(changes)
    return [values[name] for name in names]


def _line(op: list, *, keep_id: bool = False) -> bytes:
    identity, table, row_id, stamp, kind, field, value, redacted, base = op
    return _op(
        table,
        row_id,
        stamp,
        kind,
        field,
        value,
        redacted=redacted,
        base=base,
        identity=identity if keep_id else None,
    )


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


def _extra_op(make: Callable[[World], bytes]) -> Callable[[World, Path], list[Path]]:
    def build(world: World, folder: Path) -> list[Path]:
        return [_with_extra(world, folder / "bad-op.zip", make(world))]

    return build


def _area(world: World, **changes) -> list:
    """A new area's create op, stamped by Laptop A, changed as asked."""
    op = [
        None,
        "areas",
        str(uuid.uuid4()),
        _stamp(world),
        "create",
        None,
        {"borough": "Leicester", "ward": "Evington"},
        0,
        None,
    ]
    return _changed(op, **changes)


def _event_with(world: World, **fields) -> bytes:
    op = _parsed(world, "events")
    value = {**op[6], **fields}
    return _line(_changed(op, row_id=str(uuid.uuid4()), value=value))


def _set(world: World, table: str, field: str, value, **changes) -> bytes:
    row_id = _parsed(world, table)[2]
    op = [None, table, row_id, _stamp(world, "2026-01-20T10:00:00.000Z"), "set", field, value, 0]
    return _line(_changed([*op, None], **changes))


def _slip_timed(world: World) -> bytes:
    op = _parsed(world, "monitoring_responses")
    assert op[3].startswith("1970-01-01T00:00:00.000Z-0000-")
    return _line(_changed(op, row_id=str(uuid.uuid4()), stamp=_stamp(world)))


def _create_missing_column(world: World) -> bytes:
    op = _parsed(world, "events")
    value = dict(op[6])
    del value["venue"]
    return _line(_changed(op, row_id=str(uuid.uuid4()), value=value))


def _content_not_matching_id(world: World) -> bytes:
    op = _parsed(world, "events")
    return _line(_changed(op, value={**op[6], "title": "Changed after signing"}), keep_id=True)


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
    ("folder", _folder, ("is a folder", CHOOSE_EXPORT)),
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
        ("does not trust", "ceapp sync trust FILE --name NAME", "ceapp sync id --out"),
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
    # Ops, each bundle signed again, each op with its true id unless the id is the point.
    ("duplicate-op", _duplicate_op, (BAD_CHANGE, "in the bundle twice", EXPORT_AGAIN)),
    ("op-not-json", _extra_op(_raw(b"{not json\n")), (BAD_CHANGE, "not readable")),
    ("op-blank-line", _extra_op(_raw(b"\n")), (BAD_CHANGE, "not readable")),
    ("op-not-utf8", _extra_op(_raw(b'["\xff"]\n')), (BAD_CHANGE, "not readable")),
    ("op-deeply-nested", _extra_op(_raw(b"[" * 50_000 + b"]" * 50_000 + b"\n")), ("readable",)),
    ("op-an-object", _extra_op(_raw(b'{"op": 1}\n')), ("does not have the parts",)),
    (
        "op-wrong-arity",
        _extra_op(lambda world: canonical_json(_area(world)[:8]).encode() + b"\n"),
        (BAD_CHANGE, "does not have the parts a change has"),
    ),
    (
        "op-bad-id",
        _extra_op(lambda world: _line(_area(world, identity="ABC"), keep_id=True)),
        (BAD_CHANGE, "its id is malformed"),
    ),
    (
        "op-id-with-newline",
        _extra_op(lambda world: _line(_area(world, identity="a" * 32 + "\n"), keep_id=True)),
        (BAD_CHANGE, "its id is malformed"),
    ),
    (
        "op-content-not-its-id",
        _extra_op(_content_not_matching_id),
        (BAD_CHANGE, "does not match its id"),
    ),
    (
        "op-bad-record-id",
        _extra_op(lambda world: _line(_area(world, row_id="../../etc"))),
        (BAD_CHANGE, "record id is malformed"),
    ),
    (
        "op-record-id-with-newline",
        _extra_op(lambda world: _line(_area(world, row_id=GOOD_ROW + "\n"))),
        (BAD_CHANGE, "record id is malformed"),
    ),
    (
        "op-bad-stamp",
        _extra_op(lambda world: _line(_area(world, stamp="yesterday"))),
        (BAD_CHANGE, "time stamp is malformed"),
    ),
    (
        "op-stamp-with-newline",
        _extra_op(lambda world: _line(_area(world, stamp=_stamp(world) + "\n"))),
        (BAD_CHANGE, "time stamp is malformed"),
    ),
    (
        "op-stamp-on-no-such-day",
        _extra_op(
            lambda world: _line(_area(world, stamp=_stamp(world, "2026-13-45T10:00:00.000Z")))
        ),
        (BAD_CHANGE, "time stamp is malformed"),
    ),
    (
        "op-stamp-in-year-zero",
        _extra_op(
            lambda world: _line(_area(world, stamp=_stamp(world, "0000-01-01T00:00:00.000Z")))
        ),
        (BAD_CHANGE, "time stamp is malformed"),
    ),
    (
        "op-timed-stamp-on-a-monitoring-slip",
        _extra_op(_slip_timed),
        (BAD_CHANGE, "time stamp is wrong for its table"),
    ),
    (
        "op-time-free-stamp-on-an-area",
        _extra_op(
            lambda world: _line(_area(world, stamp=_stamp(world, "1970-01-01T00:00:00.000Z")))
        ),
        (BAD_CHANGE, "time stamp is wrong for its table"),
    ),
    (
        "op-create-missing-a-column",
        _extra_op(_create_missing_column),
        (BAD_CHANGE, "exactly the fields of its table"),
    ),
    (
        "op-create-with-an-extra-column",
        _extra_op(
            lambda world: _line(_area(world, value={"borough": "B", "ward": "W", "mayor": "X"}))
        ),
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
        "op-for-an-unknown-table",
        _extra_op(lambda world: _line(_area(world, table="sqlite_master"))),
        (BAD_CHANGE, "table this ceapp does not have"),
    ),
    (
        "op-for-the-change-log",
        _extra_op(lambda world: _line(_area(world, table="changes"))),
        (BAD_CHANGE, "table this ceapp does not have"),
    ),
    (
        "op-unknown-kind",
        _extra_op(lambda world: _line(_area(world, kind="upsert"))),
        (BAD_CHANGE, "neither a creation, an edit nor a deletion"),
    ),
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
        "op-erased-creation-in-a-table-without-personal-details",
        _extra_op(lambda world: _line(_area(world, redacted=1, identity="c" * 32), keep_id=True)),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    (
        "op-erasure-mark-a-float",
        _extra_op(lambda world: _line(_area(world, redacted=1.0))),
        (BAD_CHANGE, "erasure mark is malformed"),
    ),
    (
        "op-base-malformed",
        _extra_op(lambda world: _set(world, "events", "title", "New", base="not-an-op")),
        (BAD_CHANGE, "names the change it replaced wrongly"),
    ),
    ("op-dangling-link", _extra_op(_dangling_link), ("neither it nor this laptop has",)),
    # Encryption.
    (
        "encrypted-for-another-laptop",
        lambda world, folder: [world.sealed_for_other],
        ("encrypted for another laptop", "--encrypt-to NAME"),
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
            ("encrypted bundle is damaged or incomplete", EXPORT_AGAIN),
        )
        for where in (2, 3)
    ],
    *[
        (
            f"encrypted-and-cut-short-{drop}",
            lambda world, folder, drop=drop: [
                _cut(world.sealed_for_receiver, folder / "sealed.zip", drop)
            ],
            ("encrypted bundle is damaged or incomplete", EXPORT_AGAIN),
        )
        for drop in (1, 40, 1000)
    ],
    # The second of two files is bad: nothing of the first is imported either.
    (
        "second-of-two-bad",
        lambda world, folder: [world.good, _flip_in(bundle.OPS, "middle")(world, folder)[0]],
        (DAMAGED,),
    ),
    (
        "second-of-two-from-a-stranger",
        lambda world, folder: [world.good, world.from_stranger],
        ("does not trust", "sync trust"),
    ),
]


BUILDERS = {case: make for case, make, _expect in CASES}
EXPECTED = {case: expect for case, _make, expect in CASES}


@pytest.mark.parametrize("case_id", list(BUILDERS))
def test_a_bad_bundle_is_refused_and_changes_nothing(world, receiver, cases, case_id):
    bundles = BUILDERS[case_id](world, cases)
    _assert_refused(receiver, *bundles, expect=EXPECTED[case_id])


def test_the_case_ids_are_unique():
    ids = [case for case, _make, _expect in CASES]
    assert len(ids) == len(set(ids))


# -- refusals that need more than a bundle --------------------------------------------------


def test_a_valid_bundle_from_a_laptop_not_trusted_says_how_to_trust_it(world, receiver):
    from ceapp.sync import identity

    message = _assert_refused(
        receiver, world.from_stranger, expect=("does not trust", "ceapp sync trust FILE")
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


def test_an_op_id_the_receiver_has_for_another_change_is_refused(world, receiver, cases):
    _ok("--db", receiver, "sync", "import", world.good)
    # An erased op's id cannot be recomputed (its value was blanked after the
    # id was made), so only the receiver can tell this one is not what it has.
    taken = json.loads(next(line for line in world.lines if b'"areas"' in line))[0]
    group = _parsed(world, "community_groups")
    clash = _line(
        _changed(
            group,
            identity=taken,
            stamp=_stamp(world, "2026-01-20T10:00:00.000Z"),
            kind="set",
            field="contact_name",
            value=None,
            redacted=1,
        ),
        keep_id=True,
    )
    # Alone: the good ops hold the area op itself, and would be refused as a repeat.
    bad = _resign(world, cases / "clash.zip", lines=[clash])
    _assert_refused(receiver, bad, expect=("already has for a different change", taken))


def test_a_second_bad_file_leaves_even_a_fresh_receiver_as_it_was(world, receiver, cases):
    bad = BUILDERS["op-bad-stamp"](world, cases)[0]
    _assert_refused(receiver, world.good, bad, expect=(BAD_CHANGE,))
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
    """_resign and _signed_manifest on unchanged content give bundles that import.

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
    _ok(
        "--db", receiver, "sync", "import", _with_extra(world, cases / "e.zip", _line(_area(world)))
    )
    assert _fingerprint(receiver) != world.sender_fingerprint


# -- gaps found, not yet closed (reported; the fixes belong in ceapp/sync/merge.py) -------


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="merge.py takes an erased creation's whole value over the one it holds for that id, "
    "not only its blanked personal fields",
)
def test_an_erased_creation_cannot_rewrite_a_record_the_receiver_holds(world, receiver, cases):
    _ok("--db", receiver, "sync", "import", world.good)
    group = _parsed(world, "community_groups")
    blanked = dict.fromkeys(("contact_name", "contact_email", "contact_phone"))
    forged = _changed(group, value={**group[6], "name": "Someone else's group", **blanked})
    forged = _changed(forged, redacted=1)
    # Its id is the real creation's, which an erased op keeps and no one can check.
    bad = _resign(world, cases / "forged.zip", lines=[_line(forged, keep_id=True)])
    _assert_refused(receiver, bad, expect=(EXPORT_AGAIN,))


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="merge.py meets the NOT NULL constraint in SQLite (exit 3, 'The database could not "
    "be used') instead of refusing the bundle",
)
def test_an_erased_creation_with_nothing_to_fill_its_required_field_is_refused(
    world, receiver, cases
):
    event = _parsed(world, "events")
    entry = {
        "event_id": event[2],
        "name": None,
        "contact": None,
        "consent_recorded_by": "Officer",
        "consent_recorded_at": "2026-01-10",
    }
    op = [
        "e" * 32,
        "register_entries",
        str(uuid.uuid4()),
        _stamp(world),
        "create",
        None,
        entry,
        1,
        None,
    ]
    bad = _with_extra(world, cases / "erased.zip", _line(op, keep_id=True))
    _assert_refused(receiver, bad, expect=(EXPORT_AGAIN,))
