"""Feedback responses typed in from returned sheets."""

from __future__ import annotations

from ceapp import changes, validation
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.schema import spec_for
from ceapp.store import Store


def add_feedback(
    store: Store, *, event_id: str, language: str, answers: dict, received_on: str
) -> str:
    """Record one returned feedback sheet: its language and its answers by question."""
    with store.transaction():
        return changes.create(
            store,
            "feedback_responses",
            _clean_feedback(
                store,
                event_id=event_id,
                language=language,
                answers=answers,
                received_on=received_on,
            ),
        )


def _clean_feedback(store: Store, *, event_id, language, answers, received_on) -> dict:
    event_id = validation.reference(
        store, "event_id", event_id, table="events", label=_("Event"), required=True
    )
    languages = validation.languages("language", [language], label=_("Language"))
    if not isinstance(answers, dict) or not answers:
        raise ValidationError("answers", _("The sheet has no answers; type at least one."))
    cleaned = {
        validation.text("answers", str(question), label=_("Question")): validation.text(
            "answers", answer, label=_("Answer"), required=False, limit=validation.LONG_TEXT
        )
        for question, answer in answers.items()
    }
    return {
        "event_id": event_id,
        "language": languages[0],
        "answers": cleaned,
        "received_on": validation.date_text("received_on", received_on, label=_("Received on")),
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
