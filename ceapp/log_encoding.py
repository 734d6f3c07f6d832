"""How an op is stored in the `changes` table: compact, and its key is its identity.

    tbl      the table's code (schema.TABLE_CODES)
    row_id   the record's UUID as 16 bytes (text for any id that is not one)
    stamp    hybrid clock stamp as one integer: milliseconds << 16 | counter
    node     the writing installation's 64-bit node id, as a signed integer
    field    the column's place in the table's columns; CREATE or DELETE
    value    canonical JSON: one field's value, or for a create every
             column's value in column order (no names); NULL for a delete
    base     for an edit, the op(s) it replaced as ",stamp:node," text
    redacted 1 once personal values were blanked (see redaction.py)

The primary key (tbl, row_id, stamp, node, field) names the op: the same
op arriving twice is one op, with no hash and no second index. The table is
WITHOUT ROWID, so the file's layout follows table and record ids, never
the order things were typed. See docs/architecture.md, "Change log and clock".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from ceapp.ops import CREATE, DELETE, SET, canonical_json
from ceapp.schema import TableSpec

CREATE_FIELD = -1
DELETE_FIELD = -2
COUNTER_BITS = 16
NODE_SPAN = 1 << 64
NODE_SIGN = 1 << 63
UUID_TEXT_LENGTH = 36
CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def stamp_value(millis: int, counter: int) -> int:
    return (millis << COUNTER_BITS) | counter


def stamp_parts(value: int) -> tuple[int, int]:
    """(milliseconds, counter) of a stored stamp."""
    return value >> COUNTER_BITS, value & ((1 << COUNTER_BITS) - 1)


@lru_cache(maxsize=256)
def node_value(node_hex: str) -> int:
    """A node id's 16 hex digits as the signed 64-bit integer SQLite stores."""
    number = int(node_hex, 16)
    return number - NODE_SPAN if number >= NODE_SIGN else number


def node_hex(value: int) -> str:
    return f"{value % NODE_SPAN:016x}"


def encode_id(row_id: str):
    """A record id as stored in the log: 16 bytes for a UUID, else the text itself.

    Only the canonical spelling (lower case, hyphens where str(uuid) puts
    them) becomes bytes, so decoding always gives back the same text.
    """
    if len(row_id) == UUID_TEXT_LENGTH and CANONICAL_UUID.match(row_id):
        return bytes.fromhex(row_id.replace("-", ""))
    return row_id


def decode_id(value) -> str:
    if isinstance(value, bytes) and len(value) == 16:
        digits = value.hex()
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
    return value


def field_code(spec: TableSpec, kind: str, field: str | None) -> int:
    if kind == CREATE:
        return CREATE_FIELD
    if kind == DELETE:
        return DELETE_FIELD
    return spec.columns.index(field)


def kind_and_field(spec: TableSpec, code: int) -> tuple[str, str | None]:
    """(kind, column name) of a stored field code; ValueError if it names no column."""
    if code == CREATE_FIELD:
        return CREATE, None
    if code == DELETE_FIELD:
        return DELETE, None
    if not isinstance(code, int) or not 0 <= code < len(spec.columns):
        raise ValueError(f"{spec.name} has no column number {code!r}")
    return SET, spec.columns[code]


def encode_create(spec: TableSpec, values: Mapping) -> str:
    return canonical_json([values[column] for column in spec.columns])


def create_values(spec: TableSpec, text: str) -> list:
    """A create op's values in column order; a shorter list (an older table) is padded with None."""
    values = json.loads(text)
    if not isinstance(values, list) or len(values) > len(spec.columns):
        raise ValueError(f"not a {spec.name} record: {text[:40]!r}")
    return values + [None] * (len(spec.columns) - len(values))


def decode_create(spec: TableSpec, text: str) -> dict:
    """A create op's values by column."""
    return dict(zip(spec.columns, create_values(spec, text), strict=True))


def base_text(pairs: Iterable[tuple[int, int]]) -> str | None:
    """The ops an edit replaced, as ",stamp:node,stamp:node," (None when there are none)."""
    ordered = sorted(set(pairs))
    if not ordered:
        return None
    return "," + ",".join(f"{stamp}:{node}" for stamp, node in ordered) + ","


def base_pairs(text: str | None) -> list[tuple[int, int]]:
    if not text:
        return []
    pairs = []
    for part in text.strip(",").split(","):
        stamp, node = part.split(":")
        pairs.append((int(stamp), int(node)))
    return pairs


def decoded_ops(store, where: str = "", params: tuple = ()) -> list[dict]:
    """The log's ops as plain values (table and column names, hex node, JSON text).

    For reading the log as a person or a test would; the merge and replay
    work on the stored encoding directly. `where` filters the stored rows.
    """
    from ceapp.schema import TABLE_NAMES, TABLES

    store.flush_log()
    found = []
    for code, row_id, stamp, node, field, value, redacted, base in store.conn.execute(
        "SELECT tbl, row_id, stamp, node, field, value, redacted, base FROM changes"
        + (f" WHERE {where}" if where else "")
        + " ORDER BY tbl, row_id, stamp, node, field",
        params,
    ):
        table = TABLE_NAMES[code]
        spec = TABLES[table]
        kind, name = kind_and_field(spec, field)
        if kind == CREATE:
            value = canonical_json(decode_create(spec, value))
        found.append(
            {
                "key": (code, row_id, stamp, node, field),
                "tbl": table,
                "row_id": decode_id(row_id),
                "stamp": stamp,
                "node": node_hex(node),
                "kind": kind,
                "field": name,
                "value": value,
                "redacted": redacted,
                "base": base_pairs(base) or None,
            }
        )
    return found
