"""What happens at and after one demo event: head counts, a register, monitoring
slips, issues raised and followed up, and feedback sheets returned.

Every record goes through the domain modules, so it is validated and
logged exactly as if someone had typed it in; each kind of record of an
event is handed over as one batch (their bulk forms check each record as
the one-at-a-time functions do, and write the batch with one statement).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from ceapp import attendance, feedback, issues, monitoring
from ceapp.demo import population, sheet_questions, texts
from ceapp.demo.world import Place, fill, person
from ceapp.sheet_answers import MONITORING_PREFIX
from ceapp.store import Store

# role: (fewest, most likely, most, chance any come), by method.
_MEETING_STAFF = {"councillor": (1, 2, 4, 0.9), "officer": (2, 3, 6, 1.0)}
ATTENDANCE = {
    "area_forum": {
        "resident": (15, 30, 60, 1.0),
        **_MEETING_STAFF,
        "partner": (1, 2, 5, 0.9),
        "young_person": (1, 1, 4, 0.2),
    },
    "public_meeting": {
        "resident": (20, 60, 200, 1.0),
        **_MEETING_STAFF,
        "partner": (1, 2, 4, 0.5),
        "young_person": (1, 2, 6, 0.2),
    },
    "focus_group": {"resident": (6, 8, 12, 1.0), "officer": (1, 1, 2, 1.0)},
    "drop_in": {
        "resident": (20, 50, 150, 1.0),
        "officer": (2, 3, 5, 1.0),
        "councillor": (1, 1, 2, 0.3),
        "partner": (1, 2, 4, 0.5),
        "young_person": (1, 4, 10, 0.4),
    },
    "survey": {"resident": (30, 80, 300, 1.0), "young_person": (1, 4, 15, 0.5)},
    "workshop": {
        "resident": (10, 18, 35, 1.0),
        "officer": (2, 3, 4, 1.0),
        "partner": (1, 2, 5, 0.6),
        "councillor": (1, 1, 2, 0.3),
    },
    "participatory_budgeting": {
        "resident": (40, 90, 250, 1.0),
        "young_person": (5, 12, 40, 0.9),
        "councillor": (1, 2, 4, 1.0),
        "officer": (2, 3, 6, 1.0),
        "partner": (2, 5, 10, 1.0),
    },
    "citizens_panel": {"resident": (20, 30, 50, 1.0), "officer": (2, 3, 5, 1.0)},
    "street_stall": {
        "resident": (30, 70, 200, 1.0),
        "officer": (2, 2, 4, 1.0),
        "young_person": (1, 5, 20, 0.5),
    },
    "walkabout": {
        "resident": (5, 10, 25, 1.0),
        "councillor": (1, 2, 3, 1.0),
        "officer": (2, 3, 5, 1.0),
        "partner": (1, 2, 3, 0.8),
    },
    "online": {"resident": (30, 90, 350, 1.0), "young_person": (1, 5, 20, 0.5)},
    "other": {
        "resident": (30, 80, 300, 1.0),
        "officer": (2, 3, 6, 1.0),
        "partner": (1, 3, 8, 0.7),
        "young_person": (2, 10, 40, 0.6),
    },
}

# Share of the public present who fill in a monitoring slip, by method.
MONITORED = {
    "area_forum": 0.35,
    "public_meeting": 0.25,
    "focus_group": 0.8,
    "drop_in": 0.1,
    "survey": 0.4,
    "workshop": 0.5,
    "participatory_budgeting": 0.2,
    "citizens_panel": 0.9,
    "street_stall": 0.05,
    "walkabout": 0.1,
    "online": 0.4,
    "other": 0.08,
}
# Some events never hand out slips at all.
NO_MONITORING = 0.3

# Issues are raised where residents can speak to officers: (largest number, mean).
ISSUES_RAISED = {
    "area_forum": (6, 2.5),
    "public_meeting": (4, 1.5),
    "walkabout": (6, 2.5),
    "drop_in": (2, 0.3),
    "focus_group": (1, 0.1),
}
THEME_WEIGHTS = {
    "community_safety": 12,
    "antisocial_behaviour": 14,
    "housing": 18,
    "environment": 16,
    "transport": 12,
    "health": 7,
    "youth": 5,
    "older_people": 3,
    "employment": 4,
    "facilities": 5,
    "cohesion": 2,
    "other": 2,
}
# Which kind of partner an issue of a theme is usually passed to.
THEME_PARTNER = {
    "community_safety": ("police", "police", "council"),
    "antisocial_behaviour": ("police", "council", "housing"),
    "housing": ("housing", "council"),
    "health": ("nhs",),
}
# Chance an issue moves on to each next status (if time allows before `until`),
# and the days it takes (fewest, most).
ISSUE_STEPS = (
    ("referred", 0.85, (1, 10)),
    ("in_progress", 0.85, (2, 20)),
    ("answered", 0.85, (7, 60)),
    ("closed", 0.75, (3, 40)),
)
FEEDBACK_SHARE = 0.3
REGISTER_METHODS = {"focus_group": 0.7, "citizens_panel": 0.8}


@dataclass(frozen=True)
class Occasion:
    """An event just written, with what its children need to know."""

    event_id: str
    place: Place
    ward: str
    method: str
    profile: str  # population.AGE_TILT key
    young: bool
    women_only: bool
    languages: tuple[str, ...]
    starts: datetime
    ends: datetime


def utc_stamp(local: datetime) -> str:
    """A UK wall-clock time as the UTC timestamp text the record modules write."""
    # isoformat, not strftime: the same text at a fraction of the cost.
    return (local - _uk_offset(local)).isoformat(timespec="seconds") + ".000+00:00"


def _uk_offset(local: datetime) -> timedelta:
    starts, ends = _summer_time(local.year)
    return timedelta(hours=1 if starts <= local.date() < ends else 0)


@lru_cache(maxsize=64)
def _summer_time(year: int) -> tuple[date, date]:
    """British Summer Time: last Sunday of March to last Sunday of October."""

    def last_sunday(month: int) -> date:
        day = date(year, month, 31)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    return last_sunday(3), last_sunday(10)


def add_activity(store: Store, rng: random.Random, occasion: Occasion, *, until: date) -> None:
    public = _add_attendance(store, rng, occasion, until=until)
    if occasion.method in REGISTER_METHODS and rng.random() < REGISTER_METHODS[occasion.method]:
        _add_register(store, rng, occasion, public)
    _add_monitoring(store, rng, occasion, public)
    _add_issues(store, rng, occasion, until=until)
    questions = sheet_questions.add_questions(
        store, occasion.event_id, occasion.method, upcoming=occasion.starts.date() > until
    )
    if public and occasion.method not in ("survey", "online") and rng.random() < FEEDBACK_SHARE:
        _add_feedback(store, rng, occasion, public, questions, until=until)


def _count(rng: random.Random, low: int, mode: int, high: int) -> int:
    return round(rng.triangular(low, high, mode))


def _add_attendance(store: Store, rng: random.Random, occasion: Occasion, *, until: date) -> int:
    """Head counts by role; returns how many of the public came."""
    if (until - occasion.starts.date()).days < 7 and rng.random() < 0.4:
        return 0  # not typed up yet
    counts = {}
    for role, (low, mode, high, chance) in ATTENDANCE[occasion.method].items():
        if rng.random() < chance:
            counts[role] = _count(rng, low, mode, high)
    if occasion.young:
        # A youth session: most of the public there are young people.
        counts["young_person"] = counts.get("young_person", 0) + counts.pop("resident", 0)
    typed = []
    for role, count in counts.items():
        if count <= 0:
            continue
        if count > 30 and rng.random() < 0.15:
            # Two doors, two clipboards: the count arrives in two entries.
            first = rng.randint(1, count - 1)
            typed += [(role, first), (role, count - first)]
        elif rng.random() < 0.02:
            # A slip of the finger, put right with a negative entry.
            extra = rng.randint(1, 9)
            typed += [(role, count + extra), (role, -extra)]
        else:
            typed.append((role, count))
    if typed:
        attendance.add_counts(
            store,
            [{"event_id": occasion.event_id, "role": role, "count": n} for role, n in typed],
        )
    return counts.get("resident", 0) + counts.get("young_person", 0)


def _add_register(store: Store, rng: random.Random, occasion: Occasion, public: int) -> None:
    place = occasion.place
    entries = []
    for _index in range(min(public, 40)):
        given, surname = person(rng, place.borough)
        signed_in = occasion.starts + timedelta(minutes=rng.randint(-10, 20))
        entries.append(
            {
                "event_id": occasion.event_id,
                "name": f"{given} {surname}",
                "contact": None,
                "consent": True,
                "consent_recorded_by": rng.choice(place.officers),
                "at": utc_stamp(signed_in),
            }
        )
    if entries:
        attendance.add_register_entries(store, entries)


def _add_monitoring(store: Store, rng: random.Random, occasion: Occasion, public: int) -> None:
    if not public or rng.random() < NO_MONITORING:
        return
    slips = round(public * MONITORED[occasion.method] * rng.uniform(0.5, 1.3))
    mix = population.mix_for(
        borough=occasion.place.borough.key,
        profile=occasion.profile,
        women_only=occasion.women_only,
        languages=occasion.languages,
    )
    drawn = [population.draw_slip(rng, mix) for _index in range(min(slips, public))]
    if drawn:
        monitoring.add_responses(store, event_id=occasion.event_id, answers=drawn)


def _issue_count(rng: random.Random, method: str) -> int:
    if method not in ISSUES_RAISED:
        return 0
    most, mean = ISSUES_RAISED[method]
    # A binomial with the right mean and ceiling.
    return sum(rng.random() < mean / most for _index in range(most))


def _add_issues(store: Store, rng: random.Random, occasion: Occasion, *, until: date) -> None:
    place = occasion.place
    themes = list(THEME_WEIGHTS)
    weights = list(THEME_WEIGHTS.values())
    raised = []
    for _index in range(_issue_count(rng, occasion.method)):
        theme = rng.choices(themes, weights=weights)[0]
        partner_kind = rng.choice(THEME_PARTNER.get(theme, ("council",)))
        partner_id = place.partner(rng, partner_kind) if rng.random() < 0.9 else None
        recorded_by = rng.choice(place.officers)
        title = fill(rng.choice(texts.ISSUE_TITLES[theme]), rng, place, ward=occasion.ward)
        when = occasion.ends + timedelta(minutes=rng.randint(0, 40))
        issue = {
            "title": title,
            "theme": theme,
            "recorded_by": recorded_by,
            "event_id": occasion.event_id,
            "partner_id": partner_id,
            "detail": rng.choice(texts.ISSUE_DETAILS),
            "report_back": rng.random() < 0.55,
            "at": utc_stamp(when),
        }
        staff = place.police_officers if partner_kind == "police" else place.officers
        issue["updates"] = _follow_up(
            rng,
            theme=theme,
            partner=place.partner_names.get(partner_id),
            staff=staff,
            since=when,
            until=until,
        )
        raised.append(issue)
    if raised:
        issues.add_tracked_issues(store, raised)


def _follow_up(
    rng: random.Random,
    *,
    theme: str,
    partner: str | None,
    staff: list[str],
    since: datetime,
    until: date,
) -> list[dict]:
    """Walk an issue along open → referred → in progress → answered → closed.

    Returns the updates, as issues.update_issue's keywords.
    """
    moment = since
    updates: list[dict] = []
    for status, chance, (fewest, most) in ISSUE_STEPS:
        if status == "referred" and partner is None:
            continue  # the council deals with it itself
        if rng.random() >= chance:
            return updates
        day = (moment + timedelta(days=rng.randint(fewest, most))).date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day > until:
            return updates
        moment = datetime.combine(day, datetime.min.time()) + timedelta(
            minutes=rng.randint(9 * 60, 17 * 60)
        )
        fields = {"status": status, "note": None}
        if status == "referred":
            fields["note"] = texts.REFERRAL_NOTE.format(partner=partner)
        elif status == "in_progress":
            fields["note"] = rng.choice(texts.PROGRESS_NOTES)
        elif status == "answered":
            fields["response"] = texts.ISSUE_RESPONSES[theme]
        else:
            fields["note"] = rng.choice(texts.CLOSING_NOTES)
        updates.append({"changed_by": rng.choice(staff), "at": utc_stamp(moment), **fields})
    return updates


# "Do you feel you can influence decisions affecting your local area?": about
# three in ten agree at forums, a little above the 25% a council partnership
# set as its baseline.
INFLUENCE_CODES = (
    "definitely_agree",
    "tend_to_agree",
    "tend_to_disagree",
    "definitely_disagree",
    "dont_know",
)
INFLUENCE_WEIGHTS = (7, 24, 30, 19, 20)
# Some sheets come back with the equality page filled in, so the influence
# indicator can be given by group.
EQUALITY_PAGE_SHARE = 0.15


def _add_feedback(
    store: Store,
    rng: random.Random,
    occasion: Occasion,
    public: int,
    questions: list[dict],
    *,
    until: date,
) -> None:
    sheets = min(30, max(1, round(public * rng.uniform(0.05, 0.2))))
    other_languages = [code for code in occasion.languages if code != "en"]
    # A stream of its own, so adding this answer left every other record as it was.
    influence_rng = random.Random(f"influence {occasion.event_id}")
    own_rng = random.Random(f"own answers {occasion.event_id}")
    page_rng = random.Random(f"equality page {occasion.event_id}")
    mix = population.mix_for(
        borough=occasion.place.borough.key,
        profile=occasion.profile,
        women_only=occasion.women_only,
        languages=occasion.languages,
    )
    returned = []
    for _index in range(sheets):
        language = "en"
        if other_languages and rng.random() < 0.45:
            language = rng.choice(other_languages)
        answers = {
            "useful": rng.choice(texts.FEEDBACK_SCALE),
            "easy_to_take_part": rng.choice(texts.FEEDBACK_SCALE),
            "heard_about": rng.choice(texts.FEEDBACK_HEARD),
        }
        if influence_rng.random() < 0.9:
            answers["influence"] = influence_rng.choices(INFLUENCE_CODES, INFLUENCE_WEIGHTS)[0]
        answers.update(sheet_questions.answers_for(own_rng, questions))
        if page_rng.random() < EQUALITY_PAGE_SHARE:
            # As sheet_answers keeps the page: its answered questions only.
            page = population.draw_slip(page_rng, mix)
            answers.update(
                {
                    MONITORING_PREFIX + name: code
                    for name, code in page.items()
                    if code != monitoring.NOT_ANSWERED
                }
            )
        comments = texts.FEEDBACK_COMMENTS.get(language)
        if comments and rng.random() < 0.6:
            answers["comments"] = rng.choice(comments)
        received = min(until, occasion.starts.date() + timedelta(days=rng.randint(0, 21)))
        returned.append(
            {
                "event_id": occasion.event_id,
                "language": language,
                "answers": answers,
                "received_on": received.isoformat(),
            }
        )
    feedback.add_feedback_sheets(store, returned)
