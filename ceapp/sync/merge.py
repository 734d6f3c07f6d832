"""Merging another laptop's ops into this database, inside the caller's transaction.

Insert each op we lack (its id makes a repeat one op), then rebuild every
record the new ops touch from all of its ops: replay in stamp order, so for
each field the newest edit wins and the node id breaks ties (it ends every
stamp); a delete is final. The result depends only on which ops a laptop
holds, never on the order bundles came in, which is what makes any set of
bundles in any order end in the same fingerprint. See docs/architecture.md,
"Sync".

Links follow the same rule as a delete made here (schema parents): a record
whose parent was deleted on another laptop is gone too when the link is a
cascade (a head count for a deleted event), or loses the link when it is
detached (an issue raised at it).

A first import brings a laptop's whole history, so the rule is applied in
bulk where the result is the same: ops of records this log has no op of go
straight into the log, and such records that arrive as one create, or whose
ops replay to a row from the bundle alone, are inserted in batches; only
records held here, and the few new ones that need the per-record rules
(erasure, slips' order, deletes), are rebuilt one by one from the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from itertools import chain
from operator import itemgetter

from ceapp import anonymity, redaction
from ceapp.changes import expected_row, from_column, locate, replay, row_ops
from ceapp.errors import BundleRefusedError, ImportCancelledError
from ceapp.i18n import _
from ceapp.log_encoding import (
    CREATE_FIELD,
    DELETE_FIELD,
    create_values,
    decode_create,
    decode_id,
    encode_create,
    encode_id,
    stamp_parts,
)
from ceapp.ops import CREATE
from ceapp.schema import CASCADE, TABLE_CODES, TABLE_NAMES, TABLES, TableSpec, children_of
from ceapp.store import Store
from ceapp.sync import conflicts, ops_check


def CANCELLED() -> str:  # noqa: N802 - reads as the message it is
    return _("Import cancelled: nothing was imported.")


COLUMNS = ("tbl", "row_id", "stamp", "node", "field", "value", "redacted", "base")
KEY = ("tbl", "row_id", "stamp", "node", "field")
CHUNK = 500


@dataclass
class MergeSummary:
    ops_received: int = 0
    ops_new: int = 0
    new_records: int = 0
    changed_fields: int = 0
    deleted_records: int = 0
    conflicts: int = 0
    erasures: int = 0
    edits_to_deleted: int = 0

    def add(self, other: MergeSummary) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def table_order() -> list[TableSpec]:
    """Record tables with every parent before its children."""
    ordered: list[TableSpec] = []
    placed: set[str] = set()
    pending = list(TABLES.values())
    while pending:
        for spec in pending:
            if all(parent in placed or parent == spec.name for _c, parent, _d in spec.parents):
                ordered.append(spec)
                placed.add(spec.name)
                pending.remove(spec)
                break
    return ordered


def check_references(store: Store, bundles) -> None:
    """Refuse links to a record neither the bundles nor this laptop has ever had.

    A laptop always sends what it links to along with the link (or knows the
    other side has it), so a dangling link means a damaged or forged bundle.
    A link to a record deleted since is fine: the delete decides.
    """
    parents = {TABLE_CODES[parent] for spec in TABLES.values() for _c, parent, _h in spec.parents}
    created = {
        (code, stored)
        for each in bundles
        for code, encoded, _rows in each.created
        if code in parents
        for stored in encoded
    }
    for each in bundles:
        for parent_code, link in sorted(each.links, key=repr):
            encoded = encode_id(link) if isinstance(link, str) else None
            if (parent_code, encoded) in created:
                continue
            if (
                encoded is None
                or not store.conn.execute(
                    "SELECT 1 FROM changes WHERE tbl = ? AND row_id = ? AND field = ? LIMIT 1",
                    (parent_code, encoded, CREATE_FIELD),
                ).fetchone()
            ):
                raise BundleRefusedError(
                    _(
                        "{path} links a record to one in the {table} table that neither it "
                        "nor this laptop has ({id}). It was altered or made by another "
                        "program: ask the sender to export it again."
                    ).format(path=each.path, table=TABLE_NAMES[parent_code], id=str(link)[:40])
                )


def merge(
    store: Store,
    ops: list[tuple],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    source: str = "",
    created: list | None = None,
) -> MergeSummary:
    """Merge checked ops (as ops_check gives them) into the open transaction.

    `source` names the bundle in refusals; `created` is the checker's
    batches of creates: (table code, ids as stored, [id, stamp, node,
    redacted, value, ...] in column order), all of them among `ops`.
    """
    store.require_transaction()
    store.flush_log()
    conn = store.conn
    summary = MergeSummary(ops_received=len(ops))
    # Rows are rebuilt table by table; links are checked at commit.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    ops, dropped = _without_held_slips(store, ops)
    # Ops of records this log has no op of at all are all new here, and
    # nothing here can clash with them: they go straight into the log. Only
    # the ops of records held here take the way through `incoming` below.
    held = _held_records(store, ops)
    if held:
        new_ops = [op for op in ops if op[:2] not in held]
        ops = [op for op in ops if op[:2] in held]
    else:
        new_ops, ops = ops, []
    # The creates of `created` that are not among `new_ops` are those of
    # records held here, or dropped as held slips.
    fresh, new_rows, new_edited = _sort_new(store, new_ops, created, held | dropped, summary)
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS incoming ("
        " tbl INTEGER, row_id BLOB, stamp INTEGER, node INTEGER, field INTEGER,"
        " value TEXT, redacted INTEGER, base TEXT,"
        " PRIMARY KEY (tbl, row_id, stamp, node, field)) WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.incoming")
    columns = ", ".join(COLUMNS)
    conn.executemany(
        f"INSERT INTO temp.incoming ({columns}) VALUES ({', '.join('?' for _c in COLUMNS)})", ops
    )
    same_op = " AND ".join(f"c.{name} = i.{name}" for name in KEY)
    clash = conn.execute(
        f"SELECT i.tbl, i.row_id FROM temp.incoming i JOIN main.changes c ON {same_op}"
        " WHERE c.value IS NOT i.value AND c.redacted = 0 AND i.redacted = 0 LIMIT 1"
    ).fetchone()
    if clash:
        raise BundleRefusedError(
            _(
                "{path} holds a change to {table} {id} that this laptop already has with "
                "different content. It was altered or made by another program: ask the sender "
                "to export it again."
            ).format(path=source, table=TABLE_NAMES.get(clash[0], "?"), id=decode_id(clash[1]))
        )
    affected: dict[str, set[str]] = {}
    # Erasure travels: an op we hold in full that arrives blanked is blanked here.
    erased = conn.execute(
        f"SELECT i.tbl, i.row_id, i.stamp, i.node, i.field, i.value, c.value"
        f" FROM temp.incoming i JOIN main.changes c ON {same_op}"
        " WHERE i.redacted = 1 AND c.redacted = 0"
    ).fetchall()
    for code, row_id, stamp, node, field_code, value, ours in erased:
        spec = TABLES[TABLE_NAMES[code]]
        conn.execute(
            "UPDATE main.changes SET value = ?, redacted = 1"
            " WHERE tbl = ? AND row_id = ? AND stamp = ? AND node = ? AND field = ?",
            (
                _blanked(spec, field_code, ours=ours, theirs=value, source=source),
                code,
                row_id,
                stamp,
                node,
                field_code,
            ),
        )
        affected.setdefault(spec.name, set()).add(decode_id(row_id))
    summary.erasures += len(erased)
    # From here on `incoming` holds only the ops this laptop lacks.
    in_incoming = " AND ".join(f"c.{name} = incoming.{name}" for name in KEY)
    conn.execute(
        f"DELETE FROM temp.incoming WHERE EXISTS (SELECT 1 FROM main.changes c WHERE {in_incoming})"
    )
    new_rows.extend(conn.execute("SELECT DISTINCT tbl, row_id FROM temp.incoming"))
    edited_rows = new_edited | {
        (TABLE_NAMES[code], decode_id(row_id))
        for code, row_id in conn.execute(
            "SELECT DISTINCT tbl, row_id FROM temp.incoming WHERE field >= 0"
        )
    }
    # Only a record this laptop already had ops for can have had a conflict.
    held_edited = edited_rows - new_edited
    newest = max(map(itemgetter(2), chain(ops, new_ops)), default=0)
    conflicts_before = conflicts.count_for_rows(store, held_edited)
    before = conn.total_changes
    conn.execute(f"INSERT INTO main.changes ({columns}) SELECT {columns} FROM temp.incoming")
    summary.ops_new += conn.total_changes - before
    summary.edits_to_deleted += conn.execute(
        "SELECT count(*) FROM temp.incoming i WHERE i.field >= 0 AND EXISTS ("
        "SELECT 1 FROM main.changes d WHERE d.tbl = i.tbl AND d.row_id = i.row_id"
        " AND d.field = ?)",
        (DELETE_FIELD,),
    ).fetchone()[0]
    conn.execute("DELETE FROM temp.incoming")
    # The records rebuilt from the log need their ops in it first; the rest
    # go in after the records, whose tables and indexes then have the page
    # cache to themselves (the log's pages are appended in key order).
    rebuilt = set(new_rows)
    rebuilt_codes = {code for code, _row_id in rebuilt}
    if rebuilt:
        _insert_ops(store, [op for op in new_ops if op[0] in rebuilt_codes and op[:2] in rebuilt])
    summary.ops_new += len(new_ops)
    for code, row_id in new_rows:
        affected.setdefault(TABLE_NAMES[code], set()).add(decode_id(row_id))
    if newest:
        _follow_clock(store, newest)
    total = sum(len(ids) for ids in affected.values()) + sum(len(rows) for rows in fresh.values())
    done = 0
    for spec in table_order():
        rows = fresh.get(TABLE_CODES[spec.name])
        if rows:
            if cancelled is not None and cancelled():
                raise ImportCancelledError(CANCELLED())
            _insert_new(store, spec, rows, summary, source)
            done += len(rows)
            if progress is not None:
                progress(done, total)
        row_ids = affected.get(spec.name)
        if not row_ids:
            continue
        for row_id in sorted(row_ids):
            if cancelled is not None and cancelled():
                raise ImportCancelledError(CANCELLED())
            gone = _rebuild(store, spec, row_id, summary, source)
            if gone:
                _affect_children(store, spec, row_id, affected)
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done, total)
        if spec.personal:
            for row_id in sorted(row_ids):
                summary.erasures += redaction.redact_superseded(store, spec, row_id)
    if cancelled is not None and cancelled():
        raise ImportCancelledError(CANCELLED())
    _insert_ops(
        store,
        [op for op in new_ops if op[0] not in rebuilt_codes or op[:2] not in rebuilt]
        if rebuilt
        else new_ops,
    )
    if progress is not None:
        progress(total, total)
    summary.conflicts = max(0, conflicts.count_for_rows(store, edited_rows) - conflicts_before)
    return summary


def _without_held_slips(store: Store, ops: list[tuple]) -> tuple[list[tuple], set]:
    """`ops` less the monitoring slips' ops this log holds exactly as they are, and their records.

    Slips have stamp 0, so no mark finds them held and every bundle carries
    every slip: without this, each import would compare all of them again in
    SQL. An op held with the same value and erasure mark changes nothing
    (no clash, nothing to blank), so dropping it here is what the merge
    would do anyway; one held with other content goes on, to be refused or
    to carry its erasure.
    """
    codes = {op[0] for op in ops if op[2] == 0}
    if not codes:
        return ops, set()
    held = {}
    for code in sorted(codes):
        held.update(
            ((code, row_id, 0, node, field), (value, redacted))
            for row_id, node, field, value, redacted in store.conn.execute(
                "SELECT row_id, node, field, value, redacted FROM main.changes"
                " WHERE tbl = ? AND stamp = 0",
                (code,),
            )
        )
    if not held:
        return ops, set()
    kept, dropped = [], set()
    for op in ops:
        if op[2] == 0 and held.get(op[:5]) == op[5:7]:
            dropped.add(op[:2])
        else:
            kept.append(op)
    return kept, dropped


def _insert_ops(store: Store, ops: list[tuple]) -> None:
    """Append ops no record here has to the log, in its key order.

    In the log's key order (text ids before UUIDs, as SQLite orders them),
    whatever order the bundle had: the file's layout never follows it.
    """
    try:
        # Keys are unique, so tuples compare by key alone.
        ops.sort()
    except TypeError:  # a table holding both UUIDs (bytes) and other ids (text)
        ops.sort(key=lambda op: (op[0], type(op[1]) is bytes, *op[1:5]))
    store.conn.executemany(
        f"INSERT INTO main.changes ({', '.join(COLUMNS)})"
        f" VALUES ({', '.join('?' for _c in COLUMNS)})",
        ops,
    )


def _held_records(store: Store, ops: list[tuple]) -> set[tuple[int, object]]:
    """(table code, stored id) of the records among `ops` this log holds any op of."""
    conn = store.conn
    if not ops or conn.execute("SELECT 1 FROM main.changes LIMIT 1").fetchone() is None:
        return set()
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS incoming_records ("
        " tbl INTEGER, row_id BLOB, PRIMARY KEY (tbl, row_id)) WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.incoming_records")
    conn.executemany(
        "INSERT OR IGNORE INTO temp.incoming_records (tbl, row_id) VALUES (?, ?)",
        {op[:2] for op in ops},
    )
    held = set(
        conn.execute(
            "SELECT r.tbl, r.row_id FROM temp.incoming_records r WHERE EXISTS ("
            "SELECT 1 FROM main.changes c WHERE c.tbl = r.tbl AND c.row_id = r.row_id)"
        )
    )
    conn.execute("DELETE FROM temp.incoming_records")
    return held


def _sort_new(
    store: Store, new_ops: list[tuple], created: list | None, skip: set, summary: MergeSummary
):
    """Sort the ops of records new to this log: (fresh, rebuilt, edited).

    `skip`: records whose creates in `created` are not among `new_ops`.
    fresh: {table code: [[id, stamp, node, redacted, value, ...]]}, the records that
    arrive as one create and nothing else (nearly all of a first import),
    and those whose ops replay to a row without reading the log (see
    _replayed); both are inserted in batches. rebuilt: (table code, stored
    id) of the other new records, rebuilt one by one from their ops.
    edited: (table, id) of those whose edits may conflict. Counts the edits
    of new records that a delete among their ops overrides.
    """
    if created is None:
        created = [
            (op[0], [op[1]], [_as_row(op[1], create_values(TABLES[TABLE_NAMES[op[0]]], op[5]))])
            for op in new_ops
            if op[4] == CREATE_FIELD
        ]
    # Edits and deletes are few beside creates: one pass picks them out.
    changed = [op for op in new_ops if op[4] != CREATE_FIELD]
    others = {op[:2] for op in changed}
    batches: dict[int, list] = {}
    for batch in created:
        batches.setdefault(batch[0], []).append(batch)
    for code, parts in batches.items():
        stored = [key for part in parts for key in part[1]]
        if len(set(stored)) != len(stored):
            # A record created twice (two laptops used one id): rebuilt from all its ops.
            once: set = set()
            for key in stored:
                if key in once:
                    others.add((code, key))
                once.add(key)
    skipped: dict[int, set] = {}
    for code, key in skip | others:
        skipped.setdefault(code, set()).add(key)
    fresh: dict[int, list[list]] = {}
    for code, parts in batches.items():
        rows = fresh.setdefault(code, [])
        leave = skipped.get(code)
        for _code, stored, part_rows in parts:
            if not leave:
                rows.extend(part_rows)
                continue
            rows.extend(row for key, row in zip(stored, part_rows, strict=True) if key not in leave)
    deleted = {op[:2] for op in changed if op[4] == DELETE_FIELD}
    summary.edits_to_deleted += sum(1 for op in changed if op[4] >= 0 and op[:2] in deleted)
    # A field's edits by one laptop leave one head (each replaced the one
    # before), so only a record edited on two laptops or more can hold a
    # conflict; all of a new record's ops are here.
    editors: dict[tuple, set] = {}
    for op in changed:
        if op[4] >= 0:
            editors.setdefault(op[:2], set()).add(op[3])
    edited = {
        (TABLE_NAMES[code], decode_id(row_id))
        for (code, row_id), nodes in editors.items()
        if len(nodes) > 1
    }
    rebuilt = _replayed(new_ops, others, fresh)
    return fresh, sorted(rebuilt, key=repr), edited


def _replayed(new_ops: list[tuple], others: set, fresh: dict) -> set:
    """Replay new records of plain tables (edited, but no one's details, not slips) into `fresh`.

    Their ops are all in this bundle, so `changes.replay` folds them here as
    it would from the log, and the batch insert applies the links rule as
    expected_row does. Records whose table holds personal details or is
    anonymous (the redaction and the id-order rules run per record), and
    deleted ones, are left to the rebuild, whose keys are returned.
    """
    plain = {
        TABLE_CODES[spec.name]
        for spec in TABLES.values()
        if not spec.personal and not spec.anonymous
    }
    codes = {code for code, _row_id in others} & plain
    grouped: dict[tuple, list] = {}
    for op in new_ops:
        if op[0] in codes and op[:2] in others:
            grouped.setdefault(op[:2], []).append(op)
    rest = {key for key in others if key not in grouped}
    for key, record_ops in grouped.items():
        code = key[0]
        spec = TABLES[TABLE_NAMES[code]]
        record_ops.sort(key=itemgetter(2, 3, 4))
        if any(op[4] == DELETE_FIELD for op in record_ops):
            rest.add(key)
            continue
        row = replay(spec, [(op[4], op[5]) for op in record_ops])
        if row is None:
            rest.add(key)
            continue
        values = [from_column(spec, column, row[column]) for column in spec.columns]
        fresh.setdefault(code, []).append(_as_row(key[1], values))
    return rest


def _as_row(stored_id, values: list) -> list:
    """A record made here as a block carries a create: [id, stamp, node, redacted, value, ...]."""
    return [decode_id(stored_id), None, None, None, *values]


def _blanked(spec: TableSpec, field_code: int, *, ours: str, theirs: str, source: str) -> str:
    """Our copy of an op with the personal values the sender erased blanked too.

    Only blanking travels: every other value must be exactly ours, or the
    "erasure" is really a rewrite and the bundle is refused.
    """
    if field_code != CREATE_FIELD:
        # ops_check lets an erased edit through only as a personal field set to null.
        return "null"
    mine, sent = decode_create(spec, ours), decode_create(spec, theirs)
    for column in spec.columns:
        erased = column in spec.personal and sent[column] is None
        if not erased and mine[column] != sent[column]:
            raise BundleRefusedError(
                _(
                    "{path} claims to erase details from a {table} record this laptop holds "
                    "but changes other details too, which erasure never does. It was altered "
                    "or made by another program: ask the sender to export it again."
                ).format(path=source, table=spec.name)
            )
        if erased:
            mine[column] = None
    return encode_create(spec, mine)


def _refuse_empty_required(spec: TableSpec, row: dict, source: str) -> None:
    """A record whose required detail was erased with nothing to replace it cannot be kept."""
    for column in spec.personal:
        if row.get(column) is None and not ops_check.may_be_null(spec.name, column):
            raise BundleRefusedError(
                _(
                    "{path} erases the {column} of a {table} record but neither deletes the "
                    "record nor gives a new {column}, which ceapp never does. It was altered "
                    "or made by another program: ask the sender to export it again."
                ).format(path=source, column=column, table=spec.name)
            )


def _present(store: Store, table: str, column: str, values: set) -> set:
    """Which of `values` the table holds in `column`, asked in chunks."""
    found: set = set()
    ordered = sorted(values, key=repr)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found.update(
            row[0]
            for row in store.conn.execute(
                f"SELECT DISTINCT {column} FROM {table}"
                f" WHERE {column} IN ({', '.join('?' for _value in chunk)})",
                chunk,
            )
        )
    return found


def _insert_new(
    store: Store, spec: TableSpec, rows: list[list], summary: MergeSummary, source: str
) -> None:
    """Insert new records, many to a statement.

    `rows` are creates as a block carries them, [id, stamp, node, redacted,
    value, ...] in column order: the statement takes the id and the values
    from them by number, so most rows go in as they were read.

    The same rule as expected_row: a record whose cascading parent is gone
    stays out, a detached link to a gone record is cleared.
    """
    columns = spec.columns
    start = ops_check.BLOCK_PARTS[CREATE]
    if spec.key_prefix is not None:
        # In key order (slips: by event, then id, as anonymity.settle leaves
        # a group): each goes in after the last, where id order alone would
        # scatter them over the table's pages.
        prefix = columns.index(spec.key_prefix) + start
        rows = sorted(rows, key=lambda row: (str(row[prefix]), row[0]))
    else:
        ids = [row[0] for row in rows]
        if sorted(ids) != ids:
            rows = sorted(rows, key=itemgetter(0))
    for column, parent, how in spec.parents:
        position = columns.index(column) + start
        links = {row[position] for row in rows}
        links.discard(None)
        gone = links - _present(store, parent, "id", links) if links else set()
        if gone:
            kept = []
            for row in rows:
                if row[position] in gone:
                    if how == CASCADE:
                        continue
                    row = [*row[:position], None, *row[position + 1 :]]
                kept.append(row)
            rows = kept
    for column in spec.personal:
        if not ops_check.may_be_null(spec.name, column):
            position = columns.index(column) + start
            for row in rows:
                if row[position] is None:
                    values = dict(zip(columns, row[start:], strict=True))
                    _refuse_empty_required(spec, values, source)
    places = [columns.index(name) + start for name in spec.json_columns]
    if places:
        stored = []
        for row in rows:
            row = list(row)
            for place in places:
                row[place] = ops_check.encode_json(row[place])
            stored.append(row)
        rows = stored
    group = (
        columns.index(spec.group_column) + start if spec.anonymous and spec.group_column else None
    )
    if group is not None:
        # Groups (an event's slips) that already hold rows get settled in id
        # order before commit (anonymity.py). A group this batch starts needs
        # nothing more: its rows, and their ops, go in in id order here.
        already = _present(store, spec.name, spec.group_column, {row[group] for row in rows})
    names = ", ".join(("id", *columns))
    # ?1 the id, then the values: the stamp, node and erasure mark go unused.
    values = ", ".join(f"?{number}" for number in (1, *range(start + 1, start + 1 + len(columns))))
    try:
        store.conn.executemany(f"INSERT INTO {spec.name} ({names}) VALUES ({values})", rows)
    except store.conn.IntegrityError:  # sqlite3's or sqlcipher3's, as the store uses
        # A row with no op in the log (written behind it; `ceapp check`
        # reports such rows): the log decides. Replacing costs twice the
        # plain insert, so it is only done when needed; the rows the failed
        # statement inserted are replaced by themselves.
        store.conn.executemany(
            f"INSERT OR REPLACE INTO {spec.name} ({names}) VALUES ({values})", rows
        )
    summary.new_records += len(rows)
    if rows:
        store.note_changed(spec.name)
    if spec.anonymous:
        # Even rows that need no settling must not stay in the -wal.
        store.want_checkpoint()
        for row in rows:
            if group is None or row[group] in already:
                anonymity.note_anonymous_write(
                    store, spec, row_id=row[0], group=row[group] if group else None
                )


def _follow_clock(store: Store, newest: int) -> None:
    millis, counter = stamp_parts(newest)
    try:
        store.clock.observe_parts(millis, counter)
    except ValueError:
        # A laptop whose clock was far ahead must not drag ours with it;
        # `ceapp check` reports its stamps.
        return


def _affect_children(store: Store, spec: TableSpec, row_id: str, affected: dict) -> None:
    for child, column, _how in children_of(spec.name):
        for (child_id,) in store.conn.execute(
            f"SELECT id FROM {child.name} WHERE {column} = ?", (row_id,)
        ):
            affected.setdefault(child.name, set()).add(child_id)


def _rebuild(
    store: Store, spec: TableSpec, row_id: str, summary: MergeSummary, source: str
) -> bool:
    """Make the table's row what its ops say; True if the row is gone afterwards."""
    conn = store.conn
    ops = row_ops(store, spec, row_id)
    target = expected_row(store, spec, ops)
    names = ", ".join(spec.columns)
    # By the table's key (a slip's event and id), as the ops say it is filed.
    where, params = locate(store, spec, row_id, ops=ops)
    current = conn.execute(f"SELECT {names} FROM {spec.name} WHERE {where}", params).fetchone()
    if target is None:
        if current is not None:
            conn.execute(f"DELETE FROM {spec.name} WHERE {where}", params)
            summary.deleted_records += 1
            store.note_changed(spec.name)
            _note_anonymous(store, spec, row_id, dict(zip(spec.columns, current, strict=True)))
        return True
    _refuse_empty_required(spec, target, source)
    values = [target[column] for column in spec.columns]
    if current is None:
        conn.execute(
            f"INSERT INTO {spec.name} (id, {names}) VALUES (?, {', '.join('?' for _v in values)})",
            [row_id, *values],
        )
        summary.new_records += 1
    else:
        differing = [
            column
            for column, old, new in zip(spec.columns, current, values, strict=True)
            if old != new
        ]
        if not differing:
            return False
        conn.execute(
            f"UPDATE {spec.name} SET {', '.join(f'{c} = ?' for c in differing)} WHERE {where}",
            [target[column] for column in differing] + list(params),
        )
        summary.changed_fields += len(differing)
    store.note_changed(spec.name)
    _note_anonymous(store, spec, row_id, target)
    return False


def _note_anonymous(store: Store, spec: TableSpec, row_id: str, row: dict) -> None:
    if spec.anonymous:
        group = row.get(spec.group_column) if spec.group_column else None
        anonymity.note_anonymous_write(store, spec, row_id=row_id, group=group)
