"""The Event day page: the screen used at a forum or at the door.

Head counts by role along the top (F5 to F9 add one of each role, Shift with
the same key takes one away), then three tabs: typing in equality slips,
a quick issue, and the named register. Every tap and every slip is its own
write, so a crash loses nothing, and each can be undone (ui/undo.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ceapp import attendance, monitoring
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.vocab import ATTENDANCE_ROLES
from ui.operations import OpChanges
from ui.pages.context import PageContext
from ui.pages.event_choice import fill_events, select_event
from ui.pages.event_day_forms import QuickIssueForm, RegisterForm, show_error
from ui.pages.event_day_slips import SlipForm, slip_help
from ui.undo import Change

# Role n (from 0) is counted with F5+n and Shift+F5+n.
FIRST_COUNTER_KEY = 5


def _scaled(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class CounterCard(QFrame):
    """One role's head count: its total in large figures, −1 and +1, and any refusal."""

    def __init__(self, role: str, number: int, page: EventDayPage) -> None:
        super().__init__()
        self.role = role
        self.setFrameShape(QFrame.Shape.StyledPanel)
        label = ATTENDANCE_ROLES.label(role)
        self.add_keys = f"F{FIRST_COUNTER_KEY + number}"
        self.take_keys = f"Shift+F{FIRST_COUNTER_KEY + number}"

        self.name_label = QLabel(label)
        self.name_label.setWordWrap(True)
        self.name_label.setFont(_scaled(self, 1.0, bold=True))
        self.total_label = QLabel("0")
        self.total_label.setFont(_scaled(self, 2.6, bold=True))
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.total_label.setAccessibleName(_("{role} counted").format(role=label))

        self.take_button = QPushButton(_("−1\n{keys}").format(keys=self.take_keys))
        self.take_button.setAccessibleName(_("Take one {role} away").format(role=label))
        self.add_button = QPushButton(_("+1\n{keys}").format(keys=self.add_keys))
        self.add_button.setAccessibleName(_("Add one {role}").format(role=label))
        height = self.fontMetrics().height() * 3
        for button in (self.take_button, self.add_button):
            button.setMinimumHeight(height)
        self.add_button.setFont(_scaled(self, 1.3, bold=True))
        self.take_button.clicked.connect(lambda: page.tap(role, -1))
        self.add_button.clicked.connect(lambda: page.tap(role, +1))

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(_("Problem with {role}").format(role=label))
        self.error_label.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.take_button, 1)
        buttons.addWidget(self.add_button, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name_label)
        layout.addWidget(self.total_label)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

    def show_total(self, total: int) -> None:
        self.total_label.setText(f"{total:,}")

    def show_error(self, text: str) -> None:
        show_error(self.error_label, text)
        self.error_label.setVisible(bool(text))


class EventDayPage(QWidget):
    """Counting in, slips, quick issues and the register for one event."""

    key = "event-day"
    title = N_("Event day")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader

        self.event_combo = QComboBox()
        self.event_combo.setAccessibleName(_("Event"))
        self.event_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.event_combo.setMinimumContentsLength(30)
        event_label = QLabel(_("Even&t:"))
        event_label.setBuddy(self.event_combo)
        self.everyone_label = QLabel()
        self.everyone_label.setFont(_scaled(self, 1.6, bold=True))
        self.everyone_label.setAccessibleName(_("Everyone counted"))

        self.cards = [
            CounterCard(role, number, self) for number, role in enumerate(ATTENDANCE_ROLES.codes)
        ]
        self.slips = SlipForm(
            event_id=lambda: self.event_id,
            count=lambda event_id: monitoring.count_responses(self.reader, event_id),
            undo=context.undo,
            tell=context.tell,
        )
        self.quick_issue = QuickIssueForm(
            self.reader, context.ops, lambda: self.event_id, context.tell
        )
        self.register = RegisterForm(self.reader, context.ops, lambda: self.event_id, context.tell)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Event day tasks"))
        self.tabs.addTab(self.slips, _("&Slips"))
        self.tabs.addTab(self.quick_issue, _("Quick &issue"))
        self.tabs.addTab(self.register, _("&Register"))
        self.tabs.currentChanged.connect(self._tab_changed)

        top = QHBoxLayout()
        top.addWidget(event_label)
        top.addWidget(self.event_combo, 1)
        top.addSpacing(self.fontMetrics().averageCharWidth() * 4)
        top.addWidget(self.everyone_label)
        counters = QHBoxLayout()
        for card in self.cards:
            counters.addWidget(card, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(counters)
        layout.addWidget(self.tabs, 1)

        for card in self.cards:
            for keys, delta in ((card.add_keys, +1), (card.take_keys, -1)):
                shortcut = QShortcut(QKeySequence(keys), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(
                    lambda role=card.role, delta=delta: self.tap(role, delta)
                )

        self._reload_events()
        self.event_combo.currentIndexChanged.connect(self._event_chosen)
        self._event_chosen()

    # -- the page protocol ----------------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.tabs.currentWidget().first_focus()

    def page_shown(self) -> None:
        wanted = self.context.current_event
        if wanted and wanted != self.event_id:
            self.choose_event(wanted)
        self.refresh()

    def stop(self) -> None:
        """Nothing runs on a timer here."""

    def shortcut_help(self) -> list[str]:
        lines = [
            _("{keys}: {action}").format(
                keys=f"{card.add_keys} / {card.take_keys}",
                action=_("add one / take one away: {role}").format(
                    role=ATTENDANCE_ROLES.label(card.role)
                ),
            )
            for card in self.cards
        ]
        lines += [
            _("{keys}: {action}").format(keys="Alt+S / Alt+I / Alt+R", action=_("event day tabs")),
            _("{keys}: {action}").format(keys="Alt+T", action=_("choose the event")),
        ]
        return lines + slip_help()

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("events"):
            self._reload_events()
        if changes.touches("areas", "partners"):
            self.quick_issue.refresh_choices()
        if changes.touches("attendance", "events"):
            self._refresh_counts()
        if changes.touches("monitoring_responses", "events"):
            self.slips.refresh_count()
        if changes.touches("issues", "events"):
            self.quick_issue.refresh_list()
        if changes.touches("register_entries", "events"):
            self.register.refresh_list()

    # -- the event --------------------------------------------------------------------

    @property
    def event_id(self) -> str | None:
        return self.event_combo.currentData()

    def choose_event(self, event_id: str) -> None:
        select_event(self.event_combo, self.reader, event_id)

    def _reload_events(self) -> None:
        chosen = self.event_id or self.context.current_event
        self.event_combo.blockSignals(True)
        fill_events(self.event_combo, self.reader)
        self.event_combo.blockSignals(False)
        if chosen:
            self.choose_event(chosen)
        self._event_chosen()

    def _event_chosen(self) -> None:
        if self.event_id is not None:
            self.context.current_event = self.event_id
        self.refresh()

    def refresh(self) -> None:
        self._refresh_counts()
        self.slips.refresh_count()
        self.quick_issue.refresh_list()
        self.register.refresh_list()

    # -- counting ---------------------------------------------------------------------

    def _refresh_counts(self) -> None:
        event_id = self.event_id
        totals = attendance.totals(self.reader, event_id) if event_id else {}
        for card in self.cards:
            card.show_total(totals.get(card.role, 0))
        self.everyone_label.setText(
            _("Everyone: {total}").format(total=f"{sum(totals.values()):,}")
        )

    def tap(self, role: str, delta: int) -> None:
        """Add or take away one person of a role: one write, undoable."""
        card = self.cards[ATTENDANCE_ROLES.codes.index(role)]
        event_id = self.event_id
        if event_id is None:
            card.show_error(_("Choose an event first, at the top of the page."))
            return
        try:
            # Refused here, beside the counter, rather than by a dialog after the write.
            attendance.check_count(self.reader, event_id=event_id, role=role, count=delta)
        except ValidationError as error:
            card.show_error(str(error))
            return
        card.show_error("")
        label = ATTENDANCE_ROLES.label(role)
        text = (
            _("add one {role}").format(role=label)
            if delta > 0
            else _("take one {role} away").format(role=label)
        )

        def do(store) -> str:
            return attendance.add_count(store, event_id=event_id, role=role, count=delta)

        def undo(store) -> str:
            return attendance.add_count(store, event_id=event_id, role=role, count=-delta)

        def refused(error: BaseException) -> None:
            # Two quick taps can both pass the check above before either is
            # written; the database then refuses the second: say so here too.
            card.show_error(str(error))
            self._refresh_counts()

        self.context.undo.push(Change(text, do, undo, on_failure=refused))

    # -- tabs -------------------------------------------------------------------------

    def _tab_changed(self, _index: int) -> None:
        if self.isVisible():
            self.first_focus().setFocus(Qt.FocusReason.OtherFocusReason)
