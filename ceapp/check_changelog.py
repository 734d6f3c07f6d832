"""`ceapp check`'s stages about the change log: its entries, and the records against it.

Each op in the log must stand up on its own (a known table and field,
valid JSON, a sound time stamp); then every record must be what replaying
its ops gives, with links to deleted records followed as a merge does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ceapp.changes import expected_row, locate
from ceapp.check_findings import (
    HOUR_MS,
    MAX_PROBLEMS_PER_TABLE,
    Findings,
    has_bad_bytes,
    more,
    now_ms,
    reported,
    tolerating_bad_text,
    when,
)
from ceapp.clock import MAX_DRIFT_MS
from ceapp.i18n import _, ngettext
from ceapp.log_encoding import decode_id, kind_and_field, stamp_parts, stamp_value
from ceapp.ops import DELETE
from ceapp.schema import TABLE_CODES, TABLE_NAMES, TABLES, TableSpec
from ceapp.store import Store
from ceapp.validation import excerpt

LOG = "changes"
NEEDED = ("tbl", "row_id", "stamp", "node", "field", "value")


# -- the change log itself ---------------------------------------------------------------------


def log_entries(store: Store, found: Findings) -> list[str]:
    if not found.has(LOG, NEEDED):
        return []
    problems: list[str] = []
    with reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where the change log is kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not check the change log: {detail}."),
    ):
        problems += tolerating_bad_text(
            store, lambda lenient: _LogReview(store, found, lenient=lenient).run()
        )
        problems += _unconverted(store)
    return problems


def _unconverted(store: Store) -> list[str]:
    held = store.conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'changes_unconverted'"
    ).fetchone()[0]
    count = store.scalar("SELECT count(*) FROM changes_unconverted") if held else 0
    if not count:
        return []
    return [
        ngettext(
            "{count} change in the old change log could not be read when the log was "
            "converted; it is kept unchanged in the changes_unconverted table. The records "
            "are as they were; restore a backup copy if one of them looks wrong.",
            "{count} changes in the old change log could not be read when the log was "
            "converted; they are kept unchanged in the changes_unconverted table. The records "
            "are as they were; restore a backup copy if one of them looks wrong.",
            count,
        ).format(count=count)
    ]


class _LogReview:
    """One pass over every op, checking each stands up on its own."""

    def __init__(self, store: Store, found: Findings, *, lenient: bool) -> None:
        self.store = store
        self.found = found
        self.lenient = lenient
        self.problems: list[str] = []
        self.damaged: set[tuple[str, str]] = set()
        self.unknown_tables: Counter[str] = Counter()
        self.future: list[int] = []
        now = now_ms(store)
        self.future_floor = stamp_value(now + MAX_DRIFT_MS + 1, 0)
        self.now = now

    def run(self) -> list[str]:
        cursor = self.store.conn.execute(
            "SELECT tbl, row_id, stamp, node, field, value,"
            f" value IS NOT NULL AND json_valid(value) FROM {LOG}"
        )
        for op in cursor:
            self._review(op)
        self.found.damaged_rows |= self.damaged
        problems = self.problems[:MAX_PROBLEMS_PER_TABLE]
        if len(self.problems) > MAX_PROBLEMS_PER_TABLE:
            problems.append(more(len(self.problems) - MAX_PROBLEMS_PER_TABLE))
        for table, count in sorted(self.unknown_tables.items()):
            problems.append(
                ngettext(
                    "The change log holds {count} change to {table}, which is not a table "
                    "this version of ceapp knows. It may come from a newer ceapp or from "
                    "another program.",
                    "The change log holds {count} changes to {table}, which is not a table "
                    "this version of ceapp knows. They may come from a newer ceapp or from "
                    "another program.",
                    count,
                ).format(count=count, table=excerpt(table))
            )
        if self.future:
            newest = max(self.future)
            problems.append(
                ngettext(
                    "{count} change in the change log is stamped as late as {when}, more than "
                    "{hours} hours ahead of this computer's clock ({now}). Check this "
                    "computer's date and time; if they are right, the change was made on a "
                    "computer whose clock was wrong.",
                    "{count} changes in the change log are stamped as late as {when}, more "
                    "than {hours} hours ahead of this computer's clock ({now}). Check this "
                    "computer's date and time; if they are right, the changes were made on a "
                    "computer whose clock was wrong.",
                    len(self.future),
                ).format(
                    count=len(self.future),
                    when=when(stamp_parts(newest)[0]),
                    now=when(self.now),
                    hours=MAX_DRIFT_MS // HOUR_MS,
                )
            )
        return problems

    def _problem(self, *, table, row_id, message: str) -> None:
        self.damaged.add((table, row_id))
        self.problems.append(message)

    def _review(self, op: tuple) -> None:
        code, stored_id, stamp, node, field, value, is_json = op
        table = TABLE_NAMES.get(code) if isinstance(code, int) else None
        row_id = decode_id(stored_id)
        if self.lenient and any(has_bad_bytes(text) for text in (row_id, value)):
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log holds bytes that are not valid "
                    "UTF-8 text, so the file is damaged there. Restore it from a backup copy."
                ).format(**_names(table or code, row_id)),
            )
            return
        if table is None:
            self.unknown_tables[str(code)] += 1
            return
        spec = TABLES[table]
        try:
            kind, _field = kind_and_field(spec, field)
        except ValueError:
            kind = None
        if kind is None or not isinstance(node, int):
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log is of an unknown kind, {kind}; "
                    "the record cannot be rebuilt from the log."
                ).format(kind=excerpt(str(field)), **_names(table, row_id)),
            )
            return
        if kind != DELETE and not is_json:
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log holds a value that is not valid "
                    "JSON, so the record cannot be rebuilt from the log. Restore the file from "
                    "a backup copy."
                ).format(**_names(table, row_id)),
            )
            return
        if not isinstance(stamp, int) or stamp < 0 or (spec.anonymous and stamp != 0):
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log has a damaged time stamp, "
                    "{stamp}. Restore the file from a backup copy."
                ).format(stamp=excerpt(str(stamp)), **_names(table, row_id)),
            )
            return
        if stamp >= self.future_floor:
            self.future.append(stamp)


def _names(table, row_id) -> dict[str, str]:
    return {"table": excerpt(str(table)), "id": excerpt(str(row_id))}


# -- records against the change log ---------------------------------------------------------


def records_against_log(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    if not found.has(LOG, NEEDED):
        return problems  # reported as missing by ceapp.integrity
    for name in sorted(TABLES):
        spec = TABLES[name]
        if not found.has(name, ("id", *spec.columns)):
            continue
        with reported(
            problems,
            found,
            damaged=_(
                "The database file is damaged: reading the {table} records and their change "
                "log failed ({detail}). Restore it from a backup copy."
            ),
            failed=_("Could not compare the {table} records with the change log: {detail}."),
            table=name,
        ):
            problems += tolerating_bad_text(
                store,
                lambda lenient, spec=spec: _check_log(store, spec, found=found, lenient=lenient),
            )
    return problems


def _ops_by_row(store: Store, spec: TableSpec) -> Iterator[tuple[str, list]]:
    cursor = store.conn.execute(
        f"SELECT row_id, field, value FROM {LOG}"
        " WHERE tbl = ? AND typeof(row_id) IN ('blob', 'text') ORDER BY row_id, stamp, node, field",
        (TABLE_CODES[spec.name],),
    )
    current_id, ops = None, []
    for stored_id, field_code, value in cursor:
        if stored_id != current_id:
            if current_id is not None:
                yield decode_id(current_id), ops
            current_id, ops = stored_id, []
        ops.append((field_code, value))
    if current_id is not None:
        yield decode_id(current_id), ops


def _check_log(store: Store, spec: TableSpec, *, found: Findings, lenient: bool) -> list[str]:
    """Compare each logged record with the table, then look for rows the log lacks."""
    problems: list[str] = []
    columns = ", ".join(spec.columns)
    odd_ids = store.conn.execute(
        f"SELECT count(*) FROM {spec.name} WHERE typeof(id) != 'text'"
    ).fetchone()[0]
    if odd_ids:
        problems.append(
            ngettext(
                "{count} {table} record has no proper id, so it cannot be matched with the "
                "change log. Another program may have written it.",
                "{count} {table} records have no proper id, so they cannot be matched with the "
                "change log. Another program may have written them.",
                odd_ids,
            ).format(count=odd_ids, table=spec.name)
        )
    logged: set = set()
    select = f"SELECT id, {columns} FROM {spec.name} WHERE "
    for row_id, ops in _ops_by_row(store, spec):
        logged.add(row_id)
        try:
            expected = _replayed(store, spec, ops)
        except _UnreplayableError as error:
            expected = error
        # By the table's key, its prefix (a slip's event) taken from the
        # replayed row, else from the ops in hand: by id alone, a table keyed
        # by (event, id) would be read whole for every record.
        where, params = locate(
            store, spec, row_id, known=expected if isinstance(expected, dict) else None, ops=ops
        )
        stored = store.conn.execute(select + where, params).fetchone()
        if stored is not None:
            problems += _compare(
                spec, stored=stored, expected=expected, found=found, lenient=lenient
            )
        elif (spec.name, row_id) not in found.damaged_rows:
            if isinstance(expected, _UnreplayableError):
                problems.append(_unreplayable(spec, row_id))
            else:
                # Filed under a prefix its log never gave it, the row is
                # still there: rare and a problem either way, so worth the
                # search by id alone that says what differs.
                misfiled = (
                    store.conn.execute(select + "id = ?", (row_id,)).fetchone()
                    if spec.key_prefix is not None and expected is not None
                    else None
                )
                if misfiled is not None:
                    problems += _compare(
                        spec, stored=misfiled, expected=expected, found=found, lenient=lenient
                    )
                elif expected is not None:
                    problems.append(
                        _("{table} {id} is in the change log but missing from the table.").format(
                            table=spec.name, id=excerpt(row_id)
                        )
                    )
        if len(problems) >= MAX_PROBLEMS_PER_TABLE:
            return problems[:MAX_PROBLEMS_PER_TABLE]
    for (row_id,) in store.conn.execute(
        f"SELECT id FROM {spec.name} WHERE typeof(id) = 'text' ORDER BY id"
    ):
        if row_id not in logged:
            problems.append(_unlogged(spec, row_id))
            if len(problems) >= MAX_PROBLEMS_PER_TABLE:
                break
    return problems


class _UnreplayableError(Exception):
    pass


def _replayed(store: Store, spec: TableSpec, ops: list) -> dict | None:
    try:
        return expected_row(store, spec, ops)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise _UnreplayableError from error


def _compare(
    spec: TableSpec,
    *,
    stored: tuple,
    expected: dict | _UnreplayableError | None,
    found: Findings,
    lenient: bool,
):
    """Problems of a stored row against `expected`, what replaying its ops gave."""
    row_id = stored[0]
    actual = dict(zip(spec.columns, stored[1:], strict=True))
    if lenient:
        bad = [column for column in spec.columns if has_bad_bytes(actual[column])]
        if bad or has_bad_bytes(row_id):
            return [
                ngettext(
                    "{table} {id}: the {columns} field holds bytes that are not valid UTF-8 "
                    "text, so the file is damaged there. Restore it from a backup copy.",
                    "{table} {id}: the fields {columns} hold bytes that are not valid UTF-8 "
                    "text, so the file is damaged there. Restore it from a backup copy.",
                    max(len(bad), 1),
                ).format(table=spec.name, id=excerpt(row_id), columns=", ".join(bad) or "id")
            ]
    if (spec.name, row_id) in found.damaged_rows:
        return []  # its damaged ops are reported already; replaying them means nothing
    if isinstance(expected, _UnreplayableError):
        return [_unreplayable(spec, row_id)]
    if expected is None:
        return [
            _("{table} {id} is deleted in the change log but still present.").format(
                table=spec.name, id=excerpt(row_id)
            )
        ]
    if actual != expected:
        fields = sorted(k for k in spec.columns if actual[k] != expected[k])
        return [
            _("{table} {id} differs from its change log in: {fields}.").format(
                table=spec.name, id=excerpt(row_id), fields=", ".join(fields)
            )
        ]
    return []


def _unlogged(spec: TableSpec, row_id: str) -> str:
    return _("{table} {id} was written without a change-log entry.").format(
        table=spec.name, id=excerpt(row_id)
    )


def _unreplayable(spec: TableSpec, row_id: str) -> str:
    return _(
        "The change log of {table} {id} is damaged: the record cannot be rebuilt from it. "
        "Restore the file from a backup copy."
    ).format(table=spec.name, id=excerpt(row_id))
