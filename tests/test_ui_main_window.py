"""The main window, driven by keyboard like a person would."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from factories import event_fields, make_area, make_event, make_partner
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ceapp import attendance, events, groups
from ui.events_model import COLUMN_KEYS, PAGE_SIZE, format_when
from ui.main_window import LAST_PAGE_KEY
from ui.window_state import settings


@pytest.fixture(autouse=True)
def events_page_first():
    """Open on the Events page whatever page an earlier test's window remembered."""
    settings().remove(LAST_PAGE_KEY)


def shown(window, row: int, key: str) -> str:
    model = window.events_page.table.model()
    return model.data(model.index(row, COLUMN_KEYS.index(key)))


def shown_titles(window) -> list[str]:
    return [
        shown(window, row, "title") for row in range(window.events_page.table.model().rowCount())
    ]


@pytest.fixture
def three_events(store):
    spitalfields = make_area(store, ward="Spitalfields")
    bow = make_area(store, ward="Bow East")
    police = make_partner(store, name="Metropolitan Police", kind="police")
    forum = make_event(
        store,
        title="Spitalfields area forum",
        starts_at="2026-03-14 18:30",
        area_id=spitalfields,
        venue="Christ Church Hall",
    )
    attendance.add_count(store, event_id=forum, role="resident", count=42)
    make_event(
        store,
        title="Safer streets walkabout",
        starts_at="2026-05-02 10:00",
        ends_at=None,
        method="walkabout",
        spectrum="information_giving",
        area_id=bow,
        partner_id=police,
    )
    make_event(
        store,
        title="Women's health focus group",
        starts_at="2025-11-20 13:00",
        ends_at=None,
        method="focus_group",
        women_only=True,
        area_id=bow,
    )
    return store


def type_search(qtbot, window, text: str) -> None:
    window.events_page.search_box.clear()
    qtbot.keyClicks(window.events_page.search_box, text)
    qtbot.keyClick(window.events_page.search_box, Qt.Key.Key_Return)


def test_lists_events_newest_first_with_readable_labels(open_window, three_events):
    window = open_window(three_events)

    assert window.windowTitle() == "ceapp — ceapp.db"
    assert window.events_page.stack.currentWidget() is window.events_page.table
    assert shown_titles(window) == [
        "Safer streets walkabout",
        "Spitalfields area forum",
        "Women's health focus group",
    ]
    assert shown(window, 0, "starts_at") == "2 May 2026, 10:00"
    assert shown(window, 0, "method") == "Walkabout"
    assert shown(window, 0, "spectrum") == "Information giving"
    assert shown(window, 0, "ward") == "Bow East"
    assert shown(window, 0, "partner") == "Metropolitan Police"
    assert shown(window, 1, "attendance") == "42"
    assert shown(window, 1, "partner") == ""
    assert shown(window, 2, "women_only") == "Yes"
    assert shown(window, 0, "women_only") == ""
    assert window.events_page.count_label.text() == "3 events"


def test_column_headers_are_words_not_codes(open_window, three_events):
    window = open_window(three_events)
    model = window.events_page.table.model()
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for column in range(model.columnCount())
    ]
    assert headers == [
        "Date",
        "Title",
        "Method",
        "Spectrum",
        "Ward",
        "Partner",
        "Attendance",
        "Women only",
    ]


def test_one_event_is_counted_in_the_singular(open_window, store):
    make_event(store)
    assert open_window(store).events_page.count_label.text() == "1 event"


def test_search_filters_by_title_ward_partner_and_venue(qtbot, open_window, three_events):
    window = open_window(three_events)

    type_search(qtbot, window, "walkabout")
    assert shown_titles(window) == ["Safer streets walkabout"]
    assert window.events_page.count_label.text() == "1 event"

    type_search(qtbot, window, "bow east")
    assert shown_titles(window) == ["Safer streets walkabout", "Women's health focus group"]
    assert window.events_page.count_label.text() == "2 events"

    type_search(qtbot, window, "Metropolitan")
    assert shown_titles(window) == ["Safer streets walkabout"]

    type_search(qtbot, window, "Christ Church")
    assert shown_titles(window) == ["Spitalfields area forum"]


def test_search_applies_by_itself_after_a_pause_in_typing(qtbot, open_window, three_events):
    window = open_window(three_events)
    qtbot.keyClicks(window.events_page.search_box, "focus")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Women's health focus group"])
    assert window.events_page.count_label.text() == "1 event"


def test_a_search_with_no_match_says_so(qtbot, open_window, three_events):
    window = open_window(three_events)
    type_search(qtbot, window, "allotments")

    assert window.events_page.stack.currentWidget() is window.events_page.empty_label
    assert window.events_page.empty_label.text() == "No events match “allotments”."
    assert window.events_page.count_label.text() == "0 events"

    # Escape clears the search and brings everything back.
    qtbot.keyClick(window.events_page.search_box, Qt.Key.Key_Escape)
    qtbot.keyClick(window.events_page.search_box, Qt.Key.Key_Return)
    assert window.events_page.search_box.text() == ""
    assert window.events_page.stack.currentWidget() is window.events_page.table
    assert len(shown_titles(window)) == 3


def test_ctrl_f_moves_the_cursor_to_the_search_box(qtbot, open_window, three_events):
    window = open_window(three_events)
    window.events_page.table.setFocus()
    qtbot.waitUntil(window.events_page.table.hasFocus)

    qtbot.keyClick(window.events_page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    assert window.events_page.search_box.hasFocus()


def test_empty_database_shows_how_to_add_events(open_window, store):
    window = open_window(store)

    assert window.events_page.stack.currentWidget() is window.events_page.empty_label
    assert window.events_page.empty_label.isVisible()
    assert not window.events_page.table.isVisible()
    assert "No events yet." in window.events_page.empty_label.text()
    assert "ceapp events add" in window.events_page.empty_label.text()
    assert "ceapp demo" in window.events_page.empty_label.text()
    assert window.events_page.count_label.text() == "0 events"


def test_rows_load_a_page_at_a_time(qtbot, open_window, store):
    with store.transaction():
        for number in range(1000):
            day = 1 + number % 28
            make_event(
                store,
                title=f"Drop-in {number:04d}",
                starts_at=f"2026-02-{day:02d} 10:00",
                ends_at=None,
            )
    window = open_window(store)
    model = window.events_page.table.model()

    assert model.rowCount() == PAGE_SIZE
    assert window.events_page.count_label.text() == "1,000 events"

    # Going to the end of the list, as a person would, loads the next page only.
    window.events_page.table.setFocus()
    window.events_page.table.selectRow(0)
    qtbot.keyClick(window.events_page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.rowCount() > PAGE_SIZE)
    assert model.rowCount() == 2 * PAGE_SIZE

    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 1000
    assert len(set(shown_titles(window))) == 1000


def test_file_quit_closes_the_window(qtbot, open_window, store):
    window = open_window(store)
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_help_about_names_the_app_and_version(monkeypatch, open_window, store):
    seen = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: seen.append(text))
    window = open_window(store)

    window.about_action.trigger()

    assert len(seen) == 1
    assert seen[0].startswith("ceapp 0.1.0")


def test_refresh_shows_events_added_since(open_window, store):
    window = open_window(store)
    make_event(store, title="Late addition")

    window.events_page.refresh()

    assert shown_titles(window) == ["Late addition"]
    assert window.events_page.stack.currentWidget() is window.events_page.table


def test_dates_are_medium_date_and_short_time():
    assert format_when("2026-01-10T18:30") == "10 Jan 2026, 18:30"
    assert format_when(None) == ""


# -- changes made through the op runner ------------------------------------------


def count_resets(window) -> list[None]:
    resets: list[None] = []
    window.events_page.model.modelReset.connect(lambda: resets.append(None))
    return resets


def test_an_event_added_through_the_runner_appears_at_once(open_window, three_events):
    window = open_window(three_events)
    resets = count_resets(window)

    window.ops.run_write(
        lambda writer: events.add_event(
            writer, **event_fields(title="Market stall", starts_at="2026-06-01 11:00", ends_at=None)
        )
    )

    assert shown_titles(window)[0] == "Market stall"
    assert window.events_page.count_label.text() == "4 events"
    assert len(resets) == 1


def test_an_event_added_on_the_worker_appears_through_the_reader(qtbot, open_window, store):
    make_event(store, title="Spitalfields area forum")
    window = open_window(store, synchronous=False)
    qtbot.waitUntil(lambda: window.events_page.count_label.text() == "1 event")
    gui_thread = threading.get_ident()
    wrote_on = []

    def add(writer):
        wrote_on.append(threading.get_ident())
        return events.add_event(
            writer, **event_fields(title="Walkabout", starts_at="2026-07-01", ends_at=None)
        )

    window.ops.run_write(add)

    qtbot.waitUntil(lambda: shown_titles(window) == ["Walkabout", "Spitalfields area forum"])
    qtbot.waitUntil(lambda: window.events_page.count_label.text() == "2 events")
    assert wrote_on and wrote_on[0] != gui_thread
    assert window.reader.conn is not window.ops._store.conn


def test_a_change_to_another_table_leaves_the_list_alone(qtbot, open_window, three_events):
    window = open_window(three_events)
    window.events_page.table.selectRow(1)
    resets = count_resets(window)

    window.ops.run_write(
        lambda writer: groups.add_group(writer, name="Bow tenants", group_type="youth")
    )

    assert resets == []
    assert window.events_page.table.currentIndex().row() == 1
    assert window.events_page.count_label.text() == "3 events"


def test_a_new_attendance_count_shows_in_the_list(open_window, three_events):
    window = open_window(three_events)
    forum = window.events_page.model.event_at(1)

    window.ops.run_write(
        lambda writer: attendance.add_count(writer, event_id=forum["id"], role="officer", count=3)
    )

    assert shown(window, 1, "attendance") == "45"


def test_closing_the_window_closes_both_connections(qtbot, open_window, store):
    window = open_window(store, synchronous=False)
    reader, writer = window.reader, window.ops._store
    finished = []

    def slow(writer):
        time.sleep(0.2)
        finished.append(True)

    window.ops.run(slow)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    assert finished == [True]
    for connection in (reader.conn, writer.conn):
        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")
