"""What the returned feedback sheets say: a tab of the Feedback sheets page.

For the event chosen above, or every event: how useful people found it,
the "can influence decisions" answers, the indicator overall and for the
groups the equality page tells apart (ceapp.influence), each against the
baseline and target set here, and the answers to the event's own
questions. Every count is under the equality reports' disclosure control,
and the rule is printed under the figures. The same as `ceapp answers
summary`; the baseline and target are those of `ceapp answers targets`
(this laptop's, not synchronised); figures typed here and not kept apply to
what is shown only.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ceapp import disclosure, feedback_tables, influence
from ceapp.i18n import _
from ceapp.reports.selection import Selection
from ceapp.store import Store
from ui.labels import text_label
from ui.operations import failure_text
from ui.record_tables import labelled

THIS_EVENT, ALL_EVENTS = "event", "all"


def _percent_spin(name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setAccessibleName(name)
    spin.setRange(-1, 100)
    spin.setDecimals(1)
    spin.setSuffix("%")
    # -1 is shown as "not set": the minimum's special text.
    spin.setSpecialValueText(_("not set"))
    return spin


def _spin_value(spin: QDoubleSpinBox) -> float | None:
    return None if spin.value() < 0 else spin.value()


def _table(headers: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th align='left'>{escape(text)}</th>" for text in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )
    return f"<table cellspacing='0' cellpadding='4' border='1'><tr>{head}</tr>{body}</table>"


def summary_html(summary: influence.Summary) -> str:
    """The summary as the tab shows it (feedback_tables' parts), every text escaped."""
    html = []
    for part in feedback_tables.summary_parts(summary):
        if part.heading:
            html.append(f"<h3>{escape(part.heading)}</h3>")
        if part.text:
            html.append(f"<p>{escape(part.text)}</p>")
        if part.rows:
            html.append(_table(part.headers, part.rows))
    return "".join(html)


class FeedbackSummary(QWidget):
    def __init__(
        self,
        *,
        reader: Store,
        ops,
        event_id: Callable[[], str | None],
        undo,
        tell: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.ops = ops
        self._event_id = event_id
        self.undo = undo
        self._tell = tell
        # Only the newest summary asked for is shown.
        self._request = 0
        self.summary: influence.Summary | None = None

        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName(_("Which events' sheets"))
        self.scope_combo.addItem(_("The event chosen above"), THIS_EVENT)
        self.scope_combo.addItem(_("Every event"), ALL_EVENTS)
        self.threshold_combo = QComboBox()
        self.threshold_combo.setAccessibleName(_("Smallest count shown"))
        for threshold in disclosure.THRESHOLDS:
            self.threshold_combo.addItem(
                _("Hide counts under {threshold}").format(threshold=threshold), threshold
            )
        self.baseline_spin = _percent_spin(_("Baseline"))
        self.target_spin = _percent_spin(_("Target"))
        self.targets_button = QPushButton(_("Keep as this laptop's baseline and target"))
        self.view = QTextBrowser()
        self.view.setAccessibleName(_("What the returned sheets say"))
        self.view.setOpenLinks(False)
        self.message = text_label(_("Summary message"))

        choices = QHBoxLayout()
        choices.addWidget(labelled(_("Sheets o&f"), self.scope_combo))
        choices.addWidget(self.scope_combo)
        choices.addWidget(self.threshold_combo)
        choices.addStretch(1)
        targets = QHBoxLayout()
        targets.addWidget(labelled(_("Base&line"), self.baseline_spin))
        targets.addWidget(self.baseline_spin)
        targets.addWidget(QLabel(_("Target")))
        targets.addWidget(self.target_spin)
        targets.addWidget(self.targets_button)
        targets.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addLayout(targets)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)

        self.scope_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.threshold_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.baseline_spin.editingFinished.connect(self.refresh)
        self.target_spin.editingFinished.connect(self.refresh)
        self.targets_button.clicked.connect(self.keep_targets)
        self._show_stored_targets()

    def first_focus(self) -> QWidget:
        return self.scope_combo

    def _show_stored_targets(self) -> None:
        baseline, target = influence.targets(self.reader)
        self.baseline_spin.setValue(-1 if baseline is None else baseline)
        self.target_spin.setValue(-1 if target is None else target)

    def selection(self) -> Selection | None:
        if self.scope_combo.currentData() == ALL_EVENTS:
            return Selection()
        event_id = self._event_id()
        return None if event_id is None else Selection(event_id=event_id)

    def refresh(self) -> None:
        """Work the summary out on the worker and show it when it comes back."""
        selection = self.selection()
        if selection is None:
            self.view.setHtml(escape(_("Choose an event first, above.")))
            return
        rule = disclosure.Rule(threshold=self.threshold_combo.currentData())
        baseline, target = _spin_value(self.baseline_spin), _spin_value(self.target_spin)
        self._request += 1
        request = self._request

        def work(store: Store) -> influence.Summary:
            return influence.summarise(
                store,
                selection,
                rule=rule,
                baseline=baseline,
                target=target,
            )

        def done(summary: influence.Summary) -> None:
            if request == self._request:
                self.summary = summary
                self.view.setHtml(summary_html(summary))

        def failed(error: BaseException) -> None:
            if request == self._request:
                self.message.setText(_("⚠ {message}").format(message=failure_text(error)))

        self.ops.run(work, on_success=done, on_failure=failed)

    def keep_targets(self) -> None:
        """Store the baseline and target on this laptop, as `ceapp answers targets` does."""
        baseline, target = _spin_value(self.baseline_spin), _spin_value(self.target_spin)

        def write(store: Store) -> None:
            influence.set_targets(store, baseline=baseline, target=target, clear=True)

        def done(_result) -> None:
            self._show_stored_targets()
            self.message.setText(_("Baseline and target kept on this laptop."))
            self._tell(self.message.text())
            self.refresh()

        def failed(error: BaseException) -> None:
            self.message.setText(_("⚠ {message}").format(message=failure_text(error)))

        self.ops.run_write(write, on_success=done, on_failure=failed)
