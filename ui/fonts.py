"""The shipped fonts (resources/fonts), so the window looks the same on any machine."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ceapp.resource_files import fonts_dir

FONTS_DIR = fonts_dir()
APP_FONT_FAMILY = "Noto Sans"
# Used only when the platform reports no size for its own font.
FALLBACK_POINT_SIZE = 10


def register_fonts(directory: Path = FONTS_DIR) -> list[str]:
    """Add every .ttf in `directory` to Qt's font database; returns the families added.

    The sheets' faces (Arabic, Urdu, Bengali and the rest) come too, so names in
    those scripts show in the window on a machine with no such fonts.
    """
    families: list[str] = []
    for font_file in sorted(directory.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(font_file))
        if font_id == -1:
            # A damaged or missing font must not stop the app; Qt falls back
            # to a system font.
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def use_app_font(app: QApplication) -> bool:
    """Make Noto Sans the app font at the system's size; False if it is missing.

    The size stays the one the person chose for their desktop (a larger
    system font gives larger text here too); only the family is ours.
    """
    if APP_FONT_FAMILY not in register_fonts():
        return False
    size = app.font().pointSizeF()
    font = QFont(APP_FONT_FAMILY)
    font.setPointSizeF(size if size > 0 else FALLBACK_POINT_SIZE)
    app.setFont(font)
    return True
