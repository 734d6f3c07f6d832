"""Typing in returned feedback sheets by keyboard (issue 9, "Answers back in").

The form asks the sheet's questions in the order the sheet prints them.
On a question with boxes, the number of the box (counted from the top of the
sheet) picks it and moves to the next question: for "useful" 1 is "Very
useful" (stored as the score 5) down to 5, "Not at all useful" (stored as
1); for "influence" 5 is "Don't know"; for "hear what happened" 1 is yes and
2 is no. Backspace or Delete clears an answer (a question left alone is "not
answered"); Down or Enter moves on, Up goes back. In "what matters most",
Enter moves on and Shift+Enter starts a new line. Enter on the last question,
or Ctrl+Enter anywhere in the form, saves the sheet.

A saved sheet is written through the undo stack (so Ctrl+Z takes it back)
on the op runner's worker; the form clears at once, so keys typed ahead go
to the next sheet, and keeps the language and the date received. A sheet
the rules refuse (nothing answered; an email address or phone number in the
text) is shown beside the question with ⚠ and words, and is kept to fix.

The event's own questions (ceapp.event_questions) follow the standard
four, numbered and answered the same way: boxes by number (agree/disagree
as for influence, 1 yes and 2 no), a written answer as "what matters".

A sheet that came back with the optional equality-monitoring page filled
in: tick "Equality page came back" (Alt+K) and its twelve questions follow,
typed as slips are (ui/pages/event_day_slips.QuestionRow: the answer's
number, P for prefer not to say, ethnic group in two digits). They are kept
in the same anonymous feedback record (sheet_answers.MONITORING).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ceapp import changes, event_questions, monitoring, sheet_answers
from ceapp.errors import ValidationError
from ceapp.i18n import _, ngettext
from ceapp.sheet_answers import INFLUENCE, NOT_ANSWERED, USEFUL, WANTS_NEWS
from ceapp.sheets import catalogs
from ceapp.store import Store
from ui.pages.entry_forms import EntryForm
from ui.pages.event_day_slips import QuestionRow
from ui.pages.numbered_choices import ENTER_KEYS, NumberedChoices
from ui.undo import Change

_ENTER = ENTER_KEYS


def answers_help() -> list[str]:
    """Lines for the side of the form and Help ▸ Keyboard shortcuts."""
    return [
        _("The box's number, counted from the top of the sheet, picks it and moves on."),
        _("Useful: 1 is “Very useful” … 5 “Not at all useful”. Influence: 5 is “Don't know”."),
        _("Hear what happened: 1 yes, 2 no. Backspace clears an answer."),
        _("What matters most: Enter moves on, Shift+Enter starts a new line."),
        _("Enter on the last question, or Ctrl+Enter anywhere, saves the sheet."),
        _(
            "Alt+K: the equality page came back filled in; its questions follow, typed as "
            "slips are (P is prefer not to say)."
        ),
    ]


def count_sheets(store: Store, event_id: str) -> int:
    """How many returned sheets an event has: a count only."""
    return store.scalar("SELECT count(*) FROM feedback_responses WHERE event_id = ?", (event_id,))


def _bold(widget: QWidget) -> QFont:
    font = QFont(widget.font())
    font.setBold(True)
    return font


class ChoiceRow(NumberedChoices):
    """One question with boxes, numbered as the sheet prints them."""

    def __init__(self, name: str, title: str, options, form: AnswersForm) -> None:
        super().__init__(
            name=name,
            title=title,
            codes=[code for code, _label in options],
            labels=[label for _code, label in options],
            form=form,
            columns=3 if len(options) > 2 else 2,
        )
        self.setAccessibleDescription(
            _("Type the number of the ticked box, 1 to {last}.").format(last=len(self.codes))
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        text = event.text()
        if key in _ENTER and modifiers == Qt.KeyboardModifier.ControlModifier:
            self.form.save()
        elif modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            super().keyPressEvent(event)
        elif text.isdigit() and text.isascii():
            digit = int(text)
            if 1 <= digit <= len(self.codes):
                self.pick(self.codes[digit - 1])
            else:
                self.show_error(
                    _("There is no box {digit} here: use 1 to {last}.").format(
                        digit=digit, last=len(self.codes)
                    )
                )
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.clear()
        elif key in _ENTER:
            self.form.enter_pressed(self)
        elif key == Qt.Key.Key_Down:
            self.form.advance(self)
        elif key == Qt.Key.Key_Up:
            self.form.go_back(self)
        else:
            super().keyPressEvent(event)


class MattersEdit(QPlainTextEdit):
    """The "what matters most" box: Enter moves on, Shift+Enter is a new line."""

    def __init__(self, form: AnswersForm) -> None:
        super().__init__()
        self.form = form
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in _ENTER:
            if modifiers == Qt.KeyboardModifier.ControlModifier:
                self.form.save()
                return
            if modifiers == Qt.KeyboardModifier.NoModifier:
                # Moves on; in a written answer to the sheet's last question, saves.
                self.form.enter_pressed(self)
                return
            if modifiers == Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
        if event.key() == Qt.Key.Key_Up and self.textCursor().atStart():
            self.form.go_back(self)
            return
        super().keyPressEvent(event)


class AnswersForm(EntryForm):
    """One returned sheet's answers in sheet order, the count of sheets in, save and undo."""

    def __init__(
        self,
        *,
        reader: Store,
        event_id: Callable[[], str | None],
        undo,
        tell: Callable[[str], None],
        language_name: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(event_id=event_id, undo=undo, tell=tell, parent=parent)
        self.reader = reader

        self.intro_label = QLabel(
            _(
                "Type in the answers on each returned sheet for the event chosen above. "
                "Contact details are torn off and kept apart: never type them here."
            )
        )
        self.intro_label.setWordWrap(True)

        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(_("Sheet's language"))
        for code in catalogs.LANGUAGES:
            self.language_combo.addItem(language_name(code), code)
        self.received_edit = QDateEdit(QDate.currentDate())
        self.received_edit.setDisplayFormat("yyyy-MM-dd")
        self.received_edit.setCalendarPopup(True)
        self.received_edit.setAccessibleName(_("Received on"))

        self.useful = ChoiceRow(
            "useful",
            _("Was this meeting useful?"),
            [(code, USEFUL.label(code)) for code in USEFUL.codes],
            self,
        )
        self.influence = ChoiceRow(
            "influence",
            _("Do you feel you can influence decisions affecting your local area?"),
            [(code, INFLUENCE.label(code)) for code in INFLUENCE.codes],
            self,
        )
        self.matters = MattersEdit(self)
        self.matters.setAccessibleName(_("What matters most to you?"))
        self.matters.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.matters_title = QLabel(_("What &matters most to you?"))
        self.matters_title.setFont(_bold(self.matters_title))
        self.matters_title.setBuddy(self.matters)
        self.matters_error = QLabel()
        self.matters_error.setWordWrap(True)
        self.matters_error.setAccessibleName(_("Problem with what matters most"))
        self.matters_error.hide()
        self.wants_news = ChoiceRow(
            "wants_news",
            _("Would you like to hear what happened?"),
            [(code, WANTS_NEWS.label(code)) for code in WANTS_NEWS.codes],
            self,
        )
        self.standard_rows: list[QWidget] = [
            self.useful,
            self.influence,
            self.matters,
            self.wants_news,
        ]
        self.rows: list[QWidget] = list(self.standard_rows)
        # The event's own questions, rebuilt when the event changes.
        self.questions: list[dict] = []
        self.own_rows: dict[str, QWidget] = {}
        self.own_box = QVBoxLayout()
        self._own_widgets: list[QWidget] = []
        self.monitoring_box = QCheckBox(_("Equality page came bac&k filled in"))
        self.monitoring_box.setToolTip(
            _("Tick to type in the optional equality questions of this sheet, as slips are.")
        )
        self.monitoring_rows = [QuestionRow(name, self) for name in monitoring.QUESTIONS]
        for row in self.monitoring_rows:
            row.hide()
        self.monitoring_box.toggled.connect(self._monitoring_toggled)

        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Sheets typed in for this event"))
        self.count_label.setWordWrap(True)
        big = QFont(self.count_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.count_label.setFont(big)
        self.save_button = QPushButton(_("Save sheet (Enter on the last question, Ctrl+Enter)"))
        self.save_button.setAccessibleName(_("Save sheet"))
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton(_("Undo last sheet (Ctrl+Z)"))
        self.undo_button.setAccessibleName(_("Undo last sheet"))
        self.undo_button.clicked.connect(self.undo_last)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Typed-in sheet message"))
        self.help_label = QLabel(
            "\n".join(_("• {line}").format(line=line) for line in answers_help())
        )
        self.help_label.setWordWrap(True)
        self.help_label.setAccessibleName(_("Keys for typing in sheets"))

        top = QFormLayout()
        top.addRow(_("Sheet's lan&guage"), self.language_combo)
        top.addRow(_("Recei&ved on"), self.received_edit)
        matters_box = QVBoxLayout()
        matters_box.setSpacing(2)
        matters_box.addWidget(self.matters_title)
        matters_box.addWidget(self.matters)
        matters_box.addWidget(self.matters_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)

        # The event's own questions can make the form taller than the window.
        body = QWidget()
        layout = QVBoxLayout(body)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The equality questions lay their answers out in as many columns as fit.
        self.scroll.viewport().installEventFilter(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.count_label)
        layout.addLayout(top)
        layout.addWidget(self.useful)
        layout.addWidget(self.influence)
        layout.addLayout(matters_box)
        layout.addWidget(self.wants_news)
        layout.addLayout(self.own_box)
        layout.addWidget(self.monitoring_box)
        for row in self.monitoring_rows:
            layout.addWidget(row)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.help_label)
        layout.addStretch(1)

        self._set_tab_order()

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)

        self.watch_undo()

    def first_focus(self) -> QWidget:
        return self.useful

    def _set_tab_order(self) -> None:
        order = [
            self.language_combo,
            self.received_edit,
            *self.rows[: len(self.standard_rows) + len(self.own_rows)],
            self.monitoring_box,
            *self.rows[len(self.standard_rows) + len(self.own_rows) :],
            self.save_button,
            self.undo_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- the event's own questions ---------------------------------------------------------

    def refresh_questions(self) -> None:
        """Ask the chosen event's own questions after the standard four."""
        event_id = self._event_id()
        questions = event_questions.list_questions(self.reader, event_id) if event_id else []
        if questions == self.questions:
            return
        kept = self.own_answers()
        for widget in self._own_widgets:
            self.own_box.removeWidget(widget)
            widget.deleteLater()
        self._own_widgets, self.own_rows = [], {}
        self.questions = questions
        for question in questions:
            text = event_questions.text_in(question, "en")[0]
            title = _("{number}. {question}").format(number=question["number"], question=text)
            if question["kind"] == "write":
                edit = MattersEdit(self)
                edit.setAccessibleName(title)
                edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3)
                label = QLabel(title)
                label.setFont(_bold(label))
                label.setWordWrap(True)
                label.setBuddy(edit)
                self.own_box.addWidget(label)
                self.own_box.addWidget(edit)
                self._own_widgets += [label, edit]
                row: QWidget = edit
            else:
                choices = sheet_answers.own_choices(question["kind"])
                row = ChoiceRow(
                    event_questions.answer_key(question),
                    title,
                    [(code, choices.label(code)) for code in choices.codes],
                    self,
                )
                self.own_box.addWidget(row)
                self._own_widgets.append(row)
            self.own_rows[question["id"]] = row
        self._set_rows()
        self._fill_own(kept)

    def own_answers(self) -> dict[str, str]:
        """The answers to the event's own questions, by question id."""
        answers = {}
        for question_id, row in self.own_rows.items():
            if isinstance(row, ChoiceRow):
                answer = row.answer()
            else:
                answer = row.toPlainText().strip() or NOT_ANSWERED
            if answer != NOT_ANSWERED:
                answers[question_id] = answer
        return answers

    def _fill_own(self, answers: dict[str, str]) -> None:
        for question_id, answer in answers.items():
            row = self.own_rows.get(question_id)
            if isinstance(row, ChoiceRow) and answer in row.codes:
                row.pick(answer, advance=False)
            elif row is not None and not isinstance(row, ChoiceRow):
                row.setPlainText(answer)

    # -- moving between questions ------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            for row in self.monitoring_rows:
                row.fit(event.size().width())
        return super().eventFilter(watched, event)

    def _set_rows(self) -> None:
        shown = self.monitoring_rows if self.monitoring_box.isChecked() else []
        self.rows = [*self.standard_rows, *self.own_rows.values(), *shown]
        self._set_tab_order()

    def _monitoring_toggled(self, on: bool) -> None:
        for row in self.monitoring_rows:
            row.setVisible(on)
            if not on:
                row.clear()
        self._set_rows()
        if on:
            self._focus(self.monitoring_rows[0], Qt.FocusReason.OtherFocusReason)

    def advance(self, row: QWidget, *, skip: bool = True) -> None:
        index = self.rows.index(row)
        if index + 1 >= len(self.rows):
            return
        following = self.rows[index + 1]
        if (
            skip
            and getattr(following, "name", None) == "condition_impact"
            and self.monitoring_answers().get("long_term_condition") != "yes"
            and index + 2 < len(self.rows)
        ):
            # Only asked of people with a condition, as on a slip.
            following = self.rows[index + 2]
        self._focus(following, Qt.FocusReason.TabFocusReason)

    def row_focused(self, row: QWidget) -> None:
        self.scroll.ensureWidgetVisible(row, 0, self.fontMetrics().height())

    def monitoring_answers(self) -> dict[str, str]:
        """The equality page's answers, when it came back; empty when it did not."""
        if not self.monitoring_box.isChecked():
            return {}
        return {row.name: row.answer() for row in self.monitoring_rows}

    def go_back(self, row: QWidget) -> None:
        index = self.rows.index(row)
        if index > 0:
            self._focus(self.rows[index - 1], Qt.FocusReason.BacktabFocusReason)

    def _focus(self, row: QWidget, reason: Qt.FocusReason) -> None:
        row.setFocus(reason)
        self.scroll.ensureWidgetVisible(row)

    def enter_pressed(self, row: QWidget) -> None:
        if row is self.rows[-1]:
            self.save()
        else:
            self.advance(row)

    # -- the sheet -------------------------------------------------------------------------

    def language(self) -> str:
        return self.language_combo.currentData()

    def received_on(self) -> str:
        return self.received_edit.date().toString("yyyy-MM-dd")

    def answers(self) -> dict[str, str]:
        answers = {
            "useful": self.useful.answer(),
            "influence": self.influence.answer(),
            "wants_news": self.wants_news.answer(),
        }
        matters = self.matters.toPlainText().strip()
        if matters:
            answers["matters"] = matters
        own = self.own_answers()
        if own:
            answers[sheet_answers.OWN] = own
        page = self.monitoring_answers()
        if any(code != NOT_ANSWERED for code in page.values()):
            answers[sheet_answers.MONITORING] = page
        return answers

    def _fill(self, answers: dict[str, str]) -> None:
        for row in (self.useful, self.influence, self.wants_news):
            if answers.get(row.name, NOT_ANSWERED) != NOT_ANSWERED:
                row.pick(answers[row.name], advance=False)
        self.matters.setPlainText(answers.get("matters", ""))
        self._fill_own(answers.get(sheet_answers.OWN, {}))
        page = answers.get(sheet_answers.MONITORING) or {}
        if page:
            self.monitoring_box.setChecked(True)
        for row in self.monitoring_rows:
            if page.get(row.name, NOT_ANSWERED) != NOT_ANSWERED:
                row.pick(page[row.name], advance=False)

    def _blank(self) -> bool:
        answers = self.answers()
        return (
            "matters" not in answers
            and sheet_answers.OWN not in answers
            and sheet_answers.MONITORING not in answers
            and all(v == NOT_ANSWERED for v in answers.values())
        )

    def clear(self) -> None:
        for row in (
            self.useful,
            self.influence,
            self.wants_news,
            *self.own_rows.values(),
            *self.monitoring_rows,
        ):
            row.clear()
        self.matters.clear()
        self._show_matters_error("")

    def _show_matters_error(self, text: str) -> None:
        self.matters_error.setText(_("⚠ {message}").format(message=text) if text else "")
        self.matters_error.setVisible(bool(text))

    def _show_refusal(self, error: ValidationError) -> None:
        text = str(error)
        if error.field in ("matters", "useful", "influence", "wants_news"):
            # The words are beside the question; here only that nothing was saved.
            self.message.setText(_("⚠ Not saved: correct the answer marked ⚠, then save again."))
            self._tell(text)
        else:
            self._say(_("⚠ {message}").format(message=text))
        if error.field == "matters":
            self._show_matters_error(text)
            self.matters.setFocus(Qt.FocusReason.OtherFocusReason)
        elif error.field in ("useful", "influence", "wants_news"):
            row = getattr(self, error.field)
            row.show_error(text)
            row.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._focus(self.useful, Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        event_id = self._event_id()
        if event_id is None:
            self._say(_("⚠ {message}").format(message=_("Choose an event first, above.")))
            return
        answers = self.answers()
        self._show_matters_error("")
        try:
            # Checked here too, so a refusal is shown beside its question.
            sheet_answers.clean_sheet(answers, self.questions)
        except ValidationError as error:
            self._show_refusal(error)
            return
        language, received_on = self.language(), self.received_on()
        saved: dict[str, str | None] = {"id": None}
        first_time = [True]

        def do(store: Store) -> str:
            saved["id"] = sheet_answers.add_sheet_answers(
                store,
                event_id=event_id,
                language=language,
                received_on=received_on,
                answers=answers,
            )
            return saved["id"]

        def undo(store: Store) -> None:
            if saved["id"] is not None:
                with store.transaction():
                    changes.delete(store, "feedback_responses", saved["id"])

        def done(_result) -> None:
            if first_time:
                first_time.clear()
                self._say(_("Sheet saved."))

        def refused(error: BaseException) -> None:
            # Give the sheet back to fix, unless the next one is already begun.
            if self._blank():
                self._fill(answers)
            if isinstance(error, ValidationError):
                self._show_refusal(error)
            else:
                self._say(_("⚠ {message}").format(message=str(error)))

        # Ready for the next sheet at once: keys typed ahead go to it.
        self.clear()
        self._focus(self.useful, Qt.FocusReason.OtherFocusReason)
        self.undo.push(Change(self.entry_name(), do, undo, done, refused))

    def entry_name(self) -> str:
        return _("returned sheet")

    def taken_back_text(self) -> str:
        return _("The last sheet was taken back.")

    # -- the count ---------------------------------------------------------------------------

    def refresh_count(self) -> None:
        event_id = self._event_id()
        if event_id is None:
            self.count_label.setText(_("No event chosen"))
            return
        count = count_sheets(self.reader, event_id)
        self.count_label.setText(
            ngettext(
                "{count} sheet typed in for this event",
                "{count} sheets typed in for this event",
                count,
            ).format(count=count)
        )
