"""Checking each op a bundle carries before any of them is written.

Format 1 carries one op per line, a JSON array:

    [table, row_id, stamp, node, kind, field, value, redacted, base]

stamp an integer (milliseconds << 16 | counter, 0 for a monitoring slip),
node 16 hex digits, value plain JSON (a create's is every column by name,
a delete's null), base null or the [stamp, node] pairs an edit replaced.

Format 2 carries a block of ops of one table, kind and field per line:

    [table, "create", null, [[row_id, stamp, node, redacted, value, ...], ...]]
    [table, "set", field, [[row_id, stamp, node, redacted, value, base], ...]]
    [table, "delete", null, [[row_id, stamp, node], ...]]

a create's values in the table's column order (exactly its columns), the
rest as in format 1. One JSON document per thousands of ops, and no column
names repeated, is what makes a large import cheap to read; creates of a
block are checked column by column (`_block_of_creates`), and anything that
check does not pass whole goes op by op through the same checks as format 1,
which then names the op at fault.

An op that is not exactly what this ceapp's write path would have logged is
refused with its number: unknown tables or fields, wrong shapes, values the
write path never stores, stamps that would reveal when an anonymous slip
was typed, and the same op twice. Checked ops come out in the change log's
own encoding (log_encoding.py), ready to insert.
"""

from __future__ import annotations

import functools
import json
import json.encoder
import json.scanner
import re
import sqlite3
from collections.abc import Iterator
from itertools import repeat

from ceapp.errors import BundleRefusedError
from ceapp.i18n import _
from ceapp.log_encoding import (
    CREATE_FIELD,
    DELETE_FIELD,
    base_pairs,
    base_text,
    create_values,
    decode_create,
    decode_id,
    encode_id,
    kind_and_field,
    node_hex,
    node_value,
)
from ceapp.ops import CREATE, DELETE, SET, canonical_json
from ceapp.schema import TABLE_CODES, TABLE_NAMES, TABLES
from ceapp.validation import BIDI_CONTROLS, CONTROL_CHARACTERS, NOT_TEXT

NODE = re.compile(r"^[0-9a-f]{16}$")
ROW_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")
MAX_STAMP = 1 << 62
MAX_BASES = 64
MAX_TEXT = 100_000
FIELD_COUNT = 9
KINDS = (CREATE, SET, DELETE)
# Parts of an op in a format-2 block, after its record id, stamp and node.
BLOCK_PARTS = {CREATE: 4, SET: 6, DELETE: 3}
# How many ops the writer puts in one block, and how much text at most: a
# line is parsed whole, so a block is also refused above MAX_BLOCK_BYTES.
BLOCK_OPS = 2000
BLOCK_TEXT = 4 * 1024**2
MAX_BLOCK_BYTES = 64 * 1024**2
# The C scanner behind json.loads, called directly: an import reads a
# million lines, and json.loads adds two Python calls to each.
_SCAN = json.scanner.make_scanner(json.JSONDecoder())
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# A block's record ids joined by newlines, when every one is a canonical UUID
# (as every id ceapp makes is): checked, and turned into bytes, at once.
_UUID_LINES = re.compile(f"(?:{_UUID}\n)*{_UUID}")
_NONE = type(None)


def _fast_encoder():
    """canonical_json without the Python layers json.dumps puts round the C encoder.

    A create's values are encoded once per op, a million times in a large
    import. Falls back to canonical_json where the C encoder is missing or
    differs (another Python), so the text stored is the same either way.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return canonical_json
    try:
        encode = make(None, None, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    except TypeError:
        return canonical_json

    def fast(value) -> str:
        return "".join(encode(value, 0))

    sample = ['a"\\\n\u00e9\u2028', 1, -(2**63), None, {"b": [1, "x"], "a": None}, [], {}]
    try:
        same = fast(sample) == canonical_json(sample)
    except Exception:  # any surprise means: use the plain encoder
        same = False
    return fast if same else canonical_json


encode_json = _fast_encoder()


def is_node(value) -> bool:
    # fullmatch, not match: "$" would let a trailing newline through.
    return isinstance(value, str) and NODE.fullmatch(value) is not None


def is_stamp(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_STAMP


def _base(value) -> str | None:
    """The base as the log stores it; ValueError if it is not a list of [stamp, node]."""
    if value is None:
        return None
    if not isinstance(value, list) or not 0 < len(value) <= MAX_BASES:
        raise ValueError(value)
    pairs = []
    for pair in value:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(pair)
        stamp, node = pair
        if not is_stamp(stamp) or not is_node(node):
            raise ValueError(pair)
        pairs.append((stamp, node_value(node)))
    return base_text(pairs)


@functools.cache
def _columns() -> dict[str, dict[str, tuple[str, bool]]]:
    """{table: {column: (declared type, may be null)}}, read from the schema the migrations make.

    A value the table would refuse (null where a column is NOT NULL) must be
    refused here, with the bundle, not met as an SQLite error halfway through
    the merge.
    """
    from ceapp import migrations

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.apply_pending(conn)
        return {
            table: {
                name: (str(declared).upper(), not notnull)
                for _cid, name, declared, notnull, _default, _key in conn.execute(
                    f"PRAGMA table_info({table})"
                )
            }
            for table in TABLES
        }
    finally:
        conn.close()


def may_be_null(table: str, column: str) -> bool:
    """Whether the table itself lets `column` be empty."""
    return _columns()[table][column][1]


@functools.cache
def _rules(table: str) -> tuple[tuple[str, object, bool], ...]:
    """(column, the Python type it holds or None for JSON, may be null) of a table."""
    spec = TABLES[table]
    rules = []
    for column in spec.columns:
        declared, nullable = _columns()[table][column]
        kind = None if column in spec.json_columns else {"TEXT": str, "INTEGER": int}.get(declared)
        rules.append((column, kind, nullable))
    return tuple(rules)


def _plainly_fine(table: str, record: dict) -> bool:
    """A quick pass over a record with no suspect text; False sends it to the full check."""
    for column, kind, nullable in _rules(table):
        item = record[column]
        if item is None:
            if not nullable:
                return False
        elif kind is str:
            if type(item) is not str or len(item) > MAX_TEXT:
                return False
        elif kind is int:
            if type(item) is not int or not -(2**63) <= item < 2**63:
                return False
        elif _bad_value(item, json_column=kind is None, deep=False):
            return False
    return True


def _column_problem(spec, column: str, value, *, blanked: bool, deep: bool) -> str | None:
    """Why `value` cannot be in `column`, or None when it can.

    `blanked`: the op is marked erased, so a personal column may be null
    even where the table itself never is (a later edit or a delete decides).
    """
    declared, nullable = _columns()[spec.name][column]
    if value is None:
        if nullable or (blanked and column in spec.personal):
            return None
        return _("it leaves empty a field that is never empty")
    if column in spec.json_columns:
        bad = _bad_value(value, json_column=True, deep=deep)
    elif declared == "INTEGER":
        bad = type(value) is not int or _bad_value(value, json_column=False, deep=deep)
    elif declared == "TEXT":
        bad = type(value) is not str or _bad_value(value, json_column=False, deep=deep)
    else:
        bad = _bad_value(value, json_column=False, deep=deep)
    return _("a field holds a value ceapp never stores") if bad else None


def _bad_text(value: str) -> bool:
    # Tab and newline are fine in notes; the validation module refuses the rest.
    return (
        len(value) > MAX_TEXT
        or CONTROL_CHARACTERS.search(value.replace("\t", " ").replace("\n", " ")) is not None
        or BIDI_CONTROLS.search(value) is not None
        or NOT_TEXT.search(value) is not None
    )


def _clean(text: str, deep: bool) -> bool:
    return not deep or not _bad_text(text)


def _bad_value(value, *, json_column: bool, deep: bool = True) -> bool:
    """True for a value the write path never stores; `deep` also looks for bad characters."""
    kind = type(value)
    if json_column:
        if kind is list:
            return not all(
                type(item) is str and len(item) <= MAX_TEXT and _clean(item, deep) for item in value
            )
        if kind is dict:
            return not all(
                len(key) <= MAX_TEXT
                and _clean(key, deep)
                and (
                    item is None
                    or (type(item) is str and len(item) <= MAX_TEXT and _clean(item, deep))
                    or (type(item) is int and -(2**63) <= item < 2**63)
                )
                for key, item in value.items()
            )
        return True
    if value is None:
        return False
    if kind is int:
        return not -(2**63) <= value < 2**63
    if kind is str:
        # The length is always checked: a format-2 block is longer than any
        # text, so its length says nothing of the texts in it (see `deep`).
        return len(value) > MAX_TEXT or (deep and _bad_text(value))
    return True


# Anything in a line that could stand for a character no stored text may
# hold: the characters themselves, or a JSON escape (\u, \b, \f, \r) that
# could spell one. Lines without any skip the per-field text checks.
_SUSPECT_CHARACTERS = re.compile(
    "[" + "".join(p.pattern[1:-1] for p in (CONTROL_CHARACTERS, BIDI_CONTROLS, NOT_TEXT)) + "]"
)
_SUSPECT_ESCAPE = re.compile(rb"\\[ubfr]")
# The bytes below DEL: none but DEL can be a suspect character themselves.
_PLAIN_ASCII = bytes(range(0x7F))


def _suspect(line: bytes) -> bool:
    """Whether a line (valid UTF-8) may hold a character no stored text may hold.

    That character class is slow to search (it spans astral planes), and
    JSON cannot hold a raw control character, so only DEL and what is not
    ASCII are looked at: deleting every other byte leaves whole UTF-8
    sequences, and only the distinct characters among them are searched.
    """
    if b"\\" in line and _SUSPECT_ESCAPE.search(line):
        return True
    rest = line.translate(None, _PLAIN_ASCII)
    if not rest:
        return False
    return _SUSPECT_CHARACTERS.search("".join(set(rest.decode()))) is not None


class OpChecker:
    """Collects ops line by line, refusing the bundle at the first bad one.

    `held` gives, per node, the newest stamp this laptop already holds: what
    a laptop holds from a node is always everything up to such a mark, so an
    op at or under it is one we have. Such ops are still checked for shape,
    then counted and dropped, unless they carry an erasure.
    """

    def __init__(self, *, path: str, held: dict[int, int] | None = None) -> None:
        self.path = path
        self.held_marks = held or {}
        self.ops: list[tuple] = []
        self.seen: set[tuple] = set()
        self.already_held = 0
        # Records the bundle creates, and (parent table code, id) of every
        # link it makes, for merge.check_references. Creates come in batches
        # of one table, as a block gives them: (table code, ids as stored,
        # the creates as a block carries them: [id, stamp, node, redacted,
        # value, ...] in column order), which merge inserts as they are
        # instead of decoding the stored JSON again, and with no per-record
        # work until then.
        self.created: list[tuple[int, list, list[list]]] = []
        self.links: set[tuple[int, object]] = set()

    @property
    def count(self) -> int:
        return len(self.ops) + self.already_held

    def refuse(self, reason: str) -> BundleRefusedError:
        return BundleRefusedError(
            _(
                "{path} holds a change ceapp cannot accept (change {number}: {reason}). The "
                "file was altered or made by another program; ask the sender to export it again."
            ).format(path=self.path, number=self.count + 1, reason=reason)
        )

    def _parse(self, line: bytes):
        """The JSON document a line holds, and whether its texts need the full check."""
        try:
            text = line.decode()
            document, end = _SCAN(text, 0)
        except (StopIteration, ValueError, UnicodeDecodeError, RecursionError):
            # StopIteration: no JSON value starts the line. RecursionError:
            # thousands of nested brackets, which no op has.
            raise self.refuse(_("it is not readable")) from None
        if end != len(text) and text[end:].strip(" \t\r"):
            raise self.refuse(_("it is not readable"))
        return document, _suspect(line)

    def add(self, line: bytes) -> None:
        """One format-1 line: one op."""
        op, deep = self._parse(line)
        self.add_op(op, deep=deep)

    def add_block(self, line: bytes) -> None:
        """One format-2 line: a block of ops of one table, kind and field."""
        if len(line) > MAX_BLOCK_BYTES:
            raise self.refuse(_("it is not readable"))
        block, deep = self._parse(line)
        if not isinstance(block, list) or len(block) != 4:
            raise self.refuse(_("it does not have the parts a change has"))
        table, kind, field, rows = block
        spec = TABLES.get(table) if isinstance(table, str) else None
        if spec is None:
            raise self.refuse(_("it is for a table this ceapp does not have"))
        if kind not in KINDS:
            raise self.refuse(_("it is neither a creation, an edit nor a deletion"))
        if not isinstance(rows, list) or not rows:
            raise self.refuse(_("it does not have the parts a change has"))
        if kind == CREATE and field is None and self._block_of_creates(spec, rows, deep=deep):
            return
        # Op by op: the general checks, which also name the op at fault.
        for row in rows:
            self.add_op(_as_op(self, spec, kind, field, row), deep=deep)

    def _block_of_creates(self, spec, rows: list, *, deep: bool) -> bool:
        """Check and take a block of creates column by column; False if any check fails.

        The same checks as add_op makes op by op, but each over a whole
        column at once in C (types, lengths, ranges), which is what keeps a
        first import near the cost of writing it. Nothing is kept unless the
        whole block passes; on False the caller checks it op by op, which
        finds the op at fault (or takes the block, where this check only
        declined an unusual case: erased ops, or held and new ones mixed).
        """
        width = len(spec.columns) + BLOCK_PARTS[CREATE]
        if set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
            return False
        ids, stamps, nodes, redacted, *values = zip(*rows, strict=True)
        if set(map(type, ids)) | set(map(type, nodes)) != {str}:
            return False
        if set(map(type, stamps)) != {int}:
            return False
        if set(map(type, redacted)) != {int} or set(redacted) != {0}:
            return False
        low, high = min(stamps), max(stamps)
        # A timed stamp on a monitoring slip would tell when it was typed.
        if not (low == high == 0 if spec.anonymous else low > 0 and high < MAX_STAMP):
            return False
        numbers = {}
        for node in set(nodes):
            if not is_node(node):
                return False
            numbers[node] = node_value(node)
        node_numbers = list(map(numbers.__getitem__, nodes))
        marks = self.held_marks
        if not marks or spec.anonymous:
            held = 0  # a slip's stamp is 0, which no mark covers
        elif len(numbers) == 1:
            # One laptop's ops (the usual block): its mark against the stamps' range.
            mark = marks.get(node_numbers[0], -1)
            held = 0 if low > mark else len(rows) if high <= mark else -1
        else:
            held = sum(
                stamp <= marks.get(number, -1)
                for stamp, number in zip(stamps, node_numbers, strict=True)
            )
        if held and held != len(rows):
            return False
        encoded = _encoded_ids(ids)
        if encoded is None:
            return False
        # Held ops are checked for shape only, as add_op does.
        if not held:
            for (_column, kind, nullable), column_values in zip(
                _compiled(spec.name), values, strict=True
            ):
                if not _column_fine(kind, nullable, column_values, deep=deep):
                    return False
        code = TABLE_CODES[spec.name]
        keys = set(zip(repeat(code), encoded, stamps, node_numbers, repeat(CREATE_FIELD)))
        if len(keys) != len(rows) or not self.seen.isdisjoint(keys):
            return False
        self.seen |= keys
        if held:
            self.already_held += held
            return True
        positional = [row[BLOCK_PARTS[CREATE] :] for row in rows]
        self.created.append((code, encoded, rows))
        for column, parent, _how in spec.parents:
            links = set(values[spec.columns.index(column)])
            links.discard(None)
            self.links.update(zip(repeat(TABLE_CODES[parent]), links))
        self.ops.extend(
            zip(
                repeat(code),
                encoded,
                stamps,
                node_numbers,
                repeat(CREATE_FIELD),
                map(encode_json, positional),
                repeat(0),
                repeat(None),
            )
        )
        return True

    def add_op(self, op, *, deep: bool) -> None:
        """Check one op (a format-1 line's array); `deep` looks inside its texts too."""
        if not isinstance(op, list) or len(op) != FIELD_COUNT:
            raise self.refuse(_("it does not have the parts a change has"))
        table, row_id, stamp, node, kind, field, value, redacted, base = op
        spec = TABLES.get(table) if isinstance(table, str) else None
        if spec is None:
            raise self.refuse(_("it is for a table this ceapp does not have"))
        if not isinstance(row_id, str) or not ROW_ID.fullmatch(row_id):
            raise self.refuse(_("its record id is malformed"))
        if not is_stamp(stamp):
            raise self.refuse(_("its time stamp is malformed"))
        if not is_node(node):
            raise self.refuse(_("the laptop id it names is malformed"))
        if spec.anonymous != (stamp == 0):
            # A timed stamp on a monitoring slip would tell when it was typed.
            raise self.refuse(_("its time stamp is wrong for its table"))
        if type(redacted) is not int or redacted not in (0, 1):
            raise self.refuse(_("its erasure mark is malformed"))
        try:
            stored_base = _base(base)
        except ValueError:
            raise self.refuse(_("it names the change it replaced wrongly")) from None
        node_number = node_value(node)
        held = 0 < stamp <= self.held_marks.get(node_number, -1) and not redacted
        if kind == CREATE:
            if base is not None:
                raise self.refuse(_("it is a creation that names a change it replaced"))
            if field is not None or not isinstance(value, dict) or set(value) != set(spec.columns):
                raise self.refuse(_("it does not give exactly the fields of its table"))
            code = CREATE_FIELD
            if redacted and not any(value[column] is None for column in spec.personal):
                # Erasure blanks a person's details; a creation with none blanked
                # (or in a table that holds none) was never erased.
                raise self.refuse(_("its erasure mark is malformed"))
            if not held:
                if deep or redacted or not _plainly_fine(spec.name, value):
                    for column in spec.columns:
                        problem = _column_problem(
                            spec, column, value[column], blanked=bool(redacted), deep=deep
                        )
                        if problem is not None:
                            raise self.refuse(problem)
                positional = [value[column] for column in spec.columns]
                value_json = encode_json(positional)
        elif kind == SET:
            if field not in spec.columns:
                raise self.refuse(_("it sets a field its table does not have"))
            if redacted and (field not in spec.personal or value is not None):
                raise self.refuse(_("its erasure mark is malformed"))
            problem = _column_problem(spec, field, value, blanked=bool(redacted), deep=deep)
            if problem is not None:
                raise self.refuse(problem)
            code = spec.columns.index(field)
            value_json = encode_json(value)
        elif kind == DELETE:
            if field is not None or value is not None:
                raise self.refuse(_("it is a deletion that carries a value"))
            if base is not None:
                raise self.refuse(_("it is a deletion that names a change it replaced"))
            if redacted:
                # Erasure blanks values; a deletion has none to blank.
                raise self.refuse(_("its erasure mark is malformed"))
            code = DELETE_FIELD
            value_json = None
        else:
            raise self.refuse(_("it is neither a creation, an edit nor a deletion"))
        identity = (TABLE_CODES[table], encode_id(row_id), stamp, node_number, code)
        if identity in self.seen:
            raise self.refuse(_("it is in the bundle twice"))
        self.seen.add(identity)
        if held:
            # Its values were not checked, so its links are not gathered
            # either: this laptop holds the op, and what it links to.
            self.already_held += 1
            return
        if kind == CREATE:
            self.created.append(
                (identity[0], [identity[1]], [[row_id, stamp, node, redacted, *positional]])
            )
        for column, parent, _how in spec.parents:
            link = value.get(column) if kind == CREATE else value if field == column else None
            if link is not None:
                self.links.add((TABLE_CODES[parent], link))
        self.ops.append((*identity, value_json, redacted, stored_base))


def _as_op(checker: OpChecker, spec, kind: str, field, row) -> list:
    """A format-2 block's op as the format-1 array add_op checks."""
    if not isinstance(row, list) or len(row) != BLOCK_PARTS[kind] + (
        len(spec.columns) if kind == CREATE else 0
    ):
        if kind == CREATE and isinstance(row, list) and len(row) >= BLOCK_PARTS[CREATE]:
            raise checker.refuse(_("it does not give exactly the fields of its table"))
        raise checker.refuse(_("it does not have the parts a change has"))
    if kind == CREATE:
        row_id, stamp, node, redacted, *values = row
        value = dict(zip(spec.columns, values, strict=True))
        return [spec.name, row_id, stamp, node, kind, field, value, redacted, None]
    if kind == SET:
        row_id, stamp, node, redacted, value, base = row
        return [spec.name, row_id, stamp, node, kind, field, value, redacted, base]
    row_id, stamp, node = row
    return [spec.name, row_id, stamp, node, kind, field, None, 0, None]


def _encoded_ids(ids: tuple) -> list | None:
    """The record ids as the log stores them; None if any is malformed."""
    joined = "\n".join(ids)
    if _UUID_LINES.fullmatch(joined):
        raw = bytes.fromhex(joined.replace("-", "").replace("\n", ""))
        if len(raw) != 16 * len(ids):
            return None  # an id holding a newline, and so two UUIDs
        return [raw[start : start + 16] for start in range(0, len(raw), 16)]
    if not all(ROW_ID.fullmatch(row_id) for row_id in ids):
        return None
    return list(map(encode_id, ids))


@functools.cache
def _compiled(table: str) -> tuple[tuple[str, str, bool], ...]:
    """(column, "text", "integer", "json" or "other", may be null) of a table."""
    spec = TABLES[table]
    compiled = []
    for column in spec.columns:
        declared, nullable = _columns()[table][column]
        if column in spec.json_columns:
            kind = "json"
        else:
            kind = {"TEXT": "text", "INTEGER": "integer"}.get(declared, "other")
        compiled.append((column, kind, nullable))
    return tuple(compiled)


_TEXT, _TEXT_OR_NULL = {str}, {str, _NONE}
_INTEGER, _INTEGER_OR_NULL = {int}, {int, _NONE}


def _column_fine(kind: str, nullable: bool, values: tuple, *, deep: bool) -> bool:
    """Whether every value of one column of a block of creates may be stored.

    The same rules as _column_problem (for ops not erased), over the column
    at once: a set of types, the longest text, the smallest and largest number.
    """
    types = set(map(type, values))
    if not nullable and _NONE in types:
        return False
    if kind == "text":
        if not types <= _TEXT_OR_NULL:
            return False
        texts = [value for value in values if value is not None] if _NONE in types else values
        return not texts or (
            max(map(len, texts)) <= MAX_TEXT and not (deep and any(map(_bad_text, texts)))
        )
    if kind == "integer":
        if not types <= _INTEGER_OR_NULL:
            return False
        numbers = [value for value in values if value is not None] if _NONE in types else values
        return not numbers or (min(numbers) >= -(2**63) and max(numbers) < 2**63)
    return not any(
        _bad_value(value, json_column=kind == "json", deep=deep)
        for value in values
        if value is not None
    )


def op_lines(stored_ops) -> Iterator[bytes]:
    """A format-1 bundle's lines for ops as stored, one op a line."""
    for stored in stored_ops:
        yield op_line(stored)


def op_line(stored: tuple) -> bytes:
    """The line a bundle carries for an op as the change log stores it."""
    code, row_id, stamp, node, field, value_json, redacted, base = stored
    table = TABLE_NAMES[code]
    spec = TABLES[table]
    kind, name = kind_and_field(spec, field)
    if kind == CREATE:
        value = decode_create(spec, value_json)
    else:
        value = None if value_json is None else json.loads(value_json)
    pairs = [[stamp_, node_hex(node_)] for stamp_, node_ in base_pairs(base)] or None
    line = [table, decode_id(row_id), stamp, node_hex(node), kind, name, value, redacted, pairs]
    return (canonical_json(line) + "\n").encode()


def op_blocks(stored_ops) -> Iterator[tuple[bytes, int]]:
    """A format-2 bundle's lines, each with how many ops it holds, for ops as stored.

    `stored_ops` come in the change log's key order.

    Ops are gathered per table, kind and field (for edits) and a block is
    written when it holds BLOCK_OPS ops or about BLOCK_TEXT of values, then
    the rest in table and field order. Each block keeps the log's key order,
    so slips come out in id order, as in format 1.
    """
    pending: dict[tuple[int, int], list] = {}
    sizes: dict[tuple[int, int], int] = {}
    for stored in stored_ops:
        code, _row_id, _stamp, _node, field, value_json, _redacted, _base = stored
        key = (code, field)
        rows = pending.setdefault(key, [])
        rows.append(_block_row(stored))
        sizes[key] = sizes.get(key, 0) + len(value_json or "") + 64
        if len(rows) >= BLOCK_OPS or sizes[key] >= BLOCK_TEXT:
            rows = pending.pop(key)
            yield _block_line(key, rows), len(rows)
            sizes.pop(key)
    for key in sorted(pending):
        yield _block_line(key, pending[key]), len(pending[key])


def _block_row(stored: tuple) -> list:
    code, row_id, stamp, node, field, value_json, redacted, base = stored
    spec = TABLES[TABLE_NAMES[code]]
    head = [decode_id(row_id), stamp, node_hex(node)]
    if field == CREATE_FIELD:
        return [*head, redacted, *create_values(spec, value_json)]
    if field == DELETE_FIELD:
        return head
    kind_and_field(spec, field)  # ValueError for a column the table does not have
    pairs = [[stamp_, node_hex(node_)] for stamp_, node_ in base_pairs(base)] or None
    value = None if value_json is None else json.loads(value_json)
    return [*head, redacted, value, pairs]


def _block_line(key: tuple[int, int], rows: list) -> bytes:
    code, field = key
    spec = TABLES[TABLE_NAMES[code]]
    kind, name = kind_and_field(spec, field)
    return (encode_json([spec.name, kind, name, rows]) + "\n").encode()
