"""The Reports page: the equality report (`ceapp report equality`) in the window.

The person chooses which events to count (area, partner, engagement type,
method, dates, or one event), the disclosure rule and the population to
compare with; Run works the report out on the op runner's worker
(ceapp.reports.equality) and the page shows one characteristic at a time as
a table and a chart. Everything shown comes from the report's published
values, which have been through disclosure control: a hidden count is shown
by its marker ("<5", "[c]"), never as a number. Save as writes the report
through ceapp.reports.report_files, also on the worker.

The file dialogs are the `choose_*` methods, which tests replace.
"""

from __future__ import annotations

import os
from itertools import pairwise

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ceapp import areas, disclosure, partners, reference_figures
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.reports import report_files
from ceapp.reports.characteristics import CHARACTERISTICS
from ceapp.reports.equality import (
    UNDER_REPRESENTED,
    Breakdown,
    EqualityReport,
    default_reference,
    equality_report,
    representation_text,
)
from ceapp.reports.selection import build_selection
from ceapp.vocab import METHODS, SPECTRUM
from ui.labels import text_label
from ui.operations import OpChanges, failure_text
from ui.pages.context import PageContext
from ui.pages.reports_chart import EqualityChart, percent_text
from ui.pages.reports_trend import TrendModel
from ui.record_tables import filter_combo, labelled, set_combo_items

# A date edit at its minimum shows "Any": no limit on that side of the range.
NO_DATE = QDate(1900, 1, 1)
# Tables whose changes can change a report already shown.
REPORTED_TABLES = frozenset({"events", "monitoring_responses", "areas", "partners"})
# Under-represented rows: a pale amber behind dark text (the words say it too).
UNDER_BACKGROUND = QColor("#fde2b8")
UNDER_FOREGROUND = QColor("#1a1a1a")

# (format, untranslated filter name), in the order the Save dialog lists them.
SAVE_FILTERS = (
    ("csv", N_("CSV spreadsheet (*.csv)")),
    ("xlsx", N_("Excel workbook (*.xlsx)")),
    ("json", N_("JSON for programs (*.json)")),
    ("pdf", N_("PDF document (*.pdf)")),
)


def REFERENCE_FILTER() -> str:
    return _("Reference figures (*.csv);;All files (*)")


def cell_text(value) -> str:
    """A published count as shown: the number, or its suppression marker."""
    return "" if value is None else str(value)


class BreakdownModel(QAbstractTableModel):
    """One characteristic of an equality report: a row per category."""

    COLUMNS = (
        N_("Category"),
        N_("Count"),
        N_("% of those who answered"),
        N_("% of population"),
        N_("Ratio"),
        N_("Representation"),
    )
    NUMERIC = (1, 2, 3, 4)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.breakdown: Breakdown | None = None

    def set_breakdown(self, breakdown: Breakdown | None) -> None:
        self.beginResetModel()
        self.breakdown = breakdown
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() or self.breakdown is None:
            return 0
        return len(self.breakdown.categories)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def text(self, row: int, column: int) -> str:
        category = self.breakdown.categories[row]
        if column == 0:
            return category.label
        if column == 1:
            return cell_text(category.count)
        if column == 2:
            return percent_text(category.percent)
        if column == 3:
            return percent_text(category.population_percent)
        if column == 4:
            return "" if category.ratio is None else f"{category.ratio:.2f}"
        return representation_text(category.representation)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row, column = index.row(), index.column()
        under = self.breakdown.categories[row].representation == UNDER_REPRESENTED
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if column in self.NUMERIC
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and under:
            return QBrush(UNDER_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and under:
            return QBrush(UNDER_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole and under and column == len(self.COLUMNS) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ReportsPage(QWidget):
    key = "reports"
    title = N_("Reports")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.ops = context.ops
        self.report: EqualityReport | None = None
        self.busy = False
        # Only the newest run may show its report.
        self._request = 0
        self._saving = False

        self._build_choices()
        self._build_results()
        self._lay_out()
        self._connect()
        self._fill_reference_choices()
        self._fill_record_choices()
        self._show_report()

    # -- building ---------------------------------------------------------------

    def _build_choices(self) -> None:
        self.choices_box = QGroupBox(_("What to report on"))

        def combo(name: str, items) -> QComboBox:
            box = filter_combo(name, items)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
            return box

        def date_edit(name: str) -> QDateEdit:
            edit = QDateEdit()
            edit.setAccessibleName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumDate(NO_DATE)
            edit.setSpecialValueText(_("Any"))
            edit.setDate(NO_DATE)
            edit.setToolTip(_("Choose the earliest date (or type 1900-01-01) for any date."))
            return edit

        self.area_combo = combo(_("Area"), [])
        self.partner_combo = combo(_("Partner"), [])
        self.spectrum_combo = combo(
            _("Engagement type"), [(SPECTRUM.label(code), code) for code in SPECTRUM.codes]
        )
        self.method_combo = combo(
            _("Method"), [(METHODS.label(code), code) for code in METHODS.codes]
        )
        self.from_date = date_edit(_("From date"))
        self.to_date = date_edit(_("To date"))
        self.event_box = QLineEdit()
        self.event_box.setAccessibleName(_("Only one event"))
        self.event_box.setPlaceholderText(_("Event id, or its first characters"))
        self.event_box.setClearButtonEnabled(True)

        self.threshold_combo = QComboBox()
        self.threshold_combo.setAccessibleName(_("Hide counts under"))
        for threshold in disclosure.THRESHOLDS:
            self.threshold_combo.addItem(str(threshold), threshold)
        self.round_box = QCheckBox(_("Round counts to the nearest &5"))
        self.round_box.setAccessibleName(_("Round counts to the nearest 5"))
        self.reference_combo = QComboBox()
        self.reference_combo.setAccessibleName(_("Compare with"))
        self.reference_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.reference_combo.setMinimumContentsLength(16)
        self.load_reference_button = QPushButton(_("&Load a CSV…"))
        self.load_reference_button.setAccessibleName(_("Load reference figures from a CSV file"))
        self.load_reference_button.setToolTip(
            _("Population figures of your own, in the format of the shipped reference files.")
        )
        self.characteristic_combo = QComboBox()
        self.characteristic_combo.setAccessibleName(_("Characteristic to show"))
        for characteristic in CHARACTERISTICS:
            self.characteristic_combo.addItem(characteristic.label_text(), characteristic.name)
        self.characteristic_combo.setCurrentIndex(
            max(self.characteristic_combo.findData("ethnic_group_5"), 0)
        )

        self.run_button = QPushButton(_("&Run report"))
        self.run_button.setAccessibleName(_("Run report"))
        self.run_button.setToolTip(_("Run report (Enter or Ctrl+R)"))
        self.run_button.setDefault(True)
        self.save_button = QPushButton(_("&Save as…"))
        self.save_button.setAccessibleName(_("Save the report as a file"))
        self.save_button.setToolTip(_("Save as CSV, Excel, JSON or PDF (Ctrl+S)"))
        self.choice_message = text_label(_("Report message"))
        self.busy_label = QLabel(_("Working out the report…"))
        self.busy_label.setAccessibleName(_("Report progress"))

        grid = QGridLayout(self.choices_box)
        # The area and partner names are long: each has a row of its own.
        wide = ((_("&Area"), self.area_combo), (_("Par&tner"), self.partner_combo))
        for row, (text, widget) in enumerate(wide):
            grid.addWidget(labelled(text, widget), row, 0)
            grid.addWidget(widget, row, 1, 1, 3)
        cells = (
            (_("Engagement &type"), self.spectrum_combo, _("&Method"), self.method_combo),
            (_("&From"), self.from_date, _("T&o"), self.to_date),
            (_("One e&vent"), self.event_box, _("Hide counts &under"), self.threshold_combo),
        )
        for row, (first_text, first, second_text, second) in enumerate(cells, start=len(wide)):
            grid.addWidget(labelled(first_text, first), row, 0)
            grid.addWidget(first, row, 1)
            grid.addWidget(labelled(second_text, second), row, 2)
            grid.addWidget(second, row, 3)
        grid.addWidget(self.round_box, 5, 2, 1, 2)
        reference_row = QHBoxLayout()
        reference_row.addWidget(self.reference_combo, 1)
        reference_row.addWidget(self.load_reference_button)
        grid.addWidget(labelled(_("Com&pare with"), self.reference_combo), 6, 0)
        grid.addLayout(reference_row, 6, 1, 1, 3)
        grid.addWidget(labelled(_("S&how"), self.characteristic_combo), 7, 0)
        grid.addWidget(self.characteristic_combo, 7, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy_label)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.save_button)
        grid.addLayout(buttons, 8, 0, 1, 4)
        grid.addWidget(self.choice_message, 9, 0, 1, 4)

    def _build_results(self) -> None:
        self.results_box = QGroupBox(_("Equality report"))
        self.selection_label = text_label(_("Events the report covers"))
        self.rule_label = text_label(_("Disclosure rule"))
        self.rule_label.setStyleSheet("font-style: italic;")
        self.findings_label = text_label(_("Findings"))
        self.breakdown_label = text_label(_("Answers to this question"))
        self.model = BreakdownModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Breakdown table"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setCornerButtonEnabled(False)
        # With no row numbers there is no corner; Qt hides its button only once laid out.
        for corner in self.table.findChildren(QAbstractButton, "qt_tableview_cornerbutton"):
            corner.hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.trend_label = text_label(_("By quarter"))
        self.trend_model = TrendModel(self)
        self.trend_table = self._counts_table(self.trend_model, _("Counts by quarter"))
        self.chart = EqualityChart()
        self.chart_box = QGroupBox(_("Attendees against the population"))

    def _counts_table(self, model, name: str) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAccessibleName(name)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.setCornerButtonEnabled(False)
        for corner in table.findChildren(QAbstractButton, "qt_tableview_cornerbutton"):
            corner.hide()
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return table

    def _lay_out(self) -> None:
        results = QVBoxLayout(self.results_box)
        results.addWidget(self.selection_label)
        results.addWidget(self.findings_label)
        results.addWidget(self.breakdown_label)
        results.addWidget(self.table)
        # The rule in force sits right under the counts it explains.
        results.addWidget(self.rule_label)
        results.addWidget(self.trend_label)
        results.addWidget(self.trend_table)
        results.addStretch(1)
        chart_layout = QVBoxLayout(self.chart_box)
        chart_layout.addWidget(self.chart)
        left = QVBoxLayout()
        left.addWidget(self.choices_box)
        left.addWidget(self.chart_box)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 2)
        layout.addWidget(self.results_box, 3)
        order = [
            self.area_combo,
            self.partner_combo,
            self.spectrum_combo,
            self.method_combo,
            self.from_date,
            self.to_date,
            self.event_box,
            self.threshold_combo,
            self.round_box,
            self.reference_combo,
            self.load_reference_button,
            self.characteristic_combo,
            self.run_button,
            self.save_button,
            self.table,
            self.trend_table,
            self.chart,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        self.run_button.clicked.connect(self.run_report)
        self.save_button.clicked.connect(self.save_report)
        self.load_reference_button.clicked.connect(self.load_reference)
        self.characteristic_combo.currentIndexChanged.connect(lambda _i: self._show_breakdown())
        self.threshold_combo.currentIndexChanged.connect(lambda _i: self._show_rule())
        self.round_box.toggled.connect(lambda _on: self._show_rule())

        def shortcut(keys, slot, widget: QWidget) -> None:
            made = QShortcut(QKeySequence(keys), widget)
            made.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            made.activated.connect(slot)

        shortcut("Ctrl+R", self.run_report, self)
        shortcut(QKeySequence.StandardKey.Save, self.save_report, self)
        # Enter in the choices runs the report (a combo's open list takes its own Enter).
        shortcut(Qt.Key.Key_Return, self.run_report, self.choices_box)
        shortcut(Qt.Key.Key_Enter, self.run_report, self.choices_box)

    # -- page protocol ------------------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.area_combo

    def stop(self) -> None:
        """Nothing runs on a timer here; a run in flight is dropped by the runner."""

    def shortcut_help(self) -> list[str]:
        return [
            _("{keys}: {action}").format(keys="Ctrl+R", action=_("run the report")),
            _("{keys}: {action}").format(keys="Ctrl+S", action=_("save the report as a file")),
        ]

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("areas", "partners"):
            self._fill_record_choices()
        if self.report is not None and changes.touches(*REPORTED_TABLES):
            self.choice_message.setText(
                _("Records have changed since this report was run; run it again to update it.")
            )

    # -- choices ----------------------------------------------------------------

    def _fill_record_choices(self) -> None:
        """Boroughs, then wards, and partners, from the database; keeping what was chosen."""
        rows = areas.list_areas(self.reader)
        boroughs = sorted({row["borough"] for row in rows}, key=str.casefold)
        items = [(_("{borough} (whole borough)").format(borough=name), name) for name in boroughs]
        items += [
            (_("{ward}, {borough}").format(ward=row["ward"], borough=row["borough"]), row["id"])
            for row in rows
        ]
        set_combo_items(self.area_combo, items)
        set_combo_items(
            self.partner_combo,
            [(row["name"], row["id"]) for row in partners.list_partners(self.reader)],
        )

    def _fill_reference_choices(self) -> None:
        self.reference_combo.clear()
        self.reference_combo.addItem(_("Automatic: the borough chosen, else England"), None)
        self.reference_combo.setItemData(
            0,
            _(
                "The shipped figures for the borough of the events chosen, if ceapp has them; "
                "otherwise England's."
            ),
            Qt.ItemDataRole.ToolTipRole,
        )
        for reference in reference_figures.shipped():
            self.reference_combo.addItem(
                _("{area}, Census 2021 ({universe})").format(
                    area=reference.name, universe=reference.universe_label()
                ),
                reference.code,
            )

    def choose_reference_file(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Load reference figures"), "", REFERENCE_FILTER()
        )
        return path

    def load_reference(self) -> None:
        """Load a reference CSV of the person's own; a refused file says why, on the page."""
        path = self.choose_reference_file()
        if not path:
            return
        try:
            reference = reference_figures.find(path)
        except ValidationError as error:
            self.choice_message.setText(str(error))
            return
        found = self.reference_combo.findData(path)
        if found < 0:
            self.reference_combo.addItem(
                _("{area} ({universe}), from {file}").format(
                    area=reference.name,
                    universe=reference.universe_label(),
                    file=os.path.basename(path),
                ),
                path,
            )
            found = self.reference_combo.count() - 1
        self.reference_combo.setCurrentIndex(found)
        self.choice_message.setText(
            _("Loaded the figures for {area} from {path}.").format(area=reference.name, path=path)
        )

    def chosen(self) -> dict:
        """What the controls say, as plain values the worker can use."""

        def day(edit: QDateEdit):
            value = edit.date()
            return None if value == NO_DATE else value.toPython()

        return {
            "selection": {
                "event": self.event_box.text().strip() or None,
                "area": self.area_combo.currentData(),
                "partner": self.partner_combo.currentData(),
                "spectrum": self.spectrum_combo.currentData(),
                "method": self.method_combo.currentData(),
                "date_from": day(self.from_date),
                "date_to": day(self.to_date),
            },
            "threshold": self.threshold_combo.currentData(),
            "round_to": 5 if self.round_box.isChecked() else None,
            "reference": self.reference_combo.currentData(),
        }

    def _rule(self) -> disclosure.Rule:
        return disclosure.Rule(
            threshold=self.threshold_combo.currentData(),
            round_to=5 if self.round_box.isChecked() else None,
        )

    def prepare_screenshot(self) -> None:
        """For `gui --page reports --screenshot`: the first borough's report."""
        if self.area_combo.count() > 1:
            self.area_combo.setCurrentIndex(1)
        self.run_report()

    # -- running ----------------------------------------------------------------

    def run_report(self) -> None:
        """Work the report out on the worker; the page shows it when it comes back."""
        if self.busy:
            return
        chosen = self.chosen()
        self._request += 1
        request = self._request
        self._set_busy(True)
        self.choice_message.clear()

        def work(store) -> EqualityReport:
            rule = disclosure.Rule(threshold=chosen["threshold"], round_to=chosen["round_to"])
            selection = build_selection(store, **chosen["selection"])
            if chosen["reference"]:
                reference = reference_figures.find(chosen["reference"])
            else:
                reference = default_reference(store, selection)
            return equality_report(store, selection, rule=rule, reference=reference)

        def done(report: EqualityReport) -> None:
            if request != self._request:
                return
            self._set_busy(False)
            self.report = report
            self._show_report()
            self.context.tell(_("Report ready."))

        def failed(error: BaseException) -> None:
            if request != self._request:
                return
            self._set_busy(False)
            self.choice_message.setText(failure_text(error))

        self.ops.run(work, on_success=done, on_failure=failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_label.setVisible(busy)
        self.run_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy and not self._saving and self.report is not None)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    # -- showing ----------------------------------------------------------------

    def _show_rule(self) -> None:
        if self.report is not None:
            text = self.report.rule_text
        else:
            text = disclosure.describe(self._rule())
        self.rule_label.setText(text)

    def _show_report(self) -> None:
        self._set_busy(self.busy)
        self._show_rule()
        report = self.report
        if report is None:
            self.selection_label.setText(
                _("Choose the events to report on, then Run report (Enter or Ctrl+R).")
            )
            self.findings_label.clear()
            self.findings_label.hide()
            self._show_breakdown()
            return
        lines = [
            _("{what}: {chosen}").format(what=what, chosen=chosen)
            for what, chosen in report.selection_lines
        ]
        lines.append(
            _("Events: {events}; monitoring responses: {responses}").format(
                events=report.events, responses=cell_text(report.responses)
            )
        )
        if report.reference is not None:
            lines.append(
                _("Compared with: {area}, Census 2021 ({universe})").format(
                    area=report.reference.name, universe=report.reference.universe_label()
                )
            )
        self.selection_label.setText("\n".join(lines))
        if report.findings:
            self.findings_label.setText(
                "\n".join(
                    [_("Findings")]
                    + [_("• {finding}").format(finding=line) for line in report.findings]
                )
            )
            self.findings_label.show()
        else:
            self.findings_label.hide()
        self._show_breakdown()

    def current_breakdown(self) -> Breakdown | None:
        if self.report is None:
            return None
        return self.report.breakdown(self.characteristic_combo.currentData())

    def _show_breakdown(self) -> None:
        breakdown = self.current_breakdown()
        if breakdown is None:
            self.breakdown_label.setText("")
            self.model.set_breakdown(None)
            self._show_trend(None)
            self.chart.set_breakdown(None, _("Run a report to see the chart."))
            self._fit_table()
            return
        self.results_box.setTitle(
            _("Equality report: {characteristic}").format(characteristic=breakdown.label)
        )
        counts = _(
            "Answered: {answered}; prefer not to say: {prefer}; not answered: {missing}."
        ).format(
            answered=cell_text(breakdown.answered),
            prefer=cell_text(breakdown.prefer_not_to_say),
            missing=cell_text(breakdown.not_answered),
        )
        if breakdown.withheld:
            withheld = _(
                "Withheld: too few answers to break down without revealing someone's answers."
            )
            self.breakdown_label.setText(
                _("{withheld} {counts}").format(withheld=withheld, counts=counts)
            )
            self.model.set_breakdown(None)
            self._show_trend(None)
            self.chart.set_breakdown(None, withheld)
            self._fit_table()
            return
        self.breakdown_label.setText(counts)
        self.model.set_breakdown(breakdown)
        self._show_trend(breakdown)
        self.chart.set_breakdown(breakdown)
        self._fit_table()

    def _show_trend(self, breakdown: Breakdown | None) -> None:
        self.trend_model.set_breakdown(breakdown)
        shown = self.trend_model.rowCount() > 0
        self.trend_label.setText(
            _("Counts by quarter of the events, the latest {count} quarters:").format(
                count=len(self.trend_model._quarters())
            )
            if shown
            else ""
        )
        self.trend_label.setVisible(shown)
        self.trend_table.setVisible(shown)

    def _fit_table(self) -> None:
        """Each table as tall as its rows: the page scrolls, not the tables inside it."""
        for table in (self.table, self.trend_table):
            table.resizeRowsToContents()
            model = table.model()
            rows = sum(table.rowHeight(row) for row in range(model.rowCount()))
            header = table.horizontalHeader().sizeHint().height()
            empty = table.verticalHeader().defaultSectionSize() if not rows else 0
            # A table wider than the page scrolls sideways: room for that bar too.
            wide = table.horizontalHeader().length() > table.viewport().width()
            bar = table.horizontalScrollBar().sizeHint().height() if wide else 0
            table.setFixedHeight(header + rows + empty + bar + 2 * table.frameWidth())

    # -- saving -------------------------------------------------------------------

    def choose_save_file(self) -> tuple[str, str]:
        """(path, format) from a Save dialog; an empty path when cancelled."""
        filters = [_(text) for _fmt, text in SAVE_FILTERS]
        path, chosen_filter = QFileDialog.getSaveFileName(
            self, _("Save the report"), "equality-report.csv", ";;".join(filters)
        )
        fmt = next(
            (fmt for fmt, text in SAVE_FILTERS if _(text) == chosen_filter), SAVE_FILTERS[0][0]
        )
        return path, fmt

    def save_report(self) -> None:
        """Write the shown report to a file, on the worker."""
        if self.report is None or self.busy or self._saving:
            return
        path, fmt = self.choose_save_file()
        if not path:
            return
        extension = os.path.splitext(path)[1].lstrip(".").lower()
        if extension in report_files.FORMATS:
            fmt = extension
        elif not extension:
            path = f"{path}.{fmt}"
        report = self.report
        self._saving = True
        self._set_busy(False)

        def saved(size: int) -> None:
            self._saving = False
            self._set_busy(self.busy)
            message = _("Saved the report to {path} ({size} bytes).").format(
                path=path, size=f"{size:,}"
            )
            self.choice_message.setText(message)
            self.context.tell(message)

        def failed(error: BaseException) -> None:
            self._saving = False
            self._set_busy(self.busy)
            self.choice_message.setText(failure_text(error))

        self.ops.run(
            lambda _store: report_files.write_report(report, fmt=fmt, path=path),
            on_success=saved,
            on_failure=failed,
        )
