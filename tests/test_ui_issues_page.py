"""The Issues page, driven by keyboard as a person would."""

from __future__ import annotations

from datetime import date

import pytest
from factories import make_area, make_partner
from PySide6.QtCore import Qt

from ceapp import issues
from ui.issues_model import COLUMN_KEYS


@pytest.fixture
def three_issues(store):
    bow = make_area(store, ward="Bow East")
    police = make_partner(store, name="Metropolitan Police", kind="police")
    issues.add_issue(
        store,
        title="Broken streetlights",
        theme="environment",
        recorded_by="Asha",
        raised_on="2026-01-02",
        area_id=bow,
    )
    issues.add_issue(
        store,
        title="Drug dealing by the shops",
        theme="antisocial_behaviour",
        recorded_by="Asha",
        raised_on="2026-01-25",
        partner_id=police,
    )
    issues.add_issue(
        store,
        title="Bus shelter missing",
        theme="transport",
        recorded_by="Asha",
        raised_on="2026-02-01",
    )
    return store


def open_issues(open_window, store, qtbot):
    window = open_window(store)
    window.show_page("issues")
    page = window.pages["issues"]
    assert window.current_page is page
    page.today = date(2026, 2, 10)
    page.refresh()
    return window, page


def titles(page) -> list[str]:
    column = COLUMN_KEYS.index("title")
    return [page.model.data(page.model.index(row, column)) for row in range(page.model.rowCount())]


def select(qtbot, page, title: str) -> None:
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    while page.issue["title"] != title:
        qtbot.keyClick(page.table, Qt.Key.Key_Down)


def history(store, title: str) -> list[tuple[str, str]]:
    return [
        (row["changed_by"], row["status"])
        for row in store.query(
            "SELECT h.changed_by, h.status FROM issue_status_history h"
            " JOIN issues i ON i.id = h.issue_id WHERE i.title = ? ORDER BY h.changed_at",
            (title,),
        )
    ]


def test_moves_an_issue_through_two_statuses_by_keyboard(open_window, three_issues, qtbot):
    window, page = open_issues(open_window, three_issues, qtbot)
    select(qtbot, page, "Broken streetlights")
    page.changed_by_edit.clear()
    qtbot.keyClicks(page.changed_by_edit, "Tom")
    qtbot.keyClick(page, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert history(three_issues, "Broken streetlights") == [("Asha", "open"), ("Tom", "referred")]
    page.response_edit.setFocus()
    qtbot.keyClicks(page.response_edit, "Lights repaired on 9 February.")
    qtbot.keyClick(page, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert history(three_issues, "Broken streetlights")[-1] == ("Tom", "answered")
    assert page.issue["status"] == "answered"
    assert page.history_list.count() == 3
    assert "Tom" in page.history_list.item(2).text()
    assert "Undo" in window.undo_action.text()
    # Undo changes the status back, and the history keeps that too.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert history(three_issues, "Broken streetlights")[-1] == ("Tom", "referred")
    assert len(history(three_issues, "Broken streetlights")) == 4


def test_answered_without_a_response_is_refused_with_the_reason_shown(
    open_window, three_issues, qtbot
):
    _window, page = open_issues(open_window, three_issues, qtbot)
    select(qtbot, page, "Bus shelter missing")
    page.changed_by_edit.clear()
    qtbot.keyClicks(page.changed_by_edit, "Tom")
    qtbot.keyClick(page, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert "Write the response before marking the issue Answered" in page.message_label.text()
    assert history(three_issues, "Bus shelter missing") == [("Asha", "open")]


def test_a_status_change_needs_who_made_it(open_window, three_issues, qtbot):
    _window, page = open_issues(open_window, three_issues, qtbot)
    select(qtbot, page, "Bus shelter missing")
    page.changed_by_edit.clear()
    qtbot.keyClick(page, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert "Changed by" in page.message_label.text()
    assert page.changed_by_edit.hasFocus()
    assert history(three_issues, "Bus shelter missing") == [("Asha", "open")]


def test_overdue_filter_shows_only_overdue_issues_and_says_so_in_words(
    open_window, three_issues, qtbot
):
    _window, page = open_issues(open_window, three_issues, qtbot)
    assert len(titles(page)) == 3
    page.overdue_filter.setFocus()
    qtbot.keyClick(page.overdue_filter, Qt.Key.Key_Space)
    # 39 days past a 28-day target, and 16 past antisocial behaviour's 14; the bus shelter is 9.
    assert titles(page) == ["Drug dealing by the shops", "Broken streetlights"]
    column = COLUMN_KEYS.index("overdue")
    assert page.model.data(page.model.index(0, column)) == "Overdue"
    assert "Overdue" in page.facts_label.text()
    assert "2 overdue" in page.count_label.text()


def test_filters_by_theme_and_partner(open_window, three_issues, qtbot):
    _window, page = open_issues(open_window, three_issues, qtbot)
    page.theme_filter.setCurrentIndex(page.theme_filter.findData("transport"))
    assert titles(page) == ["Bus shelter missing"]
    page.theme_filter.setCurrentIndex(0)
    page.partner_filter.setCurrentIndex(page.partner_filter.findText("Metropolitan Police"))
    assert titles(page) == ["Drug dealing by the shops"]
