"""Typing in paper equality-monitoring slips, by keyboard, one question a row.

Keys on a question: its answer's number picks it and moves to the next
question; P or / is "prefer not to say"; Backspace or Delete clears it (a
question left alone is "not answered"); Tab, Enter or Down move on, Shift+Tab
or Up go back; Enter on the last question saves the slip. Ethnic group has 19
answers, numbered 01 to 19: type both digits (0 7, 1 4). A first digit from 2
to 9 cannot start a two-digit number there, so it picks at once; a lone 1
followed by Enter or Tab is answer 1.

A saved slip is never shown again: the form clears, and the only trace on
screen is the count. The new slip's id lives only in its undo entry.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ceapp import monitoring
from ceapp.errors import ValidationError
from ceapp.i18n import _, ngettext
from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY
from ui.pages.entry_forms import EntryForm
from ui.pages.numbered_choices import ENTER_KEYS, NumberedChoices
from ui.undo import Change

PREFER_KEYS = (Qt.Key.Key_P, Qt.Key.Key_Slash)
_ENTER = ENTER_KEYS
# Options laid out this many to a line; long labels (ethnic group) take fewer.
_COLUMNS_SHORT = 5
_COLUMNS_LONG = 2
_LONG_LABEL = 28


def slip_help() -> list[str]:
    """Lines for Help ▸ Keyboard shortcuts."""
    return [
        _("Slips: the answer's number picks it and moves to the next question"),
        _("Slips: P or / for “Prefer not to say”; Backspace clears an answer"),
        _("Slips: ethnic group answers are 01 to 19: type both digits (2 to 9 alone also work)"),
        _("Slips: Tab, Enter or Down for the next question; Shift+Tab or Up goes back"),
        _("Slips: Enter on the last question saves the slip; Ctrl+Z takes the last one back"),
    ]


def _side_help() -> list[str]:
    return [
        _("The answer's number picks it and moves on."),
        _("P or / is “Prefer not to say”."),
        _("Ethnic group: type both digits, 01 to 19 (2 to 9 alone also work)."),
        _("Tab, Enter or Down: next question. Shift+Tab or Up: back."),
        _("Backspace clears an answer; one left alone is “not answered”."),
        _("Enter on the last question saves the slip."),
    ]


class QuestionRow(NumberedChoices):
    """One monitoring question: its answers numbered, "prefer not to say" as P."""

    def __init__(self, name: str, form: SlipForm) -> None:
        codes = (*monitoring.answer_codes(name), PREFER_NOT_TO_SAY)
        labels = [monitoring.QUESTIONS[name].label(code) for code in codes]
        # Long answers (ethnic group) run down the columns, so answers under one
        # heading (White, Asian...) stay together; short ones run across.
        down_columns = max(len(label) for label in labels) > _LONG_LABEL
        self.most_columns = _COLUMNS_LONG if down_columns else _COLUMNS_SHORT
        super().__init__(
            name=name,
            title=monitoring.question_label(name),
            codes=codes,
            labels=labels,
            form=form,
            columns=self.most_columns,
            down_columns=down_columns,
        )

    @property
    def two_digit(self) -> bool:
        return len(self.codes) - 1 > 9

    def fit(self, width: int) -> None:
        """As many answer columns as fit in `width` (never a sideways scroll bar)."""
        spacing = self.grid.horizontalSpacing()
        widest = max(button.sizeHint().width() for button in self.buttons) + spacing
        margins = self.contentsMargins().left() + self.contentsMargins().right()
        room = width - margins - 2 * self.fontMetrics().averageCharWidth()
        self._place(max(1, min(self.most_columns, room // max(widest, 1))))

    def key_for(self, index: int) -> str:
        if self.codes[index] == PREFER_NOT_TO_SAY:
            return "P"
        return f"{index + 1:02d}" if self.two_digit else str(index + 1)

    # -- keys ---------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        text = event.text()
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            super().keyPressEvent(event)
        elif text.isdigit() and text.isascii():
            self._digit(int(text))
        elif key in PREFER_KEYS or text in ("p", "P", "/"):
            self.pick(PREFER_NOT_TO_SAY)
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.clear()
        elif key == Qt.Key.Key_Escape and self._pending:
            self._pending = ""
            self._show_answer()
        elif key in _ENTER:
            self._take_pending()
            self.form.enter_pressed(self)
        elif key == Qt.Key.Key_Down:
            self.form.advance(self, skip=False)
        elif key == Qt.Key.Key_Up:
            self.form.go_back(self)
        else:
            super().keyPressEvent(event)

    def _digit(self, digit: int) -> None:
        answers = len(self.codes) - 1
        if not self.two_digit:
            if 1 <= digit <= answers:
                self.pick(self.codes[digit - 1])
            else:
                self.show_error(
                    _("There is no answer {digit} here: use 1 to {last}, or P.").format(
                        digit=digit, last=answers
                    )
                )
            return
        typed = self._pending + str(digit)
        number = int(typed)
        if len(typed) == 1 and number * 10 <= answers:
            # 0 or 1 can start a two-digit number: wait for the second digit.
            self._pending = typed
            self._show_answer()
        elif 1 <= number <= answers:
            self.pick(self.codes[number - 1])
        else:
            self._pending = ""
            self._show_answer()
            self.show_error(
                _("There is no answer {number} here: use 01 to {last}, or P.").format(
                    number=typed, last=f"{answers:02d}"
                )
            )

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.form.row_focused(self)


class SlipForm(EntryForm):
    """Every question in slip order, the count of slips in, save and undo."""

    def __init__(
        self,
        *,
        event_id: Callable[[], str | None],
        count: Callable[[str], int],
        undo,
        tell: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(event_id=event_id, undo=undo, tell=tell, parent=parent)
        self._count = count

        self.rows = [QuestionRow(name, self) for name in monitoring.QUESTIONS]
        questions = QWidget()
        column = QVBoxLayout(questions)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for row in self.rows:
            column.addWidget(row)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(questions)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.viewport().installEventFilter(self)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setAccessibleName(_("Slip questions"))

        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Slips for this event"))
        self.count_label.setWordWrap(True)
        big = QFont(self.count_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.count_label.setFont(big)
        self.save_button = QPushButton(_("Save slip (Enter on the last question)"))
        self.save_button.setAccessibleName(_("Save slip"))
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton(_("Undo last slip (Ctrl+Z)"))
        self.undo_button.setAccessibleName(_("Undo last slip"))
        self.undo_button.clicked.connect(self.undo_last)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Slip message"))
        self.help_label = QLabel(
            "\n".join(_("• {line}").format(line=line) for line in _side_help())
        )
        self.help_label.setWordWrap(True)
        self.help_label.setAccessibleName(_("Slip keys"))

        side = QVBoxLayout()
        side.addWidget(self.count_label)
        side.addWidget(self.save_button)
        side.addWidget(self.undo_button)
        side.addWidget(self.message)
        side.addStretch(1)
        side.addWidget(self.help_label)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMaximumWidth(self.fontMetrics().averageCharWidth() * 44)
        side_widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(side_widget)

        for earlier, later in zip(self.rows, self.rows[1:], strict=False):
            QWidget.setTabOrder(earlier, later)
        QWidget.setTabOrder(self.rows[-1], self.save_button)
        QWidget.setTabOrder(self.save_button, self.undo_button)

        self.watch_undo()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            for row in self.rows:
                row.fit(event.size().width())
        return super().eventFilter(watched, event)

    def first_focus(self) -> QWidget:
        return self.rows[0]

    # -- moving between questions ------------------------------------------------

    def _row(self, name: str) -> QuestionRow:
        return self.rows[list(monitoring.QUESTIONS).index(name)]

    def advance(self, row: QuestionRow, *, skip: bool = True) -> None:
        index = self.rows.index(row)
        if index + 1 >= len(self.rows):
            return
        following = self.rows[index + 1]
        if (
            skip
            and following.name == "condition_impact"
            and self._row("long_term_condition").answer() != "yes"
            and index + 2 < len(self.rows)
        ):
            # Only asked of people with a condition; left "not answered" otherwise.
            following = self.rows[index + 2]
        following.setFocus(Qt.FocusReason.TabFocusReason)

    def go_back(self, row: QuestionRow) -> None:
        index = self.rows.index(row)
        if index > 0:
            self.rows[index - 1].setFocus(Qt.FocusReason.BacktabFocusReason)

    def enter_pressed(self, row: QuestionRow) -> None:
        if row is self.rows[-1]:
            self.save()
        else:
            self.advance(row)

    def row_focused(self, row: QuestionRow) -> None:
        self.scroll.ensureWidgetVisible(row, 0, self.fontMetrics().height())

    # -- saving -------------------------------------------------------------------

    def answers(self) -> dict[str, str]:
        return {row.name: row.answer() for row in self.rows}

    def clear(self) -> None:
        for row in self.rows:
            row.clear()
        self.scroll.verticalScrollBar().setValue(0)

    def save(self) -> None:
        event_id = self._event_id()
        if event_id is None:
            self._say(_("Choose an event first, at the top of the page."))
            return
        answers = self.answers()
        try:
            # Checked here too, so a contradiction is shown beside its question.
            monitoring.clean_answers(answers)
        except ValidationError as error:
            self._say(str(error))
            if error.field in monitoring.QUESTIONS:
                row = self._row(error.field)
                row.show_error(str(error))
                row.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if all(value == NOT_ANSWERED for value in answers.values()):
            self._say(_("Nothing is answered yet: type the slip's answers first."))
            self.rows[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        saved: dict[str, str | None] = {"id": None}
        first_time = [True]

        def do(store) -> str:
            # Set on the worker, so an undo queued right behind it finds the id.
            saved["id"] = monitoring.add_response(store, event_id=event_id, answers=answers)
            return saved["id"]

        def undo(store) -> None:
            if saved["id"] is not None:
                monitoring.delete_response(store, saved["id"])

        def done(_result) -> None:
            if first_time:
                first_time.clear()
                self._say(_("Slip saved."))

        def refused(error: BaseException) -> None:
            # Give the slip back to fix, unless the next one is already begun.
            if all(value == NOT_ANSWERED for value in self.answers().values()):
                for row in self.rows:
                    if answers[row.name] != NOT_ANSWERED:
                        row.pick(answers[row.name], advance=False)
            self._say(str(error))

        # The form is ready for the next slip at once: a volunteer typing on
        # while the last one is written must not have keys swallowed by a
        # clear that comes later.
        self.clear()
        self.rows[0].setFocus(Qt.FocusReason.OtherFocusReason)
        self.undo.push(Change(self.entry_name(), do, undo, done, refused))

    def entry_name(self) -> str:
        return _("equality slip")

    def taken_back_text(self) -> str:
        return _("The last slip was taken back.")

    # -- the count ------------------------------------------------------------------

    def refresh_count(self) -> None:
        event_id = self._event_id()
        if event_id is None:
            self.count_label.setText(_("No event chosen"))
            return
        count = self._count(event_id)
        self.count_label.setText(
            ngettext("{count} slip for this event", "{count} slips for this event", count).format(
                count=count
            )
        )
