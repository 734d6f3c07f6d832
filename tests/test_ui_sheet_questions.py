"""The event's own sheet questions in the window: kept, translated and answered by keys."""

from __future__ import annotations

import pytest
from factories import make_event
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication
from test_ui_sheet_answers import stored, type_keys

from ceapp import event_questions, influence, sheet_answers

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LIBRARY = "The library should open on Saturday afternoons."
POLISH = "Biblioteka powinna być otwarta w soboty po południu."


pytestmark = pytest.mark.usefixtures("events_page_first")


@pytest.fixture
def forum(store):
    event_id = make_event(
        store, title="Spitalfields forum", starts_at="2099-05-01 18:30", ends_at=None
    )
    return store, event_id


def open_page(qtbot, open_window, store):
    window = open_window(store)
    number = list(window.pages).index("sheets") + 1
    qtbot.keyClick(window.focusWidget() or window, Qt.Key(Qt.Key.Key_0 + number), CTRL)
    return window, window.pages["sheets"]


def open_editor(qtbot, open_window, store):
    window, page = open_page(qtbot, open_window, store)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U, ALT)
    assert page.tabs.currentWidget() is page.questions
    assert page.questions.new_text.hasFocus()
    return window, page, page.questions


def _questions(store, event_id):
    return event_questions.list_questions(store, event_id)


def type_text(widget, text: str) -> None:
    """Each character as a key press carrying it, as a keyboard layout or input method
    sends letters such as ę or ب (QTest's keyClicks takes ASCII only)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                QApplication.focusWidget() or widget,
                QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character),
            )


def _row_of(editor, code: str) -> int:
    table = editor.texts_table
    codes = [table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(table.rowCount())]
    return codes.index(code)


def _type_into_row(qtbot, editor, code: str, text: str) -> None:
    """Select the language's row, type over its text, Enter."""
    table = editor.texts_table
    table.setFocus()
    table.setCurrentCell(_row_of(editor, code), 1)
    type_text(table, text)  # any key starts editing, replacing the text
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    # The item delegate commits what was typed from the event loop.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_a_question_is_added_translated_moved_and_removed_by_keys_with_undo(
    qtbot, open_window, forum
):
    store, event_id = forum
    window, _page, editor = open_editor(qtbot, open_window, store)

    qtbot.keyClicks(editor.new_text, LIBRARY)
    qtbot.keyClick(editor.new_text, Qt.Key.Key_Return)
    assert [(q["number"], q["kind"], q["texts"]) for q in _questions(store, event_id)] == [
        (5, "agree", {"en": LIBRARY})
    ]
    assert editor.new_text.text() == ""
    assert (
        editor.question_list.item(0).text() == f"5. {LIBRARY} — Agree or disagree; in English only"
    )
    assert "Question added" in editor.message.text()

    _type_into_row(qtbot, editor, "pl", POLISH)
    assert _questions(store, event_id)[0]["texts"] == {"en": LIBRARY, "pl": POLISH}

    # A second question, answered yes or no, then moved above the first.
    editor.new_kind.setCurrentIndex(editor.new_kind.findData("yes_no"))
    qtbot.keyClicks(editor.new_text, "Did you come last time?")
    qtbot.keyClick(editor.new_text, Qt.Key.Key_Return)
    editor.question_list.setFocus()
    assert editor.selected()["texts"]["en"] == "Did you come last time?"
    qtbot.keyClick(editor.question_list, Qt.Key.Key_Up, ALT)
    assert [q["kind"] for q in _questions(store, event_id)] == ["yes_no", "agree"]
    assert editor.selected()["kind"] == "yes_no"  # the moved one stays chosen

    # Ctrl+Z takes back the move, then the second question.
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert [q["kind"] for q in _questions(store, event_id)] == ["agree", "yes_no"]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert [q["kind"] for q in _questions(store, event_id)] == ["agree"]

    # Delete removes it; Ctrl+Z brings it back, translation and all.
    editor.question_list.setFocus()
    editor.question_list.setCurrentRow(0)
    qtbot.keyClick(editor.question_list, Qt.Key.Key_Delete)
    assert _questions(store, event_id) == []
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Z, CTRL)
    assert [q["texts"] for q in _questions(store, event_id)] == [{"en": LIBRARY, "pl": POLISH}]
    assert editor.question_list.count() == 1


def test_bad_text_is_refused_in_words_and_nothing_is_stored(qtbot, open_window, forum):
    store, event_id = forum
    _window, _page, editor = open_editor(qtbot, open_window, store)
    qtbot.keyClick(editor.new_text, Qt.Key.Key_Return)
    assert "Question is required" in editor.message.text()
    editor.new_text.setText("Hidden \u202e direction")
    qtbot.keyClick(editor.new_text, Qt.Key.Key_Return)
    assert "changes the direction of text" in editor.message.text()
    assert _questions(store, event_id) == []

    event_questions.add_question(store, event_id=event_id, kind="agree", text=LIBRARY)
    editor.refresh()
    _type_into_row(qtbot, editor, "ar", "\U00013000")
    assert "no sheet font can print" in editor.message.text()
    assert _questions(store, event_id)[0]["texts"] == {"en": LIBRARY}
    assert editor.texts_table.item(_row_of(editor, "ar"), 1).text() == ""


def test_an_answered_question_cannot_be_removed(qtbot, open_window, forum):
    store, event_id = forum
    event_questions.add_question(store, event_id=event_id, kind="agree", text=LIBRARY)
    sheet_answers.add_sheet_answers(
        store,
        event_id=event_id,
        language="en",
        received_on="2026-03-20",
        answers={"own": {"5": "tend_to_agree"}},
    )
    _window, _page, editor = open_editor(qtbot, open_window, store)
    editor.question_list.setFocus()
    qtbot.keyClick(editor.question_list, Qt.Key.Key_Delete)
    assert "1 returned sheet answers this question, so it stays" in editor.message.text()
    assert len(_questions(store, event_id)) == 1


def test_own_questions_are_typed_in_after_the_standard_four(qtbot, open_window, forum):
    store, event_id = forum
    agree = event_questions.add_question(store, event_id=event_id, kind="agree", text=LIBRARY)
    write = event_questions.add_question(store, event_id=event_id, kind="write", text="Ideas?")
    _window, page = open_page(qtbot, open_window, store)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, ALT)
    form = page.answers
    assert [row.accessibleName() for row in form.rows[4:]] == [f"5. {LIBRARY}", "6. Ideas?"]

    # Useful 1, influence 2, nothing written, news 2, then own 5: box 2; own 6 written, Enter saves.
    type_keys(qtbot, "12\n22More benches\n")
    rows = stored(store, event_id)
    assert len(rows) == 1
    assert rows[0]["answers"] == {
        "useful": "5",
        "influence": "tend_to_agree",
        "wants_news": "no",
        f"own.{agree}": "tend_to_agree",
        f"own.{write}": "More benches",
    }
    assert form.useful.hasFocus() and form.own_rows[write].toPlainText() == ""


def test_the_preview_says_which_questions_print_in_english(qtbot, open_window, forum):
    store, event_id = forum
    event_questions.add_question(
        store, event_id=event_id, kind="agree", text=LIBRARY, texts={"pl": POLISH}
    )
    event_questions.add_question(store, event_id=event_id, kind="write", text="Ideas?")
    _window, page = open_page(qtbot, open_window, store)
    page.language_list.setCurrentItem(page.language_item("pl"))
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.language == "pl")
    assert page.preview.untranslated_questions == (6,)
    assert "question 6 has no Polish text" in page.preview_note.text()


def test_the_equality_page_of_a_returned_sheet_is_typed_in_as_a_slip(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, ALT)
    form = page.answers
    assert not form.monitoring_rows[0].isVisible()
    type_keys(qtbot, "2")  # quite useful; on to influence
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_K, ALT)
    # A mnemonic clicks its button as a mouse would: pressed, then released a moment later.
    qtbot.waitUntil(form.monitoring_box.isChecked)
    assert form.monitoring_rows[0].hasFocus() and form.monitoring_rows[0].name == "age_band"
    # Age: answer 3; sex: 1; gender as at birth: P (prefer not to say); Ctrl+Enter saves.
    type_keys(qtbot, "31p")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    rows = stored(store, event_id)
    assert len(rows) == 1
    answers = rows[0]["answers"]
    ages = list(sheet_answers.monitoring.answer_codes("age_band"))
    assert answers["useful"] == "4"
    assert answers["monitoring.age_band"] == ages[2]
    assert answers["monitoring.sex"] == sheet_answers.monitoring.answer_codes("sex")[0]
    assert answers["monitoring.gender_same_as_birth"] == "prefer_not_to_say"
    assert answers["monitoring.religion"] == "not_answered"
    # Ready for the next sheet: cleared, the page still ticked for a pile of them.
    assert form.monitoring_box.isChecked()
    assert all(row.answer() == "not_answered" for row in form.monitoring_rows)


def test_the_pale_yellow_tint_shows_in_the_preview(qtbot, open_window, forum):
    store, _event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    qtbot.waitUntil(lambda: page.preview is not None)
    assert page.preview.images[0].pixelColor(2, 2).name() == "#ffffff"
    page.choices_box.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, ALT)
    qtbot.waitUntil(page.tint_box.isChecked)
    assert page.options().tint
    qtbot.waitUntil(lambda: page.preview.images[0].pixelColor(2, 2).name() == "#fff9c4")


def test_the_results_tab_shows_the_indicator_against_the_target_kept_on_this_laptop(
    qtbot, open_window, forum
):
    store, event_id = forum
    for index in range(20):
        sheet_answers.add_sheet_answers(
            store,
            event_id=event_id,
            language="en",
            received_on="2026-03-20",
            answers={"influence": "tend_to_agree" if index < 6 else "tend_to_disagree"},
        )
    _window, page = open_page(qtbot, open_window, store)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, ALT)
    assert page.tabs.currentWidget() is page.summary
    qtbot.waitUntil(lambda: page.summary.summary is not None)
    text = page.summary.view.toPlainText()
    assert "Sheets returned: 20, 0 with the monitoring page" in text
    assert "Everyone who answered\n30.0%\n20" in text
    assert "Counts under 5 are shown as <5" in text

    # A baseline of 25%, typed, then kept: the comparison is in words.
    page.summary.baseline_spin.setFocus()
    page.summary.baseline_spin.selectAll()
    qtbot.keyClicks(page.summary.baseline_spin, "25")
    qtbot.keyClick(page.summary.baseline_spin, Qt.Key.Key_Return)
    qtbot.mouseClick(page.summary.targets_button, Qt.MouseButton.LeftButton)
    assert influence.targets(store) == (25.0, None)
    qtbot.waitUntil(lambda: "5.0 points above the baseline" in page.summary.view.toPlainText())


def test_the_events_own_languages_come_ticked(qtbot, open_window, store):
    make_event(
        store,
        title="Somali elders",
        starts_at="2099-05-01 18:30",
        ends_at=None,
        languages=["so", "ar"],
    )
    later = make_event(
        store, title="Bangla forum", starts_at="2099-06-01 18:30", ends_at=None, languages=["bn"]
    )
    _window, page = open_page(qtbot, open_window, store)
    assert page.checked_languages() == ["en", "so", "ar"]
    page.choose_event(later)
    assert page.checked_languages() == ["en", "bn"]
    assert page.summary_label.text() == "English, Bengali: 1 copy each."
