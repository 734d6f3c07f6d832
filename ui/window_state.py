"""Where the main window was: restored at start, saved when ceapp quits."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

GEOMETRY_KEY = "main_window/geometry"
# Wide enough for every events column at the app font; shrunk to fit small screens.
DEFAULT_SIZE = (1200, 760)
SCREEN_SHARE = 0.9
# Screens this wide or narrower (1366×768 laptops) get the whole screen at first start.
SMALL_SCREEN_WIDTH = 1440


def settings() -> QSettings:
    return QSettings("ceapp", "ceapp")


def restore_geometry(window: QMainWindow) -> None:
    saved = settings().value(GEOMETRY_KEY)
    if saved is not None and window.restoreGeometry(saved):
        return
    width, height = DEFAULT_SIZE
    screen = window.screen()
    if screen is not None:
        available = screen.availableGeometry()
        if available.width() <= SMALL_SCREEN_WIDTH:
            # A small laptop screen: every pixel is needed, as a person would
            # maximise the window anyway.
            window.setGeometry(available)
            return
        width = min(width, int(available.width() * SCREEN_SHARE))
        height = min(height, int(available.height() * SCREEN_SHARE))
    window.resize(width, height)


def save_geometry(window: QMainWindow) -> None:
    settings().setValue(GEOMETRY_KEY, window.saveGeometry())
