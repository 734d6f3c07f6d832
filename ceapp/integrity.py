"""`ceapp check`: is the file sound, and does every record match its change log?

The check looks at a file that may be damaged in any way, so nothing in it
may raise for what it finds. It runs in stages (installation id, SQLite's
own integrity check, tables and indexes, links between records, clocks, the
change log, records against the log); each stage catches SQLite's errors and
turns them into a sentence, so one damaged page or missing table does not
stop the other stages.

This module holds the entry point and the stages about the file itself; the
change-log stages are in ceapp.check_changelog, and what all stages share
(their findings, SQLite's errors as sentences) in ceapp.check_findings.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache

from ceapp import migrations
from ceapp.check_changelog import log_entries, records_against_log
from ceapp.check_findings import (
    HOUR_MS,
    MAX_PROBLEMS_PER_TABLE,
    Findings,
    more,
    now_ms,
    reported,
    tolerating_bad_text,
    when,
)
from ceapp.clock import MAX_DRIFT_MS, parse_stamp
from ceapp.i18n import _, ngettext
from ceapp.schema import TABLES
from ceapp.store import Store
from ceapp.validation import excerpt

NODE_PATTERN = re.compile(r"^[0-9a-f]{16}$")


def check(store: Store) -> list[str]:
    """Problems found, as sentences; an empty list means all is well."""
    found = Findings(encrypted=bool(getattr(store, "encrypted", False)))
    problems: list[str] = []
    for stage in (
        _installation_id,
        _file_integrity,
        _tables_and_indexes,
        _links,
        _clock,
        log_entries,
        records_against_log,
    ):
        problems += stage(store, found)
    return problems


def _quoted(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


# -- installation id ----------------------------------------------------------------


def _installation_id(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    if getattr(store, "node_was_missing", False):
        problems.append(
            _(
                "The database had lost its installation id, so ceapp gave it a new one when "
                "opening it. The records are not affected; if other problems are listed, "
                "restore the file from a backup copy."
            )
        )
    with reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where its settings are kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not read the database's settings: {detail}."),
    ):
        node = tolerating_bad_text(store, lambda _lenient: _meta_rows(store, "node_id"))
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


def _file_integrity(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    with reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged: SQLite could not finish checking it ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("SQLite could not finish checking the database file: {detail}."),
    ):
        lines = tolerating_bad_text(store, lambda _lenient: _integrity_lines(store))
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
            problems.append(more(len(lines) - MAX_PROBLEMS_PER_TABLE))
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


def _tables_and_indexes(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    with reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where its list of tables is kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not read the database's list of tables: {detail}."),
    ):
        objects, columns = tolerating_bad_text(store, lambda _lenient: _schema_of(store.conn))
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


def _links(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    for name in sorted(TABLES):
        if not found.has(name, ("id",)):
            continue
        with reported(
            problems,
            found,
            damaged=_(
                "The database file is damaged: reading the {table} records failed ({detail}). "
                "Restore it from a backup copy."
            ),
            failed=_("Could not check the links of the {table} records: {detail}."),
            table=name,
        ):
            problems += tolerating_bad_text(
                store, lambda _lenient, name=name: _broken_links(store, name, found=found)
            )
    return problems


def _broken_links(store: Store, table: str, *, found: Findings) -> list[str]:
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


def _clock(store: Store, found: Findings) -> list[str]:
    problems: list[str] = []
    if not found.has("meta", ("key", "value")):
        return problems
    with reported(
        problems,
        found,
        damaged=_(
            "The database file is damaged where its settings are kept ({detail}). "
            "Restore it from a backup copy."
        ),
        failed=_("Could not read the database's settings: {detail}."),
    ):
        for stamp in tolerating_bad_text(store, lambda _lenient: _meta_rows(store, "clock")):
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
            now = now_ms(store)
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
                        MAX_DRIFT_MS // HOUR_MS,
                    ).format(when=when(millis), now=when(now), hours=MAX_DRIFT_MS // HOUR_MS)
                )
    return problems
