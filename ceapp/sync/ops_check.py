"""Checking each op a bundle carries before any of them is written.

An op line is a JSON array:

    [op_id, table, row_id, stamp, kind, field, value, redacted, base]

with the value as plain JSON (null for a delete). An op that is not exactly
what this ceapp's write path would have logged is refused with its line
number: unknown tables or fields, wrong shapes, values the write path never
stores, ids that do not match the op, stamps that would reveal when an
anonymous slip was typed, and the same op twice.
"""

from __future__ import annotations

import json
import re

from ceapp.clock import STAMP_PATTERN
from ceapp.errors import BundleRefusedError
from ceapp.i18n import _
from ceapp.ops import CREATE, DELETE, SET, canonical_json, op_id
from ceapp.schema import TABLES
from ceapp.validation import BIDI_CONTROLS, CONTROL_CHARACTERS, NOT_TEXT

OP_ID = re.compile(r"^[0-9a-f]{32}$")
NODE = re.compile(r"^[0-9a-f]{16}$")
ROW_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")
ZERO_STAMP_PREFIX = "1970-01-01T00:00:00.000Z-0000-"
MAX_TEXT = 100_000
FIELD_COUNT = 9


def is_node(value) -> bool:
    return isinstance(value, str) and NODE.match(value) is not None


def is_stamp(value) -> bool:
    return isinstance(value, str) and STAMP_PATTERN.match(value) is not None


def _is_base(value) -> bool:
    return value is None or (
        isinstance(value, str)
        and 0 < len(value) < 33 * 64
        and all(OP_ID.match(part) for part in value.split(","))
    )


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
        self.seen: set[str] = set()

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
        identity, table, row_id, stamp, kind, field, value, redacted, base = op
        spec = TABLES.get(table) if isinstance(table, str) else None
        if spec is None:
            raise self.refuse(_("it is for a table this ceapp does not have"))
        if not isinstance(identity, str) or not OP_ID.match(identity):
            raise self.refuse(_("its id is malformed"))
        if not isinstance(row_id, str) or not ROW_ID.match(row_id):
            raise self.refuse(_("its record id is malformed"))
        if not is_stamp(stamp):
            raise self.refuse(_("its time stamp is malformed"))
        if spec.anonymous != stamp.startswith(ZERO_STAMP_PREFIX):
            # A timed stamp on a monitoring slip would tell when it was typed.
            raise self.refuse(_("its time stamp is wrong for its table"))
        if redacted not in (0, 1) or isinstance(redacted, bool):
            raise self.refuse(_("its erasure mark is malformed"))
        if not _is_base(base):
            raise self.refuse(_("it names the change it replaced wrongly"))
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
            value_json = canonical_json(value)
        elif kind == SET:
            if field not in spec.columns:
                raise self.refuse(_("it sets a field its table does not have"))
            if _bad_value(value, json_column=field in spec.json_columns):
                raise self.refuse(_("a field holds a value ceapp never stores"))
            if redacted and (field not in spec.personal or value is not None):
                raise self.refuse(_("its erasure mark is malformed"))
            value_json = canonical_json(value)
        elif kind == DELETE:
            if field is not None or value is not None or base is not None:
                raise self.refuse(_("it is a deletion that carries a value"))
            value_json = None
        else:
            raise self.refuse(_("it is neither a creation, an edit nor a deletion"))
        if not redacted and identity != op_id(
            table=table,
            row_id=row_id,
            kind=kind,
            field=field,
            value_json=value_json,
            stamp=stamp,
            base=base,
        ):
            raise self.refuse(_("its content does not match its id"))
        if identity in self.seen:
            raise self.refuse(_("it is in the bundle twice"))
        self.seen.add(identity)
        self.ops.append(
            (identity, table, row_id, stamp, kind, field, value_json, stamp[-16:], redacted, base)
        )


def op_line(op: tuple) -> bytes:
    """The line a bundle stores for a logged op (in OpChecker's column order)."""
    identity, table, row_id, stamp, kind, field, value_json, _node, redacted, base = op
    value = None if value_json is None else json.loads(value_json)
    return (
        canonical_json([identity, table, row_id, stamp, kind, field, value, redacted, base]) + "\n"
    ).encode()
