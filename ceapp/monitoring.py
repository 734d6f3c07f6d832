"""Anonymous equality monitoring responses (docs/architecture.md, "Anonymity").

A response is linked to an event and nothing else: no name, contact, date of
birth, postcode or entry time. Ids are random, the table has no rowid, and
its change-log stamps carry no time (see changes.py), so neither the file
nor a sync bundle tells the order in which slips were typed. Every question
is optional: "prefer_not_to_say" and "not_answered" are distinct codes and
both fall outside report denominators.
"""

from __future__ import annotations

import functools

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.store import Store
from ceapp.vocab import Choices

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_ANSWERED = "not_answered"
_UNANSWERED = ((PREFER_NOT_TO_SAY, N_("Prefer not to say")), (NOT_ANSWERED, N_("Not answered")))
_YES_NO = (("yes", N_("Yes")), ("no", N_("No")))


def _question(name: str, *items: tuple[str, str]) -> Choices:
    return Choices(name, (*items, *_UNANSWERED))


# Census 2021 / GSS harmonised standards for England.
QUESTIONS: dict[str, Choices] = {
    "age_band": _question(
        "age_band",
        ("under_16", N_("Under 16")),
        ("16_24", N_("16 to 24")),
        ("25_34", N_("25 to 34")),
        ("35_44", N_("35 to 44")),
        ("45_54", N_("45 to 54")),
        ("55_64", N_("55 to 64")),
        ("65_74", N_("65 to 74")),
        ("75_plus", N_("75 or over")),
    ),
    "sex": _question("sex", ("female", N_("Female")), ("male", N_("Male"))),
    "gender_same_as_birth": _question("gender_same_as_birth", *_YES_NO),
    "sexual_orientation": _question(
        "sexual_orientation",
        ("straight", N_("Straight or heterosexual")),
        ("gay_lesbian", N_("Gay or lesbian")),
        ("bisexual", N_("Bisexual")),
        ("other", N_("Other sexual orientation")),
    ),
    "ethnic_group": _question(
        "ethnic_group",
        ("white_british", N_("White: English, Welsh, Scottish, Northern Irish or British")),
        ("white_irish", N_("White: Irish")),
        ("white_gypsy_traveller", N_("White: Gypsy or Irish Traveller")),
        ("white_roma", N_("White: Roma")),
        ("white_other", N_("White: any other White background")),
        ("mixed_white_black_caribbean", N_("Mixed: White and Black Caribbean")),
        ("mixed_white_black_african", N_("Mixed: White and Black African")),
        ("mixed_white_asian", N_("Mixed: White and Asian")),
        ("mixed_other", N_("Mixed: any other Mixed or Multiple background")),
        ("asian_indian", N_("Asian or Asian British: Indian")),
        ("asian_pakistani", N_("Asian or Asian British: Pakistani")),
        ("asian_bangladeshi", N_("Asian or Asian British: Bangladeshi")),
        ("asian_chinese", N_("Asian or Asian British: Chinese")),
        ("asian_other", N_("Asian or Asian British: any other Asian background")),
        ("black_caribbean", N_("Black, Black British, Caribbean or African: Caribbean")),
        ("black_african", N_("Black, Black British, Caribbean or African: African")),
        (
            "black_other",
            N_("Black, Black British, Caribbean or African: any other Black background"),
        ),
        ("other_arab", N_("Other ethnic group: Arab")),
        ("other_any", N_("Other ethnic group: any other ethnic group")),
    ),
    "religion": _question(
        "religion",
        ("none", N_("No religion")),
        ("christian", N_("Christian")),
        ("buddhist", N_("Buddhist")),
        ("hindu", N_("Hindu")),
        ("jewish", N_("Jewish")),
        ("muslim", N_("Muslim")),
        ("sikh", N_("Sikh")),
        ("other", N_("Any other religion")),
    ),
    "long_term_condition": _question("long_term_condition", *_YES_NO),
    "condition_impact": _question(
        "condition_impact",
        ("a_lot", N_("Yes, a lot")),
        ("a_little", N_("Yes, a little")),
        ("not_at_all", N_("Not at all")),
    ),
    "marital_status": _question(
        "marital_status",
        ("never", N_("Never married or in a civil partnership")),
        ("married", N_("Married")),
        ("civil_partnership", N_("In a civil partnership")),
        ("separated", N_("Separated")),
        ("divorced", N_("Divorced or civil partnership dissolved")),
        ("widowed", N_("Widowed or surviving civil partner")),
    ),
    "pregnancy_maternity": _question("pregnancy_maternity", *_YES_NO),
    "carer": _question("carer", *_YES_NO),
    "first_language": _question(
        "first_language", ("english", N_("English")), ("other", N_("Another language"))
    ),
}


# What each question asks, as a slip prints it; QUESTIONS holds the answers.
QUESTION_LABELS: dict[str, str] = {
    "age_band": N_("Age"),
    "sex": N_("Sex"),
    "gender_same_as_birth": N_("Gender the same as the sex registered at birth"),
    "sexual_orientation": N_("Sexual orientation"),
    "ethnic_group": N_("Ethnic group"),
    "religion": N_("Religion"),
    "long_term_condition": N_("Long-term physical or mental health condition"),
    "condition_impact": N_("Condition reduces day-to-day activities"),
    "marital_status": N_("Marital or civil partnership status"),
    "pregnancy_maternity": N_("Pregnant or on maternity leave"),
    "carer": N_("Unpaid carer"),
    "first_language": N_("First language"),
}


def question_label(name: str) -> str:
    return _(QUESTION_LABELS.get(name, name))


# Each question with its answers and its label, translated only if a message needs it.
_CHECKS = tuple(
    (name, frozenset(choices.codes), choices, functools.partial(question_label, name))
    for name, choices in QUESTIONS.items()
)


def answer_codes(name: str) -> tuple[str, ...]:
    """A question's answers in slip order, without "prefer not to say" and "not answered"."""
    return tuple(
        code for code in QUESTIONS[name].codes if code not in (PREFER_NOT_TO_SAY, NOT_ANSWERED)
    )


# Every (question, answer) a slip may hold, and a slip with nothing answered.
_ANSWER_PAIRS = frozenset(
    (name, code) for name, choices in QUESTIONS.items() for code in choices.codes
)
_BLANK_SLIP = dict.fromkeys(QUESTIONS, NOT_ANSWERED)


def clean_answers(answers: dict) -> dict:
    if not isinstance(answers, dict):
        raise ValidationError(
            "answers", _("Monitoring answers must be given as question: answer pairs.")
        )
    try:
        # Bulk entry's common case in one set test: every answer known.
        known = answers.items() <= _ANSWER_PAIRS
    except TypeError:  # unhashable, e.g. a list where a code belongs
        known = False
    if known:
        cleaned = {**_BLANK_SLIP, **answers}
        _refuse_contradiction(cleaned)
        return cleaned
    unknown = answers.keys() - QUESTIONS.keys()
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(
            name,
            _("There is no monitoring question called {name}. The questions are: {names}.").format(
                name=name, names=", ".join(QUESTIONS)
            ),
        )
    cleaned = {}
    for name, codes, choices, label in _CHECKS:
        value = answers.get(name) or NOT_ANSWERED
        try:
            known = value in codes
        except TypeError:  # unhashable, e.g. a list where a code belongs
            known = False
        # validation.choice's check, called only to say what is wrong.
        cleaned[name] = value if known else validation.choice(name, value, choices, label=label)
    _refuse_contradiction(cleaned)
    return cleaned


def _refuse_contradiction(cleaned: dict) -> None:
    # Slips are typed as written, gaps and all; only a plain contradiction is refused.
    if cleaned["long_term_condition"] == "no" and cleaned["condition_impact"] in (
        "a_lot",
        "a_little",
    ):
        raise ValidationError(
            "condition_impact",
            _(
                "The slip says no long-term condition but that one reduces day-to-day "
                "activities; check the slip and correct one of the two answers."
            ),
        )


def add_response(store: Store, *, event_id: str, answers: dict) -> str:
    """Record one anonymous slip for an event; returns its random id."""
    with store.transaction():
        event_id = validation.reference(
            store, "event_id", event_id, table="events", label=_("Event"), required=True
        )
        record = {"event_id": event_id, **clean_answers(answers)}
        return changes.create(store, "monitoring_responses", record)


def add_responses(store: Store, *, event_id: str, answers: list[dict]) -> list[str]:
    """Record several slips for one event at once (bulk entry, the demo); returns their ids."""
    with store.transaction():
        event_id = validation.reference(
            store, "event_id", event_id, table="events", label=_("Event"), required=True
        )
        records = [{"event_id": event_id, **clean_answers(each)} for each in answers]
        return changes.create_many(store, "monitoring_responses", records)


def delete_response(store: Store, response_id: str) -> None:
    with store.transaction():
        changes.delete(store, "monitoring_responses", response_id)


def count_responses(store: Store, event_id: str) -> int:
    """How many slips an event has: a count only, so nothing about any one slip shows."""
    return store.scalar("SELECT count(*) FROM monitoring_responses WHERE event_id = ?", (event_id,))
