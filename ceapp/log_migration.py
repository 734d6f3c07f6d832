"""Migration 5: the change log moves to its compact encoding (log_encoding.py).

The text log (hex op ids with a second index, 46-character stamps, UUIDs as
text, every create carrying column names) took about three quarters of a
database file. Each op is rewritten in the new form, in the migration's own
transaction, after store.py has made a backup of the file. An op that
cannot be read (only damage or another program could write one) is kept
word for word in `changes_unconverted`, so nothing is lost and `ceapp
check` can point at it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from functools import lru_cache

from ceapp.log_encoding import (
    base_text,
    encode_create,
    encode_id,
    field_code,
    node_value,
    stamp_value,
)
from ceapp.schema import TABLE_CODES, TABLES

CHANGES_TABLE = """
CREATE TABLE changes (
    tbl INTEGER NOT NULL,
    row_id BLOB NOT NULL,
    stamp INTEGER NOT NULL,
    node INTEGER NOT NULL,
    field INTEGER NOT NULL,
    value TEXT,
    redacted INTEGER NOT NULL DEFAULT 0,
    base TEXT,
    PRIMARY KEY (tbl, row_id, stamp, node, field)
) WITHOUT ROWID
"""
CHUNK = 20_000
INSERT = (
    "INSERT OR IGNORE INTO changes (tbl, row_id, stamp, node, field, value, redacted, base)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@lru_cache(maxsize=4096)
def _second(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp())


def text_stamp_parts(stamp: str) -> tuple[int, int, str]:
    """(stamp value, node hex) of a text stamp; ValueError if it is not one."""
    if len(stamp) != 46 or stamp[23] != "Z" or stamp[19] != ".":
        raise ValueError(stamp)
    millis = _second(stamp[:19]) * 1000 + int(stamp[20:23])
    counter = int(stamp[25:29], 16)
    node = stamp[30:]
    int(node, 16)
    return stamp_value(millis, counter), counter, node


def _convert(row: tuple, bases: dict[str, tuple[int, int]]) -> tuple:
    table, row_id, stamp, _op_id, kind, field, value, _node, redacted, base = row
    spec = TABLES[table]
    value_stamp, _counter, node = text_stamp_parts(stamp)
    code = field_code(spec, kind, field)
    if kind == "create":
        record = json.loads(value)
        value = encode_create(spec, {column: record.get(column) for column in spec.columns})
    elif kind == "set":
        json.loads(value)
    else:
        value = None
    replaced = base_text(bases[op] for op in (base or "").split(",") if op in bases)
    return (
        TABLE_CODES[table],
        encode_id(row_id),
        value_stamp,
        node_value(node),
        code,
        value,
        1 if redacted else 0,
        replaced if kind == "set" else None,
    )


def compact_change_log(conn: sqlite3.Connection) -> None:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(changes)")}
    conn.execute("DROP INDEX IF EXISTS changes_by_op")
    conn.execute("ALTER TABLE changes RENAME TO changes_text")
    conn.execute(CHANGES_TABLE)
    redacted = "redacted" if "redacted" in columns else "0"
    base = "base" if "base" in columns else "NULL"
    wanted = (
        f"SELECT tbl, row_id, stamp, op_id, kind, field, value, node, {redacted}, {base}"
        " FROM changes_text"
    )
    bases: dict[str, tuple[int, int]] = {}
    if base != "NULL":
        named = {
            op
            for (text,) in conn.execute("SELECT base FROM changes_text WHERE base IS NOT NULL")
            for op in str(text).split(",")
        }
        for op, stamp in conn.execute("SELECT op_id, stamp FROM changes_text"):
            if op in named:
                try:
                    value, _counter, node = text_stamp_parts(stamp)
                except (ValueError, TypeError):
                    continue
                bases[op] = (value, node_value(node))
    unconverted = []
    cursor = conn.execute(wanted)
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            break
        converted = []
        for row in rows:
            try:
                converted.append(_convert(row, bases))
            except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                unconverted.append(row)
        conn.executemany(INSERT, converted)
    if unconverted:
        conn.execute(
            "CREATE TABLE changes_unconverted (tbl, row_id, stamp, op_id, kind, field, value,"
            " node, redacted, base)"
        )
        conn.executemany(
            f"INSERT INTO changes_unconverted VALUES ({', '.join('?' for _c in range(10))})",
            unconverted,
        )
    conn.execute("DROP TABLE changes_text")
