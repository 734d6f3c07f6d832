"""Keep anonymous rows from telling the order in which they were typed.

Monitoring slips carry random ids and time-free stamps, but SQLite would
still remember entry order in two places: where each new cell lands inside a
B-tree page (cells are laid down one after another as they arrive), and the
-wal file, whose frames are appended one commit at a time. So before a
transaction that wrote anonymous rows commits, every row of each group it
touched (an event's slips) and their change-log rows are deleted and written
back in id order, and after the commit the WAL is folded into the file and
truncated. The file's layout then follows the random ids, and the -wal holds
no slip at all. See docs/architecture.md, "Anonymity".
"""

from __future__ import annotations

from ceapp.log_encoding import encode_id
from ceapp.schema import TABLE_CODES, TableSpec
from ceapp.store import Store

# SQLite allows many more bound parameters, but small chunks keep each
# statement cheap and well under any build's limit.
CHUNK = 500


def note_anonymous_write(store: Store, spec: TableSpec, *, row_id: str, group: str | None) -> None:
    """Arrange for the group's rows to be settled before this transaction commits."""
    touched = store.anonymous_rows.setdefault(spec.name, {})
    touched.setdefault(group, set()).add(row_id)
    store.before_commit(("settle", spec.name), lambda: settle(store, spec))
    store.want_checkpoint()


def settle(store: Store, spec: TableSpec) -> None:
    """Rewrite the touched groups' rows and their ops in id order (inside the transaction)."""
    touched = store.anonymous_rows.pop(spec.name, {})
    row_ids: set[str] = set()
    groups: set[str] = set()
    loose: set[str] = set()
    for group, ids in touched.items():
        row_ids |= ids
        if group is not None and spec.group_column:
            groups.add(group)
            row_ids.update(
                row[0]
                for row in store.conn.execute(
                    f"SELECT id FROM {spec.name} WHERE {spec.group_column} = ?", (group,)
                )
            )
        else:
            loose |= ids
    ordered = sorted(row_ids)
    columns = ("id", *spec.columns)
    if spec.group_column and spec.key_prefix == spec.group_column:
        # Keyed by group, then id (slips: by event): whole groups are read
        # and written back by their key. Asking by id alone would read the
        # whole table once for every chunk of ids.
        _rewrite(
            store,
            table=spec.name,
            key=spec.group_column,
            columns=columns,
            ids=sorted(groups),
            order=(spec.group_column, "id"),
        )
        if loose:
            _rewrite(store, table=spec.name, key="id", columns=columns, ids=sorted(loose))
    else:
        _rewrite(store, table=spec.name, key="id", columns=columns, ids=ordered)
    store.flush_log()
    _rewrite(
        store,
        table="changes",
        key="row_id",
        columns=_columns(store, "changes"),
        ids=sorted(encode_id(row_id) for row_id in ordered),
        where=f"tbl = {int(TABLE_CODES[spec.name])}",
        order=("row_id", "stamp", "node", "field"),
    )


def _columns(store: Store, table: str) -> tuple[str, ...]:
    return tuple(row[1] for row in store.conn.execute(f"PRAGMA table_info({table})"))


def _rewrite(
    store: Store,
    *,
    table: str,
    key: str,
    columns: tuple[str, ...],
    ids: list[str],
    where: str = "1",
    order: tuple[str, ...] = ("id",),
) -> None:
    """Delete the rows whose `key` is in `ids` and insert them again in `order`."""
    column_list = ", ".join(columns)
    rows = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" for _id in chunk)
        rows += store.conn.execute(
            f"SELECT {column_list} FROM {table} WHERE {where} AND {key} IN ({marks})", chunk
        ).fetchall()
        store.conn.execute(f"DELETE FROM {table} WHERE {where} AND {key} IN ({marks})", chunk)
    positions = [columns.index(name) for name in order]
    # Ids that are not UUIDs stay text in the log; never compare text with bytes.
    rows.sort(
        key=lambda row: [(isinstance(row[position], str), row[position]) for position in positions]
    )
    store.conn.executemany(
        f"INSERT INTO {table} ({column_list}) VALUES ({', '.join('?' for _c in columns)})", rows
    )
