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
from ceapp.i18n import _, current_language, is_rtl
from ceapp.store import open_store
from ceapp.store_files import read_passphrase_file, resolve_db_path
from ui.fonts import use_app_font
from ui.main_window import MainWindow
from ui.operations import OpRunner
from ui.passphrase import open_with_prompt
from ui.window_state import restore_geometry, save_geometry

EXIT_OK, EXIT_BAD_INPUT, EXIT_STORE = ExitCode.OK, ExitCode.BAD_INPUT, ExitCode.STORE
SCREENSHOT_SIZE = (1280, 800)


def run(*, db: str | None, passphrase_file: str | None, screenshot: str | None) -> int:
    """Open the window on the database; returns the exit code.

    With `screenshot`, render the window offscreen to that PNG and exit. That
    mode is for scripts, so it never waits for a person: errors go to stderr
    instead of dialogs, and an encrypted file needs --passphrase-file.
    """
    interactive = screenshot is None
    if not interactive and not os.environ.get("QT_QPA_PLATFORM"):
        # Must be set before the QApplication exists; it then needs no display.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
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

    # From here the worker alone uses `store` (the writer); the window reads
    # through a connection of its own on the GUI thread.
    ops = OpRunner(store)
    try:
        reader = ops.open_reader()
    except StoreError as error:
        ops.close()
        return _fail(str(error), EXIT_STORE, interactive=interactive)
    try:
        window = MainWindow(reader, ops=ops)
        if not interactive:
            return _save_screenshot(app, window, ops, screenshot)
        restore_geometry(window)
        window.show()
        code = app.exec()
        # Saved here rather than from a signal of the long-lived QApplication,
        # which would keep the window alive after run() returns.
        save_geometry(window)
        return code
    finally:
        # Closing the window has done this already, unless the event loop ended
        # some other way; a second call does nothing.
        ops.close(reader=reader)


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
    # Let background work (the event count) finish and report before grabbing.
    ops.wait_for_idle()
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
