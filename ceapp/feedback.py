"""Feedback responses typed in from returned sheets."""

from __future__ import annotations

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.schema import spec_for
from ceapp.store import Store

# Field labels, translated only if a message needs one (validation.later).
_ANSWER_LABEL = validation.later(N_("Answer"))
_EVENT_LABEL = validation.later(N_("Event"))
_LANGUAGE_LABEL = validation.later(N_("Language"))
_QUESTION_LABEL = validation.later(N_("Question"))
_RECEIVED_ON_LABEL = validation.later(N_("Received on"))


def add_feedback(
    store: Store, *, event_id: str, language: str, answers: dict, received_on: str
) -> str:
    """Record one returned feedback sheet: its language and its answers by question."""
    with store.transaction():
        return changes.create(
            store,
            "feedback_responses",
            _clean_feedback(
                validation.References(store),
                event_id=event_id,
                language=language,
                answers=answers,
                received_on=received_on,
            ),
        )


def add_feedback_sheets(store: Store, sheets: list[dict]) -> list[str]:
    """add_feedback for many sheets at once (the demo); returns their ids.

    Each sheet is add_feedback's keywords, checked as it checks them.
    """
    with store.transaction():
        references = validation.References(store)
        records = [_clean_feedback(references, **sheet) for sheet in sheets]
        return changes.create_many(store, "feedback_responses", records)


def _clean_feedback(
    references: validation.References, *, event_id, language, answers, received_on
) -> dict:
    event_id = references.check(
        "event_id", event_id, table="events", label=_EVENT_LABEL, required=True
    )
    languages = validation.languages("language", [language], label=_LANGUAGE_LABEL)
    if not isinstance(answers, dict) or not answers:
        raise ValidationError("answers", _("The sheet has no answers; type at least one."))
    cleaned = {
        validation.text("answers", str(question), label=_QUESTION_LABEL): validation.text(
            "answers", answer, label=_ANSWER_LABEL, required=False, limit=validation.LONG_TEXT
        )
        for question, answer in answers.items()
    }
    return {
        "event_id": event_id,
        "language": languages[0],
        "answers": cleaned,
        "received_on": validation.date_text("received_on", received_on, label=_RECEIVED_ON_LABEL),
    }


def list_feedback(store: Store, event_id: str) -> list[dict]:
    spec = spec_for("feedback_responses")
    rows = store.query(
        "SELECT id, language, answers, received_on FROM feedback_responses"
        " WHERE event_id = ? ORDER BY received_on, id",
        (event_id,),
    )
    for row in rows:
        row["answers"] = changes.from_column(spec, "answers", row["answers"])
    return rows
