"""The standing records events hang off: areas, partners, staff, groups, consultations.

Everything is drawn from one random.Random, in a fixed order, so the same
seed builds the same world.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from ceapp import areas, groups, partners
from ceapp.demo import texts
from ceapp.demo.boroughs import BOROUGHS, COMMON_TOPICS, Borough
from ceapp.store import Store

DAYS = 730  # two years, ending on (and including) `until`
# A council runs some 30 consultations a year in each borough; they
# overlap, so most days have several open.
CONSULTATIONS_PER_YEAR = 30
SHORT_CONSULTATION_SHARE = 0.07
MAX_GROUPS = 600


@dataclass(frozen=True)
class Consultation:
    topic: str
    opens: date
    closes: date
    exemption_reason: str | None


@dataclass
class Place:
    """One borough as the demo sees it: its records' ids and its people."""

    borough: Borough
    area_ids: dict[str, str]
    ward_weights: tuple[float, ...]  # cumulative: some wards are busier than others
    partners: dict[str, list[str]]  # partner kind: ids
    partner_names: dict[str, str]  # id: name
    officers: list[str]
    police_officers: list[str]
    consultations: list[Consultation]
    # Day index (0 = first day of the window): consultations open that day.
    open_on: list[list[Consultation]] = field(default_factory=list)

    def ward(self, rng: random.Random) -> str:
        wards = self.borough.wards
        return wards[bisect(self.ward_weights, rng.random() * self.ward_weights[-1])]

    def partner(self, rng: random.Random, kind: str) -> str:
        ids = self.partners.get(kind) or self.partners["council"]
        return rng.choice(ids)


def person(rng: random.Random, borough: Borough, *, heritage: str | None = None) -> tuple[str, str]:
    """A made-up (given name, surname) of a heritage common in the borough."""
    if heritage is None:
        heritages = [name for name, _weight in borough.name_mix]
        heritage = rng.choices(heritages, weights=[w for _name, w in borough.name_mix])[0]
    given, surnames = texts.NAMES[heritage]
    return rng.choice(given), rng.choice(surnames)


def _phone(rng: random.Random, borough: Borough) -> str:
    if rng.random() < 0.6:
        return f"07700 900{rng.randrange(1000):03d}"
    return f"{borough.landline}{rng.randrange(1000):03d}"


def _ascii(text: str) -> str:
    # Email addresses keep to ASCII even where the name has accents (Wiśniewska).
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode()


def _area(store: Store, borough: Borough, ward: str) -> str:
    # A database with areas but no events is allowed; reuse what is there.
    return areas.find_area(store, borough=borough.name, ward=ward) or areas.add_area(
        store, borough=borough.name, ward=ward
    )


def _partner(store: Store, name: str, kind: str) -> str:
    found = store.scalar("SELECT id FROM partners WHERE name = ? COLLATE NOCASE", (name,))
    return found or partners.add_partner(store, name=name, kind=kind)


def _consultations(rng: random.Random, borough: Borough, start: date, until: date):
    topics = COMMON_TOPICS + borough.topics
    count = CONSULTATIONS_PER_YEAR * 2 + 10
    found = []
    # Some open before the window starts and are still running in it.
    first = start - timedelta(days=100)
    span = (until - first).days - 14
    for _index in range(count):
        opens = first + timedelta(days=rng.randrange(span))
        if rng.random() < SHORT_CONSULTATION_SHARE:
            closes = opens + timedelta(days=rng.randint(28, 70))
            reason = rng.choice(texts.EXEMPTION_REASONS)
        else:
            closes = opens + timedelta(days=rng.randint(84, 112))
            reason = None
        year = opens.year if opens.month < 9 else opens.year + 1
        topic = rng.choice(topics).format(year=f"{year}/{(year + 1) % 100:02d}")
        found.append(Consultation(topic, opens, closes, reason))
    found.sort(key=lambda item: (item.opens, item.topic))
    return found


def build_places(store: Store, rng: random.Random, *, until: date) -> list[Place]:
    start = until - timedelta(days=DAYS - 1)
    places = []
    for borough in BOROUGHS:
        area_ids = {ward: _area(store, borough, ward) for ward in borough.wards}
        by_kind: dict[str, list[str]] = {}
        names = {}
        for name, kind in borough.partners:
            partner_id = _partner(store, name, kind)
            by_kind.setdefault(kind, []).append(partner_id)
            names[partner_id] = name
        officers = [" ".join(person(rng, borough)) for _index in range(14)]
        police = [f"PC {person(rng, borough)[1]}" for _index in range(5)]
        consultations = _consultations(rng, borough, start, until)
        open_on = [[] for _day in range(DAYS)]
        for consultation in consultations:
            first = max(0, (consultation.opens - start).days)
            last = min(DAYS - 1, (consultation.closes - start).days)
            for day in range(first, last + 1):
                open_on[day].append(consultation)
        places.append(
            Place(
                borough=borough,
                area_ids=area_ids,
                ward_weights=tuple(accumulate(rng.uniform(0.5, 1.5) for _w in borough.wards)),
                partners=by_kind,
                partner_names=names,
                officers=officers,
                police_officers=police,
                consultations=consultations,
                open_on=open_on,
            )
        )
    return places


def fill(
    template: str,
    rng: random.Random,
    place: Place,
    *,
    ward: str,
    community: str | None = None,
    street: str | None = None,
    **extra,
) -> str:
    """A template with its place-name placeholders filled in."""
    borough = place.borough
    community = community or rng.choice(borough.communities)[0]
    return template.format(
        ward=ward,
        borough=borough.name,
        estate=rng.choice(borough.estates),
        street=street or rng.choice(borough.streets),
        park=rng.choice(borough.parks),
        community=community,
        **extra,
    )


def add_groups(store: Store, rng: random.Random, places: list[Place], *, events: int) -> int:
    """Community groups for the consultation finder; more events, more groups."""
    wanted = min(MAX_GROUPS, 40 + events // 40)
    types = list(texts.GROUP_TYPE_WEIGHTS)
    weights = list(accumulate(texts.GROUP_TYPE_WEIGHTS.values()))
    used: set[str] = set()
    made = 0
    for attempt in range(wanted * 4):
        if made == wanted:
            break
        place = places[attempt % len(places)]
        borough = place.borough
        group_type = types[bisect(weights, rng.random() * weights[-1])]
        ward = place.ward(rng)
        community, languages = rng.choice(borough.communities)
        name = fill(
            rng.choice(texts.GROUP_NAMES[group_type]), rng, place, ward=ward, community=community
        )
        if name.lower() in used:
            continue
        used.add(name.lower())
        communities = list(texts.COMMUNITIES_BY_GROUP_TYPE.get(group_type, ()))[:1]
        heritage = None
        if community in name or rng.random() < 0.3:
            communities.append(community)
            heritage = texts.COMMUNITY_HERITAGE.get(community)
        else:
            languages = ()
        contact = {}
        if rng.random() < 0.65:
            given, surname = person(rng, borough, heritage=heritage)
            slug = _ascii(f"{given}.{surname}".lower()).replace("'", "").replace(" ", "")
            contact = {
                "contact_name": f"{given} {surname}",
                "contact_email": f"{slug}@{rng.choice(texts.EMAIL_DOMAINS)}",
                "contact_phone": _phone(rng, borough),
                "contact_consent": True,
            }
        groups.add_group(
            store,
            name=name,
            group_type=group_type,
            communities=communities or ["Local residents"],
            area_id=place.area_ids[ward],
            languages=sorted({"en", *languages}),
            **contact,
        )
        made += 1
    return made
