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

import json
import re

from ceapp.errors import BundleRefusedError
from ceapp.i18n import _
from ceapp.log_encoding import (
    CREATE_FIELD,
    DELETE_FIELD,
    base_pairs,
    base_text,
    decode_create,
    decode_id,
    encode_create,
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


def is_node(value) -> bool:
    return isinstance(value, str) and NODE.match(value) is not None


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


def _bad_text(value: str) -> bool:
    # Tab and newline are fine in notes; the validation module refuses the rest.
    return (
        len(value) > MAX_TEXT
        or CONTROL_CHARACTERS.search(value.replace("\t", " ").replace("\n", " ")) is not None
        or BIDI_CONTROLS.search(value) is not None
        or NOT_TEXT.search(value) is not None
    )


def _bad_value(value, *, json_column: bool) -> bool:
    if json_column:
        if isinstance(value, list):
            return any(not isinstance(item, str) or _bad_text(item) for item in value)
        if isinstance(value, dict):
            return any(
                _bad_text(key)
                or not isinstance(item, str | int | type(None))
                or (isinstance(item, str) and _bad_text(item))
                or isinstance(item, bool)
                for key, item in value.items()
            )
        return True
    if value is None:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return not -(2**63) <= value < 2**63
    if isinstance(value, str):
        return _bad_text(value)
    return True


class OpChecker:
    """Collects ops line by line, refusing the bundle at the first bad one."""

    def __init__(self, *, path: str) -> None:
        self.path = path
        self.ops: list[tuple] = []
        self.seen: set[tuple] = set()

    def refuse(self, reason: str) -> BundleRefusedError:
        return BundleRefusedError(
            _(
                "{path} holds a change ceapp cannot accept (change {number}: {reason}). "
                "The file was altered or made by another program; nothing was imported."
            ).format(path=self.path, number=len(self.ops) + 1, reason=reason)
        )

    def add(self, line: bytes) -> None:
        try:
            op = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            raise self.refuse(_("it is not readable")) from None
        if not isinstance(op, list) or len(op) != FIELD_COUNT:
            raise self.refuse(_("it does not have the parts a change has"))
        table, row_id, stamp, node, kind, field, value, redacted, base = op
        spec = TABLES.get(table) if isinstance(table, str) else None
        if spec is None:
            raise self.refuse(_("it is for a table this ceapp does not have"))
        if not isinstance(row_id, str) or not ROW_ID.match(row_id):
            raise self.refuse(_("its record id is malformed"))
        if not is_stamp(stamp) or not is_node(node):
            raise self.refuse(_("its time stamp is malformed"))
        if spec.anonymous != (stamp == 0):
            # A timed stamp on a monitoring slip would tell when it was typed.
            raise self.refuse(_("its time stamp is wrong for its table"))
        if redacted not in (0, 1) or isinstance(redacted, bool):
            raise self.refuse(_("its erasure mark is malformed"))
        try:
            stored_base = _base(base)
        except ValueError:
            raise self.refuse(_("it names the change it replaced wrongly")) from None
        if kind == CREATE:
            if (
                field is not None
                or base is not None
                or not isinstance(value, dict)
                or set(value) != set(spec.columns)
            ):
                raise self.refuse(_("it does not give exactly the fields of its table"))
            for column, item in value.items():
                if _bad_value(item, json_column=column in spec.json_columns):
                    raise self.refuse(_("a field holds a value ceapp never stores"))
            code = CREATE_FIELD
            value_json = encode_create(spec, value)
        elif kind == SET:
            if field not in spec.columns:
                raise self.refuse(_("it sets a field its table does not have"))
            if _bad_value(value, json_column=field in spec.json_columns):
                raise self.refuse(_("a field holds a value ceapp never stores"))
            if redacted and (field not in spec.personal or value is not None):
                raise self.refuse(_("its erasure mark is malformed"))
            code = spec.columns.index(field)
            value_json = canonical_json(value)
        elif kind == DELETE:
            if field is not None or value is not None or base is not None:
                raise self.refuse(_("it is a deletion that carries a value"))
            code = DELETE_FIELD
            value_json = None
        else:
            raise self.refuse(_("it is neither a creation, an edit nor a deletion"))
        stored = (
            TABLE_CODES[table],
            encode_id(row_id),
            stamp,
            node_value(node),
            code,
            value_json,
            redacted,
            stored_base,
        )
        identity = stored[:5]
        if identity in self.seen:
            raise self.refuse(_("it is in the bundle twice"))
        self.seen.add(identity)
        self.ops.append(stored)


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
