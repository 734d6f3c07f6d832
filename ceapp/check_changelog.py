"""`ceapp check`'s stages about the change log: its entries, and the records against it.

Each op in the log must stand up on its own (a known table and kind, valid
JSON, a sound time stamp, an id that matches its content); then every record
must be what replaying its ops gives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from ceapp.changes import replay
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
from ceapp.clock import MAX_DRIFT_MS, STAMP_PATTERN, format_stamp, parse_stamp
from ceapp.i18n import _, ngettext
from ceapp.ops import CREATE, DELETE, SET, op_id
from ceapp.schema import TABLES, TableSpec
from ceapp.store import Store
from ceapp.validation import excerpt

LOG = "changes"
KINDS = frozenset({CREATE, SET, DELETE})


# -- the change log itself ---------------------------------------------------------------------


def log_entries(store: Store, found: Findings) -> list[str]:
    needed = ("tbl", "row_id", "stamp", "op_id", "kind", "field", "value")
    if not found.has(LOG, needed):
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
    return problems


class _LogReview:
    """One pass over every op, checking each stands up on its own."""

    def __init__(self, store: Store, found: Findings, *, lenient: bool) -> None:
        self.store = store
        self.found = found
        self.lenient = lenient
        self.problems: list[str] = []
        self.damaged: set[tuple[str, str]] = set()
        self.unknown_tables: Counter[str] = Counter()
        self.future: list[str] = []
        now = now_ms(store)
        # Valid stamps sort by time as text, so one comparison finds the
        # ones too far ahead without parsing each.
        self.future_floor = format_stamp(now + MAX_DRIFT_MS + 1, 0, "")
        self.now = now
        self.redacted = found.has(LOG, ("redacted",))
        self.based = found.has(LOG, ("base",))

    def run(self) -> list[str]:
        redacted = ", redacted" if self.redacted else ", 0"
        base = ", base" if self.based else ", NULL"
        cursor = self.store.conn.execute(
            "SELECT tbl, row_id, stamp, op_id, kind, field, value,"
            " value IS NOT NULL AND json_valid(value)" + redacted + base + f" FROM {LOG}"
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
                    when=when(parse_stamp(newest)[0]),
                    now=when(self.now),
                    hours=MAX_DRIFT_MS // HOUR_MS,
                )
            )
        return problems

    def _problem(self, *, table, row_id, message: str) -> None:
        self.damaged.add((table, row_id))
        self.problems.append(message)

    def _review(self, op: tuple) -> None:
        table, row_id, stamp, stored_id, kind, field, value, is_json, redacted, base = op
        if self.lenient and any(
            has_bad_bytes(text) for text in (table, row_id, stamp, stored_id, kind, field, value)
        ):
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log holds bytes that are not valid "
                    "UTF-8 text, so the file is damaged there. Restore it from a backup copy."
                ).format(**_names(table, row_id)),
            )
            return
        if table not in TABLES:
            self.unknown_tables[str(table)] += 1
            return
        if kind not in KINDS:
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log is of an unknown kind, {kind}; "
                    "the record cannot be rebuilt from the log."
                ).format(kind=excerpt(kind), **_names(table, row_id)),
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
        if not isinstance(stamp, str) or not _is_stamp(stamp):
            self._problem(
                table=table,
                row_id=row_id,
                message=_(
                    "A change to {table} {id} in the change log has a damaged time stamp, "
                    "{stamp}. Restore the file from a backup copy."
                ).format(stamp=excerpt(stamp), **_names(table, row_id)),
            )
            return
        if stamp >= self.future_floor:
            self.future.append(stamp)
        if redacted != 1 and stored_id != _op_id(
            table=table, row_id=row_id, kind=kind, field=field, value=value, stamp=stamp, base=base
        ):
            # A redacted op had personal values blanked on purpose after its
            # id was made; its id no longer matches, by design.
            self.problems.append(
                _(
                    "A change to {table} {id} in the change log does not match its own id "
                    "({op_id}): it was altered after it was written. Restore the file from a "
                    "backup copy."
                ).format(op_id=excerpt(stored_id), **_names(table, row_id))
            )


def _names(table, row_id) -> dict[str, str]:
    return {"table": excerpt(table), "id": excerpt(row_id)}


def _op_id(*, table, row_id, kind, field, value, stamp, base) -> str | None:
    try:
        return op_id(
            table=table,
            row_id=row_id,
            kind=kind,
            field=field,
            value_json=value,
            stamp=stamp,
            base=base,
        )
    except (TypeError, ValueError):
        return None  # a value no op can hold (bytes): no id matches it


def _is_stamp(stamp: str) -> bool:
    match = STAMP_PATTERN.match(stamp)
    if not match:
        return False
    # The pattern lets through dates such as 2026-13-45; fromisoformat is
    # strict about them and much quicker than parse_stamp's strptime.
    try:
        datetime.fromisoformat(match.group(1)[:-1])
    except ValueError:
        return False
    return True


# -- records against the change log ---------------------------------------------------------


def records_against_log(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    if not found.has(LOG, ("tbl", "row_id", "stamp", "kind", "field", "value")):
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
        f"SELECT row_id, kind, field, value FROM {LOG}"
        " WHERE tbl = ? AND typeof(row_id) = 'text' ORDER BY row_id, stamp",
        (spec.name,),
    )
    current_id, ops = None, []
    for row_id, kind, field_name, value in cursor:
        if row_id != current_id:
            if current_id is not None:
                yield current_id, ops
            current_id, ops = row_id, []
        ops.append((kind, field_name, value))
    if current_id is not None:
        yield current_id, ops


def _check_log(store: Store, spec: TableSpec, *, found: Findings, lenient: bool) -> list[str]:
    """Merge-walk the table and its ops, both in id order, comparing each row."""
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
    rows = store.conn.execute(
        f"SELECT id, {columns} FROM {spec.name} WHERE typeof(id) = 'text' ORDER BY id"
    )
    stored = next(rows, None)
    for row_id, ops in _ops_by_row(store, spec):
        while stored is not None and stored[0] < row_id:
            problems.append(_unlogged(spec, stored[0]))
            stored = next(rows, None)
        if stored is not None and stored[0] == row_id:
            problems += _compare(spec, stored=stored, ops=ops, found=found, lenient=lenient)
            stored = next(rows, None)
        elif (spec.name, row_id) not in found.damaged_rows:
            try:
                expected = _replayed(spec, ops)
            except _UnreplayableError:
                problems.append(_unreplayable(spec, row_id))
            else:
                if expected is not None:
                    problems.append(
                        _("{table} {id} is in the change log but missing from the table.").format(
                            table=spec.name, id=excerpt(row_id)
                        )
                    )
        if len(problems) >= MAX_PROBLEMS_PER_TABLE:
            return problems[:MAX_PROBLEMS_PER_TABLE]
    while stored is not None and len(problems) < MAX_PROBLEMS_PER_TABLE:
        problems.append(_unlogged(spec, stored[0]))
        stored = next(rows, None)
    return problems


class _UnreplayableError(Exception):
    pass


def _replayed(spec: TableSpec, ops: list) -> dict | None:
    try:
        return replay(spec, ops)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise _UnreplayableError from error


def _compare(spec: TableSpec, *, stored: tuple, ops: list, found: Findings, lenient: bool):
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
    try:
        expected = _replayed(spec, ops)
    except _UnreplayableError:
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
