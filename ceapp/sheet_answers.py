"""The answers on a returned feedback sheet, in a fixed shape (issue 9, "Answers back in").

The printed sheet (ceapp/sheets/texts.py) asks four things, and every one
may be left blank:

* useful: "Was this meeting useful?", a score from 5 (very useful) down to
  1 (not at all useful), the order the sheet prints them;
* influence: "Do you feel you can influence decisions affecting your local
  area?", one of INFLUENCE's codes, "don't know" included;
* matters: "What matters most to you?", free text;
* wants_news: "Would you like to hear what happened?", yes or no.

A sheet is stored as one anonymous feedback record (feedback.add_feedback):
its answers by question, the event, the sheet's language and the day it came
back; no name, no contact, no time of entry.

Contact details are never stored with the answers. The sheet's contact
section is torn off when it comes back and kept apart; if a person asked to
hear what happened, their details go, with their consent, on the event's
register (attendance.add_register_entry), not here. An answers dict with a
name, email or phone key is refused, and so is an email address or phone
number written in the "what matters" box: such text goes to the register too.

An event may add questions of its own (ceapp.event_questions); their
answers are kept under "own.<question id>", checked as the standard ones
are: the agree/disagree scale's codes, yes or no, or text (refused if it
holds contact details, as "what matters" is).

The sheet may carry the optional equality-monitoring page, on the same
anonymous sheet. Its answers (monitoring.clean_answers) are kept inside the
same feedback record, under "monitoring.<question>", so that the influence
indicator can be given for groups of residents. Linking a person's influence
answer to their characteristics is acceptable because both come from the one
anonymous sheet a resident chose to fill in, the record holds nothing that
names or contacts them, and reports only ever show the link as counts under
disclosure control (ceapp.influence, through disclosure.protect_breakdown):
a group with fewer than the rule's minimum respondents shows no percentage.
"""

from __future__ import annotations

import re

from ceapp import event_questions, feedback, monitoring, validation
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.store import Store
from ceapp.validation import excerpt
from ceapp.vocab import Choices

NOT_ANSWERED = "not_answered"
# 5 at the top of the sheet, as the demo's "useful" scores run.
USEFUL = Choices(
    "useful",
    (
        ("5", N_("Very useful")),
        ("4", N_("Quite useful")),
        ("3", N_("Partly useful")),
        ("2", N_("Not very useful")),
        ("1", N_("Not at all useful")),
    ),
)
INFLUENCE = Choices(
    "influence",
    (
        ("definitely_agree", N_("Definitely agree")),
        ("tend_to_agree", N_("Tend to agree")),
        ("tend_to_disagree", N_("Tend to disagree")),
        ("definitely_disagree", N_("Definitely disagree")),
        ("dont_know", N_("Don't know")),
    ),
)
AGREE = ("definitely_agree", "tend_to_agree")
WANTS_NEWS = Choices("wants_news", (("yes", N_("Yes")), ("no", N_("No"))))

QUESTIONS = ("useful", "influence", "matters", "wants_news")
MONITORING = "monitoring"
# The event's own questions (ceapp.event_questions), answered by number or id.
OWN = "own"
# How a monitoring answer's key reads in the stored answers.
MONITORING_PREFIX = "monitoring."
# Keys someone may try to store contact details under; refused with a pointer to the register.
CONTACT_KEYS = frozenset(
    {"name", "contact", "email", "phone", "telephone", "address", "postcode", "mobile"}
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A UK phone number: 0 or +44, then 9 or 10 more digits, spaces and dashes allowed.
_PHONE = re.compile(r"(?:\+44|\b0)(?:[\s-]?\d){9,10}\b")


def clean_sheet(answers, questions: list[dict] | None = None) -> dict:
    """The stored answers of one sheet, or ValidationError saying what to correct.

    `questions` are the event's own (event_questions.list_questions); their
    answers come under OWN, by question id or sheet number.
    """
    if not isinstance(answers, dict):
        raise ValidationError(
            "answers", _("A sheet's answers must be given as question: answer pairs.")
        )
    _refuse_unknown_keys(answers)
    cleaned = {
        "useful": _useful(answers.get("useful")),
        "influence": _coded("influence", answers.get("influence"), INFLUENCE, _influence_label),
        "wants_news": _coded("wants_news", answers.get("wants_news"), WANTS_NEWS, _news_label),
    }
    matters = validation.text(
        "matters",
        answers.get("matters"),
        label=_("What matters most"),
        required=False,
        limit=validation.LONG_TEXT,
    )
    if matters is not None:
        _refuse_contact_in_text(matters)
        cleaned["matters"] = matters
    page = answers.get(MONITORING)
    if page is not None:
        page = monitoring.clean_answers(_monitoring_page(page))
        if any(code != monitoring.NOT_ANSWERED for code in page.values()):
            cleaned.update({MONITORING_PREFIX + name: code for name, code in page.items()})
    cleaned.update(_own_answers(answers.get(OWN), questions or []))
    if all(cleaned.get(name, NOT_ANSWERED) == NOT_ANSWERED for name in QUESTIONS) and not any(
        key.startswith((MONITORING_PREFIX, event_questions.ANSWER_PREFIX)) for key in cleaned
    ):
        raise ValidationError(
            "answers",
            _(
                "Nothing on this sheet is answered; type at least one answer, "
                "or leave a blank sheet out."
            ),
        )
    return cleaned


def add_sheet_answers(store: Store, *, event_id: str, language: str, received_on, answers) -> str:
    """Record one returned sheet as an anonymous feedback record; returns its id.

    Bad input raises ValidationError before anything is written.
    """
    questions = event_questions.list_questions(store, event_id) if isinstance(event_id, str) else []
    return feedback.add_feedback(
        store,
        event_id=event_id,
        language=language,
        answers=clean_sheet(answers, questions),
        received_on=received_on,
    )


def _own_answers(given, questions: list[dict]) -> dict[str, str]:
    """The answers to the event's own questions, keyed as stored (event_questions.answer_key)."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise ValidationError(
            OWN, _("Answers to the event's own questions are pairs of question number: answer.")
        )
    by_name = {}
    for question in questions:
        by_name[question["id"]] = question
        by_name[str(question["number"])] = question
    cleaned, named = {}, set()
    for name, value in given.items():
        question = by_name.get(str(name).strip()) if isinstance(name, (str, int)) else None
        if question is None:
            if questions:
                numbers = ", ".join(str(each["number"]) for each in questions)
                message = _(
                    "The event has no question {name} of its own; its own questions are "
                    "numbered {numbers}."
                ).format(name=_shown(name), numbers=numbers)
            else:
                message = _(
                    "The event has no questions of its own, so there is no question {name} "
                    "to answer."
                ).format(name=_shown(name))
            raise ValidationError(OWN, message)
        key = event_questions.answer_key(question)
        if key in named:
            raise ValidationError(
                OWN,
                _("Question {number} is answered twice; give each question once.").format(
                    number=question["number"]
                ),
            )
        named.add(key)
        answer = _own_answer(question, value)
        if answer != NOT_ANSWERED:
            cleaned[key] = answer
    return cleaned


def own_choices(kind: str) -> Choices:
    """The boxes an event's own question of `kind` (agree or yes_no) is answered with."""
    return INFLUENCE if kind == "agree" else WANTS_NEWS


def _own_answer(question: dict, value) -> str:
    def label() -> str:
        return _("Question {number}").format(number=question["number"])

    if question["kind"] == "write":
        text = validation.text(
            OWN, value, label=label(), required=False, limit=validation.LONG_TEXT
        )
        if text is None:
            return NOT_ANSWERED
        _refuse_contact_in_text(text, OWN, label())
        return text
    choices = own_choices(question["kind"])
    return _coded(OWN, value, choices, label)


def monitoring_of(stored: dict) -> dict[str, str] | None:
    """The monitoring page's answers in a stored sheet, or None if it had none."""
    page = {
        key[len(MONITORING_PREFIX) :]: value
        for key, value in stored.items()
        if isinstance(key, str) and key.startswith(MONITORING_PREFIX)
    }
    if not page:
        return None
    return {name: page.get(name) or monitoring.NOT_ANSWERED for name in monitoring.QUESTIONS}


def _monitoring_page(page) -> dict:
    """The page as clean_answers takes it: question names to codes, all text."""
    if isinstance(page, dict):
        for name, code in page.items():
            if not isinstance(name, str) or not (code is None or isinstance(code, str)):
                raise ValidationError(
                    MONITORING,
                    _(
                        "Monitoring answers are a question's name and an answer code, "
                        "both text; {name} is not."
                    ).format(name=_shown(name)),
                )
    return page


def _influence_label() -> str:
    return _("Can influence decisions")


def _news_label() -> str:
    return _("Wants to hear what happened")


def _refuse_unknown_keys(answers: dict) -> None:
    known = {*QUESTIONS, MONITORING, OWN}
    for key in answers:
        if key in known:
            continue
        if isinstance(key, str) and key.strip().lower() in CONTACT_KEYS:
            raise ValidationError(
                "answers",
                _(
                    "Contact details are never stored with a sheet's answers: the contact "
                    "section is torn off and kept apart. Leave {key} out; with the person's "
                    "consent, put them on the event's register instead."
                ).format(key=_shown(key)),
            )
        raise ValidationError(
            "answers",
            _("The sheet has no question called {key}. Its questions are: {names}.").format(
                key=_shown(key), names=", ".join((*QUESTIONS, MONITORING, OWN))
            ),
        )


def _refuse_contact_in_text(text: str, field: str = "matters", question: str | None = None) -> None:
    if _EMAIL.search(text) or _PHONE.search(text):
        raise ValidationError(
            field,
            _(
                "The answer to '{question}' holds an email address or phone number. "
                "Contact details are kept apart from the answers: type the answer without "
                "them, and with the person's consent put them on the event's register."
            ).format(question=question or _("what matters most")),
        )


def _useful(value) -> str:
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "" or value == NOT_ANSWERED:
        return NOT_ANSWERED
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value) if 1 <= value <= 5 else None
    elif isinstance(value, str):
        text = value
    else:
        text = None
    if text not in USEFUL:
        raise ValidationError(
            "useful",
            _(
                "Usefulness '{value}' is not a score on the sheet: give 5 (very useful) "
                "down to 1 (not at all useful), or leave it out if not answered."
            ).format(value=_shown(value)),
        )
    return text


def _shown(value) -> str:
    """A value for quoting in a message; str() of a huge number raises."""
    if isinstance(value, str) or (isinstance(value, int) and abs(value) < 10**9):
        return excerpt(value)
    return type(value).__name__


def _coded(field: str, value, choices: Choices, label) -> str:
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "" or value == NOT_ANSWERED:
        return NOT_ANSWERED
    if isinstance(value, bool) and choices is WANTS_NEWS:
        return "yes" if value else "no"
    if value in choices:
        return value
    if not isinstance(value, str):
        value = _shown(value)  # never a code, so choice() refuses it, quoting it safely
    return validation.choice(field, value, choices, label=label)
