"""What the forms working on the event chosen above them share.

The slip form (Event day), and the returned-sheet form and the own-questions
editor (Feedback sheets) each take the chosen event as a callable, write
through the undo stack, and say what happened both on their own message
line and in the window's status bar. The two typing-in forms also let the
person take back the last paper typed in, and only that.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPushButton, QWidget


class EventForm(QWidget):
    # Set by the subclass before anything is said.
    message: QLabel

    def __init__(
        self,
        *,
        event_id: Callable[[], str | None],
        undo,
        tell: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._event_id = event_id
        self.undo = undo
        self._tell = tell

    def _say(self, text: str) -> None:
        self.message.setText(text)
        if text:
            self._tell(text)


class EntryForm(EventForm):
    """A form for one paper at a time; `undo_button` takes back the last one typed in."""

    undo_button: QPushButton

    def entry_name(self) -> str:
        """The undo stack's name for one saved paper (translated)."""
        raise NotImplementedError

    def taken_back_text(self) -> str:
        raise NotImplementedError

    def watch_undo(self) -> None:
        """Keep `undo_button` enabled only while the last change is a paper of this form."""
        self.undo.subscribe(self._update_undo_button)
        self._update_undo_button()

    def undo_last(self) -> None:
        if self._last_is_entry():
            self.undo.undo()
            self._say(self.taken_back_text())

    def _last_is_entry(self) -> bool:
        return self.undo.undo_text() == self.entry_name()

    def _update_undo_button(self) -> None:
        self.undo_button.setEnabled(self._last_is_entry())
