"""The one way to run ceapp work off the GUI thread (after Anki's aqt/operations).

    ops = OpRunner()
    ops.run(lambda: events.count_events(store), on_success=show_count, on_failure=show_error)

The callable runs on the runner's single worker thread: one thread, so database
work never overlaps with itself and writes happen in order. Its result, or the
exception it raised, comes back on the GUI thread, so callbacks may touch
widgets; the callable itself must not.

`OpRunner(synchronous=True)` runs the callable at once on the calling thread and
calls back before `run` returns: tests use it to stay deterministic.

Nothing here emits a Qt signal from Python, and nothing under ui/ should:
PySide6 6.12.0's `SignalInstance.emit()` (and `.disconnect()`) return `True`
without owning a reference to it, so on Python 3.11, where `True` is not yet
immortal, every call takes one reference from it for good. After a few
thousand calls the interpreter aborts with "bool_dealloc: deallocating True
or False", during the session or at exit. Outcomes are therefore plain Python
callbacks, and the worker wakes the GUI thread with `QMetaObject.invokeMethod`,
which Qt itself queues across threads and which returns its `True` correctly.
"""

from __future__ import annotations

import queue
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThreadPool, Slot


class Operation:
    """One piece of work; `done` turns true on the GUI thread once it has run.

    Then `result` holds what the callable returned, or `error` what it raised.
    """

    def __init__(
        self,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
    ) -> None:
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._on_success = on_success
        self._on_failure = on_failure

    def _finish(self, ok: bool, value: Any) -> None:
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


class _Relay(QObject):
    """Carries outcomes from the worker to the GUI thread the relay lives on."""

    def __init__(self, deliver: Callable[[int, bool, Any], None], parent: QObject) -> None:
        super().__init__(parent)
        self._deliver = deliver
        self._outbox: queue.SimpleQueue[tuple[int, bool, Any]] = queue.SimpleQueue()

    def post(self, number: int, ok: bool, value: Any) -> None:
        """Called on the worker: queue the outcome and wake the GUI thread."""
        self._outbox.put((number, ok, value))
        QMetaObject.invokeMethod(self, "_drain", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _drain(self) -> None:
        while True:
            try:
                outcome = self._outbox.get_nowait()
            except queue.Empty:
                return
            self._deliver(*outcome)


class OpRunner(QObject):
    """Runs callables on one worker thread and reports back on the GUI thread.

    Call `wait_for_idle()` before letting go of the runner: a worker still
    running would report to a runner that no longer exists.
    """

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Workers see only the relay and a number, never the runner: the relay
        # belongs to the runner on the C++ side, so a worker dropping the last
        # Python reference to it cannot destroy a QObject on the wrong thread.
        self._relay = _Relay(self._deliver, self)
        self._pending: dict[int, Operation] = {}
        self._last_number = 0

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> Operation:
        """Start `work`; returns its Operation, which reports the outcome when done.

        A failure with no `on_failure` goes to sys.excepthook rather than vanish.
        """
        operation = Operation(on_success, on_failure)
        if self.synchronous:
            operation._finish(*_call(work))
            return operation

        self._last_number += 1
        number = self._last_number
        self._pending[number] = operation
        relay = self._relay

        def on_worker() -> None:
            relay.post(number, *_call(work))

        self._pool.start(on_worker)
        return operation

    def wait_for_idle(self, msecs: int = -1) -> bool:
        """Block until queued work has run (e.g. before closing the database).

        Outcomes are still delivered by the GUI thread's event loop afterwards.
        """
        return self._pool.waitForDone(msecs)

    def _deliver(self, number: int, ok: bool, value: Any) -> None:
        operation = self._pending.pop(number, None)
        if operation is not None:
            operation._finish(ok, value)


def _call(work: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, work()
    except Exception as error:
        return False, error


def _report_unhandled(error: BaseException) -> None:
    # Nobody asked to hear about this failure; never let it vanish silently.
    sys.excepthook(type(error), error, error.__traceback__)
