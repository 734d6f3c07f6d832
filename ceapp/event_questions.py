"""An event's own questions on its feedback sheet, with their text per language.

The printed sheet asks four standard questions (ceapp/sheets/texts.py);
an event may add a few of its own after them ("Should the library open on
Saturdays?"). Each question is one record: its kind says how it is
answered, and `texts` holds the question in English (always, the fallback)
and in any sheet language someone has translated it into. A sheet in a
language without a translation prints the English and says so, as a
catalog's missing text does.

Kinds, and the answers a returned sheet can give (sheet_answers.py):

* agree: the agree/disagree scale of the influence question, "don't know" too;
* yes_no: yes or no;
* write: space to write.

Questions are numbered on the sheet after the standard four, in their
`position` order (ties, from two laptops adding at once, by id).
"""

from __future__ import annotations

from ceapp import changes, validation
from ceapp.errors import NotFoundError, ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.schema import spec_for
from ceapp.sheets.catalogs import SOURCE_LANGUAGE, check_language
from ceapp.sheets.script_runs import refuse_unprintable
from ceapp.store import Store
from ceapp.vocab import Choices

KINDS = Choices(
    "kind",
    (
        ("agree", N_("Agree or disagree")),
        ("yes_no", N_("Yes or no")),
        ("write", N_("Space to write")),
    ),
)
# The standard questions take numbers 1 to 4 on the sheet.
FIRST_NUMBER = 5
# A large-print sheet of more would run to many pages; nobody fills those in.
MAX_QUESTIONS = 8
# A question a resident reads at a forum: a sentence or two.
MAX_TEXT = 300
# How a returned sheet's answer to an event's own question is keyed.
ANSWER_PREFIX = "own."


def _kind_label() -> str:
    return _("Kind of answer")


def _question_label() -> str:
    return _("Question")


def clean_text(text, language: str) -> str:
    """The question's text in `language`, or ValidationError saying what to change."""
    cleaned = validation.text("text", text, label=_question_label(), limit=MAX_TEXT)
    refuse_unprintable(cleaned, language, field="text", label=_question_label())
    return cleaned


def list_questions(store: Store, event_id: str) -> list[dict]:
    """The event's questions in sheet order, each with its number on the sheet."""
    spec = spec_for("event_questions")
    rows = store.query(
        "SELECT id, event_id, position, kind, texts FROM event_questions"
        " WHERE event_id = ? ORDER BY position, id",
        (event_id,),
    )
    for number, row in enumerate(rows, start=FIRST_NUMBER):
        row["texts"] = changes.from_column(spec, "texts", row["texts"]) or {}
        row["number"] = number
    return rows


def text_in(question: dict, language: str) -> tuple[str, bool]:
    """(the question's text in `language`, whether that is the English fallback)."""
    texts = question.get("texts") or {}
    if language in texts:
        return texts[language], False
    return texts.get(SOURCE_LANGUAGE, ""), language != SOURCE_LANGUAGE


def get_question(store: Store, question_id: str) -> dict:
    row = store.query("SELECT id, event_id FROM event_questions WHERE id = ?", (question_id,))
    if not row:
        raise NotFoundError(
            _("No question has the id {id}; `ceapp questions list EVENT` shows them.").format(
                id=validation.excerpt(str(question_id))
            )
        )
    for question in list_questions(store, row[0]["event_id"]):
        if question["id"] == question_id:
            return question
    raise AssertionError("a question missing from its own event's list")


def add_question(store: Store, *, event_id: str, kind, text, texts: dict | None = None) -> str:
    """Add a question after the event's others; `text` is the English. Returns its id."""
    with store.transaction():
        event_id = validation.References(store).check(
            "event_id", event_id, table="events", label=_("Event"), required=True
        )
        kind = validation.choice("kind", kind, KINDS, label=_kind_label)
        cleaned = {SOURCE_LANGUAGE: clean_text(text, SOURCE_LANGUAGE)}
        for language, translated in (texts or {}).items():
            if language != SOURCE_LANGUAGE:
                cleaned[check_language(language)] = clean_text(translated, language)
        existing = list_questions(store, event_id)
        if len(existing) >= MAX_QUESTIONS:
            raise ValidationError(
                "event_id",
                _(
                    "This event already has {count} questions of its own, as many as a "
                    "large-print sheet can take; remove one to add another."
                ).format(count=len(existing)),
            )
        position = max((question["position"] for question in existing), default=0) + 1
        return changes.create(
            store,
            "event_questions",
            {"event_id": event_id, "position": position, "kind": kind, "texts": cleaned},
        )


def set_kind(store: Store, question_id: str, kind) -> dict:
    """Change how the question is answered; not once sheets have answered it the old way."""
    with store.transaction():
        question = get_question(store, question_id)
        kind = validation.choice("kind", kind, KINDS, label=_kind_label)
        if kind == question["kind"]:
            return changes.read(store, "event_questions", question_id)
        answered = answer_count(store, question)
        if answered:
            raise ValidationError(
                "kind",
                ngettext(
                    "{count} returned sheet answers this question as it is, so how it is "
                    "answered stays; add a new question instead.",
                    "{count} returned sheets answer this question as it is, so how it is "
                    "answered stays; add a new question instead.",
                    answered,
                ).format(count=answered),
            )
        return changes.update(store, "event_questions", question_id, {"kind": kind})


def set_text(store: Store, question_id: str, language, text) -> dict:
    """Set the question's text in `language`; empty text removes a translation.

    The English can be changed but not removed: it is what prints where no
    translation exists.
    """
    with store.transaction():
        question = get_question(store, question_id)
        language = check_language(language)
        texts = dict(question["texts"])
        if (text is None or (isinstance(text, str) and not text.strip())) and (
            language != SOURCE_LANGUAGE
        ):
            texts.pop(language, None)
        else:
            texts[language] = clean_text(text, language)
        if texts == question["texts"]:
            return changes.read(store, "event_questions", question_id)
        return changes.update(store, "event_questions", question_id, {"texts": texts})


def move_question(store: Store, question_id: str, offset: int) -> list[dict]:
    """Move a question up (-1) or down (+1) the sheet; returns the new order."""
    with store.transaction():
        question = get_question(store, question_id)
        ordered = list_questions(store, question["event_id"])
        index = next(i for i, each in enumerate(ordered) if each["id"] == question_id)
        target = index + offset
        if offset and 0 <= target < len(ordered):
            ordered.insert(target, ordered.pop(index))
            # Renumber all of them: positions from two laptops may tie.
            for position, each in enumerate(ordered, start=1):
                if each["position"] != position:
                    changes.update(store, "event_questions", each["id"], {"position": position})
        return list_questions(store, question["event_id"])


def check_removable(store: Store, question: dict) -> None:
    """ValidationError if returned sheets answer the question: removing it would hide them."""
    answered = answer_count(store, question)
    if answered:
        raise ValidationError(
            "question",
            ngettext(
                "{count} returned sheet answers this question, so it stays: "
                "removing it would hide that answer.",
                "{count} returned sheets answer this question, so it stays: "
                "removing it would hide their answers.",
                answered,
            ).format(count=answered),
        )


def remove_question(store: Store, question_id: str) -> dict:
    """Delete the question; returns it as it was (for undo: restore_question)."""
    with store.transaction():
        question = get_question(store, question_id)
        check_removable(store, question)
        changes.delete(store, "event_questions", question_id)
        return question


def answer_key(question: dict | str) -> str:
    """The key a returned sheet's answer to this question is stored under."""
    question_id = question if isinstance(question, str) else question["id"]
    return ANSWER_PREFIX + question_id


def renamed_answers(answers: dict, renamed: dict[str, str]) -> dict:
    """A sheet's answers with own questions' keys moved from old question ids to new ones."""
    result = {}
    for key, value in answers.items():
        old = key[len(ANSWER_PREFIX) :] if key.startswith(ANSWER_PREFIX) else None
        result[answer_key(renamed[old]) if old in renamed else key] = value
    return result


def answer_count(store: Store, question: dict) -> int:
    """How many returned sheets of the event answer the question."""
    return store.scalar(
        "SELECT count(*) FROM feedback_responses WHERE event_id = ?"
        " AND json_type(answers, '$.\"' || ? || '\"') IS NOT NULL",
        (question["event_id"], answer_key(question)),
    )


def restore_question(store: Store, question: dict) -> str:
    """Put back a removed question where it was; returns its new id.

    A new id because the delete left a tombstone, and a delete is final
    (changes.replay). No sheet's answers point at the old id: a question
    with answers cannot be removed.
    """
    with store.transaction():
        return changes.create(
            store,
            "event_questions",
            {
                "event_id": question["event_id"],
                "position": question["position"],
                "kind": question["kind"],
                "texts": question["texts"],
            },
        )
