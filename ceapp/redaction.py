"""The change log keeps a person's details only while they are current.

Personal columns (schema.TableSpec.personal: a group contact's name, email
and phone; a register entry's name and contact) are blanked to null in every
op of a row that no longer decides the row's value: the create op once a
later op sets the field, an earlier set op likewise, and every op of a
deleted row. Such ops are marked `redacted = 1` and keep their key, so a
laptop that already has the op recognises it, and one that has the full
value redacts it too, because the same rule runs after every write and
every merge: erasure travels with sync without a separate message. Replaying
a row gives the same result before and after redaction, since only values
that lose are blanked. See docs/architecture.md, "Erasure".
"""

from __future__ import annotations

from ceapp.log_encoding import CREATE_FIELD, DELETE_FIELD, decode_create, encode_create, encode_id
from ceapp.schema import TABLE_CODES, TableSpec
from ceapp.store import Store


def redact_superseded(store: Store, spec: TableSpec, row_id: str) -> int:
    """Blank the row's personal values that no longer count; returns ops changed."""
    if not spec.personal:
        return 0
    store.flush_log()
    key = (TABLE_CODES[spec.name], encode_id(row_id))
    ops = store.conn.execute(
        "SELECT stamp, node, field, value FROM changes WHERE tbl = ? AND row_id = ?"
        " ORDER BY stamp, node, field",
        key,
    ).fetchall()
    deleted = any(field == DELETE_FIELD for _s, _n, field, _v in ops)
    personal = {spec.columns.index(name): name for name in spec.personal}
    # Replay (changes.replay) lets an edit win over the create whatever their
    # order, and the last edit win over earlier ones.
    winner: dict[str, tuple] = {}
    for stamp, node, field, _value in ops:
        if field == CREATE_FIELD:
            for name in spec.personal:
                winner.setdefault(name, (stamp, node, field))
    for stamp, node, field, _value in ops:
        if field in personal:
            winner[personal[field]] = (stamp, node, field)
    changed = 0
    for stamp, node, field, value in ops:
        op = (stamp, node, field)
        blanked = None
        if field == CREATE_FIELD:
            record = decode_create(spec, value)
            losing = [
                name
                for name in spec.personal
                if record.get(name) is not None and (deleted or winner.get(name) != op)
            ]
            if losing:
                record.update(dict.fromkeys(losing))
                blanked = encode_create(spec, record)
        elif (
            field in personal and value != "null" and (deleted or winner.get(personal[field]) != op)
        ):
            blanked = "null"
        if blanked is not None:
            store.conn.execute(
                "UPDATE changes SET value = ?, redacted = 1"
                " WHERE tbl = ? AND row_id = ? AND stamp = ? AND node = ? AND field = ?",
                (blanked, *key, stamp, node, field),
            )
            changed += 1
    if changed:
        # The blanked values must not stay in the -wal file either.
        store.want_checkpoint()
    return changed
