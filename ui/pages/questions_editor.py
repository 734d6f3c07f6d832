"""The event's own questions on its feedback sheet, and their text in each language.

A tab of the Feedback sheets page. Type a question in English and press
Enter (or Add) to put it after the others; choose how it is answered. The
list shows the questions as numbered on the sheet (5 and up). For the one
selected, the table holds its text in every sheet language: type into a
language's row and press Enter; an empty row prints the English and the
preview says so. Alt+Up and Alt+Down move it, Delete removes it (not one
that returned sheets have answered). Every change goes through the undo
stack, so Ctrl+Z takes it back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ceapp import event_questions
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.sheets import catalogs
from ceapp.store import Store
from ui.labels import text_label
from ui.pages.entry_forms import EventForm
from ui.record_tables import labelled
from ui.undo import Change

LANGUAGE_COLUMN, TEXT_COLUMN = 0, 1


def _kind_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for code in event_questions.KINDS.codes:
        combo.addItem(event_questions.KINDS.label(code), code)
    return combo


class QuestionsEditor(EventForm):
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
        self.questions: list[dict] = []
        # Set while the table is being filled, so filling it is not taken as typing.
        self._filling = False

        intro = QLabel(
            _(
                "This event's own questions, printed after the standard four. Type each "
                "in English, then its text in the sheet's languages; a language left empty "
                "prints the English."
            )
        )
        intro.setWordWrap(True)
        self.new_text = QLineEdit()
        self.new_text.setAccessibleName(_("New question, in English"))
        self.new_text.setPlaceholderText(_("A new question, in English; Enter adds it"))
        self.new_kind = _kind_combo(_("How the new question is answered"))
        self.add_button = QPushButton(_("&Add"))
        self.add_button.setAccessibleName(_("Add the question"))

        self.question_list = QListWidget()
        self.question_list.setAccessibleName(_("The event's own questions"))
        self.kind_combo = _kind_combo(_("How the chosen question is answered"))
        self.up_button = QPushButton(_("Move up (Alt+Up)"))
        self.down_button = QPushButton(_("Move down (Alt+Down)"))
        self.remove_button = QPushButton(_("Remove (Delete)"))

        self.texts_table = QTableWidget(len(catalogs.LANGUAGES), 2)
        self.texts_table.setAccessibleName(_("The chosen question in each language"))
        self.texts_table.setHorizontalHeaderLabels([_("Language"), _("Question")])
        self.texts_table.verticalHeader().hide()
        header = self.texts_table.horizontalHeader()
        header.setSectionResizeMode(LANGUAGE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.texts_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        for row, code in enumerate(catalogs.LANGUAGES):
            name = QTableWidgetItem(language_name(code))
            name.setData(Qt.ItemDataRole.UserRole, code)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.texts_table.setItem(row, LANGUAGE_COLUMN, name)
            self.texts_table.setItem(row, TEXT_COLUMN, QTableWidgetItem(""))
        self.message = text_label(_("Questions message"))

        adding = QHBoxLayout()
        adding.addWidget(self.new_text, 1)
        adding.addWidget(self.new_kind)
        adding.addWidget(self.add_button)
        moving = QHBoxLayout()
        moving.addWidget(labelled(_("Ans&wered by"), self.kind_combo))
        moving.addWidget(self.kind_combo)
        moving.addStretch(1)
        moving.addWidget(self.up_button)
        moving.addWidget(self.down_button)
        moving.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(labelled(_("&New question"), self.new_text))
        layout.addLayout(adding)
        layout.addWidget(labelled(_("This event's questi&ons"), self.question_list))
        layout.addWidget(self.question_list, 1)
        layout.addLayout(moving)
        layout.addWidget(labelled(_("&In each language"), self.texts_table))
        layout.addWidget(self.texts_table, 3)
        layout.addWidget(self.message)

        self.new_text.returnPressed.connect(self.add_question)
        self.add_button.clicked.connect(self.add_question)
        self.question_list.currentRowChanged.connect(lambda _row: self._show_selected())
        self.kind_combo.activated.connect(lambda _index: self.change_kind())
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.remove_button.clicked.connect(self.remove)
        self.texts_table.itemChanged.connect(self._text_edited)
        for keys, slot in (("Alt+Up", lambda: self.move(-1)), ("Alt+Down", lambda: self.move(1))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.question_list)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove)
        self._show_selected()

    def first_focus(self) -> QWidget:
        return self.new_text

    # -- showing -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the chosen event's questions, keeping the one selected."""
        event_id = self._event_id()
        selected = self.selected()
        self.questions = event_questions.list_questions(self.reader, event_id) if event_id else []
        self.question_list.blockSignals(True)
        self.question_list.clear()
        for question in self.questions:
            english = event_questions.text_in(question, catalogs.SOURCE_LANGUAGE)[0]
            others = [
                language.english
                for code, language in catalogs.LANGUAGES.items()
                if code != catalogs.SOURCE_LANGUAGE and code in question["texts"]
            ]
            values = {
                "number": question["number"],
                "question": english,
                "kind": event_questions.KINDS.label(question["kind"]),
                "languages": ", ".join(others),
            }
            if others:
                text = _("{number}. {question} — {kind}; also in {languages}").format(**values)
            else:
                text = _("{number}. {question} — {kind}; in English only").format(**values)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, question["id"])
            self.question_list.addItem(item)
        ids = [question["id"] for question in self.questions]
        if selected is not None and selected["id"] in ids:
            self.question_list.setCurrentRow(ids.index(selected["id"]))
        elif self.questions:
            self.question_list.setCurrentRow(len(self.questions) - 1)
        self.question_list.blockSignals(False)
        self.new_text.setEnabled(event_id is not None)
        self.add_button.setEnabled(event_id is not None)
        self._show_selected()

    def selected(self) -> dict | None:
        row = self.question_list.currentRow()
        return self.questions[row] if 0 <= row < len(self.questions) else None

    def _show_selected(self) -> None:
        question = self.selected()
        for widget in (
            self.kind_combo,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.texts_table,
        ):
            widget.setEnabled(question is not None)
        self._filling = True
        try:
            texts = question["texts"] if question else {}
            for row, code in enumerate(catalogs.LANGUAGES):
                self.texts_table.item(row, TEXT_COLUMN).setText(texts.get(code, ""))
            if question is not None:
                self.kind_combo.setCurrentIndex(self.kind_combo.findData(question["kind"]))
        finally:
            self._filling = False

    # -- changing ------------------------------------------------------------------------

    def add_question(self) -> None:
        event_id = self._event_id()
        text, kind = self.new_text.text(), self.new_kind.currentData()
        if event_id is None:
            self._say(_("⚠ {message}").format(message=_("Choose an event first, above.")))
            return
        try:
            event_questions.clean_text(text, catalogs.SOURCE_LANGUAGE)
        except ValidationError as error:
            self._say(_("⚠ {message}").format(message=str(error)))
            return
        made: dict[str, str | None] = {"id": None}

        def do(store: Store) -> str:
            made["id"] = event_questions.add_question(
                store, event_id=event_id, kind=kind, text=text
            )
            return made["id"]

        def undo(store: Store) -> None:
            if made["id"] is not None:
                event_questions.remove_question(store, made["id"])

        def done(_result) -> None:
            self._say(_("Question added; now type its text in the sheet's languages."))
            self.refresh()
            self.question_list.setCurrentRow(self.question_list.count() - 1)

        self.new_text.clear()
        self.undo.push(Change(_("new sheet question"), do, undo, done, self._refused))

    def change_kind(self) -> None:
        question, kind = self.selected(), self.kind_combo.currentData()
        if question is None or kind == question["kind"]:
            return
        old = question["kind"]
        self.undo.push(
            Change(
                _("sheet question's answers"),
                lambda store: event_questions.set_kind(store, question["id"], kind),
                lambda store: event_questions.set_kind(store, question["id"], old),
                None,
                self._refused,
            )
        )

    def _text_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != TEXT_COLUMN:
            return
        question = self.selected()
        if question is None:
            return
        code = self.texts_table.item(item.row(), LANGUAGE_COLUMN).data(Qt.ItemDataRole.UserRole)
        new, old = item.text(), question["texts"].get(code, "")
        if new.strip() == old:
            return
        try:
            if new.strip() or code == catalogs.SOURCE_LANGUAGE:
                event_questions.clean_text(new, code)
        except ValidationError as error:
            self._say(_("⚠ {message}").format(message=str(error)))
            self._show_selected()
            return
        self.undo.push(
            Change(
                _("sheet question's text"),
                lambda store: event_questions.set_text(store, question["id"], code, new),
                lambda store: event_questions.set_text(store, question["id"], code, old),
                None,
                self._refused,
            )
        )

    def move(self, offset: int) -> None:
        question, row = self.selected(), self.question_list.currentRow()
        if question is None or not 0 <= row + offset < len(self.questions):
            return  # already first or last: nothing to move, nothing to undo
        self.undo.push(
            Change(
                _("sheet question's place"),
                lambda store: event_questions.move_question(store, question["id"], offset),
                lambda store: event_questions.move_question(store, question["id"], -offset),
                None,
                self._refused,
            )
        )

    def remove(self) -> None:
        question = self.selected()
        if question is None:
            return
        try:
            event_questions.check_removable(self.reader, question)
        except ValidationError as error:
            self._say(_("⚠ {message}").format(message=str(error)))
            return
        current = {"id": question["id"]}

        def do(store: Store) -> None:
            event_questions.remove_question(store, current["id"])

        def undo(store: Store) -> None:
            # Back under a new id: the delete is final for the old one.
            current["id"] = event_questions.restore_question(store, question)

        self.undo.push(Change(_("removed sheet question"), do, undo, None, self._refused))

    def _refused(self, error: BaseException) -> None:
        self._say(_("⚠ {message}").format(message=str(error)))
        self.refresh()
