"""schema.TABLES, what the write path and the fingerprint rely on, matches the real tables.

A migration that adds a column, a table or a link without saying so in
schema.py fails here rather than silently leaving it out of the change log.
"""

from __future__ import annotations

import json

import pytest

from ceapp import demo, events
from ceapp.cli import build_parser
from ceapp.schema import TABLES
from ceapp.store import open_store

# Bookkeeping, not records: never synchronised, so not in TABLES.
NOT_RECORDS = {
    "meta",
    "changes",
    "schema_migrations",
    "trusted_devices",
    "sync_peers",
    "sync_nodes",
    "sync_imported",
}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("schema") / "ceapp.db"))
    demo.generate(store, seed=5, events=40)
    yield store
    store.close()


def _columns(store, table: str) -> dict[str, tuple]:
    return {row[1]: row for row in store.conn.execute(f"PRAGMA table_info({table})")}


def test_every_record_table_is_described(store):
    tables = {
        row[0]
        for row in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert tables - NOT_RECORDS == set(TABLES)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_columns_are_the_ones_described(store, table):
    assert set(_columns(store, table)) == {"id", *TABLES[table].columns}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_parents_are_the_real_foreign_keys(store, table):
    foreign_keys = {
        (row[3], row[2], row[4]) for row in store.conn.execute(f"PRAGMA foreign_key_list({table})")
    }
    described = {(column, parent, "id") for column, parent, _on_delete in TABLES[table].parents}
    assert foreign_keys == described


@pytest.mark.parametrize(
    ("table", "column"),
    sorted((name, column) for name, spec in TABLES.items() for column in spec.json_columns),
)
def test_json_columns_hold_json(store, filled, table, column):
    default = _columns(store, table)[column][4]
    if default is not None:
        # The default is an SQL literal: '[]' with its quotes.
        json.loads(store.scalar(f"SELECT {default}"))
    assert filled.scalar(f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL") > 0, (
        "the demo data should exercise every JSON column"
    )
    assert filled.scalar(f"SELECT count(*) FROM {table} WHERE NOT json_valid({column})") == 0


@pytest.mark.parametrize("table", sorted(TABLES))
def test_columns_not_described_as_json_hold_no_lists_or_mappings(filled, table):
    spec = TABLES[table]
    for column in spec.columns:
        if column in spec.json_columns:
            continue
        looks_like_json = filled.scalar(
            f"SELECT count(*) FROM {table} WHERE json_valid({column})"
            f" AND json_type({column}) IN ('array', 'object')"
        )
        assert looks_like_json == 0, column


def test_event_fields_and_cli_options_come_from_the_schema():
    """One definition: the event columns, and an events option (or a lookup) for each."""
    assert TABLES["events"].columns == events.EVENT_FIELDS
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    actions = next(a for a in commands["events"]._actions if a.dest == "action").choices
    for name in ("add", "edit"):
        dests = {action.dest for action in actions[name]._actions}
        looked_up = {"area_id": "area", "partner_id": "partner"}
        for column in TABLES["events"].columns:
            assert looked_up.get(column, column) in dests, (name, column)
