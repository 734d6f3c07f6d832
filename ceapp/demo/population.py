"""Who lives in each borough, and who turns up: population mixes for monitoring slips.

Shares are approximate Census 2021 figures (percent of usual residents,
ONS tables TS007 age, TS021 ethnic group, TS030 religion), rounded; close
enough for demo reports to look like the real places. Attendees are drawn
from these mixes tilted the way engagement tends to tilt: older people are
over-represented at evening forums and under-represented online, young
people the other way, some communities are less often reached, and events
offered in a community's language reach more of that community.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY

AGE_BANDS = ("under_16", "16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus")

CENSUS_AGE = {
    "tower_hamlets": (19.0, 13.5, 25.0, 16.0, 10.5, 7.5, 4.5, 3.0),
    "leicester": (21.0, 17.0, 15.5, 13.0, 11.5, 9.5, 6.5, 5.5),
}

CENSUS_ETHNIC = {
    "tower_hamlets": {
        "white_british": 22.9,
        "white_irish": 1.3,
        "white_gypsy_traveller": 0.1,
        "white_roma": 0.2,
        "white_other": 14.9,
        "mixed_white_black_caribbean": 1.1,
        "mixed_white_black_african": 0.7,
        "mixed_white_asian": 1.5,
        "mixed_other": 1.7,
        "asian_indian": 3.4,
        "asian_pakistani": 1.3,
        "asian_bangladeshi": 34.6,
        "asian_chinese": 3.1,
        "asian_other": 2.0,
        "black_caribbean": 1.7,
        "black_african": 4.1,
        "black_other": 1.5,
        "other_arab": 1.0,
        "other_any": 2.8,
    },
    "leicester": {
        "white_british": 33.2,
        "white_irish": 0.4,
        "white_gypsy_traveller": 0.1,
        "white_roma": 0.4,
        "white_other": 6.8,
        "mixed_white_black_caribbean": 1.3,
        "mixed_white_black_african": 0.6,
        "mixed_white_asian": 0.8,
        "mixed_other": 1.1,
        "asian_indian": 34.3,
        "asian_pakistani": 2.5,
        "asian_bangladeshi": 1.3,
        "asian_chinese": 1.0,
        "asian_other": 4.3,
        "black_caribbean": 1.3,
        "black_african": 5.3,
        "black_other": 1.2,
        "other_arab": 1.4,
        "other_any": 2.7,
    },
}

RELIGIONS = ("none", "christian", "buddhist", "hindu", "jewish", "muslim", "sikh", "other")

# Religion given ethnic group, in RELIGIONS order (England-wide pattern).
RELIGION_BY_ETHNIC = {
    "white_british": (48, 48, 0.3, 0.1, 0.6, 0.4, 0.1, 0.8),
    "white_irish": (22, 75, 0.2, 0, 0.3, 0.5, 0, 1),
    "white_gypsy_traveller": (15, 82, 0, 0, 0, 2, 0, 1),
    "white_roma": (10, 78, 0, 0, 0, 10, 0, 2),
    "white_other": (30, 55, 0.5, 0.3, 3, 9, 0.1, 2),
    "mixed_white_black_caribbean": (50, 42, 0.5, 0, 0.2, 4, 0, 2),
    "mixed_white_black_african": (35, 45, 0.3, 0, 0.2, 16, 0, 2),
    "mixed_white_asian": (50, 28, 2, 4, 1, 12, 1.5, 2),
    "mixed_other": (40, 35, 2, 2, 2, 16, 0.5, 2),
    "asian_indian": (6, 7, 0.5, 49, 0, 15, 17, 5),
    "asian_pakistani": (2, 1, 0, 0, 0, 96, 0.2, 0.5),
    "asian_bangladeshi": (2, 0.5, 0.2, 2, 0, 95, 0, 0.3),
    "asian_chinese": (60, 20, 16, 0, 0, 1, 0, 2),
    "asian_other": (10, 15, 14, 26, 0, 30, 3, 3),
    "black_caribbean": (28, 66, 0.2, 0, 0, 2, 0, 3),
    "black_african": (5, 62, 0, 0, 0, 31, 0, 1),
    "black_other": (25, 52, 0.2, 0, 0, 20, 0, 3),
    "other_arab": (5, 8, 0, 0, 0.5, 86, 0, 0.5),
    "other_any": (20, 25, 5, 3, 2, 40, 2, 5),
}
# Where a borough's community differs from the England-wide pattern.
RELIGION_OVERRIDES = {
    # Leicester's Indian community is mostly Gujarati Hindu, with Sikh,
    # Muslim and Jain (counted as "other") families.
    ("leicester", "asian_indian"): (3, 3, 0.2, 60, 0, 15, 13, 6),
    # Leicester's Black African residents include a large Somali community.
    ("leicester", "black_african"): (4, 40, 0, 0, 0, 55, 0, 1),
    ("tower_hamlets", "black_african"): (4, 45, 0, 0, 0, 50, 0, 1),
}

# Chance that English is someone's first language, by ethnic group (adults).
ENGLISH_FIRST = {
    "white_british": 0.99,
    "white_irish": 0.98,
    "white_gypsy_traveller": 0.95,
    "white_roma": 0.1,
    "white_other": 0.25,
    "mixed_white_black_caribbean": 0.98,
    "mixed_white_black_african": 0.9,
    "mixed_white_asian": 0.9,
    "mixed_other": 0.8,
    "asian_indian": 0.45,
    "asian_pakistani": 0.5,
    "asian_bangladeshi": 0.4,
    "asian_chinese": 0.3,
    "asian_other": 0.3,
    "black_caribbean": 0.97,
    "black_african": 0.45,
    "black_other": 0.7,
    "other_arab": 0.2,
    "other_any": 0.35,
}

# By age band (AGE_BANDS order).
LONG_TERM_CONDITION = (0.05, 0.12, 0.14, 0.18, 0.26, 0.36, 0.45, 0.6)
CARER = (0.02, 0.05, 0.07, 0.1, 0.14, 0.17, 0.13, 0.1)
MARITAL_STATUSES = ("never", "married", "civil_partnership", "separated", "divorced", "widowed")
MARITAL_BY_AGE = (
    (100, 0, 0, 0, 0, 0),
    (95, 5, 0.1, 0, 0, 0),
    (55, 41, 0.5, 1, 2, 0.1),
    (25, 63, 1, 3, 7, 0.5),
    (17, 61, 1, 4, 15, 1.5),
    (12, 59, 0.8, 3, 18, 5),
    (8, 56, 0.5, 2, 16, 17),
    (5, 40, 0.2, 1, 8, 46),
)

# Who comes, relative to the population, by kind of event (AGE_BANDS order).
AGE_TILT = {
    "meeting": (0.1, 0.4, 0.7, 0.9, 1.2, 1.6, 2.0, 1.8),
    "community": (0.3, 0.8, 1.0, 1.1, 1.1, 1.1, 1.0, 0.8),
    "online": (0.05, 0.8, 1.3, 1.3, 1.2, 1.0, 0.7, 0.3),
    "young": (2.0, 6.0, 0.3, 0.1, 0.05, 0.02, 0.01, 0.01),
    "older": (0, 0.02, 0.05, 0.1, 0.3, 1.0, 3.0, 3.0),
}
FEMALE_SHARE = {"meeting": 0.52, "community": 0.58, "online": 0.56, "young": 0.5, "older": 0.6}
# Groups engagement reaches less often than their numbers (and the one it reaches more).
REACH = {
    "white_british": 1.2,
    "white_other": 0.6,
    "white_roma": 0.5,
    "white_gypsy_traveller": 0.5,
    "asian_chinese": 0.6,
    "black_african": 0.8,
    "mixed_other": 0.8,
    "other_any": 0.8,
}
# Offering an event in a language reaches the communities that speak it.
LANGUAGE_REACH = {
    "bn": ("asian_bangladeshi",),
    "so": ("black_african",),
    "ti": ("black_african",),
    "gu": ("asian_indian",),
    "pa": ("asian_indian", "asian_pakistani"),
    "ur": ("asian_pakistani",),
    "pl": ("white_other",),
    "ro": ("white_other", "white_roma"),
    "lt": ("white_other",),
    "tr": ("white_other", "other_any"),
    "ku": ("other_any",),
    "ar": ("other_arab",),
    "zh": ("asian_chinese",),
    "yue": ("asian_chinese",),
    "vi": ("asian_other",),
    "ta": ("asian_other",),
}
LANGUAGE_REACH_FACTOR = 3.0

# (prefer not to say, left blank) rates per question: sensitive ones are
# declined more, optional modules at the end of the slip are skipped more.
NON_RESPONSE = {
    "age_band": (0.01, 0.02),
    "sex": (0.005, 0.01),
    "gender_same_as_birth": (0.02, 0.06),
    "sexual_orientation": (0.06, 0.05),
    "ethnic_group": (0.02, 0.02),
    "religion": (0.03, 0.03),
    "long_term_condition": (0.02, 0.03),
    "condition_impact": (0.02, 0.03),
    "marital_status": (0.02, 0.05),
    "pregnancy_maternity": (0.02, 0.1),
    "carer": (0.01, 0.05),
    "first_language": (0.005, 0.04),
}
# Some slips come back nearly empty: a name-and-run at the door.
MOSTLY_BLANK_SLIP = 0.03

ORIENTATIONS = ("straight", "gay_lesbian", "bisexual", "other")
ORIENTATION_WEIGHTS = (94, 2.5, 2.5, 0.5)
IMPACTS = ("a_lot", "a_little", "not_at_all")
IMPACT_WEIGHTS = (35, 45, 20)


@dataclass(frozen=True)
class Mix:
    """Cumulative weights for one kind of audience, ready for fast drawing."""

    ages: tuple[float, ...]
    ethnic_codes: tuple[str, ...]
    ethnic: tuple[float, ...]
    female: float
    religion: dict[str, tuple[float, ...]]


def _cumulative(weights) -> tuple[float, ...]:
    return tuple(accumulate(weights))


@lru_cache(maxsize=512)
def mix_for(*, borough: str, profile: str, women_only: bool, languages: tuple[str, ...]) -> Mix:
    """The audience mix of one kind of event in one borough."""
    ages = [
        share * tilt for share, tilt in zip(CENSUS_AGE[borough], AGE_TILT[profile], strict=True)
    ]
    ethnic = dict(CENSUS_ETHNIC[borough])
    for code in ethnic:
        ethnic[code] *= REACH.get(code, 1.0)
    for language in languages:
        for code in LANGUAGE_REACH.get(language, ()):
            ethnic[code] *= LANGUAGE_REACH_FACTOR
    codes = tuple(ethnic)
    return Mix(
        ages=_cumulative(ages),
        ethnic_codes=codes,
        ethnic=_cumulative(ethnic[code] for code in codes),
        female=0.985 if women_only else FEMALE_SHARE[profile],
        religion={
            code: _cumulative(RELIGION_OVERRIDES.get((borough, code), RELIGION_BY_ETHNIC[code]))
            for code in codes
        },
    )


_MARITAL = tuple(_cumulative(row) for row in MARITAL_BY_AGE)
_ORIENTATION = _cumulative(ORIENTATION_WEIGHTS)
_IMPACT = _cumulative(IMPACT_WEIGHTS)


# NON_RESPONSE as (question, declined below, blank below) for the drawing loop.
_NON_RESPONSE = tuple(
    (question, declined, declined + blank) for question, (declined, blank) in NON_RESPONSE.items()
)


def draw_slip(rng: random.Random, mix: Mix) -> dict[str, str]:
    """One monitoring slip as a person might fill it in, gaps included."""
    # Each choice is a bisection of cumulative weights written out in place,
    # not a helper call: half a million slips make the calls cost.
    draw = rng.random
    age_index = bisect(mix.ages, draw() * mix.ages[-1])
    sex = "female" if draw() < mix.female else "male"
    ethnic = mix.ethnic_codes[bisect(mix.ethnic, draw() * mix.ethnic[-1])]
    english = ENGLISH_FIRST[ethnic]
    if age_index <= 1:
        # Children and young adults mostly grew up here, whatever their parents speak.
        english += (1 - english) * 0.5
    condition = "yes" if draw() < LONG_TERM_CONDITION[age_index] else "no"
    fertile = sex == "female" and age_index in (1, 2, 3)
    same_gender = "yes" if draw() < 0.994 else "no"
    orientation = (
        NOT_ANSWERED
        if age_index == 0
        else ORIENTATIONS[bisect(_ORIENTATION, draw() * _ORIENTATION[-1])]
    )
    religions = mix.religion[ethnic]
    religion = RELIGIONS[bisect(religions, draw() * religions[-1])]
    impact = IMPACTS[bisect(_IMPACT, draw() * _IMPACT[-1])] if condition == "yes" else NOT_ANSWERED
    marital = _MARITAL[age_index]
    answers = {
        "age_band": AGE_BANDS[age_index],
        "sex": sex,
        "gender_same_as_birth": same_gender,
        "sexual_orientation": orientation,
        "ethnic_group": ethnic,
        "religion": religion,
        "long_term_condition": condition,
        "condition_impact": impact,
        "marital_status": MARITAL_STATUSES[bisect(marital, draw() * marital[-1])],
        "pregnancy_maternity": "yes" if draw() < (0.06 if fertile else 0.0) else "no",
        "carer": "yes" if draw() < CARER[age_index] else "no",
        "first_language": "english" if draw() < english else "other",
    }
    blank_bias = 0.7 if draw() < MOSTLY_BLANK_SLIP else 0.0
    for question, declined, blank in _NON_RESPONSE:
        roll = draw()
        if roll < declined:
            answers[question] = PREFER_NOT_TO_SAY
        elif roll < blank + blank_bias:
            answers[question] = NOT_ANSWERED
    if answers["long_term_condition"] == "no" and answers["condition_impact"] != NOT_ANSWERED:
        # The slip tells those without a condition to skip the follow-up.
        answers["condition_impact"] = NOT_ANSWERED
    return answers
