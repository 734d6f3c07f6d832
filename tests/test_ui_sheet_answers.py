"""Typing in returned feedback sheets on the Feedback sheets page, by keys alone."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_event
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ceapp import feedback

CTRL = Qt.KeyboardModifier.ControlModifier


pytestmark = pytest.mark.usefixtures("events_page_first")


@pytest.fixture
def forum(store):
    event_id = make_event(
        store, title="Spitalfields forum", starts_at="2099-05-01 18:30", ends_at=None
    )
    return store, event_id


def open_form(qtbot, open_window, store):
    window = open_window(store)
    number = list(window.pages).index("sheets") + 1
    qtbot.keyClick(window.focusWidget() or window, Qt.Key(Qt.Key.Key_0 + number), CTRL)
    page = window.pages["sheets"]
    assert window.current_page is page
    # Alt+Y brings the typing-in tab forward, its first question in hand.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentWidget() is page.answers
    assert page.answers.useful.hasFocus()
    return window, page, page.answers


def type_keys(qtbot, keys: str) -> None:
    """Keys into whatever has the focus: \\n is Enter, \\t is Tab, the rest typed."""
    for key in keys:
        widget = QApplication.focusWidget()
        if key == "\n":
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        elif key == "\t":
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
        else:
            qtbot.keyClicks(widget, key)


def stored(store, event_id) -> list[dict]:
    return feedback.list_feedback(store, event_id)


def test_two_sheets_typed_with_digits_and_enter_are_stored(qtbot, open_window, forum):
    store, event_id = forum
    _window, page, form = open_form(qtbot, open_window, store)
    assert page.event_id == event_id
    assert form.count_label.text() == "0 sheets typed in for this event"

    # Very useful (box 1), tend to agree (box 2), a few words, wants news (1), Enter saves.
    type_keys(qtbot, "12More buses on Sundays\n1\n")
    # The form is clear at once, the next sheet's first question in hand.
    assert form.useful.hasFocus()
    assert form.matters.toPlainText() == ""
    # Not at all useful (5), don't know (5), nothing written, no news (2).
    type_keys(qtbot, "55\n2\n")

    rows = stored(store, event_id)
    answers = sorted((row["answers"] for row in rows), key=lambda a: a["useful"], reverse=True)
    assert answers[0] == {
        "useful": "5",
        "influence": "tend_to_agree",
        "matters": "More buses on Sundays",
        "wants_news": "yes",
    }
    assert answers[1] == {"useful": "1", "influence": "dont_know", "wants_news": "no"}
    assert {row["language"] for row in rows} == {"en"}
    assert {row["received_on"] for row in rows} == {date.today().isoformat()}
    assert form.count_label.text() == "2 sheets typed in for this event"
    assert form.message.text() == "Sheet saved."

    # Ctrl+Z takes the last one back, and the count follows.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert len(stored(store, event_id)) == 1
    assert form.count_label.text() == "1 sheet typed in for this event"


def test_the_language_and_ctrl_enter_from_the_text(qtbot, open_window, forum):
    store, event_id = forum
    _window, _page, form = open_form(qtbot, open_window, store)
    # Alt+G goes to the sheet's language; Tab goes on through the date's parts.
    qtbot.keyClick(form.useful, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert form.language_combo.hasFocus()
    qtbot.keyClick(form.language_combo, Qt.Key.Key_Down)
    assert form.language() == "pl"
    for _step in range(5):
        if form.useful.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert form.useful.hasFocus()
    type_keys(qtbot, "3\n")  # partly useful; Enter leaves influence unanswered
    assert form.matters.hasFocus()
    qtbot.keyClicks(form.matters, "Parks")
    qtbot.keyClick(form.matters, Qt.Key.Key_Return, CTRL)
    rows = stored(store, event_id)
    assert [(row["language"], row["answers"]) for row in rows] == [
        (
            "pl",
            {
                "useful": "3",
                "influence": "not_answered",
                "matters": "Parks",
                "wants_news": "not_answered",
            },
        )
    ]
    # The language stays for the next sheet of the pile.
    assert form.language() == "pl"


def test_a_refused_sheet_says_why_beside_the_text_and_keeps_what_was_typed(
    qtbot, open_window, forum
):
    store, event_id = forum
    _window, _page, form = open_form(qtbot, open_window, store)
    type_keys(qtbot, "21Call me on 07700 900123\n1\n")
    assert stored(store, event_id) == []
    assert form.matters_error.isVisible()
    assert form.matters_error.text().startswith("⚠ ")
    assert "phone number" in form.matters_error.text()
    assert form.message.text().startswith("⚠ Not saved")
    # Everything typed is still there, and the text is in hand to fix.
    assert form.matters.hasFocus()
    assert form.matters.toPlainText() == "Call me on 07700 900123"
    assert form.answers()["useful"] == "4"
    assert form.answers()["wants_news"] == "yes"
    assert form.count_label.text() == "0 sheets typed in for this event"

    # A blank sheet is refused too.
    form.clear()
    form.useful.setFocus()
    type_keys(qtbot, "\n\n\n\n")
    assert stored(store, event_id) == []
    assert "Nothing on this sheet is answered" in form.message.text()


def test_a_number_with_no_box_says_so_on_the_question(qtbot, open_window, forum):
    store, _event_id = forum
    _window, _page, form = open_form(qtbot, open_window, store)
    type_keys(qtbot, "9")
    assert form.useful.hasFocus()
    assert form.useful.error_label.text() == "⚠ There is no box 9 here: use 1 to 5."
    assert form.useful.answer() == "not_answered"
    # Accessible names on everything a screen reader reaches.
    for widget in (form.language_combo, form.received_edit, form.useful, form.matters):
        assert widget.accessibleName()
