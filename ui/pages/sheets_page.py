"""The Sheets page: print the large-print feedback sheets for an event in two minutes.

The person chooses the event (the next one, else the most recent, to begin
with; English and the event's own languages come ticked), ticks the
languages (English first, then each language by its own
name; a catalog nobody who reads the language has checked says so in
words), the text size, bilingual (the English beneath the community
language), the anonymous equality-monitoring page, and how many copies of
each language. The preview shows the pages of the sheet for the language
highlighted in the list. Print (Ctrl+P) sends every ticked language's copies
to a printer (ui/pages/sheet_preview.PrintRun); Save PDFs (Ctrl+S) writes
one PDF a language into a folder, named as `ceapp sheet` names them
(<event id's first 8 characters>-<lang>.pdf), never over a file that is
already there.

Sheets are built (ceapp.sheets.layout) and their pages rendered to images on
the op runner's worker. The folder and print dialogs are the `choose_folder`
and `choose_printer` methods, which tests replace or patch.
"""

from __future__ import annotations

import os
from datetime import date
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPageSize, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ceapp import events
from ceapp.cli.sheets import ID_CHARACTERS
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.sheets import catalogs, layout
from ceapp.store import Store
from ceapp.sync import files
from ui.labels import text_label
from ui.operations import OpChanges, failure_text
from ui.pages.answers_form import AnswersForm, answers_help
from ui.pages.context import PageContext
from ui.pages.event_choice import fill_events, select_event
from ui.pages.feedback_summary import FeedbackSummary
from ui.pages.questions_editor import QuestionsEditor
from ui.pages.sheet_preview import (
    PREVIEW_WIDTH,
    PagesView,
    PrintPlan,
    PrintRun,
    SheetOptions,
    SheetPreview,
    build_preview,
    preview_scale,
)
from ui.record_tables import labelled

MAX_COPIES = 200


def language_name(code: str) -> str:
    """A sheet language as the page names it: its English name and its own."""
    language = catalogs.LANGUAGES[code]
    if language.native == language.english:
        return language.english
    return _("{english} — {native}").format(english=language.english, native=language.native)


class SheetsPage(QWidget):
    key = "sheets"
    title = N_("Feedback sheets")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.ops = context.ops
        self.print_run: PrintRun | None = None
        self.preview: SheetPreview | None = None
        self._saving = False
        # Only the newest preview asked for is built and shown.
        self._preview_request = 0
        self._preview_key: tuple | None = None
        self._preview_stale = True
        # The event another page chose last time this page looked.
        self._seen_event = context.current_event

        self._build_choices()
        self._build_preview()
        # What the tabs share: the event chosen above, the undo stack, the status bar.
        shared = {
            "reader": self.reader,
            "event_id": lambda: self.event_id,
            "undo": context.undo,
            "tell": context.tell,
        }
        self.answers = AnswersForm(**shared, language_name=language_name)
        self.questions = QuestionsEditor(**shared, language_name=language_name)
        self.summary = FeedbackSummary(**shared, ops=self.ops)
        self._lay_out()
        self._fill_languages()
        self._reload_events(default=True)
        self._connect()
        self._event_changed()

    # -- building -----------------------------------------------------------------

    def _build_choices(self) -> None:
        self.choices_box = QGroupBox(_("Print feedback sheets in two minutes"))
        self.intro_label = QLabel(
            _(
                "Choose the event and tick the languages; the preview shows the sheet "
                "highlighted in the list. Then print, or save a PDF for each language."
            )
        )
        self.intro_label.setWordWrap(True)

        self.event_combo = QComboBox()
        self.event_combo.setAccessibleName(_("Event"))
        self.event_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.event_combo.setMinimumContentsLength(24)

        self.language_list = QListWidget()
        self.language_list.setAccessibleName(_("Languages to print"))
        self.language_list.setToolTip(
            _("Space ticks or unticks the highlighted language; the preview shows it.")
        )

        self.size_combo = QComboBox()
        self.size_combo.setAccessibleName(_("Text size"))
        for size in layout.SIZES:
            text = (
                _("{size} point (the usual)") if size == layout.DEFAULT_SIZE else _("{size} point")
            )
            self.size_combo.addItem(text.format(size=size), size)
        self.size_combo.setCurrentIndex(self.size_combo.findData(layout.DEFAULT_SIZE))

        self.bilingual_box = QCheckBox(_("&Bilingual: the community language with English beneath"))
        self.bilingual_box.setAccessibleName(
            _("Bilingual: the community language with English beneath")
        )
        self.monitoring_box = QCheckBox(_("Add the anonymous e&quality monitoring page"))
        self.monitoring_box.setAccessibleName(_("Add the anonymous equality monitoring page"))
        self.tint_box = QCheckBox(_("Pale yellow ti&nt behind the text"))
        self.tint_box.setAccessibleName(_("Pale yellow tint behind the text"))
        self.tint_box.setToolTip(
            _("Some readers find black on a pale yellow ground easier than on white.")
        )

        self.copies_spin = QSpinBox()
        self.copies_spin.setAccessibleName(_("Copies of each language"))
        self.copies_spin.setRange(1, MAX_COPIES)
        self.copies_spin.setValue(1)

        self.print_button = QPushButton(_("&Print…"))
        self.print_button.setAccessibleName(_("Print the ticked languages"))
        self.print_button.setToolTip(_("Print the ticked languages (Ctrl+P)"))
        self.save_button = QPushButton(_("&Save PDFs…"))
        self.save_button.setAccessibleName(_("Save a PDF for each ticked language"))
        self.save_button.setToolTip(_("Save a PDF for each ticked language in a folder (Ctrl+S)"))
        self.summary_label = text_label(_("What will be printed or saved"))
        self.message_label = text_label(_("Sheets message"))

        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.progress_label.setAccessibleName(_("Printing progress"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(_("Sheets printed"))
        self.cancel_button = QPushButton(_("Cancel printing"))
        self.cancel_button.setToolTip(_("Stop printing (Esc)"))
        self.progress_frame = QWidget()
        progress = QGridLayout(self.progress_frame)
        progress.setContentsMargins(0, 0, 0, 0)
        progress.addWidget(self.progress_label, 0, 0, 1, 2)
        progress.addWidget(self.progress_bar, 1, 0)
        progress.addWidget(self.cancel_button, 1, 1)
        self.progress_frame.hide()

        grid = QGridLayout(self.choices_box)
        grid.addWidget(self.intro_label, 0, 0, 1, 2)
        grid.addWidget(
            labelled(_("&Languages"), self.language_list),
            2,
            0,
            Qt.AlignmentFlag.AlignTop,
        )
        grid.addWidget(self.language_list, 2, 1)
        grid.addWidget(labelled(_("Text si&ze"), self.size_combo), 3, 0)
        grid.addWidget(self.size_combo, 3, 1)
        grid.addWidget(self.bilingual_box, 4, 1)
        grid.addWidget(self.monitoring_box, 5, 1)
        grid.addWidget(self.tint_box, 6, 1)
        grid.addWidget(labelled(_("&Copies of each language"), self.copies_spin), 7, 0)
        copies_row = QHBoxLayout()
        copies_row.addWidget(self.copies_spin)
        copies_row.addStretch(1)
        grid.addLayout(copies_row, 7, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary_label, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        grid.addLayout(buttons, 8, 0, 1, 2)
        grid.addWidget(self.message_label, 9, 0, 1, 2)
        grid.addWidget(self.progress_frame, 10, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(11, 1)

    def _build_preview(self) -> None:
        self.preview_box = QGroupBox(_("Preview"))
        self.preview_note = text_label(_("About this language's sheet"))
        self.pages_view = PagesView()
        self.preview_area = QScrollArea()
        self.preview_area.setWidget(self.pages_view)
        self.preview_area.setWidgetResizable(True)
        self.preview_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview_area.setAccessibleName(_("Preview of the sheet's pages"))
        self.preview_area.setToolTip(_("The arrow and Page keys scroll through the pages."))
        self.preview_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        bar = self.preview_area.verticalScrollBar().sizeHint().width()
        self.preview_area.setMinimumWidth(
            PREVIEW_WIDTH + bar + 4 * self.fontMetrics().averageCharWidth()
        )
        layout_ = QVBoxLayout(self.preview_box)
        layout_.addWidget(self.preview_note)
        layout_.addWidget(self.preview_area, 1)

    def _lay_out(self) -> None:
        event_row = QHBoxLayout()
        event_row.addWidget(labelled(_("Even&t"), self.event_combo))
        event_row.addWidget(self.event_combo, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Print sheets, or type in returned ones"))
        self.tabs.addTab(self.choices_box, _("P&rint sheets"))
        self.tabs.addTab(self.answers, _("T&ype in returned sheets"))
        self.tabs.addTab(self.questions, _("Own q&uestions"))
        self.tabs.setTabToolTip(1, _("Type in the answers on sheets that came back (Ctrl+Tab)"))
        self.tabs.addTab(self.summary, _("Results an&d targets"))
        self.tabs.setTabToolTip(2, _("The event's own questions, in each language"))
        self.tabs.setTabToolTip(
            3, _("What the returned sheets say, and the influence indicator against its target")
        )
        self.tabs.currentChanged.connect(self._tab_changed)
        left = QVBoxLayout()
        left.addLayout(event_row)
        left.addWidget(self.tabs, 1)
        page = QHBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addLayout(left, 3)
        page.addWidget(self.preview_box, 2)
        order = [
            self.event_combo,
            self.language_list,
            self.size_combo,
            self.bilingual_box,
            self.monitoring_box,
            self.tint_box,
            self.copies_spin,
            self.print_button,
            self.save_button,
            self.cancel_button,
            self.preview_area,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.answers:
            self.answers.refresh_count()
            self.answers.first_focus().setFocus(Qt.FocusReason.TabFocusReason)
        elif self.tabs.widget(index) is self.questions:
            self.questions.first_focus().setFocus(Qt.FocusReason.TabFocusReason)
        elif self.tabs.widget(index) is self.summary:
            self.summary.refresh()
            self.summary.first_focus().setFocus(Qt.FocusReason.TabFocusReason)

    def show_answers_form(self) -> None:
        """Bring the form for typing in returned sheets forward, its first question in hand."""
        self.tabs.setCurrentWidget(self.answers)
        self.answers.first_focus().setFocus(Qt.FocusReason.OtherFocusReason)

    def _connect(self) -> None:
        self.event_combo.currentIndexChanged.connect(lambda _i: self._choices_changed())
        self.event_combo.currentIndexChanged.connect(lambda _i: self._event_changed())
        self.language_list.currentRowChanged.connect(lambda _row: self._choices_changed())
        self.language_list.itemChanged.connect(lambda _item: self._ticks_changed())
        self.copies_spin.valueChanged.connect(lambda _value: self._ticks_changed())
        self.size_combo.currentIndexChanged.connect(lambda _i: self._choices_changed())
        self.bilingual_box.toggled.connect(lambda _on: self._choices_changed())
        self.monitoring_box.toggled.connect(lambda _on: self._choices_changed())
        self.tint_box.toggled.connect(lambda _on: self._choices_changed())
        self.print_button.clicked.connect(self.print_sheets)
        self.save_button.clicked.connect(self.save_pdfs)
        self.cancel_button.clicked.connect(self.cancel_printing)

        def shortcut(keys, slot) -> QShortcut:
            made = QShortcut(QKeySequence(keys), self)
            made.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            made.activated.connect(slot)
            return made

        shortcut(QKeySequence.StandardKey.Print, self.print_sheets)
        shortcut(QKeySequence.StandardKey.Save, self.save_pdfs)
        self.cancel_shortcut = shortcut(Qt.Key.Key_Escape, self.cancel_printing)
        self.cancel_shortcut.setEnabled(False)

    # -- page protocol ------------------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.event_combo

    def page_shown(self) -> None:
        wanted = self.context.current_event
        if wanted and wanted != self._seen_event:
            # An event chosen on the Events or Event day page since: work on it here too.
            self._seen_event = wanted
            self.choose_event(wanted)
        self._refresh_preview()

    def stop(self) -> None:
        """A print in progress stops: the window is closing."""
        if self.print_run is not None and not self.print_run.finished:
            self.print_run.cancel()

    def shortcut_help(self) -> list[str]:
        return [
            _("{keys}: {action}").format(keys="Ctrl+P", action=_("print the feedback sheets")),
            _("{keys}: {action}").format(
                keys="Ctrl+S", action=_("save the feedback sheets as PDFs")
            ),
            _("{keys}: {action}").format(
                keys=_("Space"), action=_("tick or untick a language in the sheets' list")
            ),
            *answers_help(),
        ]

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("events", "event_questions"):
            if changes.touches("events"):
                self._reload_events(default=False)
            self._preview_key = None
            self._choices_changed()
            self.answers.refresh_questions()
            self.questions.refresh()
        if changes.touches("feedback_responses", "events"):
            self.answers.refresh_count()
            if self.tabs.currentWidget() is self.summary:
                self.summary.refresh()

    def _event_changed(self) -> None:
        self.tick_event_languages()
        if self.tabs.currentWidget() is self.summary:
            self.summary.refresh()
        self.answers.refresh_count()
        self.answers.refresh_questions()
        self.questions.refresh()

    # -- the event ------------------------------------------------------------------

    @property
    def event_id(self) -> str | None:
        return self.event_combo.currentData()

    def choose_event(self, event_id: str) -> None:
        select_event(self.event_combo, self.reader, event_id)

    def default_event(self) -> str | None:
        """The next event (from today on), else the most recent one."""
        upcoming = events.page_events(
            self.reader, date_from=date.today().isoformat(), descending=False, limit=1
        )
        if upcoming:
            return upcoming[0]["id"]
        latest = events.list_events(self.reader, limit=1)
        return latest[0]["id"] if latest else None

    def _reload_events(self, *, default: bool) -> None:
        chosen = None if default else self.event_id
        self.event_combo.blockSignals(True)
        fill_events(self.event_combo, self.reader)
        chosen = chosen or self.default_event()
        if chosen:
            self.choose_event(chosen)
        self.event_combo.blockSignals(False)

    # -- the languages --------------------------------------------------------------

    def _fill_languages(self) -> None:
        folder = catalogs.user_folder(self.reader.path)
        self.language_list.blockSignals(True)
        self.language_list.clear()
        for code in catalogs.LANGUAGES:
            reviewed = catalogs.load(code, folder=folder).reviewed
            name = language_name(code)
            if reviewed:
                text = name
                tip = name
            else:
                text = _("{language} (not yet checked by a person)").format(language=name)
                tip = _(
                    "The {language} texts are a draft that nobody who reads {language} has "
                    "checked yet. Ask someone who does before handing the sheet out."
                ).format(language=catalogs.LANGUAGES[code].english)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setData(Qt.ItemDataRole.UserRole + 1, reviewed)
            item.setToolTip(tip)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = code == catalogs.SOURCE_LANGUAGE
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.language_list.addItem(item)
        self.language_list.setCurrentRow(0)
        self.language_list.blockSignals(False)
        # As tall as its languages: the page scrolls, not the list.
        rows = sum(
            self.language_list.sizeHintForRow(row) for row in range(self.language_list.count())
        )
        self.language_list.setFixedHeight(rows + 2 * self.language_list.frameWidth() + 4)
        self._ticks_changed()

    def tick_event_languages(self) -> None:
        """Tick English and the languages the chosen event is held in, as a start."""
        wanted = {catalogs.SOURCE_LANGUAGE}
        if self.event_id is not None:
            wanted |= set(events.get_event(self.reader, self.event_id).get("languages") or [])
        self.language_list.blockSignals(True)
        for row in range(self.language_list.count()):
            item = self.language_list.item(row)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.language_list.blockSignals(False)
        self._ticks_changed()

    def language_item(self, code: str) -> QListWidgetItem:
        for row in range(self.language_list.count()):
            item = self.language_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                return item
        raise KeyError(code)

    def checked_languages(self) -> list[str]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in map(self.language_list.item, range(self.language_list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def shown_language(self) -> str | None:
        item = self.language_list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    # -- choices ------------------------------------------------------------------------

    def options(self) -> SheetOptions | None:
        if self.event_id is None:
            return None
        return SheetOptions(
            event_id=self.event_id,
            size=self.size_combo.currentData(),
            bilingual=self.bilingual_box.isChecked(),
            monitoring=self.monitoring_box.isChecked(),
            tint=self.tint_box.isChecked(),
        )

    def _plan(self) -> PrintPlan | None:
        """The choices for printing or saving; None, with the reason on the page, if refused."""
        options = self.options()
        if options is None:
            self._refuse(_("Choose an event first; add one on the Events page if there is none."))
            return None
        languages = self.checked_languages()
        if not languages:
            self._refuse(
                _("Tick at least one language in the list (Space ticks the highlighted one).")
            )
            return None
        return PrintPlan(options, languages, self.copies_spin.value())

    def _ticks_changed(self) -> None:
        self.message_label.setText("")
        languages = self.checked_languages()
        if not languages:
            self.summary_label.setText(_("No language ticked yet."))
            return
        names = ", ".join(catalogs.LANGUAGES[code].english for code in languages)
        copies = self.copies_spin.value()
        self.summary_label.setText(
            ngettext(
                "{languages}: {copies} copy each.",
                "{languages}: {copies} copies each.",
                copies,
            ).format(languages=names, copies=copies)
        )

    def _refuse(self, text: str) -> None:
        self.message_label.setText(text)
        self.context.tell(text)

    def _choices_changed(self) -> None:
        self.message_label.setText("")
        self._preview_stale = True
        if self.isVisible():
            self._refresh_preview()

    # -- the preview ----------------------------------------------------------------------

    def _refresh_preview(self) -> None:
        options, language = self.options(), self.shown_language()
        key = (options, language)
        if not self._preview_stale and key == self._preview_key:
            return
        self._preview_stale = False
        self._preview_key = key
        self._preview_request += 1
        number = self._preview_request
        if options is None:
            self.preview = None
            self.preview_box.setTitle(_("Preview"))
            self.preview_note.setText("")
            self.pages_view.show_message(_("No events yet: add one on the Events page"))
            return
        if language is None:
            return
        self.preview_box.setTitle(_("Preview: {language}").format(language=language_name(language)))
        self.preview_note.setText(_("Laying out the sheet…"))
        scale = preview_scale(self.devicePixelRatioF())

        def build(store: Store) -> SheetPreview | None:
            # A newer choice has been made while this waited: leave the worker to it.
            if number != self._preview_request:
                return None
            return build_preview(store, options, language, scale)

        def built(preview: SheetPreview | None) -> None:
            if preview is None or number != self._preview_request:
                return
            self._show_preview(preview)

        def failed(error: BaseException) -> None:
            if number != self._preview_request:
                return
            self.preview = None
            self.preview_note.setText("")
            self.pages_view.show_message(failure_text(error))

        self.ops.run(build, on_success=built, on_failure=failed)

    def _show_preview(self, preview: SheetPreview) -> None:
        self.preview = preview
        english = catalogs.LANGUAGES[preview.language].english
        count = len(preview.images)
        lines = [ngettext("{count} A4 page.", "{count} A4 pages.", count).format(count=count)]
        if not preview.reviewed:
            lines.append(
                _(
                    "Not yet checked by a person who reads {language}: the texts are a draft."
                ).format(language=english)
            )
        if preview.misses:
            lines.append(
                ngettext(
                    "{count} text is printed in English: the {language} catalog has no "
                    "translation for it.",
                    "{count} texts are printed in English: the {language} catalog has no "
                    "translation for them.",
                    len(preview.misses),
                ).format(count=len(preview.misses), language=english)
            )
        if preview.english_only and preview.language != catalogs.SOURCE_LANGUAGE:
            lines.append(_("The equality questions are printed in English."))
        if preview.untranslated_questions:
            numbers = preview.untranslated_questions
            lines.append(
                ngettext(
                    "The event's question {numbers} has no {language} text, so it is printed "
                    "in English: add it on the Own questions tab.",
                    "The event's questions {numbers} have no {language} text, so they are "
                    "printed in English: add it on the Own questions tab.",
                    len(numbers),
                ).format(numbers=", ".join(str(n) for n in numbers), language=english)
            )
        self.preview_note.setText(" ".join(lines))
        self.pages_view.set_images(preview.images)
        self.preview_area.verticalScrollBar().setValue(0)

    # -- printing ---------------------------------------------------------------------------

    def choose_printer(self, printer: QPrinter) -> bool:
        """The print dialog: True when the person chose to print."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print feedback sheets"))
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_sheets(self) -> None:
        if self.printing or self._saving:
            return
        plan = self._plan()
        if plan is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)
        printer.setDocName(_("Feedback sheets"))
        if not self.choose_printer(printer):
            return
        self.message_label.setText("")
        self.print_run = PrintRun(
            self.ops,
            printer,
            plan,
            language_name=lambda code: catalogs.LANGUAGES[code].english,
            on_progress=self._print_progress,
            on_finished=self._print_finished,
        )
        self.progress_label.setText(_("Laying out the sheets…"))
        self.progress_bar.setRange(0, self.print_run.total_sheets)
        self.progress_bar.setValue(0)
        self._set_printing(True)
        self.print_run.start()

    @property
    def printing(self) -> bool:
        return self.print_run is not None and not self.print_run.finished

    def cancel_printing(self) -> None:
        if self.printing:
            self.print_run.cancel()

    def _print_progress(self, text: str, done: int, total: int) -> None:
        self.progress_label.setText(text)
        self.progress_bar.setValue(done)

    def _print_finished(self, message: str, ok: bool) -> None:
        self._set_printing(False)
        self.message_label.setText(message)
        self.context.tell(message)

    def _set_printing(self, printing: bool) -> None:
        self.progress_frame.setVisible(printing)
        self.cancel_shortcut.setEnabled(printing)
        self.print_button.setEnabled(not printing)
        self.save_button.setEnabled(not printing)
        if printing:
            self.cancel_button.setFocus()
        elif self.cancel_button.hasFocus() or self.focusWidget() is None:
            self.print_button.setFocus()

    # -- saving -----------------------------------------------------------------------------

    def choose_folder(self) -> str:
        """The folder to save the PDFs in, from a dialog; empty when cancelled."""
        return QFileDialog.getExistingDirectory(
            self,
            _("Save the sheets' PDFs in"),
            os.path.dirname(os.path.abspath(self.reader.path)),
        )

    def save_pdfs(self) -> None:
        if self.printing or self._saving:
            return
        plan = self._plan()
        if plan is None:
            return
        folder = self.choose_folder()
        if not folder:
            return
        options, languages = plan.options, plan.languages
        paths = {
            code: os.path.join(folder, f"{options.event_id[:ID_CHARACTERS]}-{code}.pdf")
            for code in languages
        }

        def write(store: Store) -> list[tuple[str, layout.Sheet]]:
            if not os.path.isdir(folder):
                raise ValidationError(
                    "out",
                    _("The folder {folder} does not exist; create it or choose another.").format(
                        folder=folder
                    ),
                )
            for path in paths.values():
                if os.path.lexists(path):
                    raise ValidationError(
                        "out",
                        _(
                            "{path} already exists; nothing was written, so nothing is overwritten."
                        ).format(path=path),
                    )
            # Every sheet is laid out before anything is written, as `ceapp sheet` does.
            sheets = {code: options.build(store, code) for code in languages}
            for code, sheet in sheets.items():
                files.write_new_file(paths[code], sheet.pdf)
            return [(paths[code], sheets[code]) for code in languages]

        def saved(written: list[tuple[str, layout.Sheet]]) -> None:
            self._set_saving(False)
            names = ", ".join(os.path.basename(path) for path, _sheet in written)
            message = ngettext(
                "Saved {count} PDF in {folder}: {files}.",
                "Saved {count} PDFs in {folder}: {files}.",
                len(written),
            ).format(count=len(written), folder=folder, files=names)
            unchecked = [
                catalogs.LANGUAGES[sheet.language].english
                for _path, sheet in written
                if not sheet.catalog.reviewed
            ]
            if unchecked:
                message += " " + _("Not yet checked by a person: {languages}.").format(
                    languages=", ".join(unchecked)
                )
            self.message_label.setText(message)
            self.context.tell(message)

        def failed(error: BaseException) -> None:
            self._set_saving(False)
            self._refuse(failure_text(error))

        self._set_saving(True)
        self.message_label.setText(_("Saving the PDFs…"))
        self.ops.run(write, on_success=saved, on_failure=failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.print_button.setEnabled(not saving)
        self.save_button.setEnabled(not saving)
