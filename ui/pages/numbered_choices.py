"""A question whose answers are numbered boxes, answered from the keyboard.

The slip form (event_day_slips) and the returned-sheet form (answers_form)
both ask questions this way: the row takes the keys, the radio buttons are
for the mouse and for showing the choice, and the question in hand shows a
marker and a thicker frame, never colour alone. Each form reads its own keys
(`keyPressEvent` in the subclass); this class holds what they share.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from ceapp.i18n import _
from ceapp.monitoring import NOT_ANSWERED

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MARKER = "▶"


class NumberedChoices(QFrame):
    """One question: `codes` shown as `labels`, each with `key_for(index)` before it."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        codes: Sequence[str],
        labels: Sequence[str],
        form,
        columns: int,
        down_columns: bool = False,
    ) -> None:
        super().__init__()
        self.name = name
        self.form = form
        self.codes = tuple(codes)
        self.labels = tuple(labels)
        # A first digit waiting for a second (only questions with ten answers or more).
        self._pending = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.Box)
        self.setAccessibleName(title)

        self.marker = QLabel()
        self.marker.setMinimumWidth(self.fontMetrics().horizontalAdvance(MARKER) * 2)
        self.title = QLabel(title)
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.answer_label = QLabel()
        self.answer_label.setAccessibleName(_("Answer to {question}").format(question=title))
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(_("Problem with {question}").format(question=title))
        self.error_label.hide()

        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 2)
        self.grid.setVerticalSpacing(0)
        self.down_columns = down_columns
        self.columns = 0
        for index, (code, label) in enumerate(zip(self.codes, self.labels, strict=True)):
            button = QRadioButton(f"{self.key_for(index)}  {label}")
            # The row takes the keys; the buttons are for the mouse and for showing the choice.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(_("{question}: {answer}").format(question=title, answer=label))
            button.toggled.connect(self._restyle)
            button.clicked.connect(lambda _checked=False, c=code: self.pick(c, advance=False))
            self.group.addButton(button, index)
            self.buttons.append(button)
        self._place(columns)

        head = QHBoxLayout()
        head.addWidget(self.marker)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.answer_label)
        layout = QVBoxLayout(self)
        margin = self.fontMetrics().averageCharWidth()
        layout.setContentsMargins(margin, margin // 2, margin, margin // 2)
        layout.setSpacing(margin // 2)
        layout.addLayout(head)
        layout.addLayout(self.grid)
        layout.addWidget(self.error_label)
        self._show_focus(False)
        self.clear()

    def key_for(self, index: int) -> str:
        """What is typed for the answer at `index`, as its button shows it."""
        return str(index + 1)

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for button in self.buttons:
            self.grid.removeWidget(button)
        lines = -(-len(self.buttons) // columns)
        for index, button in enumerate(self.buttons):
            if self.down_columns:
                self.grid.addWidget(button, index % lines, index // lines)
            else:
                self.grid.addWidget(button, index // columns, index % columns)

    # -- the answer -------------------------------------------------------------

    def answer(self) -> str:
        checked = self.group.checkedId()
        return self.codes[checked] if checked >= 0 else NOT_ANSWERED

    def pick(self, code: str, *, advance: bool = True) -> None:
        self._pending = ""
        self.show_error("")
        self.buttons[self.codes.index(code)].setChecked(True)
        self._show_answer()
        if advance:
            self.form.advance(self)

    def clear(self) -> None:
        self._pending = ""
        # An exclusive group never lets its last checked button go.
        self.group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(False)
        self.group.setExclusive(True)
        self.show_error("")
        self._show_answer()

    def show_error(self, text: str) -> None:
        self.error_label.setText(_("⚠ {message}").format(message=text) if text else "")
        self.error_label.setVisible(bool(text))

    def _show_answer(self) -> None:
        index = self.group.checkedId()
        if self._pending:
            text = _("typed {digits}…").format(digits=self._pending)
        elif index >= 0:
            text = _("→ {key} {answer}").format(key=self.key_for(index), answer=self.labels[index])
        else:
            text = _("not answered")
        self.answer_label.setText(text)

    def _restyle(self) -> None:
        # The choice shows as a checked button and bold text, not by colour alone.
        for button in self.buttons:
            font = QFont(button.font())
            font.setBold(button.isChecked())
            button.setFont(font)

    def _take_pending(self) -> None:
        if self._pending:
            number = int(self._pending)
            self._pending = ""
            if number >= 1:
                self.buttons[number - 1].setChecked(True)
            self._show_answer()

    # -- focus ------------------------------------------------------------------

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._show_focus(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Tab after a lone first digit means that digit.
        self._take_pending()
        self._show_focus(False)
        super().focusOutEvent(event)

    def _show_focus(self, focused: bool) -> None:
        # A marker and a thicker frame, so the question in hand shows without colour.
        self.setLineWidth(2 if focused else 0)
        self.marker.setText(MARKER if focused else "")
