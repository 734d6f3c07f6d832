"""The Sync page: what `ceapp sync ...` does, for people who do not use a terminal.

This laptop's fingerprint and key file; the laptops it trusts; export and
import of bundles; and the conflicts waiting for a decision (sync_conflicts).
Everything that touches the database runs on the op runner's worker. An
import reports progress from the worker into a plain object the page reads
on a timer (no Python-emitted signals, see ui/operations.py), and Cancel sets
a flag the import reads until it commits.

The file dialogs are the `choose_*` methods, which tests replace.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
from datetime import date, datetime

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ceapp.errors import ImportCancelledError, ValidationError
from ceapp.i18n import N_, _, ngettext
from ceapp.sync import exchange, files, identity, trust
from ceapp.sync.summary import summary_lines
from ui.labels import text_label
from ui.operations import OpChanges, failure_text
from ui.pages.context import PageContext
from ui.pages.sync_conflicts import ConflictsBox
from ui.record_tables import RecordListModel, labelled, record_table, selected_record

PROGRESS_STEPS = 1000
PROGRESS_POLL_MS = 100


def BUNDLE_FILTER() -> str:
    return _("ceapp sync bundles (*.zip *.age);;All files (*)")


def KEY_FILTER() -> str:
    return _("Public key files (*.pem *.txt);;All files (*)")


def _local_time(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return stamp


def _mnemonic_safe(text: str) -> str:
    return text.replace("&", "&&")


class ImportJob:
    """What an import running on the worker and the page share: progress and Cancel."""

    def __init__(self, on_gui_thread) -> None:
        self.cancelled = False
        self.progress: tuple[str, int, int] | None = None
        self._gui_thread = threading.get_ident()
        self._on_gui_thread = on_gui_thread

    def report(self, label: str, done: int, total: int) -> None:
        # One assignment: the GUI thread's timer sees the old tuple or the new.
        self.progress = (label, done, total)
        if threading.get_ident() == self._gui_thread:
            self._on_gui_thread()  # a synchronous runner: show it at once

    def is_cancelled(self) -> bool:
        return self.cancelled


class DevicesModel(RecordListModel):
    COLUMNS = (
        ("name", N_("Name")),
        ("fingerprint", N_("Fingerprint")),
        ("trusted_at", N_("Trusted since")),
    )

    def text(self, row: dict, key: str) -> str:
        return _local_time(row[key]) if key == "trusted_at" else row[key]


class SyncPage(QWidget):
    key = "sync"
    title = N_("Sync")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.reader = context.reader
        self.job: ImportJob | None = None
        self.conflict_count = 0
        self.trust_dialog: TrustDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_POLL_MS)
        self._progress_timer.timeout.connect(self._show_progress)

        self._build_this_laptop()
        self._build_devices()
        self._build_export()
        self._build_import()
        self.conflicts = ConflictsBox(context, on_count=self._show_count)
        self._lay_out()

        self._show_identity(None)
        self.refresh_devices()
        self.conflicts.refresh()
        # The navigation exists once the window has placed every page.
        QTimer.singleShot(0, self, self._show_count_in_navigation)

    # -- building ---------------------------------------------------------------

    def _build_this_laptop(self) -> None:
        self.this_box = QGroupBox(_("This laptop"))
        intro = QLabel(_("Its fingerprint, to read aloud when another laptop trusts it:"))
        intro.setWordWrap(True)
        self.fingerprint_label = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.font().pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.Bold)
        self.fingerprint_label.setFont(font)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label.setAccessibleName(_("This laptop's fingerprint"))
        self.save_key_button = QPushButton(_("&Save my key file…"))
        self.save_key_button.setAccessibleName(_("Save my key file"))
        self.save_key_button.setToolTip(
            _("Write this laptop's public key to a file, for the other laptops to trust.")
        )
        self.identity_message = text_label(_("Key file message"))
        steps = QLabel(
            _(
                "To swap records, two laptops trust each other's key files once; then "
                "export a bundle here, carry it across and import it there."
            )
        )
        steps.setWordWrap(True)
        layout = QVBoxLayout(self.this_box)
        layout.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(self.fingerprint_label, 1)
        row.addWidget(self.save_key_button)
        layout.addLayout(row)
        layout.addWidget(steps)
        layout.addWidget(self.identity_message)
        layout.addStretch(1)
        self.save_key_button.clicked.connect(self.save_key_file)

    def _build_devices(self) -> None:
        self.devices_box = QGroupBox(_("Trusted laptops"))
        self.devices_model = DevicesModel(self)
        self.devices_table = record_table(self.devices_model, _("Trusted laptops"))
        self.devices_table.setTabKeyNavigation(False)
        header = self.devices_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.devices_table.fontMetrics()
        padding = 3 * metrics.averageCharWidth()
        for column, sample in ((1, "dddd dddd dddd dddd"), (2, "2026-12-28 20:45")):
            heading = self.devices_model.headerData(
                column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
            )
            width = max(metrics.horizontalAdvance(text) for text in (heading, sample))
            header.resizeSection(column, width + padding)
        # Room for three laptops at least; the conflicts below get what is left.
        rows = self.devices_table.verticalHeader().defaultSectionSize()
        frame = 2 * self.devices_table.frameWidth()
        self.devices_table.setMinimumHeight(header.sizeHint().height() + 3 * rows + frame)
        self.devices_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.devices_label = labelled(
            _("&Laptops whose bundles this one accepts"), self.devices_table
        )
        self.trust_button = QPushButton(_("&Trust a laptop…"))
        self.trust_button.setAccessibleName(_("Trust a laptop"))
        self.untrust_button = QPushButton(_("Stop t&rusting…"))
        self.untrust_button.setAccessibleName(_("Stop trusting the selected laptop"))
        self.devices_message = text_label(_("Trusted laptops message"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.devices_message, 1)
        buttons.addWidget(self.trust_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.untrust_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self.devices_box)
        layout.addWidget(self.devices_label)
        layout.addWidget(self.devices_table, 1)
        layout.addLayout(buttons)
        self.trust_button.clicked.connect(self.trust_laptop)
        self.untrust_button.clicked.connect(self.untrust_laptop)
        self.devices_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self.untrust_button.setEnabled(self.selected_device() is not None)
        )

    def _build_export(self) -> None:
        self.export_box = QGroupBox(_("Send records"))
        self.recipient_combo = QComboBox()
        self.recipient_combo.setAccessibleName(_("What to put in the bundle"))
        self.recipient_combo.setToolTip(
            _(
                "Everything suits any laptop; choosing one puts in only what it may lack, "
                "which makes a smaller bundle."
            )
        )
        self.encrypt_box = QCheckBox()
        self.export_button = QPushButton(_("E&xport bundle…"))
        self.export_button.setAccessibleName(_("Export bundle"))
        self.export_message = text_label(_("Export message"))
        form = QFormLayout()
        form.addRow(labelled(_("&What to send"), self.recipient_combo), self.recipient_combo)
        layout = QVBoxLayout(self.export_box)
        layout.addLayout(form)
        layout.addWidget(self.encrypt_box)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.export_message)
        layout.addStretch(1)
        self.recipient_combo.currentIndexChanged.connect(lambda _i: self._show_recipient())
        self.export_button.clicked.connect(self.export_bundle)

    def _build_import(self) -> None:
        self.import_box = QGroupBox(_("Receive records"))
        self.import_button = QPushButton(_("&Import bundles…"))
        self.import_button.setAccessibleName(_("Import bundles"))
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName(_("Import step"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setAccessibleName(_("Import progress"))
        self.cancel_button = QPushButton(_("&Cancel import"))
        self.cancel_button.setAccessibleName(_("Cancel import"))
        self.import_message = text_label(_("Import result"))
        row = QHBoxLayout()
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.cancel_button)
        about = QLabel(
            _(
                "Each bundle is checked completely before anything is merged; one from a "
                "laptop this one does not trust is refused."
            )
        )
        about.setWordWrap(True)
        layout = QVBoxLayout(self.import_box)
        layout.addWidget(about)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.progress_label)
        layout.addLayout(row)
        layout.addWidget(self.import_message)
        layout.addStretch(1)
        self.import_button.clicked.connect(self.import_bundles)
        self.cancel_button.clicked.connect(self.cancel_import)
        self._set_importing(False)

    def _lay_out(self) -> None:
        # Three columns: this laptop over sending, then whom it trusts, then
        # receiving (whose summary is the tallest thing); conflicts below, widest.
        grid = QGridLayout()
        grid.addWidget(self.this_box, 0, 0)
        grid.addWidget(self.export_box, 1, 0)
        grid.addWidget(self.devices_box, 0, 1, 2, 1)
        grid.addWidget(self.import_box, 0, 2, 2, 1)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        # Its wrapped summary would ask for the height of a narrow column: it
        # takes the height of the first column instead (and at least what it needs).
        self.import_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.conflicts, 1)
        order = (
            self.save_key_button,
            self.devices_table,
            self.trust_button,
            self.untrust_button,
            self.recipient_combo,
            self.encrypt_box,
            self.export_button,
            self.import_button,
            self.cancel_button,
            self.conflicts.table,
            self.conflicts.keep_current_button,
            self.conflicts.keep_other_button,
        )
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- the page interface -----------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.conflicts.table if self.conflict_count else self.import_button

    def page_shown(self) -> None:
        self.refresh_devices()
        self.conflicts.refresh()
        if identity.recorded_public_key(self.reader) is None:
            # The key pair is made on first need: showing this page is that need.
            self.context.ops.run(
                lambda store: identity.device_identity(store),
                on_success=self._show_identity,
                on_failure=lambda error: self.identity_message.setText(str(error)),
            )

    def stop(self) -> None:
        """An import still running is cancelled (nothing kept); late answers are ignored."""
        if self.job is not None:
            self.job.cancelled = True
        self._progress_timer.stop()
        self.conflicts.stop()

    def apply_changes(self, changes: OpChanges) -> None:
        # An edit may rename a conflict's record. Listing conflicts reads the whole
        # change log, so it waits until the page is shown (page_shown) rather than
        # follow every slip typed on the Event day page; imports and resolutions
        # made here refresh it themselves.
        if changes and self.isVisible():
            self.conflicts.refresh()

    # -- file dialogs (tests replace these) -------------------------------------

    def _folder(self) -> str:
        return os.path.dirname(os.path.abspath(self.reader.path))

    def choose_save_key_file(self) -> str | None:
        suggested = f"{socket.gethostname() or 'laptop'}-ceapp-key.pem"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save my key file"),
            os.path.join(self._folder(), suggested),
            KEY_FILTER(),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return path or None

    def choose_key_file(self) -> str | None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the other laptop's key file"), self._folder(), KEY_FILTER()
        )
        return path or None

    def choose_export_file(self, *, encrypted: bool) -> str | None:
        suggested = f"ceapp-bundle-{date.today().isoformat()}.zip" + (".age" if encrypted else "")
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export bundle"),
            os.path.join(self._folder(), suggested),
            BUNDLE_FILTER(),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return path or None

    def choose_import_files(self) -> list[str]:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, _("Import bundles"), self._folder(), BUNDLE_FILTER()
        )
        return paths

    # -- this laptop --------------------------------------------------------------

    def _show_identity(self, me: identity.Identity | None) -> None:
        public = me.public_key_hex if me else identity.recorded_public_key(self.reader)
        self.fingerprint_label.setText(
            identity.fingerprint_words(public) if public else _("(made when needed)")
        )

    def save_key_file(self) -> None:
        path = self.choose_save_key_file()
        if not path:
            return

        def write(store):
            # Checked before a key is made, so a refusal changes nothing.
            files.check_new_file(path, kind=files.KEY)
            me = identity.device_identity(store)
            files.write_new_file(path, identity.public_key_pem(me.public_key_hex))
            return me, store.node_was_renewed

        def written(result) -> None:
            me, renewed = result
            self._show_identity(me)
            lines = [_("Public key written to {path}").format(path=path)]
            if renewed:
                lines.insert(
                    0,
                    _(
                        "This database was copied from another laptop (or moved without its "
                        "key): it now has its own installation id and key."
                    ),
                )
            self.identity_message.setText("\n".join(lines))

        self.context.ops.run(
            write,
            on_success=written,
            on_failure=lambda error: self.identity_message.setText(failure_text(error)),
        )

    # -- trusted laptops -----------------------------------------------------------

    def refresh_devices(self) -> None:
        keep = self.selected_device()
        rows = trust.devices(self.reader)
        for row in rows:
            row["id"] = row["name"]
        self.devices_model.set_rows(rows)
        row = self.devices_model.row_of(keep["name"] if keep else None)
        if row is None and rows:
            row = 0
        if row is not None:
            self.devices_table.selectionModel().setCurrentIndex(
                self.devices_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.untrust_button.setEnabled(self.selected_device() is not None)

        chosen = self.recipient_combo.currentData()
        self.recipient_combo.blockSignals(True)
        self.recipient_combo.clear()
        self.recipient_combo.addItem(_("Everything"), None)
        for device in rows:
            self.recipient_combo.addItem(
                _("What {name} may lack").format(name=device["name"]), device["name"]
            )
        self.recipient_combo.setCurrentIndex(max(self.recipient_combo.findData(chosen), 0))
        self.recipient_combo.blockSignals(False)
        self._show_recipient()

    def selected_device(self) -> dict | None:
        return selected_record(self.devices_table)

    def trust_laptop(self) -> None:
        path = self.choose_key_file()
        if not path:
            return
        self.trust_dialog = TrustDialog(self, path)
        self.trust_dialog.open()

    def trusted(self, row: dict) -> None:
        """Called by the dialog once the laptop is trusted."""
        self.trust_dialog = None
        self.refresh_devices()
        self.devices_table.selectionModel().setCurrentIndex(
            self.devices_model.index(self.devices_model.row_of(row["name"]) or 0, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        message = _(
            'Trusted "{name}" (fingerprint {words}). Check the fingerprint with that laptop.'
        )
        text = message.format(name=row["name"], words=identity.fingerprint_words(row["public_key"]))
        self.devices_message.setText(text)
        self.context.tell(text)

    def untrust_laptop(self) -> None:
        device = self.selected_device()
        if device is None:
            return
        name = device["name"]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Stop trusting a laptop"),
            _(
                'Stop trusting "{name}"? Bundles from it will be refused until its key is '
                "trusted again. Records already imported from it stay."
            ).format(name=name),
            parent=self,
        )
        stop = box.addButton(_("&Stop trusting"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        self.confirm_box = box

        def finished(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is stop:
                self._untrust(name)
            box.deleteLater()

        box.finished.connect(finished)
        box.open()

    def _untrust(self, name: str) -> None:
        def done(_result) -> None:
            text = _('"{name}" is no longer trusted.').format(name=name)
            self.devices_message.setText(text)
            self.context.tell(text)
            self.refresh_devices()

        def failed(error: BaseException) -> None:
            self.devices_message.setText(failure_text(error))
            self.refresh_devices()

        self.context.ops.run_write(
            lambda store: trust.untrust(store, name), on_success=done, on_failure=failed
        )

    # -- export ------------------------------------------------------------------

    def _show_recipient(self) -> None:
        name = self.recipient_combo.currentData()
        self.encrypt_box.setEnabled(name is not None)
        if name is None:
            self.encrypt_box.setChecked(False)
            self.encrypt_box.setText(_("Encr&ypt for the laptop chosen above"))
        else:
            self.encrypt_box.setText(
                _("Encr&ypt so only {name} can open it").format(name=_mnemonic_safe(name))
            )

    def export_bundle(self) -> None:
        to = self.recipient_combo.currentData()
        encrypt_to = to if to is not None and self.encrypt_box.isChecked() else None
        path = self.choose_export_file(encrypted=encrypt_to is not None)
        if not path:
            return
        self.export_button.setEnabled(False)
        self.export_message.setText(_("Writing {path}…").format(path=path))

        def written(result: exchange.ExportResult) -> None:
            self.export_button.setEnabled(True)
            if result.encrypted_for:
                text = ngettext(
                    "Wrote {count} change to {path}, encrypted for {name}: only that laptop "
                    "can open it.",
                    "Wrote {count} changes to {path}, encrypted for {name}: only that laptop "
                    "can open it.",
                    result.op_count,
                )
            else:
                text = ngettext(
                    "Wrote {count} change to {path}.",
                    "Wrote {count} changes to {path}.",
                    result.op_count,
                )
            text = text.format(count=result.op_count, path=result.path, name=result.encrypted_for)
            if result.sensitive and not result.encrypted_for:
                # Two sentences shown together, each whole: never a fragment.
                warning = _(
                    "It is not encrypted and holds equality monitoring answers or contact "
                    "details: carry it on an encrypted stick or drive, or choose a laptop "
                    "and tick Encrypt."
                )
                text = _("{written} {warning}").format(written=text, warning=warning)
            self.export_message.setText(text)
            self.context.tell(text)

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            self.export_message.setText(failure_text(error))

        self.context.ops.run(
            lambda store: exchange.export_bundle(store, path, to=to, encrypt_to=encrypt_to),
            on_success=written,
            on_failure=failed,
        )

    # -- import ------------------------------------------------------------------

    def _set_importing(self, running: bool) -> None:
        self.import_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress_bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.progress_label.setVisible(running)

    def import_bundles(self) -> None:
        paths = self.choose_import_files()
        if not paths or self.job is not None:
            return
        job = self.job = ImportJob(self._show_progress)
        self.import_message.setText("")
        self.progress_label.setText(_("Starting…"))
        self.progress_bar.setValue(0)
        self._set_importing(True)

        def work(store):
            try:
                return exchange.import_bundles(
                    store, paths, progress=job.report, cancelled=job.is_cancelled
                )
            except ImportCancelledError:
                # How import_bundles says it stopped for Cancel: it rolled back.
                return None

        self._progress_timer.start()
        # `run`, not `run_write`: import_bundles checks every bundle first and then
        # merges them all in one transaction of its own; run_write would hold the
        # write lock through the checking too.
        self.context.ops.run(
            work,
            on_success=lambda result: self._imported(job, paths, result),
            on_failure=lambda error: self._import_failed(job, error),
        )

    def cancel_import(self) -> None:
        if self.job is None:
            return
        self.job.cancelled = True
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(_("Cancelling…"))

    def _show_progress(self) -> None:
        job = self.job
        if job is None or job.progress is None:
            return
        label, done, total = job.progress
        if not job.cancelled:
            self.progress_label.setText(label)
        self.progress_bar.setValue(PROGRESS_STEPS * done // total if total else 0)

    def _finish_import(self) -> None:
        self._progress_timer.stop()
        self.job = None
        self._set_importing(False)

    def _imported(self, job: ImportJob, paths: list[str], result) -> None:
        self._finish_import()
        if result is None:
            self.import_message.setText(_("Import cancelled: nothing was imported."))
        else:
            senders = ", ".join(dict.fromkeys(result.senders))
            lines = [
                ngettext(
                    "Imported {count} bundle from {senders}.",
                    "Imported {count} bundles from {senders}.",
                    len(paths),
                ).format(count=len(paths), senders=senders),
                *summary_lines(result.summary),
            ]
            if job.cancelled:
                lines.insert(0, _("Too late to cancel: the import had already been saved."))
            self.import_message.setText("\n".join(lines))
            self.context.tell(lines[0])
        self._show_identity(None)
        self.refresh_devices()
        self.conflicts.refresh()

    def _import_failed(self, job: ImportJob, error: BaseException) -> None:
        self._finish_import()
        self.import_message.setText("\n".join([failure_text(error), _("Nothing was imported.")]))

    # -- conflicts --------------------------------------------------------------

    def _show_count(self, count: int) -> None:
        self.conflict_count = count
        self._show_count_in_navigation()

    def _show_count_in_navigation(self) -> None:
        """The navigation entry says how many conflicts wait: "Sync (2)"."""
        navigation = getattr(self.window(), "navigation", None)
        if navigation is None:
            return
        for row in range(navigation.count()):
            item = navigation.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == self.key:
                item.setText(
                    _("{page} ({count})").format(page=_(self.title), count=self.conflict_count)
                    if self.conflict_count
                    else _(self.title)
                )


class TrustDialog(QDialog):
    """Trust the laptop whose key file was chosen, under a name; errors show inline."""

    def __init__(self, page: SyncPage, path: str) -> None:
        super().__init__(page)
        self.page = page
        self.public_key: str | None = None
        self.setWindowTitle(_("Trust a laptop"))

        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setAccessibleName(_("Key file"))
        self.choose_button = QPushButton(_("&Choose another file…"))
        self.choose_button.setAccessibleName(_("Choose another key file"))
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(page.fingerprint_label.font())
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label.setAccessibleName(_("Fingerprint of the key file"))
        check = QLabel(
            _(
                "Before you trust it, ask the person at that laptop to read out the "
                "fingerprint its Sync page shows under “This laptop”: it must match."
            )
        )
        check.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(_("Name for that laptop"))
        self.name_edit.setPlaceholderText(_("e.g. Laptop 3"))
        self.message_label = text_label(_("What needs fixing"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.trust_button = self.buttons.addButton(
            _("&Trust"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.trust_button.setAccessibleName(_("Trust this laptop"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(_("Cancel"))
        cancel.setAutoDefault(False)

        form = QFormLayout()
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)
        form.addRow(_("Key file"), file_row)
        form.addRow(_("Fingerprint"), self.fingerprint_label)
        form.addRow(check)
        form.addRow(labelled(_("&Name for that laptop"), self.name_edit), self.name_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

        self.choose_button.clicked.connect(self._choose_again)
        self.name_edit.textChanged.connect(lambda _text: self._enable())
        self.buttons.accepted.connect(self.trust)
        self.buttons.rejected.connect(self.reject)
        self.load(path)
        self.name_edit.setFocus()

    def load(self, path: str) -> None:
        """Read the key file and show its fingerprint, or why it is not a key."""
        self.path = path
        self.file_label.setText(path)
        self.public_key = None
        try:
            self.public_key = files.read_public_key(path)
        except ValidationError as error:
            self.message_label.setText(str(error))
        else:
            self.message_label.setText("")
        self.fingerprint_label.setText(
            identity.fingerprint_words(self.public_key) if self.public_key else _("(none)")
        )
        self._enable()

    def _choose_again(self) -> None:
        path = self.page.choose_key_file()
        if path:
            self.load(path)

    def _enable(self) -> None:
        ready = self.public_key is not None and bool(self.name_edit.text().strip())
        self.trust_button.setEnabled(ready)
        # Enter in the name box trusts; Qt hands "default" on while Trust is disabled.
        self.trust_button.setDefault(ready)

    def trust(self) -> None:
        if not self.trust_button.isEnabled():
            return
        name, public_key = self.name_edit.text(), self.public_key
        self.trust_button.setEnabled(False)

        def done(row: dict) -> None:
            self.accept()
            self.page.trusted(row)

        def failed(error: BaseException) -> None:
            self.message_label.setText(failure_text(error))
            self._enable()

        self.page.context.ops.run_write(
            lambda store: trust.trust(store, name=name, public_key_hex=public_key),
            on_success=done,
            on_failure=failed,
        )
