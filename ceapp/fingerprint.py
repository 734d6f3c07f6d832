"""A hash of the logical content of a database.

It covers every record table, row by row in id order, each row as canonical
JSON, so it ignores page layout, rowids, insertion order and VACUUM. Two
databases holding the same records give the same fingerprint on any
machine; the change log and this installation's node id are left out, being
how the content came about rather than what it is.
"""

from __future__ import annotations

import hashlib

from ceapp.changes import canonical_json, from_column
from ceapp.schema import TABLES
from ceapp.store import Store


def fingerprint(store: Store) -> str:
    digest = hashlib.sha256()
    for name in sorted(TABLES):
        spec = TABLES[name]
        columns = ("id", *sorted(spec.columns))
        digest.update(f"table {name}\n".encode())
        cursor = store.conn.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY id")
        for row in cursor:
            record = {
                column: from_column(spec, column, value)
                for column, value in zip(columns, row, strict=True)
            }
            digest.update(canonical_json(record).encode())
            digest.update(b"\n")
    return digest.hexdigest()
