"""The floor the benchmarks compare against: SQLite alone, same rows, bare executemany."""

from __future__ import annotations

import time

from ceapp import bulk_work
from ceapp.schema import TABLES


def bare_insert_seconds(source, target) -> float:
    """Seconds to insert every record row of `source` into `target` with bare executemany."""
    # Same page cache as the demo had, so the comparison is of work, not of memory.
    cache_kib = bulk_work.LARGE_CACHE_KIB
    target.conn.execute(f"PRAGMA cache_size = -{cache_kib}")
    elapsed = 0.0
    target.conn.execute("BEGIN IMMEDIATE")
    # TABLES lists parents before children, so foreign keys hold row by row.
    for name, spec in TABLES.items():
        columns = ("id", *spec.columns)
        rows = source.conn.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
        sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        started = time.perf_counter()
        target.conn.executemany(sql, rows)
        elapsed += time.perf_counter() - started
    started = time.perf_counter()
    target.conn.execute("COMMIT")
    return elapsed + time.perf_counter() - started


def log_insert_seconds(source, target) -> float:
    """Seconds to insert `source`'s change-log rows into `target` the same bare way.

    What a write path that keeps a change log cannot do without: beside
    bare_insert_seconds, the floor for writing the records and their log.
    """
    columns = "tbl, row_id, stamp, node, field, value, redacted, base"
    rows = source.conn.execute(f"SELECT {columns} FROM changes").fetchall()
    started = time.perf_counter()
    target.conn.execute("BEGIN IMMEDIATE")
    target.conn.executemany(
        f"INSERT INTO changes ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    target.conn.execute("COMMIT")
    return time.perf_counter() - started
