"""Bundle format 2: blocks of ops, each refused when malformed, and format 1 still read.

A format-2 line is a block of ops of one table, kind and field
(ceapp/sync/ops_check.py):

    [table, "create", null, [[row_id, stamp, node, redacted, value, ...], ...]]
    [table, "set", field, [[row_id, stamp, node, redacted, value, base], ...]]
    [table, "delete", null, [[row_id, stamp, node], ...]]

A block of creates is checked column by column, anything else op by op;
either way a bad op refuses the whole import with its number, and the
receiver is left exactly as it was (`_assert_refused`, shared with
tests/test_sync_refusals.py). The good bundle here comes from a demo
laptop with erased details and deletions, so its blocks hold every kind
of op. `test_no_mutated_block_gives_a_traceback_or_a_change` fuzzes the
blocks as tests/test_fuzz_bundles.py fuzzes format-1 lines.
"""

from __future__ import annotations

import json
import os
import re
import string
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_run import cli_ok as _ok
from cli_run import file_fingerprint as _fingerprint
from cli_run import run_cli as _cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_laptops import trusted_pair
from test_sync_refusals import (
    BAD_CHANGE,
    DAMAGED,
    EXPORT_AGAIN,
    LONG_FOLDER,
    _assert_refused,
    _private_key,
    _stamp,
)

from ceapp import cli
from ceapp.errors import BundleRefusedError
from ceapp.ops import canonical_json
from ceapp.store import open_store
from ceapp.sync import bundle, exchange, ops_check
from ceapp.validation import BIDI_CONTROLS, CONTROL_CHARACTERS, NOT_TEXT

# About 20 s; CEAPP_FUZZ_EXAMPLES=2000 for a longer run.
FUZZ_EXAMPLES = int(os.environ.get("CEAPP_FUZZ_EXAMPLES", "100"))


@dataclass(frozen=True)
class World:
    folder: Path
    sender: Path
    sender_fingerprint: str
    receiver: Path
    receiver_bytes: bytes
    receiver_key_bytes: bytes
    receiver_fingerprint: str
    good: Path
    manifest: dict
    blocks: tuple[list, ...]
    node: str

    def _repr_pretty_(self, printer, cycle) -> None:
        # Hypothesis prints the arguments of a failing case: not the whole bundle.
        printer.text(f"World(receiver={self.receiver})")

    def block(self, table: str, kind: str = "create", field=None) -> list:
        """A copy of the first block of this table, kind and field."""
        for block in self.blocks:
            if block[:3] == [table, kind, field]:
                return json.loads(json.dumps(block))
        raise AssertionError(f"the demo bundle has no {kind} block of {table}")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("sync-format2")
    sender, receiver = folder / "a.db", folder / "receiver" / "b.db"
    trusted_pair(sender, receiver, events=12)
    good = folder / "good.zip"
    _ok("--db", sender, "sync", "export", "--out", good)
    manifest, blocks = _read(good)
    assert manifest["format"] == 2 == bundle.FORMAT_VERSION
    kinds = {(block[1], block[2] is None) for block in blocks}
    assert {("create", True), ("set", False), ("delete", True)} <= kinds
    assert any(row[3] == 1 for block in blocks if block[1] != "delete" for row in block[3])
    assert sum(len(block[3]) for block in blocks) == manifest["op_count"] > len(blocks)
    return World(
        folder=folder,
        sender=sender,
        sender_fingerprint=_fingerprint(sender),
        receiver=receiver,
        receiver_bytes=receiver.read_bytes(),
        receiver_key_bytes=Path(f"{receiver}.key").read_bytes(),
        receiver_fingerprint=_fingerprint(receiver),
        good=good,
        manifest=manifest,
        blocks=tuple(blocks),
        node=manifest["node"],
    )


def _read(path: Path) -> tuple[dict, list[list]]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(bundle.MANIFEST))
        blocks = [json.loads(line) for line in archive.read(bundle.OPS).splitlines()]
    return manifest, blocks


@pytest.fixture
def receiver(world, monkeypatch) -> Path:
    monkeypatch.setenv(cli.ENV_DEBUG, "1")
    _restore(world)
    return world.receiver


def _restore(world: World) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{world.receiver}{suffix}").unlink(missing_ok=True)
    world.receiver.write_bytes(world.receiver_bytes)
    Path(f"{world.receiver}.key").write_bytes(world.receiver_key_bytes)


@pytest.fixture
def cases(tmp_path) -> Path:
    folder = tmp_path / LONG_FOLDER / LONG_FOLDER
    folder.mkdir(parents=True)
    return folder


def _line(block) -> bytes:
    return (canonical_json(block) + "\n").encode()


def _count(block) -> int:
    """How many ops a block claims, as the writer counts them (one for anything else)."""
    if isinstance(block, list) and len(block) == 4 and isinstance(block[3], list):
        return max(1, len(block[3]))
    return 1


def _signed(world: World, target: Path, blocks: list, *, raw: list[bytes] = ()) -> Path:
    """A format-2 bundle of these blocks (and raw lines), by ceapp's writer, signed by Laptop A."""
    base = {
        name: value
        for name, value in world.manifest.items()
        if name not in ("format", "op_count", "members")
    }
    lines = [(_line(block), _count(block)) for block in blocks] + [(line, 1) for line in raw]
    bundle.write_bundle(
        str(target), manifest=base, ops_lines=lines, sign=_private_key(world.sender).sign
    )
    return target


def _with_block(world: World, target: Path, block, **where) -> Path:
    """The good blocks and one more, at the end (or at `at`)."""
    blocks = [*world.blocks]
    blocks.insert(where.get("at", len(blocks)), block)
    return _signed(world, target, blocks)


def _new_area(world: World, *parts) -> list:
    return [str(uuid.uuid4()), _stamp(), world.node, 0, "Leicester", "Evington", *parts]


# -- refusals ------------------------------------------------------------------------------


def _areas(world: World, *rows) -> list:
    return ["areas", "create", None, list(rows)]


NEW = "2026-01-20T10:00:00.000Z"

# (id, the extra block given the world, what the message must say)
BLOCK_CASES = [
    ("not-a-list", lambda w: {"table": "areas"}, "does not have the parts a change has"),
    ("three-parts", lambda w: ["areas", "create", None], "does not have the parts"),
    ("five-parts", lambda w: [*_areas(w, _new_area(w)), None], "does not have the parts"),
    ("unknown-table", lambda w: ["wards", "create", None, [_new_area(w)]], "table this ceapp"),
    ("table-not-text", lambda w: [1, "create", None, [_new_area(w)]], "table this ceapp"),
    ("unknown-kind", lambda w: ["areas", "update", None, [_new_area(w)]], "neither a creation"),
    ("kind-a-list", lambda w: ["areas", ["create"], None, [_new_area(w)]], "neither a creation"),
    ("no-rows", lambda w: _areas(w), "does not have the parts"),
    ("rows-an-object", lambda w: ["areas", "create", None, {"a": 1}], "does not have the parts"),
    ("row-an-object", lambda w: _areas(w, {"id": 1}), "does not have the parts"),
    ("row-too-short", lambda w: _areas(w, _new_area(w)[:-1]), "exactly the fields"),
    ("row-too-long", lambda w: _areas(w, _new_area(w, "x")), "exactly the fields"),
    ("row-of-three", lambda w: _areas(w, _new_area(w)[:3]), "does not have the parts"),
    ("create-names-a-field", lambda w: ["areas", "create", "ward", [_new_area(w)]], "exactly"),
    ("id-with-newline", lambda w: _areas(w, [str(uuid.uuid4()) + "\n", *_new_area(w)[1:]]), "id"),
    ("id-with-a-space", lambda w: _areas(w, ["a b", *_new_area(w)[1:]]), "id is"),
    ("id-too-long", lambda w: _areas(w, ["a" * 65, *_new_area(w)[1:]]), "record id is"),
    (
        "id-two-uuids",
        lambda w: _areas(w, [f"{uuid.uuid4()}\n{uuid.uuid4()}", *_new_area(w)[1:]]),
        "id",
    ),
    ("id-a-number", lambda w: _areas(w, [7, *_new_area(w)[1:]]), "record id is malformed"),
    ("stamp-text", lambda w: _areas(w, _at(_new_area(w), 1, str(_stamp()))), "time stamp is"),
    ("stamp-negative", lambda w: _areas(w, _at(_new_area(w), 1, -5)), "time stamp is malformed"),
    ("stamp-2-62", lambda w: _areas(w, _at(_new_area(w), 1, 2**62)), "time stamp is malformed"),
    ("stamp-float", lambda w: _areas(w, _at(_new_area(w), 1, 1.5)), "time stamp is malformed"),
    ("stamp-bool", lambda w: _areas(w, _at(_new_area(w), 1, True)), "time stamp is malformed"),
    ("stamp-zero-off-a-slip", lambda w: _areas(w, _at(_new_area(w), 1, 0)), "wrong for its table"),
    ("slip-stamp-negative", lambda w: _slips(w, stamp=-1), "time stamp is malformed"),
    ("slip-stamp-text", lambda w: _slips(w, stamp="0"), "time stamp is malformed"),
    ("node-upper", lambda w: _areas(w, _at(_new_area(w), 2, w.node.upper())), "laptop id"),
    ("node-short", lambda w: _areas(w, _at(_new_area(w), 2, w.node[:-1])), "laptop id"),
    ("node-number", lambda w: _areas(w, _at(_new_area(w), 2, 7)), "laptop id"),
    ("node-a-list", lambda w: _areas(w, _at(_new_area(w), 2, [w.node])), "laptop id"),
    ("redacted-2", lambda w: _areas(w, _at(_new_area(w), 3, 2)), "erasure mark is malformed"),
    ("redacted-true", lambda w: _areas(w, _at(_new_area(w), 3, True)), "erasure mark"),
    ("erased-area", lambda w: _areas(w, _at(_new_area(w), 3, 1)), "erasure mark is malformed"),
    ("null-ward", lambda w: _areas(w, _at(_new_area(w), 5, None)), "leaves empty a field"),
    ("number-ward", lambda w: _areas(w, _at(_new_area(w), 5, 12)), "value ceapp never stores"),
    ("list-ward", lambda w: _areas(w, _at(_new_area(w), 5, ["a"])), "value ceapp never stores"),
    ("ward-with-bell", lambda w: _areas(w, _at(_new_area(w), 5, "a\x07")), "never stores"),
    ("ward-with-rlo", lambda w: _areas(w, _at(_new_area(w), 5, "a\u202eb")), "never stores"),
    ("ward-with-del", lambda w: _areas(w, _at(_new_area(w), 5, "a\x7fb")), "never stores"),
    ("ward-noncharacter", lambda w: _areas(w, _at(_new_area(w), 5, "\U0010ffff")), "never"),
    ("ward-too-long", lambda w: _areas(w, _at(_new_area(w), 5, "w" * 100_001)), "never stores"),
    ("twice-in-a-block", lambda w: _areas(w, *[_new_area(w)] * 2), "in the bundle twice"),
    ("slip-timed", lambda w: _slips(w, stamp=_stamp()), "wrong for its table"),
    ("slip-answer-a-number", lambda w: _slips(w, answer=3), "value ceapp never stores"),
    ("slip-answer-too-long", lambda w: _slips(w, answer="x" * 100_001), "never stores"),
    ("event-languages-not-a-list", lambda w: _events(w, languages="en"), "never stores"),
    ("event-languages-of-numbers", lambda w: _events(w, languages=[1]), "never stores"),
    ("event-languages-bidi", lambda w: _events(w, languages=["\u2066"]), "never stores"),
    ("event-languages-too-long", lambda w: _events(w, languages=["l" * 100_001]), "never"),
    ("women-only-text", lambda w: _events(w, women_only="yes"), "never stores"),
    ("women-only-huge", lambda w: _events(w, women_only=2**63), "never stores"),
    ("set-unknown-field", lambda w: _sets(w, field="colour"), "sets a field its table"),
    ("set-field-a-list", lambda w: _sets(w, field=["title"]), "sets a field its table"),
    ("set-row-of-five", lambda w: _sets(w, cut=5), "does not have the parts"),
    ("set-base-not-pairs", lambda w: _sets(w, base=[1, 2]), "replaced wrongly"),
    ("set-erased-with-a-value", lambda w: _sets(w, redacted=1), "erasure mark is malformed"),
    ("set-null-title", lambda w: _sets(w, value=None), "leaves empty a field"),
    ("delete-with-a-field", lambda w: ["events", "delete", "title", _deletes(w)], "carries a"),
    ("delete-row-of-four", lambda w: ["events", "delete", None, [[*_deletes(w)[0], 0]]], "parts"),
]


def _at(row: list, index: int, value) -> list:
    return [*row[:index], value, *row[index + 1 :]]


def _slips(world: World, *, stamp: int = 0, answer="Prefer not to say") -> list:
    block = world.block("monitoring_responses")
    row = [str(uuid.uuid4()), stamp, world.node, 0, *block[3][0][4:]]
    row[5] = answer
    return ["monitoring_responses", "create", None, [row]]


def _events(world: World, **values) -> list:
    from ceapp.schema import TABLES

    block = world.block("events")
    row = [str(uuid.uuid4()), _stamp(NEW), world.node, 0, *block[3][0][4:]]
    for column, value in values.items():
        row[4 + TABLES["events"].columns.index(column)] = value
    return ["events", "create", None, [row]]


def _sets(world: World, *, field="title", cut=6, redacted=0, value="Renamed", base=None) -> list:
    event = world.block("events")[3][0][0]
    row = [event, _stamp(NEW), world.node, redacted, value, base][:cut]
    return ["events", "set", field, [row]]


def _deletes(world: World) -> list:
    return [[world.block("events")[3][-1][0], _stamp(NEW), world.node]]


@pytest.mark.parametrize(
    ("make", "expect"),
    [pytest.param(make, expect, id=name) for name, make, expect in BLOCK_CASES],
)
def test_a_malformed_block_is_refused_and_changes_nothing(world, receiver, cases, make, expect):
    bad = _with_block(world, cases / "bad.zip", make(world))
    _assert_refused(receiver, bad, expect=(BAD_CHANGE, expect, EXPORT_AGAIN), names=bad)


@pytest.mark.parametrize(
    "line",
    [b"{not json", b"", b"[" * 50_000 + b"]" * 50_000, b'["\xff"]', b"[1] [2]"],
    ids=["not-json", "blank", "deeply-nested", "not-utf8", "two-documents"],
)
def test_an_unreadable_line_is_refused(world, receiver, cases, line):
    bad = _signed(world, cases / "bad.zip", [*world.blocks], raw=[line + b"\n"])
    _assert_refused(receiver, bad, expect=(BAD_CHANGE, "not readable", EXPORT_AGAIN))


def test_a_line_longer_than_any_block_is_refused_without_reading_it_whole(
    world, receiver, cases, monkeypatch
):
    """A block past MAX_BLOCK_BYTES is refused as soon as it is that long."""
    monkeypatch.setattr(ops_check, "MAX_BLOCK_BYTES", 4096)
    big = _areas(world, *[_new_area(world) for _n in range(200)])
    assert len(_line(big)) > 4096
    bad = _signed(world, cases / "long.zip", [big])
    _assert_refused(receiver, bad, expect=(BAD_CHANGE, "not readable"))
    unfinished = _signed(world, cases / "unfinished.zip", [], raw=[b"[" + b" " * 3 * 1024**2])
    _assert_refused(receiver, unfinished, expect=(BAD_CHANGE, "not readable"))


def test_the_same_create_in_two_blocks_is_refused(world, receiver, cases):
    block = world.block("events")
    again = ["events", "create", None, [block[3][-1]]]
    bad = _with_block(world, cases / "twice.zip", again)
    _assert_refused(receiver, bad, expect=(BAD_CHANGE, "in the bundle twice"))


def test_a_refused_op_is_numbered_by_its_place_in_the_bundle(world, receiver, cases):
    """Ops before it in earlier blocks count, and so does its place in its own block."""
    rows = [_new_area(world) for _n in range(5)]
    rows[3] = _at(rows[3], 5, None)
    before = sum(len(block[3]) for block in world.blocks[:2])
    bad = _with_block(world, cases / "numbered.zip", _areas(world, *rows), at=2)
    _assert_refused(receiver, bad, expect=(f"change {before + 4}: ", "leaves empty"))


def test_an_op_count_other_than_the_blocks_hold_is_damage(world, receiver, cases):
    base = {k: v for k, v in world.manifest.items() if k not in ("format", "op_count", "members")}
    lines = [(_line(block), len(block[3])) for block in world.blocks]
    lines[0] = (lines[0][0], lines[0][1] + 1)
    bad = cases / "miscounted.zip"
    bundle.write_bundle(
        str(bad), manifest=base, ops_lines=lines, sign=_private_key(world.sender).sign
    )
    _assert_refused(receiver, bad, expect=(DAMAGED, EXPORT_AGAIN))


def test_a_dangling_link_in_a_block_is_refused(world, receiver, cases):
    block = world.block("attendance")
    row = [str(uuid.uuid4()), _stamp(NEW), world.node, 0, str(uuid.uuid4()), *block[3][0][5:]]
    bad = _with_block(world, cases / "dangling.zip", ["attendance", "create", None, [row]])
    _assert_refused(receiver, bad, expect=("links a record", EXPORT_AGAIN))


# -- what is taken ---------------------------------------------------------------------------


def test_the_good_bundle_and_its_format_1_twin_give_the_same_records(world, receiver, cases):
    _ok("--db", receiver, "sync", "import", world.good)
    assert _fingerprint(receiver) == world.sender_fingerprint
    _restore(world)
    old = cases / "format-1.zip"
    with open_store(str(world.sender)) as store:
        exchange.export_bundle(store, str(old), format=1)
    assert _read_format(old) == 1
    _ok("--db", receiver, "sync", "import", old)
    assert _fingerprint(receiver) == world.sender_fingerprint


def _read_format(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(bundle.MANIFEST))["format"]


def test_blocks_in_any_order_and_split_anywhere_give_the_same_records(world, receiver, cases):
    """The order of blocks and rows, and where a block ends, are the writer's choice only."""
    blocks: list[list] = []
    for block in reversed(world.blocks):
        for row in reversed(block[3]):
            if blocks and blocks[-1][:3] == block[:3] and len(blocks[-1][3]) < 7:
                blocks[-1][3].append(row)
            else:
                blocks.append([*block[:3], [row]])
    shuffled = _signed(world, cases / "shuffled.zip", blocks)
    _ok("--db", receiver, "sync", "import", shuffled)
    assert _fingerprint(receiver) == world.sender_fingerprint
    code, out, err = _cli("--db", receiver, "check")
    assert code == 0, (out, err)


def test_a_block_mixing_held_and_new_creates_is_taken(world, receiver, cases):
    """The receiver holds part of the sender's records; the next full bundle mixes both."""
    _ok("--db", receiver, "sync", "import", world.good)
    # Laptop A adds to an event, and is put back as it was afterwards (in
    # its own place: a copy elsewhere would be given a new identity).
    kept = {suffix: Path(f"{world.sender}{suffix}").read_bytes() for suffix in ("", ".key")}
    event = world.block("events")[3][0][0]
    path = cases / "more.zip"
    try:
        with open_store(str(world.sender)) as store:
            from ceapp import changes

            with store.transaction():
                for role in ("adult", "child"):
                    changes.create(
                        store, "attendance", {"event_id": event, "role": role, "delta": 2}
                    )
            exchange.export_bundle(store, str(path))
        sender_fingerprint = _fingerprint(world.sender)
    finally:
        for suffix in ("-wal", "-shm"):
            Path(f"{world.sender}{suffix}").unlink(missing_ok=True)
        for suffix, data in kept.items():
            Path(f"{world.sender}{suffix}").write_bytes(data)
    _manifest, blocks = _read(path)
    attendance = [block for block in blocks if block[:2] == ["attendance", "create"]]
    assert any(len(block[3]) > 2 for block in attendance)
    _ok("--db", receiver, "sync", "import", path)
    assert _fingerprint(receiver) == sender_fingerprint != world.sender_fingerprint


def test_a_slip_deleted_here_stays_deleted_when_every_slip_comes_again(world, receiver, cases):
    """Slips are dropped as held before the merge; that must not bring a deleted one back."""
    _ok("--db", receiver, "sync", "import", world.good)
    with open_store(str(receiver)) as store:
        slip = store.scalar("SELECT id FROM monitoring_responses ORDER BY id LIMIT 1")
        event = store.scalar("SELECT event_id FROM monitoring_responses WHERE id = ?", (slip,))
        from ceapp import changes

        with store.transaction():
            changes.delete(store, "monitoring_responses", slip)
        store.conn.execute("DELETE FROM sync_imported")
    _ok("--db", receiver, "sync", "import", world.good)
    with open_store(str(receiver)) as store:
        assert store.scalar("SELECT 1 FROM monitoring_responses WHERE id = ?", (slip,)) is None
        assert store.scalar(
            "SELECT count(*) FROM monitoring_responses WHERE event_id = ?", (event,)
        )
    code, out, err = _cli("--db", receiver, "check")
    assert code == 0, (out, err)


def test_a_slip_held_with_other_answers_is_still_refused_in_format_2(world, receiver, cases):
    _ok("--db", receiver, "sync", "import", world.good)
    block = world.block("monitoring_responses")
    block[3] = [block[3][0]]
    answers = {
        row[5] for b in world.blocks if b[:2] == ["monitoring_responses", "create"] for row in b[3]
    }
    block[3][0][5] = sorted(answers - {block[3][0][5]})[0]
    bad = _signed(world, cases / "other-answers.zip", [block])
    _assert_refused(receiver, bad, expect=("already has with different content", EXPORT_AGAIN))


# -- the pieces the fast checks rest on ------------------------------------------------------


def test_every_character_no_text_may_hold_makes_a_line_suspect():
    """_suspect looks only at DEL and what is not ASCII: it must still see every such character."""
    bad = re.compile(
        "|".join(pattern.pattern for pattern in (CONTROL_CHARACTERS, BIDI_CONTROLS, NOT_TEXT))
    )
    found = 0
    for point in range(0x110000):
        character = chr(point)
        if not bad.match(character):
            continue
        found += 1
        if 0xD800 <= point <= 0xDFFF:
            # Not UTF-8: a line can only spell a lone surrogate as an escape.
            line = json.dumps(["x" + character]).encode()
        else:
            line = canonical_json(["x" + character + "y"]).encode()
        assert ops_check._suspect(line), hex(point)
    assert found > 2000
    assert not ops_check._suspect(canonical_json(["Zoë, حسن, 李\t\n\u200f"]).encode())


JSON_LEAVES = (
    st.none()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
    | st.sampled_from(["\x00", "\u2028", '"', "\\", "\x7f", "é", "\U0001f600"])
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(string.printable, max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_the_fast_encoder_writes_exactly_the_canonical_text(value):
    assert ops_check.encode_json(value) == canonical_json(value)


# -- fuzz --------------------------------------------------------------------------------------


def _near(value):
    """Values close to a sound one, and some that are far off."""
    misses = [None, 0, -1, 2**62, "", "x" * 65, [], {}, 1.5, True, "\u202e", "A\n"]
    if type(value) is int:
        misses += [value + 1, value - 1, -value, str(value), float(value)]
    if isinstance(value, str):
        misses += [value.upper(), value[:-1], value + "\n", value + "\x7f", [value]]
    if isinstance(value, list):
        misses += [value[:-1], [*value, value[-1] if value else None], value * 2]
    return misses


@st.composite
def _doctored(draw, world: World):
    blocks = json.loads(json.dumps(world.blocks))
    steps = []
    for _round in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(blocks) - 1))
        block = blocks[index]
        action = draw(
            st.sampled_from(["row-part", "row-part", "row-part", "head", "rows", "blocks"])
        )
        steps.append(f"{action} block {index}: {json.dumps(block)[:200]}")
        if action == "blocks":
            how = draw(st.sampled_from(["repeat", "drop", "swap", "split"]))
            if how == "repeat":
                blocks.insert(draw(st.integers(0, len(blocks))), block)
            elif how == "drop" and len(blocks) > 1:
                del blocks[index]
            elif how == "swap":
                other = draw(st.integers(0, len(blocks) - 1))
                blocks[index], blocks[other] = blocks[other], blocks[index]
            elif how == "split" and isinstance(block, list) and len(block) == 4:
                rows = block[3]
                if isinstance(rows, list) and len(rows) > 1:
                    cut = draw(st.integers(1, len(rows) - 1))
                    blocks[index : index + 1] = [[*block[:3], rows[:cut]], [*block[:3], rows[cut:]]]
        elif action == "head" and isinstance(block, list) and block:
            part = draw(st.integers(0, min(2, len(block) - 1)))
            block[part] = draw(st.sampled_from([*_near(block[part]), "set", "delete", "create"]))
        elif action == "rows" and isinstance(block, list) and len(block) == 4:
            rows = block[3]
            if isinstance(rows, list) and rows:
                row = draw(st.integers(0, len(rows) - 1))
                how = draw(st.sampled_from(["repeat", "drop", "swap-part"]))
                if how == "repeat":
                    rows.insert(draw(st.integers(0, len(rows))), rows[row])
                elif how == "drop":
                    del rows[row]
                elif isinstance(rows[row], list) and len(rows[row]) > 1:
                    rows[row] = rows[row][1:] + rows[row][:1]
        elif isinstance(block, list) and len(block) == 4 and isinstance(block[3], list):
            rows = block[3]
            if rows and isinstance(rows[0], list):
                row = rows[draw(st.integers(0, len(rows) - 1))]
                if isinstance(row, list) and row:
                    part = draw(st.integers(0, len(row) - 1))
                    row[part] = draw(st.sampled_from(_near(row[part])))
        steps.append(f"  now: {json.dumps(block)[:200]}")
    return blocks, steps


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_mutated_block_gives_a_traceback_or_a_change(world, data):
    blocks, steps = data.draw(_doctored(world), label="blocks")
    path = world.folder / "fuzzed.zip"
    path.unlink(missing_ok=True)
    _signed(world, path, blocks)
    _restore(world)
    before = world.receiver.read_bytes()
    previous = os.environ.get(cli.ENV_DEBUG)
    os.environ[cli.ENV_DEBUG] = "1"
    started = time.monotonic()
    try:
        code, _out, err = _cli("--db", world.receiver, "sync", "import", path)
    finally:
        if previous is None:
            os.environ.pop(cli.ENV_DEBUG)
        else:
            os.environ[cli.ENV_DEBUG] = previous
    assert time.monotonic() - started < 60
    assert code in (0, 2), (code, err, steps)
    assert "Traceback" not in err
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert world.receiver.read_bytes() == before, steps
        wal = Path(f"{world.receiver}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    else:
        # Doctored blocks that ceapp still takes: what it made must be sound.
        code, out, err = _cli("--db", world.receiver, "check")
        problems = [line for line in out.splitlines() if line.strip()]
        ahead = re.compile(r"stamped as late as .* ahead of this computer's clock")
        assert code == 0 or all(ahead.search(line) for line in problems), (steps, out, err)


def _checked(blocks: list, *, held: dict, by_column: bool):
    """What a checker makes of these blocks: its ops, creates, links and held count, or why not."""
    checker = ops_check.OpChecker(path="bundle.zip", held=held)
    if not by_column:
        checker._block_of_creates = lambda *_args, **_kwargs: False
    try:
        for block in blocks:
            checker.add_block(_line(block)[:-1])
    except BundleRefusedError as refused:
        return ("refused", str(refused))
    created = sorted(
        (
            (code, stored, canonical_json(row))
            for code, encoded, rows in checker.created
            for stored, row in zip(encoded, rows, strict=True)
        ),
        key=repr,
    )
    return ("taken", checker.ops, created, checker.links, checker.already_held)


@settings(
    max_examples=int(os.environ.get("CEAPP_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_block_checked_by_column_comes_out_as_checked_op_by_op(world, data):
    """The column-by-column check takes exactly what the op-by-op checks take, the same way."""
    creates = [block for block in world.blocks if block[1] == "create"]
    blocks = json.loads(json.dumps(data.draw(st.sampled_from(creates))))
    block = blocks
    for _round in range(data.draw(st.integers(0, 3))):
        row = data.draw(st.sampled_from(block[3]))
        part = data.draw(st.integers(0, len(row) - 1))
        row[part] = data.draw(st.sampled_from(_near(row[part])) | JSON_VALUES)
    stamps = [row[1] for row in block[3] if type(row[1]) is int]
    held = {}
    if stamps and data.draw(st.booleans()):
        from ceapp.log_encoding import node_value

        held = {node_value(world.node): data.draw(st.sampled_from([min(stamps), max(stamps)]))}
    assert _checked([block], held=held, by_column=True) == _checked(
        [block], held=held, by_column=False
    )
