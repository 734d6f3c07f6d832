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

from ceapp.clock import parse_stamp
from ceapp.log_encoding import (
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


def _convert(row: tuple) -> tuple:
    table, row_id, stamp, _op_id, kind, field, value, _node, redacted = row
    spec = TABLES[table]
    millis, counter, node = parse_stamp(stamp)
    if kind == "create":
        record = json.loads(value)
        value = encode_create(spec, {column: record.get(column) for column in spec.columns})
    elif kind == "set":
        json.loads(value)
    else:
        value = None
    return (
        TABLE_CODES[table],
        encode_id(row_id),
        stamp_value(millis, counter),
        node_value(node),
        field_code(spec, kind, field),
        value,
        1 if redacted else 0,
        None,
    )


def compact_change_log(conn: sqlite3.Connection) -> None:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(changes)")}
    conn.execute("DROP INDEX IF EXISTS changes_by_op")
    conn.execute("ALTER TABLE changes RENAME TO changes_text")
    conn.execute(CHANGES_TABLE)
    # Schemas 1 to 4 had no base column (edits named no base before this one).
    redacted = "redacted" if "redacted" in columns else "0"
    wanted = (
        f"SELECT tbl, row_id, stamp, op_id, kind, field, value, node, {redacted} FROM changes_text"
    )
    unconverted = []
    cursor = conn.execute(wanted)
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            break
        converted = []
        for row in rows:
            try:
                converted.append(_convert(row))
            except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                unconverted.append(row)
        conn.executemany(INSERT, converted)
    if unconverted:
        conn.execute(
            "CREATE TABLE changes_unconverted (tbl, row_id, stamp, op_id, kind, field, value,"
            " node, redacted)"
        )
        conn.executemany(
            f"INSERT INTO changes_unconverted VALUES ({', '.join('?' for _c in range(9))})",
            unconverted,
        )
    conn.execute("DROP TABLE changes_text")
