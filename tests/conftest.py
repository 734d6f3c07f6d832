"""Shared fixtures. Qt runs offscreen so tests need no display."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the real user's database, whatever the machine has set.
os.environ.pop("CEAPP_DB", None)
# Qt settings (window geometry) go to a throwaway folder, not the user's.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ceapp-test-config-")

import pytest

from ceapp.store import open_store
from ui.main_window import LAST_PAGE_KEY, MainWindow
from ui.operations import OpRunner
from ui.window_state import settings


@pytest.fixture
def events_page_first():
    """Open on the Events page whatever page an earlier test's window remembered.

    Modules whose tests count on that say `pytestmark = pytest.mark.usefixtures(...)`.
    """
    settings().remove(LAST_PAGE_KEY)


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "ceapp.db")


@pytest.fixture
def store(db_path):
    """A fresh, migrated database file in a temporary folder."""
    opened = open_store(db_path)
    yield opened
    opened.close()


@pytest.fixture
def open_window(qtbot):
    """Open the window on the test's database as ui.app.run does.

    The window gets a writer of its own for its op runner and reads through
    that writer's reader, so `store` stays the test's, for setting up data.
    Ops run at once on the GUI thread unless `synchronous=False`, so every
    assertion sees their result.
    """

    def opener(store, *, synchronous: bool = True):
        ops = OpRunner(open_store(store.path), synchronous=synchronous)
        window = MainWindow(ops.open_reader(), ops=ops)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        # Window-wide shortcuts (Ctrl+F, Ctrl+Q) only reach the active window.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return opener
