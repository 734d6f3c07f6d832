"""The Events page: new, edit and delete through the undo stack, filters, sorting, paging."""

from __future__ import annotations

import pytest
from factories import make_area, make_event, make_partner
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from ceapp import attendance, events, feedback, issues, monitoring
from ui.events_model import COLUMN_KEYS, NOT_RECORDED

pytestmark = pytest.mark.usefixtures("events_page_first")


def titles(page) -> list[str]:
    model = page.model
    return [model.event_at(row)["title"] for row in range(model.rowCount())]


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


@pytest.fixture
def forum_store(store):
    bow = make_area(store, ward="Bow East")
    police = make_partner(store, name="Metropolitan Police", kind="police")
    forum = make_event(
        store, title="Bow area forum", starts_at="2026-03-14 18:30", area_id=bow, venue="Hall"
    )
    attendance.add_count(store, event_id=forum, role="resident", count=42)
    attendance.add_count(store, event_id=forum, role="officer", count=2)
    attendance.add_count(store, event_id=forum, role="officer", count=-2)
    for band in ("25_34", "65_74"):
        monitoring.add_response(store, event_id=forum, answers={"age_band": band})
    feedback.add_feedback(
        store, event_id=forum, language="en", answers={"q1": "Good"}, received_on="2026-03-20"
    )
    issues.add_issue(
        store, title="Broken lights", theme="community_safety", recorded_by="Jo", event_id=forum
    )
    make_event(
        store,
        title="Safer streets walkabout",
        starts_at="2026-05-02 10:00",
        ends_at=None,
        method="walkabout",
        spectrum="information_giving",
        partner_id=police,
    )
    make_event(store, title="Allotment drop-in", starts_at="2025-11-20 13:00", ends_at=None)
    return store


def opened(qtbot, window):
    """The dialog or message box just opened, once it has the keyboard."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() not in (None, window))
    return QApplication.activeWindow()


def back_to(qtbot, window) -> None:
    # The offscreen platform has no window manager to hand the keyboard back
    # to the window when a dialog closes; a desktop does that by itself.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def select_title(page, title: str) -> None:
    row = titles(page).index(title)
    page.table.setFocus()
    page.table.selectRow(row)
    page.table.setCurrentIndex(page.model.index(row, 0))


def test_ctrl_n_opens_the_dialog_and_save_adds_the_event(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    press(qtbot, page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = opened(qtbot, window)
    assert dialog is page.dialog
    assert dialog.title_edit.hasFocus()

    qtbot.keyClicks(dialog.title_edit, "Youth panel on parks")
    dialog.starts_edit.selectAll()
    qtbot.keyClicks(dialog.starts_edit, "2026-08-01 17:00")
    qtbot.keyClicks(dialog.venue_edit, "Mile End Park pavilion")
    dialog.spectrum_combo.setFocus()
    qtbot.keyClicks(dialog.spectrum_combo, "Deciding")
    dialog.method_combo.setFocus()
    qtbot.keyClicks(dialog.method_combo, "Workshop")
    dialog.accessibility_checks["step_free"].setFocus()
    press(qtbot, dialog.accessibility_checks["step_free"], Qt.Key.Key_Space)
    qtbot.keyClicks(dialog.languages_edit, "en, bn")
    assert dialog.save_button.isEnabled(), dialog.error
    press(qtbot, dialog.languages_edit, Qt.Key.Key_Return)

    found = events.list_events(forum_store, search="Youth panel")
    assert len(found) == 1
    saved = events.get_event(forum_store, found[0]["id"])
    assert saved["starts_at"] == "2026-08-01T17:00"
    assert saved["spectrum"] == "deciding_together"
    assert saved["method"] == "workshop"
    assert saved["accessibility"] == ["step_free"]
    assert saved["languages"] == ["bn", "en"]
    assert page.selected_event_id() == found[0]["id"]

    # Undo takes the new event away again.
    back_to(qtbot, window)
    press(qtbot, page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert events.list_events(forum_store, search="Youth panel") == []


def test_an_invalid_form_cannot_be_saved_and_says_why(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    press(qtbot, page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = opened(qtbot, window)

    # Empty title: Save is off and the reason shows beside the title.
    assert not dialog.save_button.isEnabled()
    title_error = dialog._errors["title"]
    assert title_error.isVisible()
    assert title_error.text().startswith("⚠") and "Title is required" in title_error.text()

    qtbot.keyClicks(dialog.title_edit, "Evening forum")
    dialog.starts_edit.selectAll()
    qtbot.keyClicks(dialog.starts_edit, "2026-06-01 19:00")
    qtbot.keyClicks(dialog.ends_edit, "2026-06-01 18:00")

    # The times are wrong: said beside the end, before the boxes still to choose.
    assert not title_error.isVisible()
    end_error = dialog._errors["ends_at"]
    assert end_error.isVisible() and "ends before it starts" in end_error.text()
    assert "ends before it starts" in dialog.ends_edit.accessibleDescription()
    assert not dialog.save_button.isEnabled()
    dialog.spectrum_combo.setCurrentIndex(0)
    dialog.method_combo.setCurrentIndex(0)
    assert end_error.isVisible() and not dialog.save_button.isEnabled()
    press(qtbot, dialog.ends_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert events.list_events(forum_store, search="Evening forum") == []

    dialog.method_combo.setCurrentIndex(-1)
    dialog.ends_edit.selectAll()
    qtbot.keyClicks(dialog.ends_edit, "2026-06-01 21:00")
    assert not end_error.isVisible() and not dialog.save_button.isEnabled()
    assert dialog._errors["method"].text() == "⚠ Choose the method."
    dialog.method_combo.setCurrentIndex(0)
    assert dialog.save_button.isEnabled()

    press(qtbot, dialog.ends_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert events.list_events(forum_store, search="Evening forum") == []


def test_enter_edits_the_selected_event_and_undo_restores_it(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    select_title(page, "Bow area forum")
    event_id = page.selected_event_id()

    press(qtbot, page.table, Qt.Key.Key_Return)
    dialog = opened(qtbot, window)
    assert dialog.windowTitle() == "Edit event"
    assert dialog.title_edit.text() == "Bow area forum"
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Bow East ward forum")
    dialog.venue_edit.clear()
    press(qtbot, dialog.title_edit, Qt.Key.Key_Return)

    edited = events.get_event(forum_store, event_id)
    assert edited["title"] == "Bow East ward forum" and edited["venue"] is None
    assert "Bow East ward forum" in titles(page)

    window.undo_action.trigger()
    restored = events.get_event(forum_store, event_id)
    assert restored["title"] == "Bow area forum" and restored["venue"] == "Hall"
    assert "Bow area forum" in titles(page)


def test_delete_asks_then_undo_brings_the_event_back_whole(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    select_title(page, "Bow area forum")
    old_id = page.selected_event_id()
    before = events.event_detail(forum_store, old_id)

    press(qtbot, page.table, Qt.Key.Key_Delete)
    box = opened(qtbot, window)
    assert box is page.confirm_box
    for words in ("attendance entries", "2 monitoring slips", "1 feedback sheet", "is kept"):
        assert words in box.text()
    press(qtbot, box.focusWidget() or box, Qt.Key.Key_Return)

    assert "Bow area forum" not in titles(page)
    assert events.count_events(forum_store) == 2

    back_to(qtbot, window)
    press(qtbot, page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert "Bow area forum" in titles(page)
    new_id = page.selected_event_id()
    assert new_id != old_id
    after = events.event_detail(forum_store, new_id)
    assert after["attendance"] == before["attendance"] == {"officer": 0, "resident": 42}
    assert after["monitoring_responses"] == 2
    assert after["feedback"] == 1
    assert after["issues"] == 1
    assert page.role_values["resident"].text() == "42"

    # Redo deletes it again: the change follows the event to its new id.
    window.redo_action.trigger()
    assert "Bow area forum" not in titles(page)


def test_detail_shows_a_dash_for_roles_not_recorded_and_zero_for_zero(open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    select_title(page, "Bow area forum")
    assert page.role_values["resident"].text() == "42"
    assert page.role_values["officer"].text() == "0"
    assert page.role_values["councillor"].text() == NOT_RECORDED
    assert page.role_values["councillor"].accessibleName() == "Councillor: not recorded"
    assert page.count_values["issues"].text() == "1"
    assert page.count_values["monitoring_responses"].text() == "2"
    assert page.count_values["feedback"].text() == "1"


def test_ctrl_d_opens_the_event_in_event_day(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    shown = []
    page.context.show_page = shown.append
    select_title(page, "Safer streets walkabout")
    press(qtbot, page.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert shown == ["event-day"]
    assert page.context.current_event == page.selected_event_id()


def test_filters_narrow_the_list_and_clear_brings_all_back(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    assert len(titles(page)) == 3

    page.area_filter.setFocus()
    qtbot.keyClicks(page.area_filter, "Bow")
    assert titles(page) == ["Bow area forum"]
    assert page.count_label.text() == "1 event"

    page.clear_button.click()
    page.method_filter.setFocus()
    qtbot.keyClicks(page.method_filter, "Walkabout")
    assert titles(page) == ["Safer streets walkabout"]

    page.clear_button.click()
    page.partner_filter.setCurrentIndex(page.partner_filter.findText("Metropolitan Police"))
    assert titles(page) == ["Safer streets walkabout"]
    page.spectrum_filter.setCurrentIndex(page.spectrum_filter.findData("consultation"))
    assert titles(page) == []
    assert "these filters" in page.empty_label.text()

    page.clear_button.click()
    page.from_filter.setDate(QDate(2026, 1, 1))
    assert titles(page) == ["Safer streets walkabout", "Bow area forum"]
    page.to_filter.setDate(QDate(2026, 3, 14))
    assert titles(page) == ["Bow area forum"]

    press(qtbot, page.clear_button, Qt.Key.Key_Space)
    assert len(titles(page)) == 3
    assert page.count_label.text() == "3 events"


def test_a_header_click_sorts_and_the_sort_box_follows(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    header = page.table.horizontalHeader()

    header.setSortIndicator(COLUMN_KEYS.index("title"), Qt.SortOrder.AscendingOrder)
    assert titles(page) == ["Allotment drop-in", "Bow area forum", "Safer streets walkabout"]
    assert page.sort_combo.currentText() == "Title A to Z"

    header.setSortIndicator(COLUMN_KEYS.index("attendance"), Qt.SortOrder.DescendingOrder)
    assert titles(page)[0] == "Bow area forum"

    # Method holds codes: no sort by it, and the arrow stays where it was.
    header.setSortIndicator(COLUMN_KEYS.index("method"), Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == COLUMN_KEYS.index("attendance")

    page.sort_combo.setFocus()
    qtbot.keyClicks(page.sort_combo, "Oldest")
    assert titles(page) == ["Allotment drop-in", "Bow area forum", "Safer streets walkabout"]
    assert header.sortIndicatorSection() == COLUMN_KEYS.index("starts_at")


@pytest.mark.parametrize(("sort", "descending"), [("starts_at", True), ("title", False)])
def test_scrolling_to_the_end_loads_the_next_page(qtbot, open_window, store, sort, descending):
    with store.transaction():
        for number in range(23):
            make_event(
                store,
                title=f"Drop-in {number:02d}",
                starts_at=f"2026-02-{1 + number % 5:02d} 10:00",
                ends_at=None,
            )
    window = open_window(store)
    page = window.events_page
    page.model.set_sort(sort, descending=descending)
    page.model.page_size = 5
    assert page.model.rowCount() == 5

    page.table.setFocus()
    page.table.selectRow(0)
    press(qtbot, page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.model.rowCount() > 5)
    while page.model.canFetchMore(page.model.index(-1, -1)):
        page.model.fetchMore(page.model.index(-1, -1))
    shown = titles(page)
    assert len(shown) == 23 and len(set(shown)) == 23
    whole = [row["title"] for row in events.page_events(store, sort=sort, descending=descending)]
    assert shown == whole


def test_saving_an_edit_that_changes_nothing_adds_no_undo_step(qtbot, open_window, forum_store):
    window = open_window(forum_store)
    page = window.events_page
    select_title(page, "Allotment drop-in")
    press(qtbot, page.table, Qt.Key.Key_Return)
    dialog = opened(qtbot, window)
    press(qtbot, dialog.title_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert not window.undo_stack.can_undo()


def test_the_list_shows_a_dash_for_attendance_nobody_recorded(open_window, store):
    counted = make_event(store, title="Counted forum", starts_at="2026-03-01 18:00")
    make_event(store, title="Uncounted forum", starts_at="2026-03-02 18:00")
    attendance.add_count(store, event_id=counted, role="resident", count=2)
    attendance.add_count(store, event_id=counted, role="resident", count=-2)
    page = open_window(store).events_page
    model = page.model
    column = COLUMN_KEYS.index("attendance")
    shown = {
        model.data(model.index(row, COLUMN_KEYS.index("title"))): model.data(
            model.index(row, column)
        )
        for row in range(model.rowCount())
    }
    assert shown == {"Uncounted forum": "—", "Counted forum": "0"}
