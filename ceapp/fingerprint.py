"""A hash of the logical content of a database.

It covers every record table, row by row in id order, each row as canonical
JSON, so it ignores page layout, rowids, insertion order and VACUUM. Two
databases holding the same records give the same fingerprint on any
machine; the change log and this installation's node id are left out, being
how the content came about rather than what it is.

Canonical JSON is Python's json with sorted keys, no spaces and
ensure_ascii=False (ops.canonical_json). SQLite writes the same text for
each row several times faster than Python can decode the row and encode it
again, so SQLite writes it and Python only hashes the bytes. SQLite's JSON
escapes every character exactly as Python's does (control characters,
quotes, backslashes, U+2028 and U+2029, '/', characters beyond U+FFFF; the
tests compare every code point). It differs only for values the write path
never stores, and a table holding one is hashed the slow way instead:

- a REAL number, which the two print differently (1e+100 against 1.0e+100,
  -0.0, 0.30000000000000004); only a column not declared TEXT can hold one,
  since SQLite stores numbers given to a TEXT column as text;
- JSON column text that is not canonical (spaces, keys out of order,
  escapes such as \\u00e9 or \\/): SQLite's json() keeps it as written,
  where Python rewrites it.

Text that is not valid UTF-8, which only a damaged file or another program
could hold, is hashed as the bytes stored; decoding it in Python would fail.
"""

from __future__ import annotations

import hashlib
import json

from ceapp.changes import from_column
from ceapp.ops import canonical_json
from ceapp.schema import TABLES, TableSpec
from ceapp.store import Store


def fingerprint(store: Store) -> str:
    digest = hashlib.sha256()
    conn = store.conn
    previous = conn.text_factory
    # One snapshot for every table, even if another process writes meanwhile;
    # a savepoint also nests inside a transaction the caller has open.
    conn.execute("SAVEPOINT fingerprint")
    try:
        for name in sorted(TABLES):
            spec = TABLES[name]
            # An empty table adds nothing, so a table added by a later
            # version leaves every earlier fingerprint as it was.
            if not conn.execute(f"SELECT EXISTS (SELECT 1 FROM {name})").fetchone()[0]:
                continue
            digest.update(f"table {name}\n".encode())
            # Bytes straight from SQLite to the hash: decoding each row into
            # a str only to encode it again would cost as much as the rest.
            conn.text_factory = bytes
            if _sql_writes_it_canonically(store, spec):
                for (line,) in conn.execute(_rows_as_json_lines(spec)):
                    digest.update(line)
            else:
                conn.text_factory = previous
                _hash_rows_in_python(store, spec, digest)
    finally:
        conn.text_factory = previous
        conn.execute("RELEASE fingerprint")
    return digest.hexdigest()


def _rows_as_json_lines(spec: TableSpec) -> str:
    keys = sorted(("id", *spec.columns))
    pairs = ", ".join(
        f"'{key}', json({key})" if key in spec.json_columns else f"'{key}', {key}" for key in keys
    )
    return f"SELECT json_object({pairs}) || char(10) FROM {spec.name} ORDER BY id"


def _sql_writes_it_canonically(store: Store, spec: TableSpec) -> bool:
    """False if the table holds a value SQLite's JSON would write unlike Python's."""
    numeric = [
        name
        for _cid, name, declared, *_rest in store.conn.execute(f"PRAGMA table_info({spec.name})")
        if _text(name) in spec.columns and _text(declared).upper() != "TEXT"
    ]
    if numeric:
        test = " OR ".join(f"typeof({_text(name)}) = 'real'" for name in numeric)
        if store.conn.execute(f"SELECT 1 FROM {spec.name} WHERE {test} LIMIT 1").fetchone():
            return False
    for column in sorted(spec.json_columns):
        for (text,) in store.conn.execute(f"SELECT DISTINCT {column} FROM {spec.name}"):
            if isinstance(text, bytes) and not _is_canonical_json(text):
                return False
    return True


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _is_canonical_json(text: bytes) -> bool:
    try:
        return canonical_json(json.loads(text)).encode() == text
    except ValueError:
        # Not JSON, or not UTF-8: the slow way then fails on it as it always did.
        return False


def _hash_rows_in_python(store: Store, spec: TableSpec, digest) -> None:
    columns = ("id", *sorted(spec.columns))
    cursor = store.conn.execute(f"SELECT {', '.join(columns)} FROM {spec.name} ORDER BY id")
    for row in cursor:
        record = {
            column: from_column(spec, column, value)
            for column, value in zip(columns, row, strict=True)
        }
        digest.update(canonical_json(record).encode())
        digest.update(b"\n")
