"""The Event day page, driven by keyboard as a person at a forum would."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from factories import make_event
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ceapp import attendance, issues, monitoring
from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY


@pytest.fixture
def forum(store):
    make_event(store, title="Older forum", starts_at="2026-01-10 18:30", ends_at=None)
    event_id = make_event(store, title="Spitalfields area forum")
    return store, event_id


def open_page(qtbot, open_window, store):
    window = open_window(store)
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier
    )
    page = window.pages["event-day"]
    assert window.current_page is page
    return window, page


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def type_keys(qtbot, keys: str) -> int:
    """Type `keys` into whatever has the focus, one key at a time; returns how many."""
    for key in keys:
        if key == "\n":
            press(qtbot, Qt.Key.Key_Return)
        elif key == "\t":
            press(qtbot, Qt.Key.Key_Tab)
        else:
            qtbot.keyClicks(QApplication.focusWidget(), key)
    return len(keys)


def slips(store, event_id) -> list[dict]:
    return store.query("SELECT * FROM monitoring_responses WHERE event_id = ?", (event_id,))


def test_the_page_works_on_the_newest_event_and_says_so(qtbot, open_window, forum):
    store, event_id = forum
    window, page = open_page(qtbot, open_window, store)
    assert page.event_id == event_id
    assert window.context.current_event == event_id
    assert "Spitalfields area forum" in page.event_combo.currentText()
    assert page.slips.count_label.text() == "0 slips for this event"


def test_ten_arrivals_counted_by_keyboard_are_in_the_database(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    for _ in range(10):
        press(qtbot, Qt.Key.Key_F5)
    press(qtbot, Qt.Key.Key_F7)
    assert attendance.role_total(store, event_id=event_id, role="resident") == 10
    assert attendance.role_total(store, event_id=event_id, role="officer") == 1
    assert page.cards[0].total_label.text() == "10"
    assert page.everyone_label.text() == "Everyone: 11"

    press(qtbot, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert attendance.role_total(store, event_id=event_id, role="resident") == 9
    # Undo of the −1 adds the person back; undo of a +1 takes one away.
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert attendance.role_total(store, event_id=event_id, role="resident") == 10
    assert attendance.role_total(store, event_id=event_id, role="officer") == 0
    assert page.cards[2].total_label.text() == "0"


def test_taking_away_below_zero_is_refused_beside_the_counter(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    before = store.scalar("SELECT count(*) FROM attendance")
    press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert store.scalar("SELECT count(*) FROM attendance") == before
    card = page.cards[1]
    assert card.error_label.isVisibleTo(page)
    assert "only 0 are recorded" in card.error_label.text()
    assert card.total_label.text() == "0"
    # The next good tap clears the message.
    press(qtbot, Qt.Key.Key_F6)
    assert not card.error_label.isVisibleTo(page)
    assert attendance.role_total(store, event_id=event_id, role="councillor") == 1


# Each slip as typed: keys, and the codes it must store (others not answered).
SLIPS = [
    (
        "311112221112\n",
        {
            "age_band": "25_34",
            "sex": "female",
            "gender_same_as_birth": "yes",
            "sexual_orientation": "straight",
            "ethnic_group": "asian_bangladeshi",
            "religion": "christian",
            "long_term_condition": "no",
            "marital_status": "never",
            "pregnancy_maternity": "yes",
            "carer": "yes",
            "first_language": "other",
        },
    ),
    (
        "821P76123221\n",
        {
            "age_band": "75_plus",
            "sex": "male",
            "gender_same_as_birth": "yes",
            "sexual_orientation": PREFER_NOT_TO_SAY,
            "ethnic_group": "mixed_white_black_african",
            "religion": "muslim",
            "long_term_condition": "yes",
            "condition_impact": "a_little",
            "marital_status": "civil_partnership",
            "pregnancy_maternity": "no",
            "carer": "no",
            "first_language": "english",
        },
    ),
    (
        "1\t\t\t19\t\t\t\t\t\t\n",
        {
            "age_band": "under_16",
            "ethnic_group": "other_any",
        },
    ),
    (
        "22221\t1/4221\n",
        {
            "age_band": "16_24",
            "sex": "male",
            "gender_same_as_birth": "no",
            "sexual_orientation": "gay_lesbian",
            "ethnic_group": "white_british",
            "religion": "none",
            "long_term_condition": PREFER_NOT_TO_SAY,
            "marital_status": "separated",
            "pregnancy_maternity": "no",
            "carer": "no",
            "first_language": "english",
        },
    ),
    (
        "5/P305811621P\n",
        {
            "age_band": "45_54",
            "sex": PREFER_NOT_TO_SAY,
            "gender_same_as_birth": PREFER_NOT_TO_SAY,
            "sexual_orientation": "bisexual",
            "ethnic_group": "white_other",
            "religion": "other",
            "long_term_condition": "yes",
            "condition_impact": "a_lot",
            "marital_status": "widowed",
            "pregnancy_maternity": "no",
            "carer": "yes",
            "first_language": PREFER_NOT_TO_SAY,
        },
    ),
]


def expected(answers: dict) -> dict:
    return {name: answers.get(name, NOT_ANSWERED) for name in monitoring.QUESTIONS}


def test_five_slips_typed_by_keyboard_are_stored_exactly_and_anonymously(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    assert QApplication.focusWidget() is page.slips.rows[0]
    for number, (keys, _answers) in enumerate(SLIPS, start=1):
        type_keys(qtbot, keys)
        assert (
            page.slips.count_label.text()
            == f"{number} slip{'s' if number > 1 else ''} for this event"
        )
        # The form is clear again for the next slip, with the cursor on the first question.
        assert all(row.answer() == NOT_ANSWERED for row in page.slips.rows)
        assert QApplication.focusWidget() is page.slips.rows[0]

    rows = slips(store, event_id)
    assert len(rows) == 5
    stored = sorted(tuple(row[name] for name in monitoring.QUESTIONS) for row in rows)
    wanted = sorted(
        tuple(expected(answers)[name] for name in monitoring.QUESTIONS) for _k, answers in SLIPS
    )
    assert stored == wanted
    # Linked to the event and nothing else.
    assert set(rows[0]) == {"id", "event_id", *monitoring.QUESTIONS}
    # A slip with "prefer not to say" keeps it as its own answer.
    assert any(row["sexual_orientation"] == PREFER_NOT_TO_SAY for row in rows)

    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(slips(store, event_id)) == 4
    assert page.slips.count_label.text() == "4 slips for this event"
    gone = tuple(expected(SLIPS[-1][1])[name] for name in monitoring.QUESTIONS)
    assert gone not in [
        tuple(row[name] for name in monitoring.QUESTIONS) for row in slips(store, event_id)
    ]


def test_a_complete_slip_takes_at_most_fifteen_keystrokes(qtbot, open_window, forum):
    store, event_id = forum
    _window, _page = open_page(qtbot, open_window, store)
    strokes = type_keys(qtbot, "6111145132221\n")
    assert strokes <= 15
    (row,) = slips(store, event_id)
    assert row["ethnic_group"] == "asian_other"
    assert row["condition_impact"] == "not_at_all"
    assert NOT_ANSWERED not in {row[name] for name in monitoring.QUESTIONS}


def test_undo_last_slip_button_and_shown_choice(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    type_keys(qtbot, "3")
    age = page.slips.rows[0]
    chosen = age.buttons[2]
    assert chosen.isChecked() and chosen.font().bold()
    assert "25 to 34" in age.answer_label.text()
    assert QApplication.focusWidget() is page.slips.rows[1]
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Backspace)
    assert age.answer() == NOT_ANSWERED and not chosen.font().bold()
    type_keys(qtbot, "4\n")
    assert QApplication.focusWidget() is page.slips.rows[2]
    for _ in range(9):
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.slips.rows[-1]
    press(qtbot, Qt.Key.Key_Return)
    assert len(slips(store, event_id)) == 1
    assert page.slips.undo_button.isEnabled()
    page.slips.undo_button.click()
    assert slips(store, event_id) == []
    assert page.slips.count_label.text() == "0 slips for this event"


def test_a_contradictory_slip_is_refused_beside_the_question(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    type_keys(qtbot, "1111212")
    # "No" condition skips the impact question; go back to it by hand and answer it.
    assert QApplication.focusWidget() is page.slips.rows[8]
    press(qtbot, Qt.Key.Key_Up)
    type_keys(qtbot, "1")
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return)
    assert slips(store, event_id) == []
    impact = page.slips.rows[7]
    assert impact.error_label.isVisibleTo(page) and "check the slip" in impact.error_label.text()
    assert QApplication.focusWidget() is impact


def test_quick_issue_is_saved_against_the_event_with_its_theme(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    form = page.quick_issue
    assert QApplication.focusWidget() is form.title_edit
    qtbot.keyClicks(form.title_edit, "Broken street lights on Hanbury Street")
    press(qtbot, Qt.Key.Key_Return)
    # No name for who recorded it: refused beside that field.
    assert "Recorded by" in form.errors["recorded_by"].text()
    assert issues.list_issues(store, event_id=event_id) == []
    # The cursor is put in the field at fault.
    assert QApplication.focusWidget() is form.by_edit
    qtbot.keyClicks(form.by_edit, "Jo Officer")
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is form.theme_combo
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    (issue,) = issues.list_issues(store, event_id=event_id)
    assert issue["title"] == "Broken street lights on Hanbury Street"
    assert issue["theme"] == "housing"
    assert form.title_edit.text() == ""
    assert "Broken street lights" in form.raised_list.item(0).text()


def test_register_refused_without_consent_and_saved_with_it(qtbot, open_window, forum):
    store, event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    form = page.register
    assert QApplication.focusWidget() is form.name_edit
    qtbot.keyClicks(form.name_edit, "Amina Khatun")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "07700 900123")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Jo Officer")
    press(qtbot, Qt.Key.Key_Return)
    assert attendance.register(store, event_id) == []
    assert "consent" in form.errors["consent"].text()
    assert QApplication.focusWidget() is form.consent_box

    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Return)
    (entry,) = attendance.register(store, event_id)
    assert entry["name"] == "Amina Khatun" and entry["consent_recorded_by"] == "Jo Officer"
    assert form.names.item(0).text() == "Amina Khatun — 07700 900123"
    assert form.errors["consent"].text() == ""


def test_choosing_another_event_sets_the_current_event(qtbot, open_window, forum):
    store, _event_id = forum
    window, page = open_page(qtbot, open_window, store)
    page.event_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert "Older forum" in page.event_combo.currentText()
    assert window.context.current_event == page.event_id
    press(qtbot, Qt.Key.Key_F5)
    assert attendance.role_total(store, event_id=page.event_id, role="resident") == 1


def test_every_control_has_an_accessible_name(qtbot, open_window, forum):
    store, _event_id = forum
    _window, page = open_page(qtbot, open_window, store)
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

    for kind in (QAbstractButton, QComboBox, QLineEdit):
        for widget in page.findChildren(kind):
            if widget.parent() is not None and type(widget).__name__ == "QToolButton":
                continue  # the tab bar's own scroll arrows
            assert widget.accessibleName(), (widget, widget.text())
    assert page.shortcut_help()


def test_the_event_chosen_on_the_events_page_is_the_one_worked_on(qtbot, open_window, forum):
    store, _event_id = forum
    older = store.scalar("SELECT id FROM events WHERE title = 'Older forum'")
    window = open_window(store)
    window.context.current_event = older
    window.show_page("event-day")
    page = window.pages["event-day"]
    assert page.event_id == older
    press(qtbot, Qt.Key.Key_F9)
    assert attendance.role_total(store, event_id=older, role="young_person") == 1
    assert page.cards[4].total_label.text() == "1"


def test_a_take_away_the_database_refuses_is_explained_beside_the_counter(
    qtbot, open_window, forum, monkeypatch
):
    """Two quick taps can both pass the page's check; the database has the last word."""
    store, event_id = forum
    window, page = open_page(qtbot, open_window, store)
    press(qtbot, Qt.Key.Key_F5)
    # The page's own check reads a moment too early and lets both through;
    # the write's check, inside its transaction, still refuses.
    real_check = attendance.check_count

    def check(store, **kwargs):
        if store is page.reader:
            return None
        return real_check(store, **kwargs)

    monkeypatch.setattr(attendance, "check_count", check)
    press(qtbot, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert attendance.role_total(store, event_id=event_id, role="resident") == 0
    card = page.cards[0]
    assert "take away at most 0" in card.error_label.text()
    assert window.undo_stack.undo_text() is not None


def test_slips_typed_in_the_window_never_stay_in_the_wal(qtbot, open_window, forum):
    """With the window's real threads and two connections, as at a forum."""
    store, event_id = forum
    window = open_window(store, synchronous=False)
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier
    )
    page = window.pages["event-day"]
    wal = f"{store.path}-wal"
    for number, (keys, _answers) in enumerate(SLIPS, start=1):
        type_keys(qtbot, keys)
        qtbot.waitUntil(lambda n=number: len(slips(store, event_id)) == n)
        window.ops.wait_for_idle()
        typed = {row["id"] for row in slips(store, event_id)}
        data = Path(wal).read_bytes() if os.path.exists(wal) else b""
        assert not any(slip_id.encode() in data for slip_id in typed)
        # The change log holds the ids as 16 bytes.
        assert not any(uuid.UUID(slip_id).bytes in data for slip_id in typed)
    # The count is read back on the worker after the write: wait for it.
    qtbot.waitUntil(lambda: page.slips.count_label.text() == "5 slips for this event")
