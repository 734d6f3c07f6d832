"""Counting slips for an equality report: one pass of SQL, folded into categories.

The selected slips (only their answer columns and the quarter of their
event) are picked once and counted per characteristic in the same
statement, so a million slips cost a dozen GROUP BYs, not a million Python
steps. Nothing here is shown to anyone: equality.py applies disclosure
control before a count leaves this package.
"""

from __future__ import annotations

from collections import defaultdict

from ceapp.reports.characteristics import CHARACTERISTICS, SOURCE_COLUMNS, category_of
from ceapp.reports.selection import Selection
from ceapp.store import Store

# Quarter of the event's start as "YYYY-Qn", from starts_at "YYYY-MM-DDTHH:MM".
QUARTER_SQL = (
    "substr(e.starts_at, 1, 4) || '-Q' || ((CAST(substr(e.starts_at, 6, 2) AS INTEGER) + 2) / 3)"
)
_COLUMNS = sorted({column for columns in SOURCE_COLUMNS.values() for column in columns})

# {characteristic: {quarter: {category or unanswered code: count}}}
Counts = dict[str, dict[str, dict[str, int]]]


def aggregation_sql(where: str) -> str:
    """One statement: the selected slips once, then a GROUP BY per characteristic.

    SQLite materialises a WITH table used more than once, so the join and the
    filter run a single time.
    """
    selected = ", ".join(f"m.{column}" for column in _COLUMNS)
    parts = []
    for name, columns in SOURCE_COLUMNS.items():
        padded = ", ".join([*columns, *["NULL"] * (2 - len(columns))])
        parts.append(
            f"SELECT '{name}', quarter, {padded}, count(*) FROM selected"
            f" GROUP BY quarter, {', '.join(columns)}"
        )
    return (
        f"WITH selected AS MATERIALIZED (SELECT {QUARTER_SQL} AS quarter, {selected}"
        f" FROM events e JOIN monitoring_responses m ON m.event_id = e.id WHERE {where}) "
        + " UNION ALL ".join(parts)
    )


def count_slips(store: Store, selection: Selection) -> tuple[Counts, int]:
    """Raw counts by characteristic and quarter, and how many events the selection holds."""
    where, params = selection.where()
    counts = {each.name: defaultdict(lambda: defaultdict(int)) for each in CHARACTERISTICS}
    for name, quarter, first, second, number in store.conn.execute(aggregation_sql(where), params):
        answers = (first,) if second is None else (first, second)
        counts[name][quarter][category_of(name, answers)] += number
    events = store.conn.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[
        0
    ]
    plain = {
        name: {q: dict(c) for q, c in by_quarter.items()} for name, by_quarter in counts.items()
    }
    return plain, events
