"""The one way the window works with the database off the GUI thread (after Anki's aqt/operations).

    ops = OpRunner(open_store(path))            # the writer: from now on only the worker uses it
    reader = ops.open_reader()                  # the GUI thread's own connection
    ops.run(lambda store: events.count_events(store), on_success=show_count)
    ops.run_write(lambda store: events.add_event(store, **fields), on_success=select)
    ops.subscribe(on_changes)                   # called with OpChanges after ops that wrote

Threads and connections. Each thread has its own SQLite connection and uses no
other: the GUI thread reads through the reader (a second Store, query_only; WAL
lets it read while the writer writes), and everything else goes through the
runner, whose single worker thread is the only user of the writer. So: quick
reads (a page of a list, one record) on the GUI thread through the reader;
writes, and reads that may take long (counting a whole table, a report),
through the runner. One worker means database work never overlaps with itself
and writes happen in the order they were asked for.

The callable gets the writer Store; it runs on the worker and must not touch
widgets. Its result, or the exception it raised, comes back on the GUI thread,
where callbacks may touch widgets. After each op the worker collects the tables
committed transactions wrote (`Store.take_changes`); when there are any,
every subscriber gets them as an OpChanges, on the GUI thread, before the op's
own callback, so a view shows the change before anyone acts on it. A view
refreshes only when `changes.touches(...)` the tables it shows.

`close(reader=...)` waits for the worker, then closes the reader and the
writer, in that order. `OpRunner(store, synchronous=True)` runs each callable
at once on the calling thread and calls back before `run` returns: tests use it
to stay deterministic.

Nothing here emits a Qt signal from Python, and nothing under ui/ should:
PySide6 6.12.0's `SignalInstance.emit()` (and `.disconnect()`) return `True`
without owning a reference to it, so on Python 3.11, where `True` is not yet
immortal, every call takes one reference from it for good. After a few
thousand calls the interpreter aborts with "bool_dealloc: deallocating True
or False", during the session or at exit. Outcomes and changes therefore go
to plain Python callbacks, and the worker wakes the GUI thread with
`QMetaObject.invokeMethod`, which Qt itself queues across threads and which
returns its `True` correctly. pyproject.toml also excludes 6.12.0, since Qt's
own widgets' signals connected from Python are not covered by this file.
"""

from __future__ import annotations

import queue
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThreadPool, Slot

from ceapp.errors import CeappError
from ceapp.i18n import _
from ceapp.store import Store


@dataclass(frozen=True)
class OpChanges:
    """The tables an op's committed transactions wrote (after Anki's OpChanges)."""

    tables: frozenset[str] = frozenset()

    def touches(self, *tables: str) -> bool:
        """True when the op wrote any of `tables`: a view showing them must refresh."""
        return not self.tables.isdisjoint(tables)

    def __bool__(self) -> bool:
        return bool(self.tables)


class Operation:
    """One piece of work; `done` turns true on the GUI thread once it has run.

    Then `result` holds what the callable returned, or `error` what it raised,
    and `changes` the tables it wrote.
    """

    def __init__(
        self,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.changes = OpChanges()
        self._on_success = on_success
        self._on_failure = on_failure

    def _finish(self, ok: bool, value: Any, changes: OpChanges) -> None:
        self.changes = changes
        try:
            if ok:
                self.result = value
                if self._on_success is not None:
                    self._on_success(value)
            else:
                self.error = value
                (self._on_failure or _report_unhandled)(value)
        finally:
            self.done = True
            # The callbacks usually hold widgets; a finished operation kept by
            # a caller must not keep them alive.
            self._on_success = self._on_failure = None


_Outcome = tuple[int, bool, Any, OpChanges]


class _Relay(QObject):
    """Carries outcomes from the worker to its parent runner, on the GUI thread."""

    def __init__(self, parent: OpRunner) -> None:
        super().__init__(parent)
        self._outbox: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()

    def post(self, outcome: _Outcome) -> None:
        """Called on the worker: queue the outcome and wake the GUI thread."""
        self._outbox.put(outcome)
        QMetaObject.invokeMethod(self, "_drain", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _drain(self) -> None:
        # The runner is looked up, not kept: a reference cycle between the two
        # could be collected by the garbage collector on the worker thread,
        # destroying the runner there.
        runner = self.parent()
        while True:
            try:
                outcome = self._outbox.get_nowait()
            except queue.Empty:
                return
            runner._deliver(*outcome)


class OpRunner(QObject):
    """Runs callables against the writer Store on one worker thread; reports on the GUI thread.

    The runner owns the writer: call `close()` before letting go of it, which
    waits for the worker (a worker still running would report to a runner that
    no longer exists) and closes the writer.
    """

    def __init__(
        self, store: Store, parent: QObject | None = None, *, synchronous: bool = False
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._store = store
        # What was written before the runner took over (opening, migrating) is
        # not news to views that have not read anything yet.
        store.take_changes()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Workers see only the relay and a number, never the runner: the relay
        # belongs to the runner on the C++ side, so a worker dropping the last
        # Python reference to it cannot destroy a QObject on the wrong thread.
        self._relay = _Relay(self)
        self._pending: dict[int, Operation] = {}
        self._last_number = 0
        self._subscribers: list[Callable[[OpChanges], None]] = []
        self._closed = False

    # -- connections ----------------------------------------------------------

    def open_reader(self) -> Store:
        """A connection of the GUI thread's own to the writer's database (see Store.open_reader)."""
        return self._store.open_reader()

    def close(self, *, reader: Store | None = None) -> None:
        """Wait for the worker, then close `reader` and the writer; later calls do nothing.

        The reader goes first: the writer may copy the WAL into the file as it
        closes, which a reader still open could hold up. Outcomes not yet
        delivered are dropped: their callbacks would reach a closing window.
        """
        if self._closed:
            return
        self._closed = True
        self._pool.waitForDone()
        self._pending.clear()
        self._subscribers.clear()
        if reader is not None and reader is not self._store:
            reader.close()
        self._store.close()

    # -- work -----------------------------------------------------------------

    def run(
        self,
        work: Callable[[Store], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> Operation:
        """Call `work(writer)` on the worker; returns its Operation, which reports when done.

        A failure with no `on_failure` goes to sys.excepthook rather than vanish.
        """
        return self._start(work, write=False, on_success=on_success, on_failure=on_failure)

    def run_write(
        self,
        work: Callable[[Store], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> Operation:
        """Like `run`, but `work` runs in one transaction: it all commits, or none of it.

        Subscribers hear which tables it changed before `on_success` is called.
        """
        return self._start(work, write=True, on_success=on_success, on_failure=on_failure)

    def wait_for_idle(self, msecs: int = -1) -> bool:
        """Block until queued work has run; the GUI event loop then delivers the outcomes."""
        return self._pool.waitForDone(msecs)

    # -- changes ----------------------------------------------------------------

    def subscribe(self, callback: Callable[[OpChanges], None]) -> None:
        """Call `callback(changes)` on the GUI thread after each op that changed tables."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[OpChanges], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    # -- inside ---------------------------------------------------------------

    def _start(
        self,
        work: Callable[[Store], Any],
        *,
        write: bool,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> Operation:
        if self._closed:
            raise RuntimeError("the op runner is closed")
        operation = Operation(on_success, on_failure)
        store = self._store
        if self.synchronous:
            self._finish(operation, *_execute(work, store, write=write))
            return operation

        self._last_number += 1
        number = self._last_number
        self._pending[number] = operation
        relay = self._relay

        def on_worker() -> None:
            relay.post((number, *_execute(work, store, write=write)))

        self._pool.start(on_worker)
        return operation

    def _deliver(self, number: int, ok: bool, value: Any, changes: OpChanges) -> None:
        operation = self._pending.pop(number, None)
        if operation is not None:
            self._finish(operation, ok, value, changes)

    def _finish(self, operation: Operation, ok: bool, value: Any, changes: OpChanges) -> None:
        if changes:
            # A copy: a subscriber may subscribe or unsubscribe as it refreshes.
            for callback in list(self._subscribers):
                try:
                    callback(changes)
                except Exception as error:
                    # One broken view must not keep the change from the others
                    # or the op's own callback.
                    _report_unhandled(error)
        operation._finish(ok, value, changes)


def _execute(
    work: Callable[[Store], Any], store: Store, *, write: bool
) -> tuple[bool, Any, OpChanges]:
    try:
        if write:
            with store.transaction():
                value = work(store)
        else:
            value = work(store)
        outcome: tuple[bool, Any] = (True, value)
    except Exception as error:
        outcome = (False, error)
    # Also after a failure: an op may have committed some transactions before it failed.
    return (*outcome, OpChanges(store.take_changes()))


def _report_unhandled(error: BaseException) -> None:
    # Nobody asked to hear about this failure; never let it vanish silently.
    sys.excepthook(type(error), error, error.__traceback__)


def failure_text(error: BaseException) -> str:
    """How a failed operation is told: ceapp's own message, or that something unexpected broke."""
    if isinstance(error, CeappError):
        return str(error)
    return _("ceapp hit an unexpected problem ({kind}); nothing half-written was kept.").format(
        kind=type(error).__name__
    )
