"""The main window: navigation between pages, menus, and the status bar.

Pages (ui/pages/) read through the reader on the GUI thread and write through
the op runner; the window hands each page the OpChanges the runner announces.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from ceapp import __version__
from ceapp.errors import CeappError
from ceapp.i18n import _, available_languages, current_language
from ceapp.store import Store
from ui.operations import OpChanges, OpRunner, failure_text
from ui.pages.context import PageContext
from ui.pages.event_day_page import EventDayPage
from ui.pages.events_page import EventsPage
from ui.pages.groups_page import GroupsPage
from ui.pages.issues_page import IssuesPage
from ui.pages.reports_page import ReportsPage
from ui.pages.sheets_page import SheetsPage
from ui.pages.sync_page import SyncPage
from ui.undo import UndoStack
from ui.window_state import settings

LAST_PAGE_KEY = "main_window/page"


def DB_FILTER() -> str:
    return _("ceapp databases (*.db);;All files (*)")


# The pages, in the order the navigation lists them (Ctrl+1, Ctrl+2, ...).
PAGE_TYPES = (EventsPage, EventDayPage, IssuesPage, GroupsPage, SyncPage, ReportsPage, SheetsPage)


class MainWindow(QMainWindow):
    """Pages and menus. It owns the database session: closing it closes both connections."""

    def __init__(self, reader: Store, *, ops: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.ops = ops
        # Set by ui.app: open another database file (a new one if create=True),
        # and show the window again in the language just chosen.
        self.open_database: Callable[[str], None] | None = None
        self.change_language: Callable[[str], None] | None = None
        # ui.app rebuilds the window on the same database when the language
        # changes: closing this one must not close the database then.
        self.keep_database_open = False
        self.undo_stack = UndoStack(ops)
        self.undo_stack.on_failure = self._show_failure
        self.context = PageContext(
            reader=reader,
            ops=ops,
            undo=self.undo_stack,
            show_page=self.show_page,
            tell=self._tell,
        )
        self.setWindowTitle(_("ceapp — {name}").format(name=Path(reader.path).name))

        self.pages = {page_type.key: page_type(self.context) for page_type in PAGE_TYPES}
        self.events_page: EventsPage = self.pages["events"]

        self.navigation = QListWidget()
        self.navigation.setAccessibleName(_("Pages"))
        self.navigation.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.page_stack = QStackedWidget()
        self._holders: dict[str, QScrollArea] = {}
        for number, (key, page) in enumerate(self.pages.items(), start=1):
            item = QListWidgetItem(_(page.title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            # Roomy rows: the list is a main control, also used by touch.
            item.setSizeHint(QSize(0, self.fontMetrics().height() * 2))
            item.setToolTip(_("{page} (Ctrl+{number})").format(page=_(page.title), number=number))
            self.navigation.addItem(item)
            # Larger text (a 200% desktop) can make a page bigger than a small
            # screen: it then scrolls instead of running off the edge.
            holder = QScrollArea()
            holder.setWidget(page)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._holders[key] = holder
            self.page_stack.addWidget(holder)
        metrics = self.navigation.fontMetrics()
        widest = max(metrics.horizontalAdvance(_(page.title)) for page in self.pages.values())
        self.navigation.setFixedWidth(widest + 6 * metrics.averageCharWidth())
        self.navigation.currentRowChanged.connect(self._show_row)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.navigation)
        layout.addWidget(self.page_stack, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel()
        self.database_label.setAccessibleName(_("Database file"))
        self.statusBar().addPermanentWidget(self.database_label)
        self._show_database()

        self._build_menus()
        self.undo_stack.subscribe(self._update_undo_actions)
        self._update_undo_actions()
        self.ops.subscribe(self._apply_changes)

        last = settings().value(LAST_PAGE_KEY)
        self.show_page(last if last in self.pages else "events")

    # -- pages ----------------------------------------------------------------

    @property
    def current_page(self) -> QWidget:
        return self.page_stack.currentWidget().widget()

    def show_page(self, key: str) -> None:
        """Bring a page forward (and remember it for next time)."""
        row = list(self.pages).index(key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)
        else:
            self._show_row(row)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.navigation.item(row).data(Qt.ItemDataRole.UserRole)
        page = self.pages[key]
        self.page_stack.setCurrentWidget(self._holders[key])
        settings().setValue(LAST_PAGE_KEY, key)
        if hasattr(page, "page_shown"):
            page.page_shown()
        page.first_focus().setFocus(Qt.FocusReason.OtherFocusReason)

    def _apply_changes(self, changes: OpChanges) -> None:
        for page in self.pages.values():
            page.apply_changes(changes)

    # -- the database ---------------------------------------------------------

    def _show_database(self) -> None:
        name = self.reader.path
        if self.reader.encrypted:
            text = _("{path} · encrypted").format(path=name)
        else:
            text = _("{path} · not encrypted").format(path=name)
        self.database_label.setText(text)
        self.database_label.setToolTip(text)

    def save_backup(self) -> None:
        """File ▸ Save a backup copy: a compact, private copy in a new file."""
        suggested = f"{Path(self.reader.path).stem}-backup.db"
        folder = os.path.dirname(os.path.abspath(self.reader.path))
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save a backup copy"),
            os.path.join(folder, suggested),
            DB_FILTER(),
        )
        if not path:
            return
        self.ops.run(
            lambda store: store.save_copy(path),
            on_success=lambda saved: self._tell(_("Backup saved: {path}").format(path=saved)),
            on_failure=self._show_failure,
        )

    def close_database(self) -> None:
        """Wait for background work, then close the reader and the writer; once only."""
        for page in self.pages.values():
            page.stop()
        self.ops.unsubscribe(self._apply_changes)
        self.ops.close(reader=self.reader)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            if self.keep_database_open:
                for page in self.pages.values():
                    page.stop()
                self.ops.unsubscribe(self._apply_changes)
            else:
                self.close_database()

    def choose_database(self, *, create: bool) -> None:
        """File ▸ New database or Open: pick a file, then ui.app opens it in a new window."""
        folder = os.path.dirname(os.path.abspath(self.reader.path))
        if create:
            path, _filter = QFileDialog.getSaveFileName(
                self, _("New database"), os.path.join(folder, "ceapp.db"), DB_FILTER()
            )
            if path and os.path.exists(path):
                QMessageBox.warning(
                    self,
                    _("New database"),
                    _("{path} already exists. Use File ▸ Open to open it.").format(path=path),
                )
                return
        else:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Open database"), folder, DB_FILTER()
            )
        if path and self.open_database is not None:
            self.open_database(path)

    # -- help -------------------------------------------------------------------

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            _("About ceapp"),
            _(
                "ceapp {version}\n\nCommunity engagement records, equality monitoring "
                "and large-print feedback sheets, for council engagement teams. "
                "Works offline."
            ).format(version=__version__),
        )

    def show_data_location(self) -> None:
        QMessageBox.information(
            self,
            _("Where my data is"),
            _(
                "Your records are in this file:\n{path}\n\n"
                "Keep backup copies somewhere safe (File ▸ Save a backup copy). "
                "The file is readable by your user account only."
            ).format(path=os.path.abspath(self.reader.path)),
        )

    def show_shortcuts(self) -> None:
        lines = [
            _("{keys}: {action}").format(keys=f"Ctrl+{number}", action=_(page.title))
            for number, page in enumerate(self.pages.values(), start=1)
        ]
        lines += [
            _("{keys}: {action}").format(keys="Ctrl+F", action=_("search")),
            _("{keys}: {action}").format(keys="Ctrl+Z", action=_("undo")),
            _("{keys}: {action}").format(keys="Ctrl+Shift+Z", action=_("redo")),
            _("{keys}: {action}").format(keys="Ctrl+Q", action=_("quit")),
        ]
        for page in self.pages.values():
            lines += list(getattr(page, "shortcut_help", list)())
        QMessageBox.information(self, _("Keyboard shortcuts"), "\n".join(lines))

    # -- menus ------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self.new_database_action = self._action(
            _("&New database…"), lambda: self.choose_database(create=True)
        )
        self.open_database_action = self._action(
            _("&Open database…"), lambda: self.choose_database(create=False), "Ctrl+O"
        )
        file_menu.addAction(self.new_database_action)
        file_menu.addAction(self.open_database_action)
        self.backup_action = self._action(_("Save a &backup copy…"), self.save_backup)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        # QKeySequence.Quit is empty on Windows; Ctrl+Q is what people expect everywhere.
        self.quit_action = self._action(_("&Quit"), self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu(_("&Edit"))
        self.undo_action = self._action(
            _("&Undo"), self.undo_stack.undo, QKeySequence.StandardKey.Undo
        )
        self.redo_action = self._action(_("&Redo"), self.undo_stack.redo, "Ctrl+Shift+Z")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        view_menu = self.menuBar().addMenu(_("&View"))
        self.page_actions = []
        for number, (key, page) in enumerate(self.pages.items(), start=1):
            action = self._action(
                _(page.title), lambda _checked=False, k=key: self.show_page(k), f"Ctrl+{number}"
            )
            view_menu.addAction(action)
            self.page_actions.append(action)

        view_menu.addSeparator()
        language_menu = view_menu.addMenu(_("&Language"))
        self.language_actions = {}
        for code, name in available_languages():
            action = self._action(name, lambda _checked=False, c=code: self._choose_language(c))
            action.setCheckable(True)
            action.setChecked(code == current_language().split("_")[0])
            language_menu.addAction(action)
            self.language_actions[code] = action

        help_menu = self.menuBar().addMenu(_("&Help"))
        self.shortcuts_action = self._action(_("&Keyboard shortcuts"), self.show_shortcuts)
        self.data_action = self._action(_("&Where my data is"), self.show_data_location)
        self.about_action = self._action(_("&About ceapp"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        for action in (self.shortcuts_action, self.data_action, self.about_action):
            help_menu.addAction(action)

    def _update_undo_actions(self) -> None:
        undo_text, redo_text = self.undo_stack.undo_text(), self.undo_stack.redo_text()
        self.undo_action.setEnabled(undo_text is not None)
        self.redo_action.setEnabled(redo_text is not None)
        self.undo_action.setText(
            _("&Undo {change}").format(change=undo_text) if undo_text else _("&Undo")
        )
        self.redo_action.setText(
            _("&Redo {change}").format(change=redo_text) if redo_text else _("&Redo")
        )

    def _choose_language(self, code: str) -> None:
        for other, action in self.language_actions.items():
            action.setChecked(other == code)
        if self.change_language is not None:
            self.change_language(code)

    # -- messages ---------------------------------------------------------------

    def _tell(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _show_failure(self, error: BaseException) -> None:
        show = QMessageBox.warning if isinstance(error, CeappError) else QMessageBox.critical
        show(self, _("ceapp"), failure_text(error))
