"""`ceapp check`: is the file sound, and does every record match its change log?"""

from __future__ import annotations

from collections.abc import Iterator

from ceapp.changes import replay
from ceapp.i18n import _
from ceapp.schema import TABLES, TableSpec
from ceapp.store import Store

# Enough to see what is wrong without drowning the screen.
MAX_PROBLEMS_PER_TABLE = 20


def check(store: Store) -> list[str]:
    """Problems found, as sentences; an empty list means all is well."""
    problems = [
        _("SQLite integrity check: {result}").format(result=row[0])
        for row in store.conn.execute("PRAGMA integrity_check")
        if row[0] != "ok"
    ]
    problems += [
        _("{table} row {rowid} points at a missing {parent} record.").format(
            table=row[0], rowid=row[1], parent=row[2]
        )
        for row in store.conn.execute("PRAGMA foreign_key_check")
    ]
    if not problems:
        for spec in TABLES.values():
            problems += _check_log(store, spec)
    return problems


def _ops_by_row(store: Store, spec: TableSpec) -> Iterator[tuple[str, list]]:
    cursor = store.conn.execute(
        "SELECT row_id, kind, field, value FROM changes WHERE tbl = ? ORDER BY row_id, stamp",
        (spec.name,),
    )
    current_id, ops = None, []
    for row_id, kind, field, value in cursor:
        if row_id != current_id:
            if current_id is not None:
                yield current_id, ops
            current_id, ops = row_id, []
        ops.append((kind, field, value))
    if current_id is not None:
        yield current_id, ops


def _check_log(store: Store, spec: TableSpec) -> list[str]:
    """Merge-walk the table and its ops, both in id order, comparing each row."""
    problems: list[str] = []
    columns = ", ".join(spec.columns)
    rows = store.conn.execute(f"SELECT id, {columns} FROM {spec.name} ORDER BY id")
    stored = next(rows, None)
    for row_id, ops in _ops_by_row(store, spec):
        while stored is not None and stored[0] < row_id:
            problems.append(_unlogged(spec, stored[0]))
            stored = next(rows, None)
        expected = replay(spec, ops)
        if stored is not None and stored[0] == row_id:
            actual = dict(zip(spec.columns, stored[1:], strict=True))
            if expected is None:
                problems.append(
                    _("{table} {id} is deleted in the change log but still present.").format(
                        table=spec.name, id=row_id
                    )
                )
            elif actual != expected:
                fields = sorted(k for k in spec.columns if actual[k] != expected[k])
                problems.append(
                    _("{table} {id} differs from its change log in: {fields}.").format(
                        table=spec.name, id=row_id, fields=", ".join(fields)
                    )
                )
            stored = next(rows, None)
        elif expected is not None:
            problems.append(
                _("{table} {id} is in the change log but missing from the table.").format(
                    table=spec.name, id=row_id
                )
            )
        if len(problems) >= MAX_PROBLEMS_PER_TABLE:
            return problems
    while stored is not None and len(problems) < MAX_PROBLEMS_PER_TABLE:
        problems.append(_unlogged(spec, stored[0]))
        stored = next(rows, None)
    return problems


def _unlogged(spec: TableSpec, row_id: str) -> str:
    return _("{table} {id} was written without a change-log entry.").format(
        table=spec.name, id=row_id
    )
