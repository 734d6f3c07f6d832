"""The fingerprint SQLite writes is, byte for byte, the one Python used to write."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3

import pytest
from factories import event_fields, make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceapp import demo, events, groups
from ceapp.errors import ValidationError
from ceapp.fingerprint import fingerprint
from ceapp.schema import TABLES
from ceapp.store import open_store

_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reference_fingerprint(store) -> str:
    """The implementation before SQLite built the JSON: every row through Python."""
    digest = hashlib.sha256()
    for name in sorted(TABLES):
        spec = TABLES[name]
        columns = ("id", *sorted(spec.columns))
        rows = store.conn.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY id").fetchall()
        if rows:  # an empty table adds nothing
            digest.update(f"table {name}\n".encode())
        for row in rows:
            record = {
                column: json.loads(value)
                if column in spec.json_columns and isinstance(value, str)
                else value
                for column, value in zip(columns, row, strict=True)
            }
            digest.update(_CANONICAL.encode(record).encode())
            digest.update(b"\n")
    return digest.hexdigest()


@pytest.fixture
def memory_store():
    opened = open_store(":memory:")
    yield opened
    opened.close()


def test_same_digest_as_python_on_demo_data(store):
    demo.generate(store, seed=3, events=200)
    assert fingerprint(store) == reference_fingerprint(store)


@pytest.mark.parametrize("engine", ["sqlite3", "sqlcipher3"])
def test_sqlite_escapes_every_character_as_python_does(engine):
    # Encrypted databases are read through SQLCipher's own, newer SQLite.
    module = sqlite3 if engine == "sqlite3" else pytest.importorskip(engine)
    conn = module.connect(":memory:")
    # Escaping is character by character, so comparing blocks compares each.
    block = 0x800
    for start in range(0, 0x110000, block):
        text = "".join(
            chr(code) for code in range(start, start + block) if not 0xD800 <= code <= 0xDFFF
        )
        if text:
            quoted = conn.execute("SELECT json_quote(?)", (text,)).fetchone()[0]
            assert quoted == _CANONICAL.encode(text), hex(start)
    conn.close()


SPECIAL_TEXT = [
    '"',
    "\\",
    "/",
    "</script>",
    "\u2028",
    "\u2029",
    "\x00",
    "\x01",
    "\x08",
    "\t",
    "\n",
    "\x0c",
    "\r",
    "\x1b[31m",
    "\x1f",
    "\x7f",
    "\x85",
    "\u00a0",
    "\u200d",
    "\ufeff",
    "\ufffd",
    "😀",
    "👩🏽‍🚀",
    "𝄞",
    "\U0010fffd",
    "مرحبا بكم",
    "שלום",
    "\u202etxt.exe",
    "আমার সোনার বাংলা",
    "null",
    "0",
    "true",
    "[]",
    "{}",
    '{"a":1}',
    "\\u00e9",
]

text_pieces = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
texts = st.lists(text_pieces, min_size=1, max_size=5).map("".join)


def _write_through_the_domain(store, text: str) -> None:
    """Validation refuses control characters and the like; what it takes is written."""
    with contextlib.suppress(ValidationError):
        events.add_event(store, **event_fields(title=text, venue=text, outcomes=text))
    with contextlib.suppress(ValidationError):
        groups.add_group(
            store, name=text, group_type="faith", communities=[text, "x" + text], notes=text
        )


def _write_behind_its_back(store, text: str, number: int) -> None:
    """What another program, or an older version, might have put in a text column."""
    store.conn.execute(
        "INSERT INTO events (id, title, starts_at, spectrum, method, venue, audience)"
        " VALUES (?, ?, '2026-03-14 18:30', 'consultation', 'area_forum', ?, ?)",
        (f"direct-{number}", text, text, text),
    )
    store.conn.execute(
        "INSERT INTO community_groups (id, name, group_type, communities, contact_name)"
        " VALUES (?, ?, 'faith', ?, ?)",
        (f"direct-{number}", text, _CANONICAL.encode([text]), text),
    )


@settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(texts, min_size=1, max_size=4))
def test_same_digest_as_python_for_any_text(values):
    store = open_store(":memory:")
    try:
        for number, text in enumerate(values):
            _write_through_the_domain(store, text)
            _write_behind_its_back(store, text, number)
        assert fingerprint(store) == reference_fingerprint(store)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("events", "women_only", 1e100),
        ("events", "women_only", -0.0),
        ("events", "women_only", 0.1 + 0.2),
        ("events", "languages", '[ "en" ]'),
        ("events", "languages", '["\\u00e9", "a\\/b"]'),
        ("events", "accessibility", '{"b":1,"a":2.50}'),
        ("events", "venue", None),
        ("events", "languages", 7),
        ("events", "venue", 2.5),
    ],
)
def test_values_sqlite_would_write_differently_are_hashed_as_python_does(
    memory_store, table, column, value
):
    """Only a write that bypassed the write path stores these; the digest still agrees."""
    make_event(memory_store)
    make_event(memory_store, title="Another")
    memory_store.conn.execute(
        f"UPDATE {table} SET {column} = ? WHERE rowid = (SELECT min(rowid) FROM {table})", (value,)
    )
    assert fingerprint(memory_store) == reference_fingerprint(memory_store)


def test_invalid_utf8_is_hashed_rather_than_refused(memory_store):
    make_event(memory_store)
    before = fingerprint(memory_store)
    memory_store.conn.execute("UPDATE events SET title = CAST(X'fffe41' AS TEXT)")
    after = fingerprint(memory_store)
    assert after != before
    assert after == fingerprint(memory_store)


def test_fingerprint_inside_a_transaction_sees_it_and_leaves_it_open(memory_store):
    make_event(memory_store)
    with memory_store.transaction():
        make_event(memory_store, title="Not yet committed")
        inside = fingerprint(memory_store)
        assert memory_store.conn.in_transaction
    assert fingerprint(memory_store) == inside == reference_fingerprint(memory_store)


def test_fingerprint_leaves_the_connection_decoding_text(memory_store):
    make_event(memory_store)
    fingerprint(memory_store)
    assert isinstance(memory_store.scalar("SELECT title FROM events"), str)
