"""Append-only schema migrations.

Each migration runs in its own transaction together with the row that
records it and the new `PRAGMA user_version`, so a kill mid-migration leaves
the file at the previous version. Never edit a migration that has shipped:
add a new one at the end of MIGRATIONS.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ceapp.log_migration import compact_change_log


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]


def _initial_schema(conn: sqlite3.Connection) -> None:
    for statement in INITIAL_SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)


INITIAL_SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The change log: every write to a record table adds rows here in the same
-- transaction. Clustered by table, row and stamp (what replay and merging
-- read) with no rowid, so the physical order of the log says nothing about
-- the order in which things were typed. op_id, a hash of the op, makes the
-- same op arriving twice one op.
CREATE TABLE changes (
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    stamp TEXT NOT NULL,
    op_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'set', 'delete')),
    field TEXT,
    value TEXT,
    node TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id, stamp, op_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX changes_by_op ON changes (op_id);

CREATE TABLE areas (
    id TEXT PRIMARY KEY,
    borough TEXT NOT NULL,
    ward TEXT NOT NULL
);

CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE community_groups (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    group_type TEXT NOT NULL,
    communities TEXT NOT NULL DEFAULT '[]',
    area_id TEXT REFERENCES areas (id),
    languages TEXT NOT NULL DEFAULT '[]',
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    contact_consent INTEGER NOT NULL DEFAULT 0,
    notes TEXT
);
CREATE INDEX community_groups_area ON community_groups (area_id);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    partner_id TEXT REFERENCES partners (id),
    area_id TEXT REFERENCES areas (id),
    venue TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    spectrum TEXT NOT NULL,
    method TEXT NOT NULL,
    audience TEXT,
    women_only INTEGER NOT NULL DEFAULT 0,
    accessibility TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    consultation_opens TEXT,
    consultation_closes TEXT,
    exemption_reason TEXT,
    outcomes TEXT
);
CREATE INDEX events_by_start ON events (starts_at, id);
CREATE INDEX events_by_area ON events (area_id);
CREATE INDEX events_by_partner ON events (partner_id);

-- Attendance is a pile of signed increments, never a stored total, so counts
-- typed on different laptops add up when merged.
CREATE TABLE attendance (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id),
    role TEXT NOT NULL,
    delta INTEGER NOT NULL
);
CREATE INDEX attendance_by_event ON attendance (event_id, role);

CREATE TABLE register_entries (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    contact TEXT,
    consent_recorded_by TEXT NOT NULL,
    consent_recorded_at TEXT NOT NULL
);
CREATE INDEX register_entries_by_event ON register_entries (event_id);

-- Anonymous by design (docs/architecture.md, "Anonymity"): linked to an event only; no
-- rowid and random ids, so neither storage order nor ids reveal entry order.
CREATE TABLE monitoring_responses (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id),
    age_band TEXT NOT NULL DEFAULT 'not_answered',
    sex TEXT NOT NULL DEFAULT 'not_answered',
    gender_same_as_birth TEXT NOT NULL DEFAULT 'not_answered',
    sexual_orientation TEXT NOT NULL DEFAULT 'not_answered',
    ethnic_group TEXT NOT NULL DEFAULT 'not_answered',
    religion TEXT NOT NULL DEFAULT 'not_answered',
    long_term_condition TEXT NOT NULL DEFAULT 'not_answered',
    condition_impact TEXT NOT NULL DEFAULT 'not_answered',
    marital_status TEXT NOT NULL DEFAULT 'not_answered',
    pregnancy_maternity TEXT NOT NULL DEFAULT 'not_answered',
    carer TEXT NOT NULL DEFAULT 'not_answered',
    first_language TEXT NOT NULL DEFAULT 'not_answered'
) WITHOUT ROWID;
CREATE INDEX monitoring_responses_by_event ON monitoring_responses (event_id);

CREATE TABLE issues (
    id TEXT PRIMARY KEY,
    event_id TEXT REFERENCES events (id),
    title TEXT NOT NULL,
    detail TEXT,
    theme TEXT NOT NULL,
    area_id TEXT REFERENCES areas (id),
    partner_id TEXT REFERENCES partners (id),
    status TEXT NOT NULL,
    response TEXT,
    report_back INTEGER NOT NULL DEFAULT 0,
    raised_on TEXT NOT NULL
);
CREATE INDEX issues_by_event ON issues (event_id);
CREATE INDEX issues_by_status ON issues (status);
CREATE INDEX issues_by_area ON issues (area_id);
CREATE INDEX issues_by_partner ON issues (partner_id);

CREATE TABLE issue_status_history (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL REFERENCES issues (id),
    status TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    note TEXT
);
CREATE INDEX issue_status_history_by_issue ON issue_status_history (issue_id, changed_at);

CREATE TABLE feedback_responses (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES events (id),
    language TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}',
    received_on TEXT NOT NULL
);
CREATE INDEX feedback_responses_by_event ON feedback_responses (event_id)
"""


def _redaction_flag(conn: sqlite3.Connection) -> None:
    # 1 marks an op whose personal values were blanked on purpose because the
    # person was erased or the value replaced (docs/architecture.md, "Erasure");
    # its op_id is then no longer the hash of what it holds.
    conn.execute("ALTER TABLE changes ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0")


def _trusted_devices(conn: sqlite3.Connection) -> None:
    # Which laptops this one accepts bundles from: local configuration, like
    # meta, so never synchronised and not in schema.TABLES. Public keys are
    # raw Ed25519 keys in hex.
    conn.execute(
        "CREATE TABLE trusted_devices ("
        " name TEXT PRIMARY KEY,"
        " public_key TEXT NOT NULL UNIQUE,"
        " trusted_at TEXT NOT NULL)"
    )


def _sync_peers(conn: sqlite3.Connection) -> None:
    # What each trusted laptop had when it last sent us a bundle: the newest
    # stamp it held from each node. Local bookkeeping, never synchronised.
    conn.execute(
        "CREATE TABLE sync_peers ("
        " public_key TEXT NOT NULL,"
        " node INTEGER NOT NULL,"
        " stamp INTEGER NOT NULL,"
        " PRIMARY KEY (public_key, node)) WITHOUT ROWID"
    )
    # Which laptop (public key) a node id belongs to, learned from bundles,
    # so conflicts can say "Laptop 3" rather than a node number.
    conn.execute(
        "CREATE TABLE sync_nodes (node INTEGER PRIMARY KEY, public_key TEXT NOT NULL) WITHOUT ROWID"
    )
    # The SHA-256 of the ops of every bundle imported: the log only grows,
    # so a bundle seen before has nothing new and need not be read again.
    conn.execute("CREATE TABLE sync_imported (digest TEXT PRIMARY KEY) WITHOUT ROWID")


def _event_questions(conn: sqlite3.Connection) -> None:
    # Each question its own record, so two laptops adding or translating
    # different questions never conflict.
    conn.execute(
        "CREATE TABLE event_questions ("
        " id TEXT PRIMARY KEY,"
        " event_id TEXT NOT NULL REFERENCES events (id),"
        " position INTEGER NOT NULL,"
        " kind TEXT NOT NULL CHECK (kind IN ('agree', 'yes_no', 'write')),"
        " texts TEXT NOT NULL DEFAULT '{}')"
    )
    conn.execute("CREATE INDEX event_questions_by_event ON event_questions (event_id, position)")


def _slips_keyed_by_event(conn: sqlite3.Connection) -> None:
    # Slips keyed by (event, id) instead of id: an event's slips are then
    # together in the table itself, so the index by event, a third of the
    # slips' space, goes. Still no rowid, and within an event the order is
    # that of the random ids, so the layout says nothing about typing order
    # (docs/architecture.md, "Anonymity"). Code finds a slip by both
    # (changes.locate); no table's foreign key points at slips.
    conn.execute(
        """CREATE TABLE monitoring_responses_by_key (
    id TEXT NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    age_band TEXT NOT NULL DEFAULT 'not_answered',
    sex TEXT NOT NULL DEFAULT 'not_answered',
    gender_same_as_birth TEXT NOT NULL DEFAULT 'not_answered',
    sexual_orientation TEXT NOT NULL DEFAULT 'not_answered',
    ethnic_group TEXT NOT NULL DEFAULT 'not_answered',
    religion TEXT NOT NULL DEFAULT 'not_answered',
    long_term_condition TEXT NOT NULL DEFAULT 'not_answered',
    condition_impact TEXT NOT NULL DEFAULT 'not_answered',
    marital_status TEXT NOT NULL DEFAULT 'not_answered',
    pregnancy_maternity TEXT NOT NULL DEFAULT 'not_answered',
    carer TEXT NOT NULL DEFAULT 'not_answered',
    first_language TEXT NOT NULL DEFAULT 'not_answered',
    PRIMARY KEY (event_id, id)
) WITHOUT ROWID"""
    )
    # In key order, so each row goes in after the last and pages fill up.
    conn.execute(
        "INSERT INTO monitoring_responses_by_key"
        " SELECT * FROM monitoring_responses ORDER BY event_id, id"
    )
    # Its index goes with it.
    conn.execute("DROP TABLE monitoring_responses")
    conn.execute("ALTER TABLE monitoring_responses_by_key RENAME TO monitoring_responses")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial_schema),
    Migration(2, "redaction flag on the change log", _redaction_flag),
    Migration(3, "trusted devices for sync", _trusted_devices),
    Migration(4, "sync: what each peer has, and whose each node is", _sync_peers),
    Migration(5, "compact change log, keyed by the op", compact_change_log),
    Migration(6, "an event's own questions for its feedback sheet", _event_questions),
    Migration(7, "monitoring slips keyed by event, then id", _slips_keyed_by_event),
)


def latest_version() -> int:
    return MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def pending(conn: sqlite3.Connection) -> list[Migration]:
    current = schema_version(conn)
    return [migration for migration in MIGRATIONS if migration.version > current]


def apply_pending(conn: sqlite3.Connection) -> list[Migration]:
    """Run every migration the file lacks, each in its own transaction.

    The connection must be in autocommit mode (isolation_level=None) so that
    the explicit BEGIN below owns the transaction.
    """
    applied = []
    for migration in pending(conn):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have run it while we waited for the lock
            # (two `ceapp init` on a new file at once).
            if schema_version(conn) >= migration.version:
                conn.execute("ROLLBACK")
                continue
            migration.apply(conn)
            if migration.version == 1:
                conn.execute(
                    "CREATE TABLE schema_migrations ("
                    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
            # PRAGMA takes no parameters; the version is our own integer.
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(migration)
    return applied
