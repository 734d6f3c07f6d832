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

import functools
import json
import re
import sqlite3
from datetime import datetime

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
    # fullmatch, not match: "$" would let a trailing newline through.
    return isinstance(value, str) and NODE.fullmatch(value) is not None


def is_stamp(value) -> bool:
    """A stamp as the clock writes it, on a date that exists (not 2026-13-45, nor year 0)."""
    if not isinstance(value, str):
        return False
    match = STAMP_PATTERN.fullmatch(value)
    if match is None:
        return False
    try:
        datetime.fromisoformat(match.group(1)[:-1])
    except ValueError:
        return False
    return True


def _is_base(value) -> bool:
    return value is None or (
        isinstance(value, str)
        and 0 < len(value) < 33 * 64
        and all(OP_ID.fullmatch(part) for part in value.split(","))
    )


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


def _column_problem(spec, column: str, value, *, blanked: bool) -> str | None:
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
        bad = _bad_value(value, json_column=True)
    elif declared == "INTEGER":
        bad = not isinstance(value, int) or _bad_value(value, json_column=False)
    elif declared == "TEXT":
        bad = not isinstance(value, str) or _bad_value(value, json_column=False)
    else:
        bad = _bad_value(value, json_column=False)
    return _("a field holds a value ceapp never stores") if bad else None


class OpChecker:
    """Collects ops line by line, refusing the bundle at the first bad one."""

    def __init__(self, *, path: str) -> None:
        self.path = path
        self.ops: list[tuple] = []
        self.seen: set[str] = set()

    def refuse(self, reason: str) -> BundleRefusedError:
        return BundleRefusedError(
            _(
                "{path} holds a change ceapp cannot accept (change {number}: {reason}), so "
                "nothing was imported. The file was altered or made by another program: ask "
                "the sender to export it again with `ceapp sync export`."
            ).format(path=self.path, number=len(self.ops) + 1, reason=reason)
        )

    def add(self, line: bytes) -> None:
        try:
            op = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            raise self.refuse(_("it is not readable")) from None
        except RecursionError:
            # Thousands of nested brackets: no op is shaped like that.
            raise self.refuse(_("it is not readable")) from None
        if not isinstance(op, list) or len(op) != FIELD_COUNT:
            raise self.refuse(_("it does not have the parts a change has"))
        identity, table, row_id, stamp, kind, field, value, redacted, base = op
        spec = TABLES.get(table) if isinstance(table, str) else None
        if spec is None:
            raise self.refuse(_("it is for a table this ceapp does not have"))
        if not isinstance(identity, str) or not OP_ID.fullmatch(identity):
            raise self.refuse(_("its id is malformed"))
        if not isinstance(row_id, str) or not ROW_ID.fullmatch(row_id):
            raise self.refuse(_("its record id is malformed"))
        if not is_stamp(stamp):
            raise self.refuse(_("its time stamp is malformed"))
        if spec.anonymous != stamp.startswith(ZERO_STAMP_PREFIX):
            # A timed stamp on a monitoring slip would tell when it was typed.
            raise self.refuse(_("its time stamp is wrong for its table"))
        if type(redacted) is not int or redacted not in (0, 1):
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
            for column in spec.columns:
                problem = _column_problem(spec, column, value[column], blanked=bool(redacted))
                if problem is not None:
                    raise self.refuse(problem)
            if redacted and not any(value[column] is None for column in spec.personal):
                # Erasure blanks a person's details; a creation with none blanked
                # (or in a table that holds none) was never erased.
                raise self.refuse(_("its erasure mark is malformed"))
            value_json = canonical_json(value)
        elif kind == SET:
            if field not in spec.columns:
                raise self.refuse(_("it sets a field its table does not have"))
            if redacted and (field not in spec.personal or value is not None):
                raise self.refuse(_("its erasure mark is malformed"))
            problem = _column_problem(spec, field, value, blanked=bool(redacted))
            if problem is not None:
                raise self.refuse(problem)
            value_json = canonical_json(value)
        elif kind == DELETE:
            if field is not None or value is not None or base is not None:
                raise self.refuse(_("it is a deletion that carries a value"))
            if redacted:
                # Erasure blanks values; a deletion has none to blank.
                raise self.refuse(_("its erasure mark is malformed"))
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
