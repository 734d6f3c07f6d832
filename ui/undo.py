"""Undo and redo of the last changes (Edit menu, Ctrl+Z / Ctrl+Shift+Z).

An undoable change is a pair of writes, each a callable taking the writer
Store, run through the op runner like any other write. Pushing one runs it;
undo runs its inverse; redo runs it again. Runs go to the runner's single
worker in order, so an undo can never overtake the change it undoes.

No Qt undo framework: QUndoStack calls redo() synchronously on push, but
our writes run on the worker; and this stack needs no signals, which keeps
it clear of PySide6 6.12.0's Signal.emit bug (see ui/operations.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ceapp.store import Store
from ui.operations import OpRunner

Write = Callable[[Store], Any]
# How many changes can be undone; older ones drop off.
LIMIT = 100


@dataclass
class Change:
    """A change a person made: its name for the Edit menu, and how to do and undo it."""

    text: str
    do: Write
    undo: Write
    # Called on the GUI thread with what `do` returned, the first time and on redo.
    on_done: Callable[[Any], None] | None = None
    # Told, instead of the window, when the database refuses the change (so a
    # page can show why beside the control that made it).
    on_failure: Callable[[BaseException], None] | None = None


class UndoStack:
    def __init__(self, ops: OpRunner) -> None:
        self._ops = ops
        self._done: list[Change] = []
        self._undone: list[Change] = []
        self._listeners: list[Callable[[], None]] = []
        # Told about failures; the window puts them in a message box.
        self.on_failure: Callable[[BaseException], None] | None = None

    def subscribe(self, listener: Callable[[], None]) -> None:
        """`listener()` is called whenever what can be undone or redone changes."""
        self._listeners.append(listener)

    def push(self, change: Change) -> None:
        """Make the change now; it becomes the one Undo takes back."""
        self._done.append(change)
        del self._done[:-LIMIT]
        self._undone.clear()
        self._run(change.do, change.on_done, failed=lambda: self._forget(change), change=change)
        self._changed()

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_text(self) -> str | None:
        return self._done[-1].text if self._done else None

    def redo_text(self) -> str | None:
        return self._undone[-1].text if self._undone else None

    def undo(self) -> None:
        if not self._done:
            return
        change = self._done.pop()
        self._undone.append(change)
        self._run(change.undo, None, failed=lambda: self._forget(change), change=change)
        self._changed()

    def redo(self) -> None:
        if not self._undone:
            return
        change = self._undone.pop()
        self._done.append(change)
        self._run(change.do, change.on_done, failed=lambda: self._forget(change), change=change)
        self._changed()

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._changed()

    def _run(self, write: Write, on_done, *, failed: Callable[[], None], change: Change) -> None:
        def on_failure(error: BaseException) -> None:
            # The database refused: this change cannot be trusted to undo or
            # redo any more (the record may be gone), so it leaves the stack.
            failed()
            tell = change.on_failure or self.on_failure
            if tell is not None:
                tell(error)

        self._ops.run_write(write, on_success=on_done, on_failure=on_failure)

    def _forget(self, change: Change) -> None:
        for stack in (self._done, self._undone):
            if change in stack:
                stack.remove(change)
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()
