"""Conflicts: two edits of one field made without either seeing the other.

Every set op names the op whose value it replaced (its base), and a
laptop's later edit always saw its own earlier ones. An edit that no other
edit of the same field replaced is a head; a field with two or more heads
was edited concurrently. The newest head is the value in force (the merge
rule), and each other head is a conflict, kept until someone resolves it.
Because this is worked out from the ops alone, every laptop that holds the
same ops sees the same conflicts. See docs/architecture.md, "Sync".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from ceapp import changes
from ceapp.changes import HEADS
from ceapp.errors import NotFoundError, ValidationError
from ceapp.i18n import _
from ceapp.log_encoding import decode_id, encode_id
from ceapp.schema import TABLE_CODES, TABLE_NAMES, TABLES
from ceapp.store import Store
from ceapp.validation import excerpt

ID_LENGTH = 12
KEEP_CURRENT, KEEP_OTHER = "current", "other"


@dataclass(frozen=True)
class Conflict:
    id: str
    table: str
    row_id: str
    field: str
    current_value: object
    other_value: object
    other_erased: bool
    current_node: int
    other_node: int
    heads: tuple[tuple[int, int], ...]


def _heads(store: Store, where: str = "", params: tuple = ()) -> dict[tuple, list[tuple]]:
    store.flush_log()
    grouped: dict[tuple, list[tuple]] = {}
    for row in store.conn.execute(HEADS.format(where=where), params):
        grouped.setdefault((row[0], row[1], row[2]), []).append(row)
    return grouped


def conflict_id(table: str, row_id: str, field: str, stamp: int, node: int) -> str:
    """A short id for a losing edit, the same on every laptop."""
    text = f"{table}:{row_id}:{field}:{stamp}:{node}"
    return hashlib.sha256(text.encode()).hexdigest()[:ID_LENGTH]


def _conflicts_in(store: Store, grouped: dict[tuple, list[tuple]]) -> list[Conflict]:
    found = []
    for (code, stored_id, field_code), heads in sorted(grouped.items(), key=repr):
        table = TABLE_NAMES.get(code)
        if len(heads) < 2 or table is None:
            continue
        spec = TABLES[table]
        row_id = decode_id(stored_id)
        where, params = changes.locate(store, spec, row_id)
        if not store.conn.execute(f"SELECT 1 FROM {table} WHERE {where}", params).fetchone():
            continue  # deleted: a delete is final, and there is nothing to choose
        field = spec.columns[field_code]
        # The same order as replay: the last head is the value in force.
        heads.sort(key=lambda head: (head[3], head[4]))
        winner = heads[-1]
        pairs = tuple((head[3], head[4]) for head in heads)
        for loser in heads[:-1]:
            if loser[5] == winner[5]:
                continue  # both laptops made the same change: nothing to choose
            found.append(
                Conflict(
                    id=conflict_id(table, row_id, field, loser[3], loser[4]),
                    table=table,
                    row_id=row_id,
                    field=field,
                    current_value=json.loads(winner[5]),
                    other_value=json.loads(loser[5]),
                    other_erased=bool(loser[6]),
                    current_node=winner[4],
                    other_node=loser[4],
                    heads=pairs,
                )
            )
    found.sort(key=lambda conflict: (conflict.table, conflict.row_id, conflict.field, conflict.id))
    return found


def list_conflicts(store: Store) -> list[Conflict]:
    """Every unresolved conflict, in table, record and field order."""
    return _conflicts_in(store, _heads(store))


def count_for_rows(store: Store, rows: Iterable[tuple[str, str]]) -> int:
    total = 0
    for table, row_id in rows:
        grouped = _heads(
            store, "AND c.tbl = ? AND c.row_id = ?", (TABLE_CODES[table], encode_id(row_id))
        )
        total += len(_conflicts_in(store, grouped))
    return total


def find(store: Store, conflict_id: str) -> Conflict:
    wanted = (conflict_id or "").strip().lower()
    matches = [c for c in list_conflicts(store) if wanted and c.id.startswith(wanted)]
    if not matches:
        raise NotFoundError(
            _(
                "There is no open conflict {id}; `ceapp sync conflicts list` shows the open ones."
            ).format(id=excerpt(conflict_id))
        )
    if len(matches) > 1:
        raise ValidationError(
            "id",
            _("{id} matches more than one conflict; give more of its id.").format(
                id=excerpt(conflict_id)
            ),
        )
    return matches[0]


def resolve(store: Store, conflict_id: str, *, keep: str) -> Conflict:
    """Settle a conflict by keeping the value in force or the other one."""
    if keep not in (KEEP_CURRENT, KEEP_OTHER):
        raise ValidationError("keep", _("Say which value to keep: --keep current or --keep other."))
    with store.transaction():
        conflict = find(store, conflict_id)
        if keep == KEEP_OTHER and conflict.other_erased:
            raise ValidationError(
                "keep",
                _(
                    "The other value was erased (the person's details were removed), so it "
                    "cannot be restored; keep the current value or type a new one."
                ),
            )
        value = conflict.current_value if keep == KEEP_CURRENT else conflict.other_value
        changes.settle_field(
            store,
            conflict.table,
            conflict.row_id,
            field=conflict.field,
            value=value,
            replaces=conflict.heads,
        )
    return conflict
