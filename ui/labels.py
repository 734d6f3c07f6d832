"""Labels that show a message or a result: wrapped, selectable, and named for screen readers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def text_label(name: str) -> QLabel:
    """An empty label for text the page sets later; `name` is what a screen reader calls it."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    # Selectable, so a message can be copied into an email to whoever can help.
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
