"""Property: no damaged or doctored bundle makes `sync import` print a traceback or change a thing.

A small valid bundle from a trusted laptop is mutated at random: bytes
flipped, cut, inserted or replaced anywhere in the file; the manifest's JSON
doctored and signed again with the sender's real key; op lines doctored
(a part replaced, often by a near miss of a sound value: a stamp one off or
out of range, a node id in capitals or a digit short, a base that is not
[[stamp, node]]; lines repeated, dropped or swapped) and the bundle rebuilt
and signed again; sometimes the result is encrypted for the receiver, and
damaged after that. Then it is imported, into a receiver that holds
nothing yet, or one that already imported the good bundle (so the ops under
its marks are counted as held and only shape-checked, and a bundle it
imported before is not read again).

Each import ends in exit 0 or exit 2:
- exit 2: one short, clean line on stderr, and the receiver's file and
  fingerprint exactly as before;
- exit 0: only when what was signed is intact (then the receiver holds
  exactly the sender's records) or when the doctored ops were still ones
  ceapp accepts (then `ceapp check` finds nothing wrong, or only stamps
  ahead of this computer's clock, which it reports and merges).

CEAPP_DEBUG is set, so an exception that would reach the last-resort handler
in ceapp.cli.main raises here instead and fails the test with its traceback.

A longer run, on other mutations than the default run's:
CEAPP_FUZZ_EXAMPLES=5000 CEAPP_FUZZ_SEED=7 pytest tests/test_fuzz_bundles.py -s
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_run import cli_ok as _ok
from cli_run import file_fingerprint as _fingerprint
from cli_run import run_cli as _cli
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sync_laptops import trusted_pair

from ceapp import cli
from ceapp.ops import canonical_json
from ceapp.store import open_store
from ceapp.sync import bundle, encryption, exchange, identity

# About 15 s: each example restores the receiver and runs a full import.
EXAMPLES = int(os.environ.get("CEAPP_FUZZ_EXAMPLES", "500"))
# Unset, every run tries the same mutations (repeatable in CI); set it to explore others.
SEED = os.environ.get("CEAPP_FUZZ_SEED")
MAX_LINE = 300
UNSAFE_OUTPUT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A stamp far ahead of this computer's clock is a sound op from a laptop
# whose clock was wrong: merged (the clock does not follow it), and `ceapp
# check` says so. Any stamp under 2**62 is taken; one that is not is refused.
AHEAD = re.compile(r"stamped as late as .* ahead of this computer's clock")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(db: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(f"{db}.key").read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


@dataclass(frozen=True)
class World:
    folder: Path
    receiver: Path
    receiver_bytes: bytes
    receiver_key_bytes: bytes
    receiver_public_key: str
    # The receiver once it imported the good bundle.
    synced_bytes: bytes
    before: str
    after: str
    good: bytes
    manifest: dict
    lines: tuple[bytes, ...]
    sender_key: Ed25519PrivateKey
    stranger_key: Ed25519PrivateKey
    # Values found in the bundle (ids, stamps, tables, fields, values), for
    # doctored parts that get past the first checks.
    pool: tuple

    def _repr_pretty_(self, printer, cycle) -> None:
        # Hypothesis prints the arguments of a failing case: not the whole bundle.
        printer.text(f"World(receiver={self.receiver})")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("fuzz-bundles")
    sender, receiver = folder / "sender.db", folder / "receiver" / "receiver.db"
    trusted_pair(sender, receiver, events=3)
    good = folder / "good.zip"
    # Format 1, one op a line, which these mutations doctor line by line
    # (format 2's blocks are fuzzed in tests/test_sync_format2.py).
    with open_store(str(sender)) as store:
        exchange.export_bundle(store, str(good), format=1)
    stranger = folder / "stranger.db"
    _ok("--db", stranger, "sync", "id")
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read(bundle.MANIFEST))
        lines = tuple(archive.read(bundle.OPS).splitlines(keepends=True))
    ops = [json.loads(line) for line in lines]
    assert any(op[7] == 1 for op in ops) and any(op[4] == "delete" for op in ops)
    assert any(op[8] for op in ops) and any(op[2] == 0 for op in ops)
    values = [*(part for op in ops for part in op)]
    values += [value for op in ops if isinstance(op[6], dict) for value in op[6].values()]
    values += [miss for op in ops[:: max(1, len(ops) // 20)] for miss in _near_misses(op)]
    pool = {canonical_json(value): value for value in values}
    with open_store(str(receiver)) as store:
        receiver_public_key = identity.device_identity(store).public_key_hex
    before, receiver_bytes = _fingerprint(receiver), receiver.read_bytes()
    assert not Path(f"{receiver}-wal").exists()
    _ok("--db", receiver, "sync", "import", good)
    assert not Path(f"{receiver}-wal").exists()
    synced_bytes = receiver.read_bytes()
    world = World(
        folder=folder,
        receiver=receiver,
        receiver_bytes=receiver_bytes,
        receiver_key_bytes=Path(f"{receiver}.key").read_bytes(),
        receiver_public_key=receiver_public_key,
        synced_bytes=synced_bytes,
        before=before,
        after=_fingerprint(sender),
        good=good.read_bytes(),
        manifest=manifest,
        lines=lines,
        sender_key=_key(sender),
        stranger_key=_key(stranger),
        pool=tuple(pool[text] for text in sorted(pool)),
    )
    assert world.before != world.after
    _restore(world, synced=True)
    assert _fingerprint(receiver) == world.after
    _restore(world, synced=False)
    assert _fingerprint(receiver) == world.before
    return world


def _near_misses(op: list) -> list:
    """Parts close to this op's own: what a careless or hostile writer might put instead.

    Nothing for an op an earlier mutation left without a sound stamp, node or record id.
    """
    _table, row_id, stamp, node, _kind, _field, _value, _redacted, base = op
    if not (
        type(stamp) is int
        and isinstance(node, str)
        and re.fullmatch("[0-9a-f]{16}", node)
        and isinstance(row_id, str)
    ):
        return []
    misses = [
        stamp + 1,
        stamp - 1,
        -stamp,
        2**62,
        2**62 - 1,
        float(stamp),
        str(stamp),
        [stamp, node],
        [[stamp, node]],
        [[stamp, node], [stamp, node]],
        [[stamp]],
        [[str(stamp), node]],
        node.upper(),
        node[:-1],
        node + "\n",
        int(node, 16),
        row_id.upper(),
        row_id + "\n",
    ]
    if (
        isinstance(base, list)
        and base
        and all(isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is int for pair in base)
    ):
        misses += [base[0], base * 65, [[pair[0] + 1, pair[1]] for pair in base]]
    return misses


def _restore(world: World, *, synced: bool) -> None:
    """The receiver as it was made, or as it was once synced, in its own place.

    In its own place: a copy elsewhere would be given a new identity.
    """
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{world.receiver}{suffix}")
    world.receiver.write_bytes(world.synced_bytes if synced else world.receiver_bytes)
    Path(f"{world.receiver}.key").write_bytes(world.receiver_key_bytes)


# -- mutations ------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "\x00", "\u202e", "../x", "\n", "1970-01-01", "0" * 32]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _value(world: World) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(world.pool), JSON_VALUES)


def _zip_of(manifest_bytes: bytes, signature: bytes, ops: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(bundle.OPS, ops)
        archive.writestr(bundle.MANIFEST, manifest_bytes)
        archive.writestr(bundle.SIGNATURE, signature)
    return buffer.getvalue()


def _doctor_manifest(draw, world: World) -> bytes:
    """The good ops under a manifest with a field changed, dropped or added, signed again."""
    manifest = json.loads(json.dumps(world.manifest))
    field = draw(st.sampled_from([*sorted(manifest), "extra"]))
    action = draw(st.sampled_from(["set", "drop", "nested"]))
    if action == "drop":
        manifest.pop(field, None)
    elif action == "nested" and isinstance(manifest.get(field), dict) and manifest[field]:
        inner = draw(st.sampled_from(sorted(manifest[field])))
        if isinstance(manifest[field][inner], dict) and draw(st.booleans()):
            leaf = draw(st.sampled_from(sorted(manifest[field][inner])))
            manifest[field][inner][leaf] = draw(_value(world))
        else:
            manifest[field][inner] = draw(_value(world))
    else:
        manifest[field] = draw(_value(world))
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode()
    key = world.stranger_key if draw(st.integers(0, 9)) == 0 else world.sender_key
    return _zip_of(manifest_bytes, key.sign(manifest_bytes), b"".join(world.lines))


def _doctor_ops(draw, world: World, steps: list[str]) -> bytes:
    """The bundle rebuilt by ceapp's writer from doctored op lines, signed again."""
    lines = list(world.lines)
    for _round in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(
                ["part", "part", "part", "repeat", "twin", "drop", "swap", "bytes", "line"]
            )
        )
        steps.append(f"{action} line {index}: {lines[index][:300]!r}")
        if action == "repeat":
            lines.insert(draw(st.integers(0, len(lines))), lines[index])
        elif action == "twin":
            # The same op (table, record, stamp, node, field) with another value.
            op = _op_or_none(lines[index])
            if op is not None:
                op[6] = draw(_value(world))
                lines.insert(index + 1, (canonical_json(op) + "\n").encode())
        elif action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "bytes":
            line = bytearray(lines[index])
            position = draw(st.integers(0, len(line) - 1))
            line[position : position + 1] = draw(st.binary(max_size=3))
            lines[index] = bytes(line)
        elif action == "line":
            lines[index] = draw(JSON_VALUES).__repr__().encode() + b"\n"
        else:
            try:
                op = json.loads(lines[index])
            except ValueError:  # a line an earlier round made unreadable
                continue
            if not isinstance(op, list) or not op:
                continue
            part = draw(st.integers(0, len(op) - 1))
            if part == 6 and isinstance(op[6], dict) and draw(st.booleans()):
                column = draw(st.sampled_from(sorted(op[6])))
                op[6] = {**op[6], column: draw(_value(world))}
            else:
                near = _near_misses(op) if len(op) == 9 else []
                op[part] = draw(
                    st.sampled_from(near) if near and draw(st.booleans()) else _value(world)
                )
            lines[index] = (canonical_json(op) + "\n").encode()
            steps.append(f"  now: {lines[index][:300]!r}")
    base = {k: v for k, v in world.manifest.items() if k not in ("format", "op_count", "members")}
    target = world.folder / "rebuilt.zip"
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    bundle.write_bundle(
        str(target), manifest=base, ops_lines=lines, sign=world.sender_key.sign, format=1
    )
    return target.read_bytes()


def _op_or_none(line: bytes) -> list | None:
    try:
        op = json.loads(line)
    except ValueError:  # a line an earlier round made unreadable
        return None
    return op if isinstance(op, list) and len(op) == 9 else None


def _mutate_bytes(draw, data: bytes) -> bytes:
    """One flip, cut, insertion or replacement anywhere in the file."""
    action = draw(st.sampled_from(["flip", "flip", "cut", "insert", "replace"]))
    # Drawn without the length as a bound: an encrypted bundle's length differs
    # from run to run, and Hypothesis needs the same draws to give the same case.
    position = draw(st.integers(0, 2**32)) % max(1, len(data))
    if not data:
        return draw(st.binary(max_size=64))
    if action == "flip":
        mutated = bytearray(data)
        mutated[position] ^= draw(st.integers(1, 255))
        return bytes(mutated)
    if action == "cut":
        return data[:position] if draw(st.booleans()) else data[position:]
    if action == "insert":
        return data[:position] + draw(st.binary(min_size=1, max_size=64)) + data[position:]
    length = draw(st.integers(1, 256))
    filler = draw(st.sampled_from([b"\x00", b"\xff", b"PK\x03\x04", b"A"]))
    replacement = (filler * (length // len(filler) + 1))[:length]
    return data[:position] + replacement + data[position + length :]


@dataclass
class Mutated:
    data: bytes
    # What the sender signed was changed and signed again: an import may succeed with it.
    resigned: bool
    steps: list[str]
    # Imported into the receiver that already holds the good bundle's ops.
    synced: bool = False

    def __repr__(self) -> str:
        return (
            f"Mutated({len(self.data)} bytes, resigned={self.resigned}, synced={self.synced},"
            f" steps={self.steps})"
        )


@st.composite
def _mutated(draw, world: World) -> Mutated:
    data, resigned, steps = world.good, False, []
    structure = draw(st.sampled_from(["none", "none", "manifest", "ops", "ops"]))
    if structure == "manifest":
        data, resigned = _doctor_manifest(draw, world), True
    elif structure == "ops":
        data, resigned = _doctor_ops(draw, world, steps), True
    steps.append(structure)
    encrypt = draw(st.integers(0, 5)) == 0
    before_encryption = draw(st.integers(0 if encrypt or resigned else 1, 2))
    for _step in range(before_encryption):
        data = _mutate_bytes(draw, data)
        steps.append("bytes")
    if encrypt:
        data = encryption.encrypt_for(world.receiver_public_key, data)
        steps.append("encrypted")
        for _step in range(draw(st.integers(0, 1))):
            data = _mutate_bytes(draw, data)
            steps.append("bytes")
    synced = draw(st.booleans())
    return Mutated(data=data, resigned=resigned, steps=steps, synced=synced)


# -- the property ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_stats():
    stats = {"examples": 0, "seconds": 0.0, "outcomes": {}}
    yield stats
    print(f"\nBundle fuzz: {stats['examples']} bundles in {stats['seconds']:.1f} s")
    for outcome, count in sorted(stats["outcomes"].items()):
        print(f"  {outcome:<100} {count}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@seed(int(SEED or 0))
@given(data=st.data())
def test_no_mutated_bundle_gives_a_traceback_or_a_change(world, fuzz_stats, data):
    started = time.monotonic()
    mutated = data.draw(_mutated(world), label="mutation")
    path = world.folder / "bundle.zip"
    path.write_bytes(mutated.data)
    _restore(world, synced=mutated.synced)
    before = _sha256(world.synced_bytes if mutated.synced else world.receiver_bytes)
    previous = os.environ.get(cli.ENV_DEBUG)
    os.environ[cli.ENV_DEBUG] = "1"
    try:
        code, _out, err = _cli("--db", world.receiver, "sync", "import", path)
    finally:
        if previous is None:
            os.environ.pop(cli.ENV_DEBUG)
        else:
            os.environ[cli.ENV_DEBUG] = previous
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("error: ")
        assert len(lines[0]) <= MAX_LINE, lines[0]
        assert not UNSAFE_OUTPUT.search(lines[0]), ascii(lines[0])
        wal = Path(f"{world.receiver}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert _sha256(world.receiver.read_bytes()) == before, "a refused import changed the file"
        assert _fingerprint(world.receiver) == (world.after if mutated.synced else world.before)
        outcome = re.sub(r"^error: \S+ ", "", lines[0])
        reason = re.search(r"\(change \d+: ([^)]*)\)", outcome)
        outcome = re.sub(r"\(.*", "", outcome)[:50].strip()
        if reason:
            outcome += f": {reason.group(1)}"
    elif mutated.resigned:
        # Doctored ops or manifest that ceapp still accepts: the result must be sound.
        code, out, err = _cli("--db", world.receiver, "check")
        problems = [line for line in out.splitlines() if line.strip()]
        if code != 0 and all(AHEAD.search(line) for line in problems):
            outcome = "imported (stamped ahead of this clock; check says so)"
        else:
            assert code == 0, (mutated.steps, out, err)
            outcome = "imported (doctored, still sound)"
    else:
        # Only the unsigned parts of the zip were touched: the records are the sender's.
        assert _fingerprint(world.receiver) == world.after, mutated.steps
        outcome = "imported (what was signed was intact)"
    fuzz_stats["examples"] += 1
    fuzz_stats["seconds"] += time.monotonic() - started
    fuzz_stats["outcomes"][outcome] = fuzz_stats["outcomes"].get(outcome, 0) + 1
