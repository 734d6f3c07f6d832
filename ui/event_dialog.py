"""The dialog that creates or edits an event, checking the form as the person types.

Checking is ceapp.events.clean_event on the reader (it only reads), so the
dialog refuses exactly what saving would refuse, with the same message. The
first problem shows beside its field, with a warning sign and its text, and
Save stays disabled until there is none. Saving is the caller's business
(through the undo stack): the dialog only gathers the fields.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ceapp import areas, events, partners
from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.store import Store
from ceapp.vocab import ACCESSIBILITY, METHODS, SPECTRUM

WARNING_SIGN = "⚠"
# Lines shown in the free-text boxes before they scroll.
TEXT_BOX_LINES = 3


def _stamp_text(stamp: str | None) -> str:
    """'2026-03-14T18:30' as typed in the form: '2026-03-14 18:30'."""
    return (stamp or "").replace("T", " ")


def _next_hour() -> str:
    now = datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return now.strftime("%Y-%m-%d %H:%M")


class EventDialog(QDialog):
    """All of an event's fields; `fields()` gives them as ceapp.events.add_event takes them."""

    def __init__(self, reader: Store, *, event: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.event_id = event["id"] if event else None
        self.setWindowTitle(_("Edit event") if event else _("New event"))
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        # Error labels by field name, and the field widgets they belong to.
        self._errors: dict[str, QLabel] = {}
        self._widgets: dict[str, QWidget] = {}
        self.error: ValidationError | None = None

        left = QFormLayout()
        right = QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

        # Created in reading order (left column, then right), which is the tab order.
        self.title_edit = self._line(left, "title", _("&Title"))
        self.starts_edit = self._line(
            left, "starts_at", _("&Starts"), placeholder=_("e.g. 2026-03-14 18:30")
        )
        self.ends_edit = self._line(
            left, "ends_at", _("&Ends"), placeholder=_("optional, e.g. 2026-03-14 20:30")
        )
        self.venue_edit = self._line(left, "venue", _("&Venue"))
        self.area_combo = self._combo(
            left,
            "area_id",
            _("&Ward"),
            [(_("None"), "")]
            + [
                (_("{ward}, {borough}").format(ward=row["ward"], borough=row["borough"]), row["id"])
                for row in areas.list_areas(reader)
            ],
        )
        self.partner_combo = self._combo(
            left,
            "partner_id",
            _("Lead &partner"),
            [(_("None"), "")]
            + [(row["name"], row["id"]) for row in partners.list_partners(reader)],
        )
        self.spectrum_combo = self._combo(
            left,
            "spectrum",
            _("Engagement spe&ctrum"),
            [(SPECTRUM.label(code), code) for code in SPECTRUM.codes],
            placeholder=_("Choose one…"),
        )
        self.method_combo = self._combo(
            left,
            "method",
            _("&Method"),
            [(METHODS.label(code), code) for code in METHODS.codes],
            placeholder=_("Choose one…"),
        )
        self.audience_edit = self._line(left, "audience", _("&Audience"))
        self.women_only_check = QCheckBox(_("Women-only session"))
        self.women_only_check.setAccessibleName(_("Women-only session"))
        self._add_row(left, "women_only", "", self.women_only_check)

        access_box = QGroupBox(_("Accessibility provision"))
        access_grid = QGridLayout(access_box)
        self.accessibility_checks: dict[str, QCheckBox] = {}
        for number, code in enumerate(ACCESSIBILITY.codes):
            check = QCheckBox(ACCESSIBILITY.label(code))
            check.setAccessibleName(ACCESSIBILITY.label(code))
            # Down the first column, then the second: the order they are read in.
            rows = (len(ACCESSIBILITY.codes) + 1) // 2
            access_grid.addWidget(check, number % rows, number // rows)
            check.toggled.connect(self.validate)
            self.accessibility_checks[code] = check
        self._add_row(right, "accessibility", "", access_box)
        self.languages_edit = self._line(
            right, "languages", _("&Languages offered"), placeholder=_("codes, e.g. en, bn, so")
        )
        self.opens_edit = self._line(
            right,
            "consultation_opens",
            _("Consultation &opens"),
            placeholder=_("optional, e.g. 2026-01-05"),
        )
        self.closes_edit = self._line(
            right,
            "consultation_closes",
            _("Consultation c&loses"),
            placeholder=_("optional, at least 12 weeks later"),
        )
        self.exemption_edit = self._text_box(right, "exemption_reason", _("E&xemption reason"))
        self.outcomes_edit = self._text_box(right, "outcomes", _("O&utcomes"))

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(self.fontMetrics().averageCharWidth() * 3)
        columns.addLayout(right, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName(_("Save event"))
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(_("Cancel"))
        self.buttons.accepted.connect(self._save_if_valid)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        # Wide enough for a message beside each field on one or two lines, and
        # narrower than a 1366-pixel screen at the usual font sizes.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 150)
        layout.addWidget(self.buttons)

        # A thick border as well as the sign and the message: never colour alone.
        self.setStyleSheet(
            'QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"]'
            " { border: 2px solid #b00020; }"
            " QLabel#fieldError { color: #b00020; }"
        )
        self._fill(event)
        self.validate()

    # -- building ---------------------------------------------------------------

    def _add_row(self, form: QFormLayout, field: str, label: str, widget: QWidget) -> None:
        error = QLabel()
        error.setWordWrap(True)
        error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        error.setObjectName("fieldError")
        error.hide()
        cell = QWidget()
        cell_layout = QVBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        cell_layout.setSpacing(2)
        cell_layout.addWidget(widget)
        cell_layout.addWidget(error)
        if label:
            text = QLabel(label)
            text.setBuddy(widget)
            form.addRow(text, cell)
        else:
            form.addRow(cell)
        self._errors[field] = error
        self._widgets[field] = widget

    def _line(self, form, field: str, label: str, *, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label.replace("&", ""))
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.validate)
        self._add_row(form, field, label, edit)
        return edit

    def _combo(self, form, field: str, label: str, items, *, placeholder: str = "") -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(label.replace("&", ""))
        for text, data in items:
            combo.addItem(text, data)
        if placeholder:
            combo.setPlaceholderText(placeholder)
            combo.setCurrentIndex(-1)
        # Long ward or partner names must not widen the dialog past a small screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        combo.currentIndexChanged.connect(self.validate)
        self._add_row(form, field, label, combo)
        return combo

    def _text_box(self, form, field: str, label: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setAccessibleName(label.replace("&", ""))
        # Tab moves on to the next field, as everywhere else in the form.
        box.setTabChangesFocus(True)
        box.setFixedHeight(box.fontMetrics().lineSpacing() * TEXT_BOX_LINES + 12)
        box.textChanged.connect(self.validate)
        self._add_row(form, field, label, box)
        return box

    def _fill(self, event: dict | None) -> None:
        if event is None:
            self.starts_edit.setText(_next_hour())
            return
        self.title_edit.setText(event["title"] or "")
        self.starts_edit.setText(_stamp_text(event["starts_at"]))
        self.ends_edit.setText(_stamp_text(event["ends_at"]))
        self.venue_edit.setText(event["venue"] or "")
        for combo, value in (
            (self.area_combo, event["area_id"] or ""),
            (self.partner_combo, event["partner_id"] or ""),
            (self.spectrum_combo, event["spectrum"]),
            (self.method_combo, event["method"]),
        ):
            combo.setCurrentIndex(combo.findData(value))
        self.audience_edit.setText(event["audience"] or "")
        self.women_only_check.setChecked(bool(event["women_only"]))
        for code in event["accessibility"] or ():
            if code in self.accessibility_checks:
                self.accessibility_checks[code].setChecked(True)
        self.languages_edit.setText(", ".join(event["languages"] or ()))
        self.opens_edit.setText(event["consultation_opens"] or "")
        self.closes_edit.setText(event["consultation_closes"] or "")
        self.exemption_edit.setPlainText(event["exemption_reason"] or "")
        self.outcomes_edit.setPlainText(event["outcomes"] or "")

    # -- what the form holds ----------------------------------------------------

    def fields(self) -> dict:
        """The form as ceapp.events.add_event / edit_event take it (every field)."""

        def data(combo: QComboBox):
            return combo.currentData() if combo.currentIndex() >= 0 else None

        return {
            "title": self.title_edit.text(),
            "partner_id": data(self.partner_combo) or None,
            "area_id": data(self.area_combo) or None,
            "venue": self.venue_edit.text(),
            "starts_at": self.starts_edit.text(),
            "ends_at": self.ends_edit.text(),
            "spectrum": data(self.spectrum_combo),
            "method": data(self.method_combo),
            "audience": self.audience_edit.text(),
            "women_only": self.women_only_check.isChecked(),
            "accessibility": [
                code for code, check in self.accessibility_checks.items() if check.isChecked()
            ],
            "languages": self.languages_edit.text(),
            "consultation_opens": self.opens_edit.text(),
            "consultation_closes": self.closes_edit.text(),
            "exemption_reason": self.exemption_edit.toPlainText(),
            "outcomes": self.outcomes_edit.toPlainText(),
        }

    def cleaned(self) -> dict:
        """The fields as they will be stored; ValidationError if the form is not valid."""
        return events.clean_event(self.reader, self.fields())

    def validate(self) -> bool:
        """Check the whole form; show the first problem beside its field. True if none."""
        fields = self.fields()
        # A combo still on "Choose one…" is checked last, with a stand-in
        # code meanwhile, so a problem with the dates above it shows first.
        unchosen = [key for key in ("spectrum", "method") if fields[key] is None]
        stand_ins = {"spectrum": SPECTRUM.codes[0], "method": METHODS.codes[0]}
        try:
            events.clean_event(self.reader, {**fields, **{k: stand_ins[k] for k in unchosen}})
            self.error = (
                ValidationError(unchosen[0], self._choose_message(unchosen[0]))
                if unchosen
                else None
            )
        except ValidationError as error:
            self.error = error
        for field, label in self._errors.items():
            widget = self._widgets[field]
            bad = self.error is not None and self.error.field == field
            if bad:
                label.setText(
                    _("{sign} {message}").format(sign=WARNING_SIGN, message=str(self.error))
                )
            label.setVisible(bad)
            widget.setAccessibleDescription(label.text() if bad else "")
            widget.setProperty("invalid", bad)
            # Re-polish so the style sheet's [invalid="true"] border follows the property.
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.save_button.setEnabled(self.error is None)
        return self.error is None

    @staticmethod
    def _choose_message(field: str) -> str:
        # clean_event's message would list the stored codes, which mean nothing here.
        if field == "spectrum":
            return _("Choose the engagement spectrum.")
        return _("Choose the method.")

    def _save_if_valid(self) -> None:
        if self.validate():
            self.accept()
