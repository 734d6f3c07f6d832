"""Start the window: the QApplication, fonts, the database, then MainWindow.

Exit codes follow the CLI's: 0 done; 2 a missing or wrong passphrase (or
the prompt was cancelled); 3 the database cannot be used as it is.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QLibraryInfo, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from ceapp import __version__
from ceapp.errors import CeappError, PassphraseError, StoreError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, current_language, is_rtl, set_language
from ceapp.lookup import resolve_id
from ceapp.store import open_store
from ceapp.store_files import read_passphrase_file, resolve_db_path
from ui.fonts import use_app_font
from ui.main_window import MainWindow
from ui.operations import OpRunner
from ui.passphrase import open_with_prompt
from ui.window_state import restore_geometry, save_geometry, settings

EXIT_OK, EXIT_BAD_INPUT, EXIT_STORE = ExitCode.OK, ExitCode.BAD_INPUT, ExitCode.STORE
# The smallest laptop screen the window is designed for.
SCREENSHOT_SIZE = (1366, 768)
LANGUAGE_KEY = "interface/language"


def run(
    *,
    db: str | None,
    passphrase_file: str | None,
    screenshot: str | None,
    page: str | None = None,
    event: str | None = None,
) -> int:
    """Open the window on the database; returns the exit code.

    With `screenshot`, render the window offscreen to that PNG and exit. That
    mode is for scripts, so it never waits for a person: errors go to stderr
    instead of dialogs, and an encrypted file needs --passphrase-file. `page`
    and `event` choose what is shown first.
    """
    interactive = screenshot is None
    if not interactive and not os.environ.get("QT_QPA_PLATFORM"):
        # Must be set before the QApplication exists; it then needs no display.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if interactive:
        set_language(settings().value(LANGUAGE_KEY) or None)
    app = _application()

    path = resolve_db_path(db)
    try:
        passphrase = read_passphrase_file(passphrase_file)
        if interactive:
            store = open_with_prompt(path, passphrase=passphrase)
        else:
            store = open_store(path, passphrase=passphrase)
    except StoreError as error:
        code = EXIT_BAD_INPUT if isinstance(error, PassphraseError) else EXIT_STORE
        return _fail(str(error), code, interactive=interactive)
    except CeappError as error:
        return _fail(str(error), EXIT_BAD_INPUT, interactive=interactive)
    if store is None:
        return EXIT_BAD_INPUT  # the passphrase prompt was cancelled

    session = _Session(app)
    try:
        window = session.start(store)
    except StoreError as error:
        return _fail(str(error), EXIT_STORE, interactive=interactive)
    try:
        if page is not None or event is not None:
            problem = _show_first(window, page=page, event=event)
            if problem is not None:
                window.close()
                return _fail(problem, EXIT_BAD_INPUT, interactive=interactive)
        if not interactive:
            return _save_screenshot(app, window, window.ops, screenshot)
        restore_geometry(window)
        window.show()
        code = app.exec()
        # Saved here rather than from a signal of the long-lived QApplication,
        # which would keep the window alive after run() returns.
        save_geometry(session.window)
        return code
    finally:
        # Closing the window has done this already, unless the event loop ended
        # some other way; a second call does nothing.
        session.close()


class _Session:
    """The window and its database; File ▸ Open and a new language replace them."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.window: MainWindow | None = None

    def start(self, store) -> MainWindow:
        # From here the worker alone uses `store` (the writer); the window reads
        # through a connection of its own on the GUI thread.
        ops = OpRunner(store)
        try:
            reader = ops.open_reader()
        except StoreError:
            ops.close()
            raise
        return self._show(MainWindow(reader, ops=ops))

    def _show(self, window: MainWindow) -> MainWindow:
        window.open_database = self.open_database
        window.change_language = self.change_language
        previous, self.window = self.window, window
        if previous is not None:
            window.setGeometry(previous.geometry())
            window.show()
            previous.close()
        return window

    def open_database(self, path: str) -> None:
        try:
            store = open_with_prompt(path, passphrase=None)
        except CeappError as error:
            QMessageBox.warning(self.window, _("ceapp"), str(error))
            return
        if store is not None:
            self.start(store)

    def change_language(self, code: str) -> None:
        """Show the window again, on the same database, in the language chosen."""
        settings().setValue(LANGUAGE_KEY, code)
        set_language(code)
        self.app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if is_rtl() else Qt.LayoutDirection.LeftToRight
        )
        _load_qt_translations(self.app)
        old = self.window
        old.keep_database_open = True
        window = MainWindow(old.reader, ops=old.ops)
        window.show_page(old.current_page.key)
        self._show(window)

    def close(self) -> None:
        if self.window is not None:
            self.window.ops.close(reader=self.window.reader)


def _show_first(window: MainWindow, *, page: str | None, event: str | None) -> str | None:
    """Bring `page` forward on `event`; a sentence saying what is wrong, or None."""
    if event is not None:
        try:
            window.context.current_event = resolve_id(
                window.reader, "events", event, field="event", label=_("Event")
            )
        except CeappError as error:
            return str(error)
    if page is not None:
        if page not in window.pages:
            return _("There is no page called {page}; the pages are: {pages}.").format(
                page=page, pages=", ".join(window.pages)
            )
        window.show_page(page)
    elif event is not None:
        window.show_page("event-day" if "event-day" in window.pages else "events")
    return None


def _application() -> QApplication:
    existing = QApplication.instance()
    app = existing if existing is not None else QApplication(sys.argv[:1] or ["ceapp"])
    app.setApplicationName("ceapp")
    app.setApplicationVersion(__version__)
    if is_rtl():
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    _load_qt_translations(app)
    use_app_font(app)
    return app


def _load_qt_translations(app: QApplication) -> None:
    """Qt's own strings (dialog buttons, line-edit menus) in the UI language."""
    language = current_language()
    if language.split("_")[0] == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)


def _save_screenshot(app: QApplication, window: MainWindow, ops: OpRunner, path: str) -> int:
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    app.processEvents()
    # A page that shows nothing until asked (Reports) fills itself in first.
    prepare = getattr(window.current_page, "prepare_screenshot", None)
    if prepare is not None:
        prepare()
    # Let background work (the event count) finish and report before grabbing.
    ops.wait_for_idle()
    app.processEvents()
    # What the finished work showed asks for new layouts, one level of
    # nesting per pass of the event loop; let them settle.
    for _pass in range(5):
        app.processEvents()
    if not window.grab().save(path, "PNG"):
        window.close()
        return _fail(
            _("Could not save the screenshot to {path}.").format(path=path),
            EXIT_BAD_INPUT,
            interactive=False,
        )
    window.close()
    print(path)
    return EXIT_OK


def _fail(message: str, code: int, *, interactive: bool) -> int:
    if interactive:
        QMessageBox.critical(None, _("ceapp"), message)
    else:
        print(" ".join(message.split()), file=sys.stderr)
    return code
