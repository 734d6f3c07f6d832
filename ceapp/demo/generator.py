"""generate(): fill a new database with two years of realistic engagement work.

    counts = generate(store, seed=7, events=5000)

The same seed, number of events and end date give the same records, ids
included, on any machine: every choice comes from one random.Random and
every timestamp from the calendar, never from the clock. All of it is one
transaction, so an interrupted run leaves the database as it was.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from ceapp import bulk_work, changes
from ceapp import events as event_records
from ceapp.demo import texts
from ceapp.demo.activity import Occasion, add_activity
from ceapp.demo.boroughs import COMMON_TOPICS, GENERIC_VENUES
from ceapp.demo.world import DAYS, Place, add_groups, build_places, fill
from ceapp.errors import ValidationError
from ceapp.i18n import _, ngettext
from ceapp.schema import TABLES
from ceapp.store import Store

# Progress is reported after every batch of this many events.
BATCH = 500
LOG_BATCH = 100
# Page cache while generating, in KiB. Record ids and change-log op ids are
# random, so inserts land all over their B-trees; with SQLite's default 2 MB
# cache most of them miss it, and a larger one makes generation ~20% faster.

METHOD_WEIGHTS = {
    "area_forum": 14,
    "public_meeting": 6,
    "focus_group": 9,
    "drop_in": 18,
    "survey": 5,
    "workshop": 10,
    "participatory_budgeting": 3,
    "citizens_panel": 3,
    "street_stall": 12,
    "walkabout": 8,
    "online": 7,
    "other": 5,
}
SPECTRUM_BY_METHOD = {
    "area_forum": {
        "information_giving": 45,
        "consultation": 40,
        "deciding_together": 10,
        "acting_together": 5,
    },
    "public_meeting": {"information_giving": 40, "consultation": 55, "deciding_together": 5},
    "focus_group": {"consultation": 85, "deciding_together": 15},
    "drop_in": {"information_giving": 55, "consultation": 40, "acting_together": 5},
    "survey": {"consultation": 100},
    "workshop": {"consultation": 40, "deciding_together": 35, "acting_together": 25},
    "participatory_budgeting": {"deciding_together": 90, "acting_together": 10},
    "citizens_panel": {"deciding_together": 60, "consultation": 40},
    "street_stall": {"information_giving": 60, "consultation": 40},
    "walkabout": {"acting_together": 50, "consultation": 30, "information_giving": 20},
    "online": {"consultation": 95, "information_giving": 5},
    "other": {"information_giving": 50, "acting_together": 30, "consultation": 20},
}
# method: (kind of day, possible start times, (shortest, longest) in minutes)
TIMING = {
    "area_forum": ("evening", ("18:00", "18:30", "19:00"), (105, 135)),
    "public_meeting": ("evening", ("18:30", "19:00"), (90, 120)),
    "focus_group": ("evening", ("10:00", "13:30", "18:00"), (75, 105)),
    "drop_in": ("daytime", ("10:00", "11:00", "13:00", "14:00", "15:00"), (120, 180)),
    "survey": ("office", ("09:00",), (0, 0)),
    "workshop": ("evening", ("10:00", "18:00"), (120, 180)),
    "participatory_budgeting": ("weekend", ("11:00", "13:00"), (150, 210)),
    "citizens_panel": ("weekend", ("10:00", "18:00"), (150, 210)),
    "street_stall": ("weekend", ("10:00", "11:00", "12:00"), (180, 300)),
    "walkabout": ("daytime", ("10:00", "14:00", "16:00"), (60, 120)),
    "online": ("office", ("09:00",), (0, 0)),
    "other": ("weekend", ("11:00", "12:00", "17:00"), (120, 240)),
}
# Monday to Sunday.
WEEKDAY_WEIGHTS = {
    "evening": (1, 1, 1, 1, 0.3, 0.2, 0.05),
    "daytime": (1, 1, 1, 1, 1, 0.5, 0.1),
    "weekend": (0.5, 0.5, 0.5, 0.5, 0.6, 1.5, 0.6),
    "office": (1, 1, 1, 1, 1, 0, 0),
}
# January to December: quiet in August and over Christmas.
MONTH_WEIGHTS = (0.9, 1, 1, 1, 1, 1, 0.9, 0.5, 1, 1.1, 1.1, 0.6)
LEAD_KIND_WEIGHTS = {
    "council": 55,
    "police": 8,
    "nhs": 12,
    "housing": 8,
    "fire": 3,
    "vcs": 12,
    "education": 2,
}
# Subjects partners other than the council lead on.
PARTNER_TOPICS = {
    "police": ("Neighbourhood policing priorities", "Tackling knife crime", "Safer streets"),
    "nhs": ("GP access", "Vaccination uptake", "Mental health services", "Health checks"),
    "fire": ("Home fire safety", "Fire safety in high-rise blocks"),
    "housing": ("Repairs service", "Damp and mould", "Regeneration of {estate}"),
    "vcs": ("Cost of living support", "Volunteering", "Community hubs"),
    "education": ("Adult learning courses", "Skills and jobs"),
}
MEETING_METHODS = {"area_forum", "public_meeting", "walkabout"}
ONLINE_METHODS = {"survey", "online"}
ACCESSIBILITY_CHANCES = {
    "step_free": 0.85,
    "accessible_toilet": 0.7,
    "hearing_loop": 0.4,
    "large_print": 0.35,
    "easy_read": 0.15,
    "quiet_space": 0.15,
    "bsl": 0.08,
    "childcare": 0.08,
    "transport": 0.05,
}
# Events in the last fortnight are often not written up yet.
RECENT_DAYS = 14


def generate(
    store: Store,
    *,
    seed: int = 1,
    events: int = 200,
    until: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write `events` demo events, with all that goes with them, into an empty database.

    Returns how many rows were created in each record table.
    """
    if events < 0:
        raise ValidationError("events", _("The number of events cannot be negative."))
    until = until or datetime.now(UTC).date()
    rng = random.Random(seed)
    # Ids have their own stream so that adding a field to a record (one
    # more draw) does not shift every id after it.
    id_rng = random.Random(f"ceapp demo ids {seed}")
    with (
        bulk_work.collector_paused(),
        bulk_work.large_page_cache(store),
        changes.seeded_ids(id_rng),
        store.bulk(),
    ):
        # Checked inside the write transaction, so no other process can add
        # events between the check and the writes.
        _refuse_if_not_empty(store)
        before = _row_counts(store)
        places = build_places(store, rng, until=until)
        add_groups(store, rng, places, events=events)
        calendar = Calendar(until)
        with _indexes_built_after(store), _StagedLog(store) as log:
            for done in range(1, events + 1):
                _add_event(store, rng, rng.choice(places), calendar)
                if done % LOG_BATCH == 0:
                    # Memory stays bounded however many events are asked for.
                    log.stage()
                if progress and done % BATCH == 0 and done < events:
                    progress(done, events)
            log.stage()
            changes.write_held_rows(store)
            log.stage()
        after = _row_counts(store)
    # The last report waits for the commit, which takes a while for large runs.
    if progress:
        progress(events, events)
    return {table: after[table] - before[table] for table in sorted(TABLES)}


# Page cache while the log is sorted and copied in, in KiB.
SORT_CACHE_KIB = 32 * 1024

# Indexes the generator reads through while it writes (an event's attendance
# so far, its sheet questions): kept, or each read would scan the table.
READ_WHILE_GENERATING = frozenset({"attendance_by_event", "event_questions_by_event"})


@contextmanager
def _indexes_built_after(store: Store) -> Iterator[None]:
    """Drop the record tables' other secondary indexes, and build them again at the end.

    Built from the finished tables, each is sorted once and packed full;
    kept, each insert would have put an entry at a random place in each,
    leaving pages part empty. Slips' indexes are rebuilt the same way by
    changes.write_held_rows. Dropped inside the demo's transaction, so an
    interrupted run leaves them where they were.
    """
    tables = [spec.name for spec in TABLES.values() if not spec.anonymous]
    marks = ", ".join("?" for _table in tables)
    indexes = [
        (name, sql)
        for name, sql in store.conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks}) ORDER BY name",
            tables,
        )
        if name not in READ_WHILE_GENERATING
    ]
    for name, _sql in indexes:
        store.conn.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        store.conn.execute(sql)


class _StagedLog:
    """The demo's change-log rows, gathered aside and written into the log at the end.

    Op keys are random, so rows flushed batch by batch land all over the
    log's B-tree: each batch dirtied pages across a file larger than the
    page cache, and split pages were left part empty. Here they are
    appended to a plain temporary table as they come, then put in key order
    by SQLite's sorter into a copy of the log's table, and that copy moved
    into the log in one statement. Into a log with no rows yet, SQLite
    copies it page by page, packed full (its transfer optimisation, as
    VACUUM does); otherwise the rows go in one by one, in key order.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        info = list(store.conn.execute("PRAGMA main.table_info(changes)"))
        self.columns = [row[1] for row in info]
        self.key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]

    def __enter__(self) -> _StagedLog:
        self.store.conn.execute(f"CREATE TEMP TABLE demo_log_heap ({', '.join(self.columns)})")
        return self

    def stage(self) -> None:
        """Move the log rows buffered so far to the heap."""
        rows, self.store.log_buffer = self.store.log_buffer, []
        if rows:
            marks = ", ".join("?" for _column in self.columns)
            self.store.conn.executemany(f"INSERT INTO temp.demo_log_heap VALUES ({marks})", rows)

    def __exit__(self, kind, error, trace) -> None:
        conn = self.store.conn
        try:
            if kind is None:
                self.stage()
                self._write_log()
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.demo_log_heap")
            conn.execute("DROP TABLE IF EXISTS temp.demo_log")

    def _write_log(self) -> None:
        conn = self.store.conn
        previous = conn.execute("PRAGMA cache_size").fetchone()[0]
        # SQLite's sorter holds up to the page cache's size in memory on top
        # of the cache itself (another 256 MB in the demo), and the log's
        # pages are each written once: a small cache costs nothing here.
        conn.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
        try:
            self._sort_into_log()
        finally:
            conn.execute(f"PRAGMA cache_size = {int(previous)}")

    def _sort_into_log(self) -> None:
        conn = self.store.conn
        columns = ", ".join(self.columns)
        ordered = f"SELECT {columns} FROM temp.demo_log_heap ORDER BY {', '.join(self.key)}"
        (table_sql,) = conn.execute(
            "SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = 'changes'"
        ).fetchone()
        # The log's own definition, so that the copy matches it exactly
        # (columns, key, affinities), which the page-by-page copy requires.
        copy_sql = table_sql.replace("CREATE TABLE changes ", "CREATE TEMP TABLE demo_log ", 1)
        if copy_sql == table_sql:
            conn.execute(f"INSERT INTO main.changes ({columns}) {ordered}")
            return
        conn.execute(copy_sql)
        conn.execute(f"INSERT INTO temp.demo_log ({columns}) {ordered}")
        conn.execute("DROP TABLE temp.demo_log_heap")
        conn.execute("INSERT INTO main.changes SELECT * FROM temp.demo_log")


def _refuse_if_not_empty(store: Store) -> None:
    existing = event_records.count_events(store)
    if existing:
        raise ValidationError(
            "events",
            ngettext(
                "The database already has {count} event; demo data goes into a new "
                "database: use --db with a new file name.",
                "The database already has {count} events; demo data goes into a new "
                "database: use --db with a new file name.",
                existing,
            ).format(count=existing),
        )


def _row_counts(store: Store) -> dict[str, int]:
    return {table: store.scalar(f"SELECT count(*) FROM {table}") for table in TABLES}


class Calendar:
    """The two-year window and how likely each day is to hold each kind of event."""

    def __init__(self, until: date) -> None:
        self.until = until
        self.start = until - timedelta(days=DAYS - 1)
        days = [self.start + timedelta(days=index) for index in range(DAYS)]
        self.weights = {
            kind: list(
                accumulate(MONTH_WEIGHTS[day.month - 1] * weekdays[day.weekday()] for day in days)
            )
            for kind, weekdays in WEEKDAY_WEIGHTS.items()
        }

    def day(self, rng: random.Random, kind: str) -> int:
        """A day index into the window (0 is its first day)."""
        weights = self.weights[kind]
        return bisect(weights, rng.random() * weights[-1])


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _add_event(store: Store, rng: random.Random, place: Place, calendar: Calendar) -> None:
    borough = place.borough
    method = _weighted(rng, METHOD_WEIGHTS)
    spectrum = _weighted(rng, SPECTRUM_BY_METHOD[method])
    day_kind, start_times, (shortest, longest) = TIMING[method]
    day_index = calendar.day(rng, day_kind)
    day = calendar.start + timedelta(days=day_index)
    hour, minute = map(int, rng.choice(start_times).split(":"))
    starts = datetime(day.year, day.month, day.day, hour, minute)
    ends = starts + timedelta(minutes=5 * (rng.randint(shortest, longest) // 5))
    ward = place.ward(rng)
    lead = "police" if method == "walkabout" and rng.random() < 0.4 else None
    lead = lead or _weighted(rng, LEAD_KIND_WEIGHTS)

    consultation = None
    if spectrum == "consultation" and lead == "council" and place.open_on[day_index]:
        consultation = rng.choice(place.open_on[day_index])
    if consultation:
        topic = consultation.topic
    elif lead in PARTNER_TOPICS:
        topic = fill(rng.choice(PARTNER_TOPICS[lead]), rng, place, ward=ward)
    else:
        topic = rng.choice(COMMON_TOPICS + borough.topics).format(year=day.year)

    audience, profile, young, women_only, community = _audience(rng, place, method, ward)
    languages = {"en"}
    if community:
        languages.update(dict(borough.communities)[community])
    extra = rng.random()
    if extra < 0.5:
        codes = [code for code, _weight in borough.event_languages]
        weights = [weight for _code, weight in borough.event_languages]
        languages.update(rng.choices(codes, weights=weights, k=1 if extra < 0.35 else 2))

    street = rng.choice(borough.streets)
    title = _title(
        rng, place, method=method, ward=ward, topic=topic, community=community, street=street
    )
    past = (calendar.until - day).days > RECENT_DAYS
    outcomes = None
    if rng.random() < (0.85 if past else 0.2):
        template = rng.choice(texts.OUTCOMES[spectrum])
        outcomes = template.format(topic=topic, ward=ward)
    if method in ONLINE_METHODS:
        venue = "Online"
        ends_text = f"{consultation.closes.isoformat()} 23:59" if consultation else None
    else:
        venue = street if method == "street_stall" else _venue(rng, place, ward)
        if method == "walkabout":
            venue = f"Meeting point: {venue}"
        ends_text = ends.isoformat(" ", "minutes")

    event_id = event_records.add_event(
        store,
        title=title,
        partner_id=place.partner(rng, lead),
        area_id=place.area_ids[ward],
        venue=venue,
        starts_at=starts.isoformat(" ", "minutes"),
        ends_at=ends_text,
        spectrum=spectrum,
        method=method,
        audience=audience,
        women_only=women_only,
        accessibility=_accessibility(rng, method, languages, women_only),
        languages=sorted(languages),
        consultation_opens=consultation.opens.isoformat() if consultation else None,
        consultation_closes=consultation.closes.isoformat() if consultation else None,
        exemption_reason=consultation.exemption_reason if consultation else None,
        outcomes=outcomes,
    )
    occasion = Occasion(
        event_id=event_id,
        place=place,
        ward=ward,
        method=method,
        profile=profile,
        young=young,
        women_only=women_only,
        languages=tuple(sorted(languages)),
        starts=starts,
        ends=ends,
    )
    add_activity(store, rng, occasion, until=calendar.until)


def _audience(rng: random.Random, place: Place, method: str, ward: str):
    """(audience text, population profile, youth event, women only, community targeted)."""
    if method in MEETING_METHODS:
        profile = "meeting"
    elif method in ONLINE_METHODS:
        profile = "online"
    else:
        profile = "community"
    roll = rng.random()
    community = None
    if method == "area_forum":
        return None, profile, False, False, None
    if roll < 0.07 and method not in ONLINE_METHODS:
        return rng.choice(texts.AUDIENCE_YOUNG), "young", True, False, None
    if roll < 0.13 and method not in ONLINE_METHODS:
        return rng.choice(texts.AUDIENCE_OLDER), "older", False, False, None
    if roll < 0.18 and method not in ONLINE_METHODS and method != "walkabout":
        community = rng.choice(place.borough.communities)[0]
        audience = fill(
            rng.choice(texts.AUDIENCE_WOMEN), rng, place, ward=ward, community=community
        )
        return audience, profile, False, True, community
    if roll < 0.5:
        community = rng.choice(place.borough.communities)[0]
        template = rng.choice(texts.AUDIENCES_GENERAL)
        if "{community}" not in template:
            community = None
        audience = fill(template, rng, place, ward=ward, community=community)
        return audience, profile, False, False, community
    return None, profile, False, False, None


def _title(
    rng: random.Random,
    place: Place,
    *,
    method: str,
    ward: str,
    topic: str,
    community: str | None,
    street: str,
) -> str:
    if method == "area_forum":
        return place.borough.forum_title.format(ward=ward)
    templates = texts.OTHER_EVENT_TITLES if method == "other" else texts.METHOD_TITLES[method]
    if community is None:
        # Only name a community in the title when the event was planned for it.
        templates = [item for item in templates if "{community}" not in item] or templates
    template = rng.choice(templates)
    return fill(template, rng, place, ward=ward, topic=topic, community=community, street=street)


def _venue(rng: random.Random, place: Place, ward: str) -> str:
    named = place.borough.ward_venues.get(ward, ())
    if named and rng.random() < 0.6:
        return rng.choice(named)
    return fill(rng.choice(GENERIC_VENUES), rng, place, ward=ward)


def _accessibility(rng: random.Random, method: str, languages: set[str], women_only: bool):
    if method in ONLINE_METHODS:
        return ["large_print", "easy_read"] if rng.random() < 0.3 else []
    provided = [code for code, chance in ACCESSIBILITY_CHANCES.items() if rng.random() < chance]
    if len(languages) > 1 and rng.random() < 0.6:
        provided.append("interpreters")
    if women_only and "childcare" not in provided and rng.random() < 0.5:
        provided.append("childcare")
    return provided
