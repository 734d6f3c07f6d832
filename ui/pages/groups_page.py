"""The Groups page: community and representative groups, filtered, with a dialog
to add or edit one.

Contact details are shown only where consent to contact is recorded. "Last
took part" is an estimate (see ceapp.groups) that reads events, so it is
worked out on the op runner's worker and filled in when it arrives.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ceapp import areas, groups
from ceapp.errors import CeappError, ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.vocab import GROUP_TYPES
from ui.operations import OpChanges
from ui.pages.context import PageContext
from ui.record_tables import (
    RecordListModel,
    filter_combo,
    labelled,
    record_table,
    set_combo_items,
)

SHOWN_TABLES = ("community_groups", "areas", "events")
COLUMNS = (
    ("name", N_("Group")),
    ("group_type", N_("Type")),
    ("communities", N_("Communities")),
    ("languages", N_("Languages")),
    ("ward", N_("Ward")),
    ("last_took_part", N_("Last took part")),
)
COLUMN_KEYS = tuple(key for key, _header in COLUMNS)


class GroupsModel(RecordListModel):
    COLUMNS = COLUMNS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.last_took_part: dict[str, str | None] | None = None

    def text(self, row: dict, key: str) -> str:
        if key == "group_type":
            return GROUP_TYPES.label(row["group_type"])
        if key in ("communities", "languages"):
            return ", ".join(row[key])
        if key == "last_took_part":
            if self.last_took_part is None:
                return _("Working out…")
            return self.last_took_part.get(row["id"]) or _("Not known")
        return row.get(key) or ""


class GroupsPage(QWidget):
    key = "groups"
    title = N_("Groups")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.group: dict | None = None
        self.dialog: GroupDialog | None = None
        # Only the newest "last took part" request may fill the column.
        self._request = 0

        self.type_filter = filter_combo(
            _("Type filter"), [(GROUP_TYPES.label(c), c) for c in GROUP_TYPES.codes]
        )
        self.area_filter = filter_combo(_("Ward filter"), [])
        self.community_filter = QLineEdit()
        self.community_filter.setAccessibleName(_("Community of interest filter"))
        self.community_filter.setClearButtonEnabled(True)
        self.language_filter = QLineEdit()
        self.language_filter.setAccessibleName(_("Language code filter"))
        self.language_filter.setPlaceholderText(_("e.g. bn"))
        self.language_filter.setClearButtonEnabled(True)
        filters = QGridLayout()
        for column, (text, widget) in enumerate(
            (
                (_("T&ype"), self.type_filter),
                (_("&Ward"), self.area_filter),
                (_("&Community of interest"), self.community_filter),
                (_("&Language"), self.language_filter),
            )
        ):
            filters.addWidget(labelled(text, widget), 0, column)
            filters.addWidget(widget, 1, column)
            filters.setColumnStretch(column, 1)

        self.model = GroupsModel(self)
        self.table = record_table(self.model, _("Groups"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN_KEYS.index("name"), QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        char = metrics.averageCharWidth()

        def widest(key: str, *texts: str) -> int:
            heading = self.model.headerData(
                COLUMN_KEYS.index(key), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )
            return max(metrics.horizontalAdvance(text) for text in (heading, *texts)) + 3 * char

        # Headers and dates whole; free text capped, eliding (the tooltip has it whole).
        for key, width in (
            ("group_type", 34 * char),
            ("communities", 28 * char),
            ("languages", widest("languages", "en, bn, so")),
            ("ward", 16 * char),
            ("last_took_part", widest("last_took_part", "2026-12-28", _("Not known"))),
        ):
            header.resizeSection(COLUMN_KEYS.index(key), width)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(_("Number of groups shown"))

        self.contact_label = QLabel()
        self.contact_label.setWordWrap(True)
        self.contact_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact_label.setAccessibleName(_("Contact details"))
        self.add_button = QPushButton(_("&Add group…"))
        self.add_button.setAccessibleName(_("Add group"))
        self.edit_button = QPushButton(_("&Edit group…"))
        self.edit_button.setAccessibleName(_("Edit group"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.contact_label, 1)
        buttons.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)

        order = (
            self.type_filter,
            self.area_filter,
            self.community_filter,
            self.language_filter,
            self.table,
            self.add_button,
            self.edit_button,
        )
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        for combo in (self.type_filter, self.area_filter):
            combo.currentIndexChanged.connect(self.refresh)
        for box in (self.community_filter, self.language_filter):
            box.textChanged.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        self.table.activated.connect(lambda _index: self.edit_group())
        self.add_button.clicked.connect(self.add_group)
        self.edit_button.clicked.connect(self.edit_group)
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.add_group)

        self._load_choices()
        self.refresh()

    # -- the page interface -----------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.table if self.model.rowCount() else self.type_filter

    def stop(self) -> None:
        """Late answers about "last took part" are ignored from now on."""
        self._request += 1

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("areas"):
            self._load_choices()
        if changes.touches(*SHOWN_TABLES):
            self.refresh()

    def shortcut_help(self) -> list[str]:
        return [
            _("{keys}: {action}").format(keys="Ctrl+N", action=_("Groups: add a group")),
            _("{keys}: {action}").format(keys="Enter", action=_("Groups: edit the selected group")),
        ]

    # -- reading ----------------------------------------------------------------

    def _load_choices(self) -> None:
        self.area_choices = [
            (_("{ward}, {borough}").format(ward=row["ward"], borough=row["borough"]), row["id"])
            for row in areas.list_areas(self.reader)
        ]
        set_combo_items(self.area_filter, self.area_choices)

    def refresh(self) -> None:
        keep = self.group["id"] if self.group else None
        try:
            rows = groups.list_groups(
                self.reader,
                group_type=self.type_filter.currentData(),
                area_id=self.area_filter.currentData(),
                community=self.community_filter.text(),
                language=self.language_filter.text(),
            )
        except ValidationError as error:
            rows = []
            self.count_label.setText(str(error))
        else:
            self.count_label.setText(
                ngettext("{count} group", "{count} groups", len(rows)).format(count=len(rows))
            )
        self.model.set_rows(rows)
        row = self.model.row_of(keep)
        if row is None and rows:
            row = 0
        if row is None:
            self._show_group(None)
        else:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self._show_selected(index)
        self._work_out_last_took_part()

    def _work_out_last_took_part(self) -> None:
        self._request += 1
        request = self._request
        self.model.last_took_part = None

        def found(dates: dict) -> None:
            if request == self._request:
                self.model.last_took_part = dates
                # A repaint rather than dataChanged.emit(): nothing under ui/ emits
                # signals from Python (see ui/operations.py).
                self.table.viewport().update()

        self.context.ops.run(groups.last_took_part, on_success=found, on_failure=lambda e: None)

    def _show_selected(self, current, _previous=None) -> None:
        if not current.isValid():
            self._show_group(None)
            return
        try:
            group = groups.get_group(self.reader, self.model.record_at(current.row())["id"])
        except CeappError:
            group = None
        self._show_group(group)

    def _show_group(self, group: dict | None) -> None:
        self.group = group
        self.edit_button.setEnabled(group is not None)
        if group is None:
            self.contact_label.setText("")
            return
        if not group["contact_consent"]:
            text = _("{group}: No consent to contact.").format(group=group["name"])
        else:
            details = [
                group[key]
                for key in ("contact_name", "contact_email", "contact_phone")
                if group[key]
            ]
            text = _("{group}: contact {details}").format(
                group=group["name"], details=" · ".join(details) or _("none recorded")
            )
        self.contact_label.setText(text)

    # -- writing ----------------------------------------------------------------

    def add_group(self) -> None:
        self._open_dialog(None)

    def edit_group(self) -> None:
        if self.group is not None:
            self._open_dialog(self.group)

    def _open_dialog(self, group: dict | None) -> None:
        self.dialog = GroupDialog(self.context, self.area_choices, group, parent=self)
        self.dialog.open()


class GroupDialog(QDialog):
    """Add or edit a group; Save is enabled only when ceapp.groups.clean_group accepts it."""

    def __init__(
        self,
        context: PageContext,
        area_choices: list[tuple[str, str]],
        group: dict | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.group = group
        self.setWindowTitle(_("Edit group") if group else _("Add group"))
        group = group or {}

        self.name_edit = QLineEdit(group.get("name") or "")
        self.type_combo = QComboBox()
        self.type_combo.addItem(_("Choose a type"), None)
        for code in GROUP_TYPES.codes:
            self.type_combo.addItem(GROUP_TYPES.label(code), code)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(group.get("group_type")), 0))
        self.communities_edit = QLineEdit(", ".join(group.get("communities") or []))
        self.communities_edit.setPlaceholderText(_("Comma-separated, e.g. Somali, Young people"))
        self.area_combo = QComboBox()
        self.area_combo.addItem(_("No ward"), None)
        for text, area_id in area_choices:
            self.area_combo.addItem(text, area_id)
        self.area_combo.setCurrentIndex(max(self.area_combo.findData(group.get("area_id")), 0))
        self.languages_edit = QLineEdit(", ".join(group.get("languages") or []))
        self.languages_edit.setPlaceholderText(_("Language codes, e.g. en, bn, so"))
        self.consent_box = QCheckBox(_("Agreed to be &contacted"))
        self.consent_box.setChecked(bool(group.get("contact_consent")))
        self.contact_name_edit = QLineEdit(group.get("contact_name") or "")
        self.contact_email_edit = QLineEdit(group.get("contact_email") or "")
        self.contact_phone_edit = QLineEdit(group.get("contact_phone") or "")
        self.notes_edit = QPlainTextEdit(group.get("notes") or "")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(_("No personal details here"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName(_("What needs fixing"))

        form = QFormLayout()
        for text, widget, name in (
            (_("&Name"), self.name_edit, _("Group name")),
            (_("&Type"), self.type_combo, _("Type of group")),
            (_("C&ommunities of interest"), self.communities_edit, _("Communities of interest")),
            (_("&Ward"), self.area_combo, _("Ward")),
            (_("&Languages"), self.languages_edit, _("Languages")),
        ):
            widget.setAccessibleName(name)
            form.addRow(labelled(text, widget), widget)
        self.consent_box.setAccessibleName(_("Agreed to be contacted"))
        form.addRow(self.consent_box)
        for text, widget, name in (
            (_("Contact na&me"), self.contact_name_edit, _("Contact name")),
            (_("Contact &email"), self.contact_email_edit, _("Contact email")),
            (_("Contact &phone"), self.contact_phone_edit, _("Contact phone")),
            (_("N&otes"), self.notes_edit, _("Notes")),
        ):
            widget.setAccessibleName(name)
            form.addRow(labelled(text, widget), widget)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)

        for widget in (
            self.name_edit,
            self.communities_edit,
            self.languages_edit,
            self.contact_name_edit,
            self.contact_email_edit,
            self.contact_phone_edit,
        ):
            widget.textChanged.connect(self.validate)
        self.notes_edit.textChanged.connect(self.validate)
        for combo in (self.type_combo, self.area_combo):
            combo.currentIndexChanged.connect(self.validate)
        self.consent_box.toggled.connect(self.validate)
        self.validate()

    def fields(self) -> dict:
        """What the form holds; without consent the contact details are left out (erased)."""
        consent = self.consent_box.isChecked()

        def contact(edit: QLineEdit) -> str | None:
            return (edit.text().strip() or None) if consent else None

        return {
            "name": self.name_edit.text(),
            "group_type": self.type_combo.currentData(),
            "communities": self.communities_edit.text(),
            "area_id": self.area_combo.currentData(),
            "languages": self.languages_edit.text(),
            "contact_consent": consent,
            "contact_name": contact(self.contact_name_edit),
            "contact_email": contact(self.contact_email_edit),
            "contact_phone": contact(self.contact_phone_edit),
            "notes": self.notes_edit.toPlainText().strip() or None,
        }

    def validate(self) -> bool:
        consent = self.consent_box.isChecked()
        for edit in (self.contact_name_edit, self.contact_email_edit, self.contact_phone_edit):
            edit.setEnabled(consent)
        had_contact = self.group is not None and any(
            self.group.get(key) for key in groups.CONTACT_FIELDS
        )
        try:
            groups.clean_group(self.context.reader, self.fields())
        except ValidationError as error:
            self.message_label.setText(str(error))
            self.save_button.setEnabled(False)
            return False
        if had_contact and not consent:
            self.message_label.setText(
                _("Saving erases this group's contact details: consent has been withdrawn.")
            )
        else:
            self.message_label.setText("")
        self.save_button.setEnabled(True)
        return True

    def save(self) -> None:
        if not self.validate():
            return
        fields = self.fields()
        group_id = self.group["id"] if self.group else None

        def write(store):
            if group_id is None:
                return groups.add_group(store, **fields)
            return groups.edit_group(store, group_id, **fields)

        def failed(error: BaseException) -> None:
            self.message_label.setText(str(error))
            self.save_button.setEnabled(True)

        def saved(_result) -> None:
            self.context.tell(_("Group saved: {name}").format(name=fields["name"].strip()))
            self.accept()

        self.save_button.setEnabled(False)
        self.context.ops.run_write(write, on_success=saved, on_failure=failed)
