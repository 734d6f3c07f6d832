"""`ceapp check`: is the file sound, and does every record match its change log?

The check looks at a file that may be damaged in any way, so nothing in it
may raise for what it finds. It runs in stages (installation id, SQLite's
own integrity check, tables and indexes, links between records, clocks, the
change log, records against the log); each stage catches SQLite's errors and
turns them into a sentence, so one damaged page or missing table does not
stop the other stages.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from ceapp import migrations
from ceapp.changes import replay
from ceapp.clock import MAX_DRIFT_MS, STAMP_PATTERN, format_stamp, parse_stamp
from ceapp.i18n import _, ngettext
from ceapp.ops import CREATE, DELETE, SET, op_id
from ceapp.schema import TABLES, TableSpec
from ceapp.store import Store
from ceapp.validation import excerpt

# Enough to see what is wrong without drowning the screen.
MAX_PROBLEMS_PER_TABLE = 20
LOG = "changes"
NODE_PATTERN = re.compile(r"^[0-9a-f]{16}$")
KINDS = frozenset({CREATE, SET, DELETE})
# Undecodable bytes, as the lenient text reader below hands them over.
BAD_BYTES = re.compile("[\udc80-\udcff]")
_HOUR_MS = 60 * 60 * 1000


def check(store: Store) -> list[str]:
    """Problems found, as sentences; an empty list means all is well."""
    found = _Findings(encrypted=bool(getattr(store, "encrypted", False)))
    problems: list[str] = []
    for stage in (
        _installation_id,
        _file_integrity,
        _tables_and_indexes,
        _links,
        _clock,
        _log_entries,
        _records_against_log,
    ):
        problems += stage(store, found)
    return problems


@dataclass
class _Findings:
    """What earlier stages learnt that later ones need."""

    # Columns of each table as it is in the file; None until read.
    columns: dict[str, list[str]] | None = None
    # (table, row id) of records whose ops are damaged, already reported.
    damaged_rows: set[tuple[str, str]] = field(default_factory=set)
    encrypted: bool = False
    # A page failed to decrypt: SQLCipher refuses every later query.
    undecryptable: bool = False

    def has(self, table: str, columns=()) -> bool:
        if self.columns is None or table not in self.columns:
            return False
        return set(columns) <= set(self.columns[table])


# -- SQLite errors as sentences ----------------------------------------------------

_ERROR_CLASSES = frozenset(
    {
        "Error",
        "DatabaseError",
        "OperationalError",
        "IntegrityError",
        "InternalError",
        "ProgrammingError",
        "InterfaceError",
        "DataError",
        "NotSupportedError",
    }
)


def _is_database_error(error: BaseException) -> bool:
    # sqlcipher3's error classes share sqlite3's names but not its classes.
    return isinstance(error, sqlite3.Error) or (
        type(error).__name__ in _ERROR_CLASSES and type(error).__module__.startswith("sqlcipher3")
    )


def _is_bad_text(error: BaseException) -> bool:
    return isinstance(error, UnicodeDecodeError) or (
        _is_database_error(error) and "decode" in str(error).lower()
    )


def _is_damage(error: BaseException) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("malformed", "corrupt", "not a database", "disk i/o"))


def _is_busy(error: BaseException) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _detail(error: BaseException) -> str:
    return excerpt(str(error), limit=120)


@contextmanager
def _reported(
    problems: list[str], found: _Findings, *, damaged: str, failed: str, **names
) -> Iterator[None]:
    """Turn an SQLite error inside the block into one sentence; the check goes on.

    `damaged` and `failed` are whole sentences with a {detail} placeholder,
    for a damaged file and for any other error.
    """
    try:
        yield
    except MemoryError:
        # SQLCipher answers every query with "out of memory" once a page has
        # failed to decrypt on this connection: the file, not the memory.
        if not found.encrypted:
            raise
        if not found.undecryptable:
            found.undecryptable = True
            problems.append(
                _(
                    "The encrypted database file is damaged: part of it cannot be decrypted, "
                    "so the rest of the check could not run. Restore it from a backup copy."
                )
            )
    except Exception as error:
        if not _is_database_error(error):
            raise
        if _is_busy(error):
            problems.append(
                _(
                    "Another program is using the database, so part of the check could not "
                    "run ({detail}). Close the other program and run the check again."
                ).format(detail=_detail(error))
            )
        else:
            template = damaged if _is_damage(error) else failed
            problems.append(template.format(detail=_detail(error), **names))


def _lenient(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _tolerating_bad_text(store: Store, read: Callable[[bool], list[str]]) -> list[str]:
    """Run `read(lenient)`; on text that is not UTF-8, run it again reading such text leniently.

    The strict reader is SQLite's own and fast; the lenient one decodes every
    value in Python, so it is used only when a file needs it.
    """
    try:
        return read(False)
    except Exception as error:
        if not _is_bad_text(error):
            raise
    previous = store.conn.text_factory
    store.conn.text_factory = _lenient
    try:
        return read(True)
    finally:
        store.conn.text_factory = previous


def _has_bad_bytes(value) -> bool:
    return isinstance(value, str) and BAD_BYTES.search(value) is not None


def _quoted(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


def _now_ms(store: Store) -> int:
    # The store's clock, so a test that pins it sees the same "now".
    return store.clock.now_ms()


def _when(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- installation id ----------------------------------------------------------------


def _installation_id(store: Store, found: _Findings) -> list[str]:
    problems: list[str] = []
    if getattr(store, "node_was_missing", False):
        problems.append(
            _(
                "The database had lost its installation id, so ceapp gave it a new one when "
                "opening it. The records are not affected; if other problems are listed, "
                "restore the file from a backup copy."
            )
        )
    with _reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where its settings are kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not read the database's settings: {detail}."),
    ):
        node = _tolerating_bad_text(store, lambda _lenient: _meta_rows(store, "node_id"))
        if not node:
            if not problems:
                problems.append(
                    _(
                        "The database has no installation id; it was removed while ceapp had "
                        "the file open. Open the file again and ceapp will give it a new one."
                    )
                )
        elif not NODE_PATTERN.match(node[0]):
            problems.append(
                _(
                    "The database's installation id, {node}, is damaged: it should be 16 "
                    "hexadecimal digits. Restore the file from a backup copy."
                ).format(node=excerpt(node[0]))
            )
    return problems


def _meta_rows(store: Store, key: str) -> list[str]:
    return [
        row[0]
        for row in store.conn.execute("SELECT value FROM meta WHERE key = ?", (key,))
        if row[0] is not None
    ]


# -- SQLite's integrity check ---------------------------------------------------------


def _file_integrity(store: Store, found: _Findings) -> list[str]:
    problems: list[str] = []
    with _reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged: SQLite could not finish checking it ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("SQLite could not finish checking the database file: {detail}."),
    ):
        lines = _tolerating_bad_text(store, lambda _lenient: _integrity_lines(store))
        for line in lines[:MAX_PROBLEMS_PER_TABLE]:
            if "constraint" in line.lower() or line.startswith("NULL value in"):
                # Not a damaged page but a row SQLite would have refused:
                # something other than ceapp wrote it.
                template = _(
                    "A row in the database breaks one of its rules ({detail}); another program "
                    "has changed the file. Restore it from a backup copy."
                )
            else:
                template = _(
                    "The database file is damaged ({detail}). Restore it from a backup copy."
                )
            problems.append(template.format(detail=excerpt(line, limit=160)))
        if len(lines) > MAX_PROBLEMS_PER_TABLE:
            problems.append(_more(len(lines) - MAX_PROBLEMS_PER_TABLE))
    return problems


def _integrity_lines(store: Store) -> list[str]:
    lines: list[str] = []
    for (result,) in store.conn.execute("PRAGMA integrity_check"):
        if result == "ok":
            continue
        # One result may hold several lines, headed by "*** in database main ***".
        lines += [
            line.strip()
            for line in str(result).splitlines()
            if line.strip() and not line.startswith("***")
        ]
    return lines


def _more(count: int) -> str:
    return ngettext(
        "There is {count} more problem of this kind, not listed.",
        "There are {count} more problems of this kind, not listed.",
        count,
    ).format(count=count)


# -- tables, indexes and columns ---------------------------------------------------------


@cache
def _expected_schema() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, ...]]]:
    """({name: (type, table)} of tables and indexes, {table: columns}) of a new database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.apply_pending(conn)
        return _schema_of(conn)
    finally:
        conn.close()


def _schema_of(conn) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, ...]]]:
    objects = {
        name: (kind, table)
        for kind, name, table in conn.execute(
            "SELECT type, name, tbl_name FROM sqlite_master"
            " WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'"
        )
    }
    columns = {
        name: tuple(row[1] for row in conn.execute(f"PRAGMA table_info({_quoted(name)})"))
        for name, (kind, _table) in objects.items()
        if kind == "table"
    }
    return objects, columns


def _tables_and_indexes(store: Store, found: _Findings) -> list[str]:
    problems: list[str] = []
    with _reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where its list of tables is kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not read the database's list of tables: {detail}."),
    ):
        objects, columns = _tolerating_bad_text(store, lambda _lenient: _schema_of(store.conn))
        found.columns = {name: list(names) for name, names in columns.items()}
        expected_objects, expected_columns = _expected_schema()
        for name, (kind, table) in sorted(expected_objects.items()):
            if name in objects:
                continue
            if kind == "table":
                problems.append(
                    _(
                        "The {table} table is missing from the database. "
                        "Restore the file from a backup copy."
                    ).format(table=name)
                )
            else:
                problems.append(
                    _(
                        "The index {index} of the {table} table is missing from the database. "
                        "The records are intact, but the file has been altered: restore it "
                        "from a backup copy."
                    ).format(index=name, table=table)
                )
        for table, wanted in sorted(expected_columns.items()):
            if table not in columns:
                continue
            missing = [name for name in wanted if name not in columns[table]]
            extra = [name for name in columns[table] if name not in wanted]
            if missing:
                problems.append(
                    ngettext(
                        "The {table} table has lost its column {columns}. "
                        "Restore the file from a backup copy.",
                        "The {table} table has lost its columns {columns}. "
                        "Restore the file from a backup copy.",
                        len(missing),
                    ).format(table=table, columns=", ".join(missing))
                )
            if extra:
                problems.append(
                    ngettext(
                        "The {table} table has a column this version of ceapp does not know: "
                        "{columns}. Another program may have changed the file.",
                        "The {table} table has columns this version of ceapp does not know: "
                        "{columns}. Another program may have changed the file.",
                        len(extra),
                    ).format(table=table, columns=", ".join(extra))
                )
    return problems


# -- links between records ---------------------------------------------------------------


def _links(store: Store, found: _Findings) -> list[str]:
    problems: list[str] = []
    for name in sorted(TABLES):
        if not found.has(name, ("id",)):
            continue
        with _reported(
            problems,
            found,
            damaged=_(
                "The database file is damaged: reading the {table} records failed ({detail}). "
                "Restore it from a backup copy."
            ),
            failed=_("Could not check the links of the {table} records: {detail}."),
            table=name,
        ):
            problems += _tolerating_bad_text(
                store, lambda _lenient, name=name: _broken_links(store, name, found=found)
            )
    return problems


def _broken_links(store: Store, table: str, *, found: _Findings) -> list[str]:
    problems: list[str] = []
    for row in store.conn.execute(f"PRAGMA foreign_key_list({table})"):
        parent, column, target = row[2], row[3], row[4] or "id"
        if not found.has(table, (column,)) or not found.has(parent, (target,)):
            continue  # reported as missing by _tables_and_indexes
        # The names come from the file, which may have been tampered with.
        column, parent, target = _quoted(column), _quoted(parent), _quoted(target)
        cursor = store.conn.execute(
            f"SELECT child.id, child.{column} FROM {table} AS child"
            f" WHERE child.{column} IS NOT NULL AND NOT EXISTS"
            f" (SELECT 1 FROM {parent} AS up WHERE up.{target} = child.{column})"
            f" LIMIT {MAX_PROBLEMS_PER_TABLE}"
        )
        problems += [
            _("{table} {id} points at {parent} {value}, which does not exist.").format(
                table=table, id=excerpt(child_id), parent=excerpt(row[2]), value=excerpt(value)
            )
            for child_id, value in cursor
        ]
        if len(problems) >= MAX_PROBLEMS_PER_TABLE:
            break
    return problems[:MAX_PROBLEMS_PER_TABLE]


# -- the clock -------------------------------------------------------------------------------


def _clock(store: Store, found: _Findings) -> list[str]:
    problems: list[str] = []
    if not found.has("meta", ("key", "value")):
        return problems
    with _reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where its settings are kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not read the database's settings: {detail}."),
    ):
        for stamp in _tolerating_bad_text(store, lambda _lenient: _meta_rows(store, "clock")):
            try:
                millis, _counter, _node = parse_stamp(stamp)
            except (ValueError, TypeError):
                problems.append(
                    _(
                        "The database's clock, {value}, is not a valid time stamp. The next "
                        "change saved puts a good one back; nothing else needs doing."
                    ).format(value=excerpt(stamp))
                )
                continue
            now = _now_ms(store)
            if millis - now > MAX_DRIFT_MS:
                problems.append(
                    ngettext(
                        "The database's clock says {when}, more than {hours} hour ahead of "
                        "this computer's clock ({now}). Check this computer's date and time; "
                        "if they are right, the file was changed on a computer whose clock "
                        "was wrong.",
                        "The database's clock says {when}, more than {hours} hours ahead of "
                        "this computer's clock ({now}). Check this computer's date and time; "
                        "if they are right, the file was changed on a computer whose clock "
                        "was wrong.",
                        MAX_DRIFT_MS // _HOUR_MS,
                    ).format(when=_when(millis), now=_when(now), hours=MAX_DRIFT_MS // _HOUR_MS)
                )
    return problems


# -- the change log itself ---------------------------------------------------------------------


def _log_entries(store: Store, found: _Findings) -> list[str]:
    needed = ("tbl", "row_id", "stamp", "op_id", "kind", "field", "value")
    if not found.has(LOG, needed):
        return []
    problems: list[str] = []
    with _reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where the change log is kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not check the change log: {detail}."),
    ):
        problems += _tolerating_bad_text(
            store, lambda lenient: _LogReview(store, found, lenient=lenient).run()
        )
    return problems


class _LogReview:
    """One pass over every op, checking each stands up on its own."""

    def __init__(self, store: Store, found: _Findings, *, lenient: bool) -> None:
        self.store = store
        self.found = found
        self.lenient = lenient
        self.problems: list[str] = []
        self.damaged: set[tuple[str, str]] = set()
        self.unknown_tables: Counter[str] = Counter()
        self.future: list[str] = []
        now = _now_ms(store)
        # Valid stamps sort by time as text, so one comparison finds the
        # ones too far ahead without parsing each.
        self.future_floor = format_stamp(now + MAX_DRIFT_MS + 1, 0, "")
        self.now = now
        self.redacted = found.has(LOG, ("redacted",))

    def run(self) -> list[str]:
        redacted = ", redacted" if self.redacted else ", 0"
        cursor = self.store.conn.execute(
            "SELECT tbl, row_id, stamp, op_id, kind, field, value,"
            " value IS NOT NULL AND json_valid(value)" + redacted + f" FROM {LOG}"
        )
        for op in cursor:
            self._review(op)
        self.found.damaged_rows |= self.damaged
        problems = self.problems[:MAX_PROBLEMS_PER_TABLE]
        if len(self.problems) > MAX_PROBLEMS_PER_TABLE:
            problems.append(_more(len(self.problems) - MAX_PROBLEMS_PER_TABLE))
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
                    when=_when(parse_stamp(newest)[0]),
                    now=_when(self.now),
                    hours=MAX_DRIFT_MS // _HOUR_MS,
                )
            )
        return problems

    def _problem(self, *, table, row_id, message: str) -> None:
        self.damaged.add((table, row_id))
        self.problems.append(message)

    def _review(self, op: tuple) -> None:
        table, row_id, stamp, stored_id, kind, field, value, is_json, redacted = op
        if self.lenient and any(
            _has_bad_bytes(text) for text in (table, row_id, stamp, stored_id, kind, field, value)
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
            table=table, row_id=row_id, kind=kind, field=field, value=value, stamp=stamp
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


def _op_id(*, table, row_id, kind, field, value, stamp) -> str | None:
    try:
        return op_id(
            table=table, row_id=row_id, kind=kind, field=field, value_json=value, stamp=stamp
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


def _records_against_log(store: Store, found: _Findings) -> list[str]:
    problems: list[str] = []
    if not found.has(LOG, ("tbl", "row_id", "stamp", "kind", "field", "value")):
        return problems  # reported as missing by _tables_and_indexes
    for name in sorted(TABLES):
        spec = TABLES[name]
        if not found.has(name, ("id", *spec.columns)):
            continue
        with _reported(
            problems,
            found,
            damaged=_(
                "The database file is damaged: reading the {table} records and their change "
                "log failed ({detail}). Restore it from a backup copy."
            ),
            failed=_("Could not compare the {table} records with the change log: {detail}."),
            table=name,
        ):
            problems += _tolerating_bad_text(
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


def _check_log(store: Store, spec: TableSpec, *, found: _Findings, lenient: bool) -> list[str]:
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


def _compare(spec: TableSpec, *, stored: tuple, ops: list, found: _Findings, lenient: bool):
    row_id = stored[0]
    actual = dict(zip(spec.columns, stored[1:], strict=True))
    if lenient:
        bad = [column for column in spec.columns if _has_bad_bytes(actual[column])]
        if bad or _has_bad_bytes(row_id):
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
