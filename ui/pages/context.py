"""What every page is given: the reader, the op runner, the undo stack, and the
event the person is working on (shared between the Events and Event day pages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ceapp.store import Store
from ui.operations import OpRunner
from ui.undo import UndoStack


@dataclass
class PageContext:
    reader: Store
    ops: OpRunner
    undo: UndoStack
    # The event chosen on the Events page; the Event day page works on it.
    current_event: str | None = None
    # Called (with a page key) to bring another page forward.
    show_page: Callable[[str], None] = field(default=lambda key: None)
    # Called with a short message for the status bar.
    tell: Callable[[str], None] = field(default=lambda text: None)
