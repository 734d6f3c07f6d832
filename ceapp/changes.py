"""The one write path: every change to a record table goes through here.

Each call writes the record and appends its op(s) to the `changes` log in
the same transaction, so the log and the tables cannot disagree. An op says
which table and row, what kind of change (create, set one field, delete),
the new value, a hybrid-clock stamp and this installation's node id; those
together are its key, so the same op arriving twice (sync) is one op. How
ops are stored is in log_encoding.py. Log rows are buffered and written
with one executemany (Store.flush_log) before anything reads the log.

Replaying a row's ops in stamp order gives the row: that is how sync
merges (highest stamp wins each field; a delete is final), and how `check`
proves nothing bypassed the log.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from json.encoder import encode_basestring

from ceapp import anonymity, redaction
from ceapp.errors import NotFoundError
from ceapp.i18n import _
from ceapp.log_encoding import (
    CREATE_FIELD,
    DELETE_FIELD,
    base_text,
    create_values,
    decode_create,
    encode_id,
    kind_and_field,
    node_value,
    stamp_value,
)
from ceapp.ops import canonical_json
from ceapp.schema import CASCADE as CASCADE_DELETE
from ceapp.schema import TABLE_CODES, TableSpec, children_of, spec_for
from ceapp.store import Store

_id_source: Callable[[], uuid.UUID | str] = uuid.uuid4


def new_id() -> str:
    """A random (version 4) UUID: no time or machine inside it."""
    return str(_id_source())


# What uuid.UUID(int=bits, version=4) sets: the variant's two bits and the
# version's four. The demo draws ~20 ids per event, and spelling them out
# here takes a third of the time a UUID object does.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def _uuid4_text(bits: int) -> str:
    digits = f"{(bits & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


@contextmanager
def seeded_ids(rng: random.Random) -> Iterator[None]:
    """Draw ids from `rng` instead of the system's randomness, for repeatable demo data.

    The ids are still version-4 UUIDs spread at random, so they order nothing.
    """
    global _id_source
    previous = _id_source
    _id_source = lambda: _uuid4_text(rng.getrandbits(128))  # noqa: E731
    try:
        yield
    finally:
        _id_source = previous


def _stamp(store: Store, spec: TableSpec) -> int:
    """A new op's stamp; anonymous rows get none (docs/architecture.md, "Anonymity")."""
    if spec.anonymous:
        return 0
    return stamp_value(*store.clock.tick_parts())


def _log(
    store: Store,
    *,
    spec: TableSpec,
    row_id: str,
    field: int,
    value_json: str | None,
    stamp: int,
    base: str | None = None,
) -> None:
    store.log_buffer.append(
        (
            TABLE_CODES[spec.name],
            encode_id(row_id),
            stamp,
            node_value(store.node),
            field,
            value_json,
            0,
            base,
        )
    )


# An edit of a field stands until a later edit of it replaced it: one from
# the same laptop (which saw it) or one that names it in its base. Those
# left standing are the field's heads; more than one means a conflict.
HEADS = """
SELECT c.tbl, c.row_id, c.field, c.stamp, c.node, c.value, c.redacted
FROM changes c
WHERE c.field >= 0 {where}
AND NOT EXISTS (
    SELECT 1 FROM changes d
    WHERE d.tbl = c.tbl AND d.row_id = c.row_id AND d.field = c.field
    AND NOT (d.stamp = c.stamp AND d.node = c.node)
    AND ((d.node = c.node AND d.stamp > c.stamp)
         OR instr(d.base, ',' || c.stamp || ':' || c.node || ',') > 0)
)
"""


def current_ops(store: Store, table: str, row_id: str, field: str) -> list[tuple[int, int]]:
    """(stamp, node) of every op the field's value stands on: its heads, else the create.

    A new edit names them all as its base: it is the newest word on the
    field, so it settles any conflict there (the person saw the value in
    force and chose another). A merge can then tell an edit that replaced
    another from two made without seeing each other.
    """
    store.flush_log()
    spec = spec_for(table)
    key = (TABLE_CODES[spec.name], encode_id(row_id))
    heads = store.conn.execute(
        HEADS.format(where="AND c.tbl = ? AND c.row_id = ? AND c.field = ?"),
        (*key, spec.columns.index(field)),
    ).fetchall()
    if heads:
        return [(head[3], head[4]) for head in heads]
    return [
        tuple(found)
        for found in store.conn.execute(
            "SELECT stamp, node FROM changes WHERE tbl = ? AND row_id = ? AND field = ?",
            (*key, CREATE_FIELD),
        )
    ]


def row_ops(store: Store, spec: TableSpec, row_id: str) -> list[tuple[int, str | None]]:
    """A record's ops as stored (field code, value), in the order replay folds them."""
    store.flush_log()
    return store.conn.execute(
        "SELECT field, value FROM changes WHERE tbl = ? AND row_id = ? ORDER BY stamp, node, field",
        (TABLE_CODES[spec.name], encode_id(row_id)),
    ).fetchall()


def to_column(spec: TableSpec, column: str, value):
    """An op value as stored in the table (lists and mappings become JSON text)."""
    if column in spec.json_columns:
        return canonical_json(value)
    return value


def from_column(spec: TableSpec, column: str, value):
    if column in spec.json_columns and isinstance(value, str):
        return json.loads(value)
    return value


def _check_columns(spec: TableSpec, fields: Mapping, *, complete: bool = False) -> None:
    if complete and fields.keys() == _column_set(spec):
        return
    unknown = set(fields) - set(spec.columns)
    if unknown:
        raise ValueError(f"{spec.name} has no column(s) {sorted(unknown)}")
    # A create op must carry every column so that replaying it alone gives
    # the row exactly, whatever defaults a later schema might add.
    missing = set(spec.columns) - set(fields) if complete else set()
    if missing:
        raise ValueError(f"creating a {spec.name} row needs column(s) {sorted(missing)}")


def _normalise(value):
    kind = type(value)
    if kind is str or value is None:
        return value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, bool):
        return int(value)
    return value


# Keyed by table name: hashing a TableSpec (a frozen dataclass) hashes all
# its fields, which costs more than what these caches save.
_COLUMN_SETS: dict[str, frozenset[str]] = {}
_JSON_PLACES: dict[str, tuple[int, ...]] = {}


def _column_set(spec: TableSpec) -> frozenset[str]:
    found = _COLUMN_SETS.get(spec.name)
    if found is None:
        found = _COLUMN_SETS[spec.name] = frozenset(spec.columns)
    return found


def _json_places(spec: TableSpec) -> tuple[int, ...]:
    """The place in a table row of each JSON column: what to_column encodes."""
    found = _JSON_PLACES.get(spec.name)
    if found is None:
        found = _JSON_PLACES[spec.name] = tuple(
            place
            for place, column in enumerate(spec.columns, start=1)
            if column in spec.json_columns
        )
    return found


@cache
def _insert_sql(spec: TableSpec) -> str:
    columns = ("id", *spec.columns)
    return (
        f"INSERT INTO {spec.name} ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _column in columns)})"
    )


# Values _normalise leaves as they are (bool, a subclass of int, is not one
# of them): a row made only of these skips it, one set test instead of a
# call per column, which bulk writes make a million times.
_PLAIN_TYPES = frozenset({str, type(None), int, float, list, dict})


def _prepared(spec: TableSpec, fields: Mapping, row_id: str) -> tuple[dict, list]:
    """A new row's values as ops carry them, and the same row as the table stores it."""
    _check_columns(spec, fields, complete=True)
    plain = list(map(fields.__getitem__, spec.columns))
    if not set(map(type, plain)) <= _PLAIN_TYPES:
        plain = [_normalise(value) for value in plain]
    values = dict(zip(spec.columns, plain, strict=True))
    row = [row_id, *plain]
    for place in _json_places(spec):
        row[place] = canonical_json(row[place])
    return values, row


_TEXT_ONLY = {str}


def _create_json(spec: TableSpec, values: Mapping) -> str:
    """encode_create's text.

    A record of text only (a monitoring slip) is written string by string:
    each string's JSON is the same alone as inside the list, and skipping
    the encoder's set-up for every call counts when bulk writes make half
    a million of them.
    """
    ordered = list(map(values.__getitem__, spec.columns))
    if set(map(type, ordered)) == _TEXT_ONLY:
        return "[" + ",".join(map(encode_basestring, ordered)) + "]"
    return canonical_json(ordered)


def _log_create(store: Store, spec: TableSpec, row_id: str, values: dict) -> None:
    _log(
        store,
        spec=spec,
        row_id=row_id,
        field=CREATE_FIELD,
        value_json=_create_json(spec, values),
        stamp=_stamp(store, spec),
    )
    _after_write(store, spec, row_id, values)


def create(store: Store, table: str, fields: Mapping, *, row_id: str | None = None) -> str:
    """Insert a row and log one create op carrying all its fields; return its id."""
    store.require_transaction()
    spec = spec_for(table)
    values, row = _prepared(spec, fields, row_id or new_id())
    store.note_changed(spec.name)
    store.conn.execute(_insert_sql(spec), row)
    _log_create(store, spec, row[0], values)
    return row[0]


def create_many(
    store: Store, table: str, records: Sequence[Mapping], *, ids: Sequence[str] | None = None
) -> list[str]:
    """Insert many rows of one table with one statement, logging a create for each.

    The batched form of create() for bulk work (the demo): the rows are
    written with executemany and their ops join the log buffer. `ids`, when
    given, are the new rows' ids, one per record, drawn by a caller that
    must know them before the rows exist.
    """
    store.require_transaction()
    spec = spec_for(table)
    if ids is None:
        ids = [new_id() for _fields in records]
    prepared = [
        _prepared(spec, fields, row_id) for fields, row_id in zip(records, ids, strict=True)
    ]
    if prepared:
        store.note_changed(spec.name)
        if spec.anonymous and store.in_bulk:
            _hold(store, spec, prepared)
            return [row[0] for _values, row in prepared]
        store.conn.executemany(_insert_sql(spec), [row for _values, row in prepared])
    # _log_create's work, with what every op of the batch shares looked up once.
    code, node = TABLE_CODES[spec.name], node_value(store.node)
    for values, row in prepared:
        value = _create_json(spec, values)
        store.log_buffer.append(
            (code, encode_id(row[0]), _stamp(store, spec), node, CREATE_FIELD, value, 0, None)
        )
        _after_write(store, spec, row[0], values)
    return [row[0] for _values, row in prepared]


def _hold(store: Store, spec: TableSpec, prepared: list[tuple[dict, list]]) -> None:
    """Keep anonymous rows and their log rows back until write_held_rows (before commit).

    Written then, all at once in key order (slips: by event, then id),
    they go into a table that held none of them already laid out as
    settling would leave them (docs/architecture.md, "Anonymity"): nothing
    to delete and write again.
    """
    rows, ops = store.held_rows.setdefault(spec.name, ([], []))
    # What every create op of the batch shares; anonymous stamps are all the same.
    code, node, stamp = TABLE_CODES[spec.name], node_value(store.node), _stamp(store, spec)
    for values, row in prepared:
        rows.append(row)
        value = _create_json(spec, values)
        ops.append((code, encode_id(row[0]), stamp, node, CREATE_FIELD, value, 0, None))
    store.before_commit(("held", spec.name), lambda: write_held_rows(store))
    store.want_checkpoint()


def write_held_rows(store: Store) -> None:
    """Write the anonymous rows bulk() held back, in key order, with their log rows.

    Until this runs (before commit at the latest) they are not in their
    table: the bulk writer calls it before reading the table.
    """
    while store.held_rows:
        name, (rows, ops) = store.held_rows.popitem()
        spec = spec_for(name)
        store.flush_log()
        empty = not store.conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() and not (
            store.conn.execute(
                "SELECT 1 FROM changes WHERE tbl = ? LIMIT 1", (TABLE_CODES[name],)
            ).fetchone()
        )
        if spec.key_prefix is not None:
            # In key order (slips: by event, then id): each row goes in after
            # the last, so pages fill up, where id order alone would split
            # pages all over the table and leave them part empty.
            prefix = spec.columns.index(spec.key_prefix) + 1
            rows.sort(key=lambda row: (str(row[prefix]), row[0]))
        else:
            rows.sort(key=lambda row: row[0])
        # Into an empty table, its indexes are built afresh after the rows:
        # sorted once and packed full, where inserting row by row would
        # scatter entries keyed by event over pages left part empty. They
        # come out in key order, as the rows do.
        indexes = (
            store.conn.execute(
                "SELECT name, sql FROM sqlite_schema"
                " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (name,),
            ).fetchall()
            if empty
            else []
        )
        for index, _sql in indexes:
            store.conn.execute(f'DROP INDEX "{index}"')
        store.conn.executemany(_insert_sql(spec), rows)
        for _index, sql in indexes:
            store.conn.execute(sql)
        # Buffered like any op (the demo gathers them with the rest of its
        # log), but in id order already (text ids sort before UUID bytes, as
        # in SQLite): wherever they are put next, never in the order made.
        ops.sort(key=lambda op: (isinstance(op[1], bytes), op[1]))
        store.log_buffer.extend(ops)
        store.want_checkpoint()
        if not empty:
            # Rows already there sit among these: settle them as any write would.
            for row in rows:
                _after_write(
                    store, spec, row[0], dict(zip(("id", *spec.columns), row, strict=True))
                )


def create_edited(
    store: Store, table: str, initial: Mapping, edits: Sequence[Mapping], *, row_id: str
) -> list[dict]:
    """Create a row, then edit it, logging exactly what create() then update() per edit would.

    For a record made and edited in one bulk write (the demo's issues): the
    row is inserted once, as it stands after the edits, and nothing is read
    back. Each edit's ops name as their base the op that last set the field
    (else the create), which is what current_ops finds for a record only this
    laptop has touched. Returns, per edit, the fields that really changed.
    """
    store.require_transaction()
    spec = spec_for(table)
    values, _row = _prepared(spec, initial, row_id)
    node = node_value(store.node)
    created = _stamp(store, spec)
    _log(
        store,
        spec=spec,
        row_id=row_id,
        field=CREATE_FIELD,
        value_json=_create_json(spec, values),
        stamp=created,
    )
    setters: dict[str, tuple[int, int]] = {}
    changed_by_edit = []
    for fields in edits:
        _check_columns(spec, fields)
        changed = {}
        for column, value in fields.items():
            value = _normalise(value)
            if values[column] != value:
                changed[column] = value
        changed_by_edit.append(changed)
        if not changed:
            continue
        stamp = _stamp(store, spec)
        _log_edits(
            store,
            spec,
            row_id,
            changed,
            stamp=stamp,
            base_of=lambda column: base_text([setters.get(column, (created, node))]),
        )
        setters.update(dict.fromkeys(changed, (stamp, node)))
        values.update(changed)
    store.note_changed(spec.name)
    store.conn.execute(
        _insert_sql(spec), [row_id, *(to_column(spec, column, values[column]) for column in values)]
    )
    _after_write(store, spec, row_id, values)
    if spec.personal & set(setters):
        redaction.redact_superseded(store, spec, row_id)
    return changed_by_edit


def key_prefixes(spec: TableSpec, ops: Iterable[tuple[int, str | None]]) -> list:
    """Each value a record's ops gave its table's key prefix, newest last, a delete aside.

    `ops` as replay takes them. Undecodable ops are skipped: `ceapp check`
    reports them, and a record found under none of the values is not found.
    """
    column = spec.key_prefix
    if column is None:
        return []
    place = spec.columns.index(column)
    found: list = []
    for code, value in ops:
        try:
            if code == CREATE_FIELD:
                found.append(create_values(spec, value)[place])
            elif code == place:
                found.append(json.loads(value))
        except (ValueError, TypeError, KeyError):
            continue
    return list(dict.fromkeys(reversed(found)))[::-1]


def locate(
    store: Store,
    spec: TableSpec,
    row_id: str,
    *,
    known: Mapping | None = None,
    ops: Iterable[tuple[int, str | None]] | None = None,
) -> tuple[str, tuple]:
    """The WHERE clause, and its parameters, that find a record by its table's key.

    A table whose key starts with another column (spec.key_prefix) has no
    index on id alone, so the prefix's value comes from `known` (the row or
    what the caller knows of it), else from the record's ops in the log,
    trying each value they ever gave it, newest first, should one have moved.
    """
    column = spec.key_prefix
    if column is None:
        return "id = ?", (row_id,)
    where = f"{column} = ? AND id = ?"
    if known is not None and column in known:
        return where, (known[column], row_id)
    values = key_prefixes(spec, row_ops(store, spec, row_id) if ops is None else ops)
    if len(values) > 1:
        probe = f"SELECT 1 FROM {spec.name} WHERE {where}"
        for value in reversed(values):
            if store.conn.execute(probe, (value, row_id)).fetchone():
                return where, (value, row_id)
    return where, (values[-1] if values else None, row_id)


def _read(store: Store, spec: TableSpec, row_id: str, where: str, params: tuple) -> dict:
    rows = store.query(f"SELECT * FROM {spec.name} WHERE {where}", params)
    if not rows:
        raise NotFoundError(
            _("No record with id {id} in {table}.").format(id=row_id, table=spec.name)
        )
    return {column: from_column(spec, column, value) for column, value in rows[0].items()}


def read(store: Store, table: str, row_id: str, *, known: Mapping | None = None) -> dict:
    """The row as a dict with JSON columns decoded; NotFoundError if absent.

    `known`: what the caller knows of the row's columns, which locate() uses.
    """
    spec = spec_for(table)
    return _read(store, spec, row_id, *locate(store, spec, row_id, known=known))


def _log_edits(
    store: Store,
    spec: TableSpec,
    row_id: str,
    changed: dict,
    *,
    stamp: int,
    base_of: Callable[[str], str | None],
) -> None:
    """One log row per changed column, all at one stamp; `base_of` names what each replaced."""
    for column, value in sorted(changed.items()):
        _log(
            store,
            spec=spec,
            row_id=row_id,
            field=spec.columns.index(column),
            value_json=canonical_json(value),
            stamp=stamp,
            base=base_of(column),
        )


def update(store: Store, table: str, row_id: str, fields: Mapping) -> dict:
    """Set fields on a row, logging one op per field that really changes.

    Returns {field: new value} for the fields that changed.
    """
    store.require_transaction()
    spec = spec_for(table)
    _check_columns(spec, fields)
    where, params = locate(store, spec, row_id)
    current = _read(store, spec, row_id, where, params)
    changed = {}
    for column, value in fields.items():
        value = _normalise(value)
        if current[column] != value:
            changed[column] = value
    if not changed:
        return {}
    store.note_changed(spec.name)
    assignments = ", ".join(f"{column} = ?" for column in changed)
    store.conn.execute(
        f"UPDATE {spec.name} SET {assignments} WHERE {where}",
        [*(to_column(spec, column, value) for column, value in changed.items()), *params],
    )
    _log_edits(
        store,
        spec,
        row_id,
        changed,
        stamp=_stamp(store, spec),
        base_of=lambda column: base_text(current_ops(store, spec.name, row_id, column)),
    )
    _after_write(store, spec, row_id, {**current, **changed})
    if spec.personal & set(changed):
        redaction.redact_superseded(store, spec, row_id)
    return changed


def settle_field(
    store: Store,
    table: str,
    row_id: str,
    *,
    field: str,
    value,
    replaces: Iterable[tuple[int, int]],
) -> None:
    """Set a field to `value` as an edit that replaces every op in `replaces`.

    This is how a conflict is resolved: the new op names both competing
    edits as its base, so neither is left standing beside it on any laptop.
    It is logged even when the value does not change.
    """
    store.require_transaction()
    spec = spec_for(table)
    _check_columns(spec, {field: value})
    where, params = locate(store, spec, row_id)
    _read(store, spec, row_id, where, params)
    value = _normalise(value)
    store.note_changed(spec.name)
    store.conn.execute(
        f"UPDATE {spec.name} SET {field} = ? WHERE {where}",
        (to_column(spec, field, value), *params),
    )
    _log(
        store,
        spec=spec,
        row_id=row_id,
        field=spec.columns.index(field),
        value_json=canonical_json(value),
        stamp=_stamp(store, spec),
        base=base_text(replaces),
    )
    if field in spec.personal:
        redaction.redact_superseded(store, spec, row_id)


def delete(store: Store, table: str, row_id: str, *, known: Mapping | None = None) -> int:
    """Delete a row, logging a tombstone; first deal with rows that point at it.

    Dependent rows are deleted too or have their link cleared, as the schema
    says (schema.CASCADE or DETACH). Returns how many rows were deleted.
    `known`: what the caller knows of the row's columns, which locate() uses.
    """
    store.require_transaction()
    spec = spec_for(table)
    where, params = locate(store, spec, row_id, known=known)
    row = _read(store, spec, row_id, where, params)  # NotFoundError before anything is touched
    if store.known_ids:
        store.known_ids.clear()
    removed = 0
    for child_spec, column, on_delete in children_of(spec.name):
        child_ids = [
            row[0]
            for row in store.conn.execute(
                f"SELECT id FROM {child_spec.name} WHERE {column} = ?", (row_id,)
            )
        ]
        for child_id in child_ids:
            if on_delete == CASCADE_DELETE:
                # The link is what a child's key may start with (a slip's event).
                removed += delete(store, child_spec.name, child_id, known={column: row_id})
            else:
                update(store, child_spec.name, child_id, {column: None})
    store.conn.execute(f"DELETE FROM {spec.name} WHERE {where}", params)
    store.note_changed(spec.name)
    _log(
        store,
        spec=spec,
        row_id=row_id,
        field=DELETE_FIELD,
        value_json=None,
        stamp=_stamp(store, spec),
    )
    _after_write(store, spec, row_id, row)
    redaction.redact_superseded(store, spec, row_id)
    return removed + 1


def _after_write(store: Store, spec: TableSpec, row_id: str, row: Mapping) -> None:
    if spec.anonymous:
        group = row.get(spec.group_column) if spec.group_column else None
        anonymity.note_anonymous_write(store, spec, row_id=row_id, group=group)


def expected_row(store: Store, spec: TableSpec, ops: Iterable[tuple]) -> dict | None:
    """What the table should hold for a record with these stored ops.

    Replay, then follow links as a delete made here would have: a record
    whose parent is gone is gone too if the link cascades, and loses the link
    if it detaches. A merge needs this when a parent was deleted on one
    laptop while another added to it (docs/architecture.md, "Sync").
    """
    row = replay(spec, ops)
    if row is None:
        return None
    for column, parent, how in spec.parents:
        link = row.get(column)
        if (
            link is not None
            and not store.conn.execute(f"SELECT 1 FROM {parent} WHERE id = ?", (link,)).fetchone()
        ):
            if how == CASCADE_DELETE:
                return None
            row[column] = None
    return row


def replay(spec: TableSpec, ops: Iterable[tuple[int, str | None]]) -> dict | None:
    """Fold one row's stored ops, given as (field code, value) in stamp order.

    Returns the row's column values as stored in the table, or None when the
    row is deleted or was never created. ValueError for an op no table has.
    """
    row: dict | None = None
    deleted = False
    pending_sets: dict = {}
    for code, value in ops:
        if code == DELETE_FIELD:
            deleted = True
        elif code == CREATE_FIELD:
            row = decode_create(spec, value)
            row.update(pending_sets)
        else:
            _kind, field = kind_and_field(spec, code)
            if row is None:
                # An edit stamped before its create can only come from clock
                # skew between laptops; keep it and apply it once the row exists.
                pending_sets[field] = json.loads(value)
            else:
                row[field] = json.loads(value)
    if deleted or row is None:
        return None
    return {column: to_column(spec, column, row[column]) for column in spec.columns}
