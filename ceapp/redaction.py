"""The change log keeps a person's details only while they are current.

Personal columns (schema.TableSpec.personal: a group contact's name, email
and phone; a register entry's name and contact) are blanked to null in every
op of a row that no longer decides the row's value: the create op once a
later op sets the field, an earlier set op likewise, and every op of a
deleted row. Such ops are marked `redacted = 1` and keep their op id, so a
laptop that already has the op recognises it, and one that has the full
value redacts it too, because the same rule runs after every write and
every merge: erasure travels with sync without a separate message. Replaying
a row gives the same result before and after redaction, since only values
that lose are blanked. See docs/architecture.md, "Erasure".
"""

from __future__ import annotations

import json

from ceapp.ops import CREATE, DELETE, SET, canonical_json
from ceapp.schema import TableSpec
from ceapp.store import Store


def redact_superseded(store: Store, spec: TableSpec, row_id: str) -> int:
    """Blank the row's personal values that no longer count; returns ops changed."""
    if not spec.personal:
        return 0
    ops = store.conn.execute(
        "SELECT op_id, kind, field, value FROM changes WHERE tbl = ? AND row_id = ?"
        " ORDER BY stamp, op_id",
        (spec.name, row_id),
    ).fetchall()
    deleted = any(kind == DELETE for _op, kind, _field, _value in ops)
    # Replay (changes.replay) lets a set win over the create whatever their
    # order, and the last set win over earlier ones.
    winner: dict[str, str] = {}
    for op, kind, _field, _value in ops:
        if kind == CREATE:
            for name in spec.personal:
                winner.setdefault(name, op)
    for op, kind, field, _value in ops:
        if kind == SET and field in spec.personal:
            winner[field] = op
    changed = 0
    for op, kind, field, value in ops:
        blanked = None
        if kind == CREATE:
            record = json.loads(value)
            losing = [
                name
                for name in spec.personal
                if record.get(name) is not None and (deleted or winner.get(name) != op)
            ]
            if losing:
                record.update(dict.fromkeys(losing))
                blanked = canonical_json(record)
        elif (
            kind == SET
            and field in spec.personal
            and value != "null"
            and (deleted or winner.get(field) != op)
        ):
            blanked = "null"
        if blanked is not None:
            store.conn.execute(
                "UPDATE changes SET value = ?, redacted = 1 WHERE op_id = ?", (blanked, op)
            )
            changed += 1
    if changed:
        # The blanked values must not stay in the -wal file either.
        store.want_checkpoint()
    return changed
