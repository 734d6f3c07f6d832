"""Checking each op a bundle carries before any of them is written.

An op line is a JSON array:

    [table, row_id, stamp, node, kind, field, value, redacted, base]

stamp an integer (milliseconds << 16 | counter, 0 for a monitoring slip),
node 16 hex digits, value plain JSON (a create's is every column by name,
a delete's null), base null or the [stamp, node] pairs an edit replaced.
An op that is not exactly what this ceapp's write path would have logged is
refused with its number: unknown tables or fields, wrong shapes, values the
write path never stores, stamps that would reveal when an anonymous slip
was typed, and the same op twice. Checked ops come out in the change log's
own encoding (log_encoding.py), ready to insert.
"""

from __future__ import annotations

import functools
import json
import json.scanner
import re
import sqlite3

from ceapp.errors import BundleRefusedError
from ceapp.i18n import _
from ceapp.log_encoding import (
    CREATE_FIELD,
    DELETE_FIELD,
    base_pairs,
    base_text,
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
# The C scanner behind json.loads, called directly: an import reads a
# million lines, and json.loads adds two Python calls to each.
_SCAN = json.scanner.make_scanner(json.JSONDecoder())


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
    """True for a value the write path never stores; `deep` also looks inside text."""
    kind = type(value)
    if json_column:
        if kind is list:
            return not all(type(item) is str and _clean(item, deep) for item in value)
        if kind is dict:
            return not all(
                _clean(key, deep)
                and (
                    item is None
                    or (type(item) is str and _clean(item, deep))
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
        return deep and _bad_text(value)
    return True


# Anything in a line that could stand for a character no stored text may
# hold: the characters themselves, or a JSON escape (\u, \b, \f, \r) that
# could spell one. Lines without any skip the per-field text checks.
_SUSPECT_CHARACTERS = re.compile(
    "[" + "".join(p.pattern[1:-1] for p in (CONTROL_CHARACTERS, BIDI_CONTROLS, NOT_TEXT)) + "]"
)
_SUSPECT_ESCAPE = re.compile(r"\\[ubfr]")


def _suspect(text: str) -> bool:
    # That character class is slow to search (it spans astral planes), and
    # JSON cannot hold a raw control character, so an all-ASCII line (most
    # of them) needs only DEL and the escapes looked for.
    if "\\" in text and _SUSPECT_ESCAPE.search(text):
        return True
    if text.isascii():
        return "\x7f" in text
    return _SUSPECT_CHARACTERS.search(text) is not None


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
        # link it makes, for merge.check_references.
        # For each: its id as text and its values in column order, which
        # merge inserts as they are instead of decoding the stored JSON again.
        self.created: dict[tuple[int, object], tuple[str, list]] = {}
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

    def add(self, line: bytes) -> None:
        try:
            text = line.decode()
            op, end = _SCAN(text, 0)
        except (StopIteration, ValueError, UnicodeDecodeError, RecursionError):
            # StopIteration: no JSON value starts the line. RecursionError:
            # thousands of nested brackets, which no op has.
            raise self.refuse(_("it is not readable")) from None
        if end != len(text) and text[end:].strip(" \t\r"):
            raise self.refuse(_("it is not readable"))
        deep = len(text) > MAX_TEXT or _suspect(text)
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
                if deep or redacted or not _plainly_fine(table, value):
                    for column in spec.columns:
                        problem = _column_problem(
                            spec, column, value[column], blanked=bool(redacted), deep=deep
                        )
                        if problem is not None:
                            raise self.refuse(problem)
                positional = [value[column] for column in spec.columns]
                value_json = canonical_json(positional)
        elif kind == SET:
            if field not in spec.columns:
                raise self.refuse(_("it sets a field its table does not have"))
            if redacted and (field not in spec.personal or value is not None):
                raise self.refuse(_("its erasure mark is malformed"))
            problem = _column_problem(spec, field, value, blanked=bool(redacted), deep=deep)
            if problem is not None:
                raise self.refuse(problem)
            code = spec.columns.index(field)
            value_json = canonical_json(value)
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
            self.created[identity[:2]] = (row_id, positional)
        for column, parent, _how in spec.parents:
            link = value.get(column) if kind == CREATE else value if field == column else None
            if link is not None:
                self.links.add((TABLE_CODES[parent], link))
        self.ops.append((*identity, value_json, redacted, stored_base))


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
