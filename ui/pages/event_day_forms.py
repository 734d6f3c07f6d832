"""The Event day page's two small forms: a quick issue, and the named register.

Each saves with Enter from any of its fields. A refusal from ceapp is shown
beside the field it names (ValidationError.field), never in a dialog, so the
person can correct it and press Enter again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ceapp import areas, attendance, issues, partners
from ceapp.errors import CeappError, ValidationError
from ceapp.i18n import _, ngettext
from ceapp.vocab import ISSUE_THEMES
from ui.labels import text_label
from ui.operations import OpRunner
from ui.window_state import settings

# Whoever is recording at the door today: remembered between sessions.
RECORDED_BY_KEY = "event_day/recorded_by"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def show_error(label: QLabel, text: str) -> None:
    # A warning sign as well as the words, so it does not rely on colour.
    label.setText(_("⚠ {message}").format(message=text) if text else "")


class _EnterSaves(QObject):
    """Enter in any field of a form saves it (a combo box's open list keeps its Enter)."""

    def __init__(self, save: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._save = save

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER
            and not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        ):
            self._save()
            return True
        return False


class _Form(QWidget):
    """A grid of label, field and the field's message; the last column wraps."""

    def __init__(self, ops: OpRunner, event_id: Callable[[], str | None], tell) -> None:
        super().__init__()
        self.ops = ops
        self._event_id = event_id
        self._tell = tell
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 3)
        self.grid.setColumnStretch(2, 2)
        self.errors: dict[str, QLabel] = {}
        self._enter = _EnterSaves(self.save, self)

    def add_row(self, field: str, text: str, widget: QWidget) -> None:
        row = self.grid.rowCount()
        label = QLabel(text)
        label.setBuddy(widget)
        name = text.replace("&", "").rstrip(":")
        if name:
            widget.setAccessibleName(name)
            error = text_label(_("Problem with {field}").format(field=name))
        else:
            error = text_label(_("Problem saving"))
        widget.installEventFilter(self._enter)
        self.grid.addWidget(label, row, 0)
        self.grid.addWidget(widget, row, 1)
        self.grid.addWidget(error, row, 2)
        self.errors[field] = error

    def clear_errors(self) -> None:
        for label in self.errors.values():
            show_error(label, "")

    def refused(self, error: BaseException) -> None:
        text = (
            str(error)
            if isinstance(error, CeappError)
            else _("ceapp hit an unexpected problem ({kind}); nothing was saved.").format(
                kind=type(error).__name__
            )
        )
        field = error.field if isinstance(error, ValidationError) else ""
        label = self.errors.get(field) or self.errors["general"]
        show_error(label, text)
        widget = self.grid.itemAtPosition(
            self.grid.getItemPosition(self.grid.indexOf(label))[0], 1
        ).widget()
        if widget is not None and widget.isEnabled():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        raise NotImplementedError


def _recorded_by() -> str:
    value = settings().value(RECORDED_BY_KEY, "")
    return value if isinstance(value, str) else ""


class QuickIssueForm(_Form):
    """An issue raised at the event, saved against it with ceapp.issues.add_issue."""

    def __init__(self, reader, ops: OpRunner, event_id, tell) -> None:
        super().__init__(ops, event_id, tell)
        self.reader = reader
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("The issue in a sentence"))
        self.theme_combo = QComboBox()
        for code in ISSUE_THEMES.codes:
            self.theme_combo.addItem(ISSUE_THEMES.label(code), code)
        self.area_combo = QComboBox()
        self.partner_combo = QComboBox()
        self.by_edit = QLineEdit(_recorded_by())
        self.save_button = QPushButton(_("Save issue (Enter)"))
        self.save_button.setAccessibleName(_("Save issue"))
        self.save_button.clicked.connect(self.save)

        self.add_row("title", _("Iss&ue:"), self.title_edit)
        self.add_row("theme", _("The&me:"), self.theme_combo)
        self.add_row("area_id", _("&Ward (optional):"), self.area_combo)
        self.add_row("partner_id", _("Res&ponsible partner (optional):"), self.partner_combo)
        self.add_row("recorded_by", _("Recorded &by:"), self.by_edit)
        self.add_row("general", "", self.save_button)
        self.grid.itemAtPosition(self.grid.rowCount() - 1, 0).widget().hide()

        self.raised_label = QLabel()
        self.raised_label.setAccessibleName(_("Issues raised at this event"))
        self.raised_list = QListWidget()
        self.raised_list.setAccessibleName(_("Issues raised at this event"))

        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addWidget(self.raised_label)
        layout.addWidget(self.raised_list, 1)
        self.refresh_choices()

    def first_focus(self) -> QWidget:
        return self.title_edit

    def refresh_choices(self) -> None:
        """Reload the ward and partner lists, keeping what is chosen."""
        for combo, rows, none_text, text in (
            (
                self.area_combo,
                areas.list_areas(self.reader),
                _("The event's ward"),
                lambda row: _("{ward}, {borough}").format(ward=row["ward"], borough=row["borough"]),
            ),
            (
                self.partner_combo,
                partners.list_partners(self.reader),
                _("None yet"),
                lambda row: row["name"],
            ),
        ):
            chosen = combo.currentData()
            combo.clear()
            combo.addItem(none_text, None)
            for row in rows:
                combo.addItem(text(row), row["id"])
            combo.setCurrentIndex(max(combo.findData(chosen), 0))

    def refresh_list(self) -> None:
        event_id = self._event_id()
        rows = issues.list_issues(self.reader, event_id=event_id) if event_id else []
        self.raised_label.setText(
            ngettext(
                "{count} issue raised at this event:",
                "{count} issues raised at this event:",
                len(rows),
            ).format(count=len(rows))
        )
        self.raised_list.clear()
        for row in rows:
            self.raised_list.addItem(
                _("{title} ({theme})").format(
                    title=row["title"], theme=ISSUE_THEMES.label(row["theme"])
                )
            )

    def save(self) -> None:
        self.clear_errors()
        event_id = self._event_id()
        if event_id is None:
            show_error(self.errors["general"], _("Choose an event first, at the top of the page."))
            return
        fields = {
            "title": self.title_edit.text(),
            "theme": self.theme_combo.currentData(),
            "area_id": self.area_combo.currentData(),
            "partner_id": self.partner_combo.currentData(),
            "recorded_by": self.by_edit.text(),
            "event_id": event_id,
        }

        def saved(_issue_id) -> None:
            settings().setValue(RECORDED_BY_KEY, fields["recorded_by"].strip())
            self.title_edit.clear()
            self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self._tell(_("Issue saved against the event."))

        self.ops.run_write(
            lambda store: issues.add_issue(store, **fields),
            on_success=saved,
            on_failure=self.refused,
        )


class RegisterForm(_Form):
    """Names of people who agreed to be on the event's register."""

    def __init__(self, reader, ops: OpRunner, event_id, tell) -> None:
        super().__init__(ops, event_id, tell)
        self.reader = reader
        self.name_edit = QLineEdit()
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText(_("Phone or email, if they want to be contacted"))
        self.consent_box = QCheckBox(_("The person agreed to be on the register"))
        self.by_edit = QLineEdit(_recorded_by())
        self.save_button = QPushButton(_("Add to register (Enter)"))
        self.save_button.setAccessibleName(_("Add to register"))
        self.save_button.clicked.connect(self.save)

        self.add_row("name", _("&Name:"), self.name_edit)
        self.add_row("contact", _("C&ontact (optional):"), self.contact_edit)
        self.add_row("consent", _("&Consent recorded:"), self.consent_box)
        self.add_row("consent_recorded_by", _("Consent recorded &by:"), self.by_edit)
        self.add_row("general", "", self.save_button)
        self.grid.itemAtPosition(self.grid.rowCount() - 1, 0).widget().hide()

        self.names_label = QLabel()
        self.names_label.setAccessibleName(_("Names on the register"))
        self.names = QListWidget()
        self.names.setAccessibleName(_("Names on the register"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        row = QHBoxLayout()
        row.addWidget(self.names_label)
        layout.addLayout(row)
        layout.addWidget(self.names, 1)

    def first_focus(self) -> QWidget:
        return self.name_edit

    def refresh_list(self) -> None:
        event_id = self._event_id()
        rows = attendance.register(self.reader, event_id) if event_id else []
        self.names_label.setText(
            ngettext(
                "{count} name on the register:", "{count} names on the register:", len(rows)
            ).format(count=len(rows))
        )
        self.names.clear()
        for row in rows:
            if row["contact"]:
                text = _("{name} — {contact}").format(name=row["name"], contact=row["contact"])
            else:
                text = row["name"]
            self.names.addItem(text)

    def save(self) -> None:
        self.clear_errors()
        event_id = self._event_id()
        if event_id is None:
            show_error(self.errors["general"], _("Choose an event first, at the top of the page."))
            return
        fields = {
            "event_id": event_id,
            "name": self.name_edit.text(),
            "contact": self.contact_edit.text() or None,
            "consent": self.consent_box.isChecked(),
            "consent_recorded_by": self.by_edit.text(),
        }

        def saved(_entry_id) -> None:
            settings().setValue(RECORDED_BY_KEY, fields["consent_recorded_by"].strip())
            self.name_edit.clear()
            self.contact_edit.clear()
            self.consent_box.setChecked(False)
            self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self._tell(_("Added to the register."))

        self.ops.run_write(
            lambda store: attendance.add_register_entry(store, **fields),
            on_success=saved,
            on_failure=self.refused,
        )
