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


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "ceapp.db")


@pytest.fixture
def store(db_path):
    """A fresh, migrated database file in a temporary folder."""
    opened = open_store(db_path)
    yield opened
    opened.close()
