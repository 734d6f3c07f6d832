"""The Events page's panel for the selected event: attendance by role and what hangs off it.

A role nobody counted shows a dash, not 0: "not recorded" is not "nobody came".
"""

from __future__ import annotations

from babel.core import Locale
from babel.numbers import format_decimal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ceapp.i18n import _
from ceapp.vocab import ATTENDANCE_ROLES
from ui.events_model import NOT_RECORDED, format_when


class EventDetailBox(QGroupBox):
    """Figures for one event, with Edit, Delete and Open in event day buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Selected event"), parent)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = self.title_label.font()
        title_font.setBold(True)
        self.title_label.setFont(title_font)

        grid = QGridLayout()
        grid.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 2)
        self.role_values: dict[str, QLabel] = {}
        rows = 3
        for number, code in enumerate(ATTENDANCE_ROLES.codes):
            name = QLabel(_("{role}:").format(role=ATTENDANCE_ROLES.label(code)))
            value = QLabel(NOT_RECORDED)
            value.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, number % rows, 2 * (number // rows))
            grid.addWidget(value, number % rows, 2 * (number // rows) + 1)
            self.role_values[code] = value
        self.count_values: dict[str, QLabel] = {}
        for number, (key, label) in enumerate(
            (
                ("issues", _("Issues raised:")),
                ("monitoring_responses", _("Monitoring slips in:")),
                ("feedback", _("Feedback sheets:")),
            )
        ):
            value = QLabel(NOT_RECORDED)
            value.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(QLabel(label), number, 4)
            grid.addWidget(value, number, 5)
            self.count_values[key] = value
        # Figures sit beside their labels; the spare width goes after the last column.
        grid.setColumnStretch(6, 1)
        self.not_recorded_note = QLabel(
            _("{dash} means not recorded: nobody counted that role.").format(dash=NOT_RECORDED)
        )
        self.not_recorded_note.setWordWrap(True)

        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.setAccessibleName(_("Edit event"))
        self.edit_button.setToolTip(_("Edit event (Enter)"))
        self.delete_button = QPushButton(_("&Delete…"))
        self.delete_button.setAccessibleName(_("Delete event"))
        self.delete_button.setToolTip(_("Delete event (Delete)"))
        self.event_day_button = QPushButton(_("Open in event &day"))
        self.event_day_button.setAccessibleName(_("Open in event day"))
        self.event_day_button.setToolTip(_("Open in event day (Ctrl+D)"))
        buttons = QVBoxLayout()
        for button in (self.edit_button, self.delete_button, self.event_day_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        figures = QVBoxLayout()
        figures.addWidget(self.title_label)
        figures.addLayout(grid)
        figures.addWidget(self.not_recorded_note)
        row = QHBoxLayout(self)
        row.addLayout(figures, 1)
        row.addLayout(buttons)

    def show_event(self, detail: dict | None, locale: Locale) -> None:
        """Show `detail` (from ceapp.events.event_detail), or an empty panel for None."""
        for button in (self.edit_button, self.delete_button, self.event_day_button):
            button.setEnabled(detail is not None)
        if detail is None:
            self.title_label.setText(_("Choose an event in the list to see it here."))
            for label in (*self.role_values.values(), *self.count_values.values()):
                label.setText(NOT_RECORDED)
            return
        self.title_label.setText(
            _("{title} · {when}").format(
                title=detail["title"], when=format_when(detail["starts_at"], locale)
            )
        )
        locale = locale
        for code, label in self.role_values.items():
            total = detail["attendance"].get(code)
            text = NOT_RECORDED if total is None else format_decimal(total, locale=locale)
            label.setText(text)
            label.setAccessibleName(
                _("{role}: not recorded").format(role=ATTENDANCE_ROLES.label(code))
                if total is None
                else _("{role}: {count}").format(role=ATTENDANCE_ROLES.label(code), count=text)
            )
        for key, label in self.count_values.items():
            label.setText(format_decimal(detail[key], locale=locale))
