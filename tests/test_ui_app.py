"""Starting the window: screenshots, encrypted files, and files it must refuse."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from factories import make_event
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMainWindow, QMessageBox

from ceapp import migrations
from ceapp.store import Store, open_store
from ui import app as ui_app
from ui.fonts import APP_FONT_FAMILY, FONTS_DIR, register_fonts
from ui.passphrase import open_with_prompt

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def encrypted_db(db_path):
    with open_store(db_path, passphrase=PASSPHRASE) as store:
        make_event(store, title="Encrypted forum")
    return db_path


@pytest.fixture
def prompts(monkeypatch):
    """Answer the passphrase prompt from a script; records each prompt's text."""

    script = SimpleNamespace(answers=[], labels=[])

    def get_text(parent, title, label, echo, *args, **kwargs):
        script.labels.append(label)
        # Typed passphrases must never be shown on screen.
        assert echo == QLineEdit.EchoMode.Password
        answer = script.answers.pop(0)
        return ("", False) if answer is None else (answer, True)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return script


@pytest.fixture
def error_boxes(monkeypatch):
    """Message-box texts, instead of a modal dialog that would wait for a click."""
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda parent, title, text, *args: shown.append(text)
    )
    return shown


@pytest.fixture
def no_event_loop(monkeypatch, qapp):
    """run() shows the window and returns at once instead of waiting for the person."""
    shown = []

    def exec_once(*args):
        shown.extend(w for w in QApplication.topLevelWidgets() if w.isVisible())
        for widget in shown:
            widget.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_once)
    return shown


def test_screenshot_writes_a_png_of_the_window(qapp, store, tmp_path, capsys):
    for number in range(3):
        make_event(store, title=f"Forum {number}")
    png = tmp_path / "window.png"

    code = ui_app.run(db=store.path, passphrase_file=None, screenshot=str(png))

    assert code == 0
    assert png.stat().st_size > 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == ui_app.SCREENSHOT_SIZE
    assert capsys.readouterr().out.strip() == str(png)


def test_screenshot_of_an_empty_database(qapp, db_path, tmp_path):
    png = tmp_path / "empty.png"
    assert ui_app.run(db=db_path, passphrase_file=None, screenshot=str(png)) == 0
    assert QImage(str(png)).width() == ui_app.SCREENSHOT_SIZE[0]


def test_run_opens_the_window_on_the_database(no_event_loop, store):
    make_event(store, title="Forum")

    assert ui_app.run(db=store.path, passphrase_file=None, screenshot=None) == 0

    assert [w.windowTitle() for w in no_event_loop] == ["ceapp — ceapp.db"]
    assert QApplication.applicationName() == "ceapp"


def test_run_closes_the_reader_then_the_writer(monkeypatch, no_event_loop, store):
    closed = []
    real_close = Store.close

    def recording_close(opened):
        if opened is not store:
            closed.append("reader" if opened.scalar("PRAGMA query_only") else "writer")
        real_close(opened)

    monkeypatch.setattr(Store, "close", recording_close)

    assert ui_app.run(db=store.path, passphrase_file=None, screenshot=None) == 0

    assert closed == ["reader", "writer"]


def test_encrypted_database_asks_for_the_passphrase(no_event_loop, prompts, encrypted_db):
    prompts.answers = [PASSPHRASE]

    assert ui_app.run(db=encrypted_db, passphrase_file=None, screenshot=None) == 0

    assert len(prompts.labels) == 1
    assert "ceapp.db is encrypted" in prompts.labels[0]
    assert len(no_event_loop) == 1


def test_wrong_passphrase_says_so_and_asks_again(no_event_loop, prompts, encrypted_db):
    prompts.answers = ["wrong", "", PASSPHRASE]

    assert ui_app.run(db=encrypted_db, passphrase_file=None, screenshot=None) == 0

    assert len(prompts.labels) == 3
    assert "The passphrase does not open" in prompts.labels[1]
    assert "Traceback" not in prompts.labels[1]
    assert "The passphrase is empty" in prompts.labels[2]


def test_cancelling_the_passphrase_prompt_exits_non_zero(prompts, error_boxes, encrypted_db):
    prompts.answers = ["wrong", None]

    code = ui_app.run(db=encrypted_db, passphrase_file=None, screenshot=None)

    assert code == ui_app.EXIT_BAD_INPUT
    assert len(prompts.labels) == 2
    assert error_boxes == []


def test_wrong_passphrase_file_prompts_with_the_reason(prompts, encrypted_db, tmp_path):
    wrong = tmp_path / "passphrase.txt"
    wrong.write_text("not it\n", encoding="utf-8")
    prompts.answers = [None]

    code = ui_app.run(db=encrypted_db, passphrase_file=str(wrong), screenshot=None)

    assert code == ui_app.EXIT_BAD_INPUT
    assert "The passphrase does not open" in prompts.labels[0]


def test_passphrase_file_opens_an_encrypted_screenshot(qapp, encrypted_db, tmp_path):
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    png = tmp_path / "window.png"

    assert ui_app.run(db=encrypted_db, passphrase_file=str(secret), screenshot=str(png)) == 0
    assert png.stat().st_size > 0


def test_screenshot_never_prompts_for_a_passphrase(qapp, prompts, encrypted_db, tmp_path, capsys):
    code = ui_app.run(db=encrypted_db, passphrase_file=None, screenshot=str(tmp_path / "x.png"))

    assert code == ui_app.EXIT_BAD_INPUT
    assert prompts.labels == []
    assert "--passphrase-file" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_open_with_prompt_returns_the_open_store(qapp, prompts, encrypted_db):
    prompts.answers = ["nope", PASSPHRASE]
    store = open_with_prompt(encrypted_db)
    try:
        assert store.encrypted
        assert store.scalar("SELECT title FROM events") == "Encrypted forum"
    finally:
        store.close()


def _make_too_new(db_path: str) -> None:
    open_store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    conn.commit()
    conn.close()


def test_too_new_database_is_refused_with_a_message(no_event_loop, error_boxes, db_path):
    _make_too_new(db_path)

    code = ui_app.run(db=db_path, passphrase_file=None, screenshot=None)

    assert code == ui_app.EXIT_STORE
    assert len(error_boxes) == 1
    assert "newer version of ceapp" in error_boxes[0]
    assert no_event_loop == []


def test_a_folder_instead_of_a_database_is_a_message_not_a_traceback(
    no_event_loop, error_boxes, tmp_path
):
    folder = tmp_path / "not-a-file"
    folder.mkdir()

    code = ui_app.run(db=str(folder), passphrase_file=None, screenshot=None)

    assert code == ui_app.EXIT_STORE
    assert len(error_boxes) == 1
    assert str(folder) in error_boxes[0]


def test_unreadable_passphrase_file_is_a_message(error_boxes, encrypted_db, tmp_path):
    code = ui_app.run(
        db=encrypted_db, passphrase_file=str(tmp_path / "missing.txt"), screenshot=None
    )

    assert code == ui_app.EXIT_BAD_INPUT
    assert "Cannot read the passphrase file" in error_boxes[0]


def test_shipped_fonts_register_noto_sans_and_the_sheet_faces(qapp):
    shipped = {path.name for path in FONTS_DIR.glob("*.ttf")}
    assert {"NotoSans-Bold.ttf", "NotoSans-Regular.ttf"} <= shipped
    assert (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") == 1
    families = register_fonts()
    assert APP_FONT_FAMILY in families
    # The sheets' faces too, so Arabic, Urdu or Bengali names show in the window
    # on a machine that has no such fonts of its own.
    assert {"Noto Naskh Arabic", "Noto Sans Bengali"} <= set(families)


def test_first_run_opens_a_usable_size_and_later_runs_remember_it(qtbot, store):
    from ui.main_window import MainWindow
    from ui.operations import OpRunner
    from ui.window_state import (
        DEFAULT_SIZE,
        SCREEN_SHARE,
        SMALL_SCREEN_WIDTH,
        restore_geometry,
        save_geometry,
        settings,
    )

    def new_window() -> MainWindow:
        # Each run of ceapp opens the database afresh; closing the window closes it.
        ops = OpRunner(open_store(store.path), synchronous=True)
        window = MainWindow(ops.open_reader(), ops=ops)
        qtbot.addWidget(window)
        return window

    settings().clear()
    first = new_window()
    restore_geometry(first)
    available = first.screen().availableGeometry()
    if available.width() <= SMALL_SCREEN_WIDTH:
        # A small screen (the offscreen one is): the whole of it.
        assert first.geometry() == available
    else:
        assert first.width() == min(DEFAULT_SIZE[0], int(available.width() * SCREEN_SHARE))
        assert first.height() == min(DEFAULT_SIZE[1], int(available.height() * SCREEN_SHARE))
    assert first.width() > 600
    first.resize(700, 500)
    save_geometry(first)
    first.close()

    second = new_window()
    restore_geometry(second)
    assert (second.width(), second.height()) == (700, 500)
    second.close()


def test_run_remembers_the_window_size_when_the_person_quits(monkeypatch, qapp, store):
    from ui.window_state import restore_geometry, settings

    settings().clear()

    def resize_then_quit(*args):
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                widget.resize(1100, 700)
                widget.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", resize_then_quit)
    assert ui_app.run(db=store.path, passphrase_file=None, screenshot=None) == 0

    probe = QMainWindow()
    restore_geometry(probe)
    # The window is too wide for the small offscreen screen, so Qt fits the
    # restored width to the screen; the height shows what was saved.
    screen_width = probe.screen().availableGeometry().width()
    assert probe.height() == 700
    assert min(1100, screen_width) - 10 <= probe.width() <= 1100
