"""A forum from start to finish, by keyboard, across pages: what the window is for.

Count people in and log an issue on the Event day page, then follow the issue
up on the Issues page through two statuses; everything checked in the database.
"""

from __future__ import annotations

from factories import make_event
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ceapp import attendance, issues


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_a_forum_by_keyboard_from_the_door_to_the_answer(qtbot, open_window, store):
    event_id = make_event(store, title="Spitalfields area forum")
    window = open_window(store)
    window.context.current_event = event_id

    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page is window.pages["event-day"]
    for _ in range(10):
        press(qtbot, Qt.Key.Key_F5)
    assert attendance.role_total(store, event_id=event_id, role="resident") == 10

    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    form = window.pages["event-day"].quick_issue
    qtbot.keyClicks(form.title_edit, "Broken street lights on Hanbury Street")
    form.by_edit.setFocus()
    # The field remembers the last recorder (perhaps from another test's window).
    form.by_edit.selectAll()
    qtbot.keyClicks(form.by_edit, "Jo Officer")
    press(qtbot, Qt.Key.Key_Return)
    (logged,) = issues.list_issues(store, event_id=event_id)
    assert logged["status"] == "open"

    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["issues"]
    assert window.current_page is page
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    assert page.issue["title"] == "Broken street lights on Hanbury Street"
    page.changed_by_edit.clear()
    qtbot.keyClicks(page.changed_by_edit, "Sam Lead")
    qtbot.keyClick(page, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    page.response_edit.setFocus()
    qtbot.keyClicks(page.response_edit, "The council replaced the lights on 9 March.")
    qtbot.keyClick(page, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)

    history = [(row["status"], row["changed_by"]) for row in issues.history(store, logged["id"])]
    assert history == [("open", "Jo Officer"), ("referred", "Sam Lead"), ("answered", "Sam Lead")]
    answered = issues.get_issue(store, logged["id"])
    assert answered["response"] == "The council replaced the lights on 9 March."
