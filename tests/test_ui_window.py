"""The window around the pages: navigation, menus, status bar, language, other databases."""

from __future__ import annotations

import pytest
from factories import make_event
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ceapp import i18n
from ceapp.store import open_store
from ui import app as ui_app
from ui.fonts import APP_FONT_FAMILY, use_app_font
from ui.main_window import LAST_PAGE_KEY, MainWindow
from ui.window_state import settings


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")
    settings().remove(ui_app.LANGUAGE_KEY)
    QApplication.instance().setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_status_bar_names_the_database_and_says_it_is_not_encrypted(open_window, store):
    window = open_window(store)
    text = window.database_label.text()
    assert store.path in text
    assert "not encrypted" in text


def test_ctrl_number_moves_between_pages_and_the_last_page_is_remembered(qtbot, open_window, store):
    window = open_window(store)
    keys = list(window.pages)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page is window.pages[keys[0]]
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + len(keys)), Qt.KeyboardModifier.ControlModifier)
    assert window.current_page is window.pages[keys[-1]]
    assert settings().value(LAST_PAGE_KEY) == keys[-1]
    window.close()
    again = open_window(store)
    assert again.current_page is again.pages[keys[-1]]
    again.show_page(keys[0])


def test_every_menu_action_and_page_has_a_name_a_person_can_read(open_window, store):
    window = open_window(store)
    for action in window.menuBar().actions():
        assert action.text().strip("&")
        for item in action.menu().actions():
            assert item.isSeparator() or item.text().strip("&")
    assert window.navigation.accessibleName()
    assert window.database_label.accessibleName()


def test_choosing_a_language_shows_the_window_in_it_on_the_same_database(
    qapp, no_event_loop_session, store
):
    make_event(store, title="Forum")
    window = no_event_loop_session(store)
    assert "cy" in window.language_actions
    window.language_actions["cy"].trigger()
    welsh = no_event_loop_session.session.window
    assert welsh is not window
    assert welsh.reader is window.reader
    page = welsh.events_page
    header = page.model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header == "Teitl"
    assert page.model.rowCount() == 1
    assert settings().value(ui_app.LANGUAGE_KEY) == "cy"
    # The first window let go of the screen but not of the database.
    assert not window.isVisible()
    assert welsh.reader.scalar("SELECT count(*) FROM events") == 1


def test_open_database_replaces_the_window_and_closes_the_old_file(
    qapp, no_event_loop_session, store, tmp_path, monkeypatch
):
    make_event(store, title="Old forum")
    window = no_event_loop_session(store)
    other = str(tmp_path / "other.db")
    with open_store(other) as fresh:
        make_event(fresh, title="New forum")
    monkeypatch.setattr(ui_app, "open_with_prompt", lambda path, passphrase: open_store(path))
    window.open_database(other)
    current = no_event_loop_session.session.window
    assert current is not window
    assert current.reader.path == other
    assert current.events_page.model.rowCount() == 1
    assert window.ops._closed


@pytest.fixture
def no_event_loop_session(qtbot, qapp):
    """A ui.app session on a store, as run() makes one, without an event loop."""

    def opener(store):
        session = ui_app._Session(qapp)
        opener.session = session
        window = session.start(open_store(store.path))
        qtbot.addWidget(window)
        window.show()
        return window

    yield opener
    if getattr(opener, "session", None) is not None:
        opener.session.close()
    # Windows the session made after the first are not qtbot's to close.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.keep_database_open = True
            widget.close()


def test_gui_page_screenshot_shows_that_page(qapp, store, tmp_path):
    make_event(store, title="Forum")
    png = tmp_path / "page.png"
    code = ui_app.run(
        db=store.path, passphrase_file=None, screenshot=str(png), page="events", event=None
    )
    assert code == 0
    assert png.exists()


def test_gui_unknown_event_is_refused_with_a_sentence(qapp, store, tmp_path, capsys):
    code = ui_app.run(
        db=store.path, passphrase_file=None, screenshot=str(tmp_path / "x.png"), event="zzzz"
    )
    assert code == 2
    assert "nothing has an id starting 'zzzz'" in capsys.readouterr().err


def test_the_app_font_keeps_the_size_the_desktop_asks_for(qapp):
    before = qapp.font()
    try:
        large = QFont(before)
        large.setPointSizeF(20)
        qapp.setFont(large)
        assert use_app_font(qapp)
        assert qapp.font().family() == APP_FONT_FAMILY
        assert qapp.font().pointSizeF() == 20
    finally:
        qapp.setFont(before)


ARABIC_PO = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ar\\n"
"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
"n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\\n"

msgid "Events"
msgstr "الفعاليات"
"""


def test_a_right_to_left_language_flips_the_layout(
    qapp, no_event_loop_session, store, tmp_path, monkeypatch
):
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "ceapp.po").write_text(ARABIC_PO, encoding="utf-8")
    i18n.compile_catalogs(tmp_path)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)
    window = no_event_loop_session(store)
    assert "ar" in window.language_actions
    window.language_actions["ar"].trigger()
    arabic = no_event_loop_session.session.window
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert arabic.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert arabic.navigation.item(0).text() == "الفعاليات"


def test_every_control_on_every_page_has_a_name_a_screen_reader_can_say(open_window, store):
    make_event(store, title="Forum")
    window = open_window(store)
    labelled = set()
    for label in window.findChildren(QLabel):
        if label.buddy() is not None:
            labelled.add(label.buddy())
    controls = (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )
    nameless = []
    for key, page in window.pages.items():
        for widget in page.findChildren(QWidget):
            if not isinstance(widget, controls) or not widget.isVisibleTo(page):
                continue
            inner = isinstance(widget, QLineEdit) and isinstance(
                widget.parent(), QComboBox | QAbstractSpinBox
            )
            if inner or isinstance(widget, QHeaderView):
                continue  # parts of a named control: the combo, date box or table
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            if not (widget.accessibleName() or text.strip("&") or widget in labelled):
                nameless.append(f"{key}: {type(widget).__name__} {widget.objectName()}")
    assert nameless == []
