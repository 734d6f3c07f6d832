"""The one way to run ceapp work off the GUI thread (after Anki's aqt/operations).

    ops = OpRunner()
    ops.run(lambda: events.count_events(store), on_success=show_count, on_failure=show_error)

The callable runs on the runner's single worker thread: one thread, so database
work never overlaps with itself and writes happen in order. Its result, or the
exception it raised, comes back on the GUI thread through the Operation's
signals, so callbacks may touch widgets; the callable itself must not.

`OpRunner(synchronous=True)` runs the callable at once on the calling thread and
calls back before `run` returns: tests use it to stay deterministic.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot


class Operation(QObject):
    """One piece of work; its signals fire once, on the GUI thread."""

    succeeded = Signal(object)  # the callable's return value
    failed = Signal(object)  # the exception it raised
    finished = Signal()  # after either of the above

    def _report(self, ok: bool, value: object) -> None:
        if ok:
            self.succeeded.emit(value)
        else:
            self.failed.emit(value)
        self.finished.emit()


class _Relay(QObject):
    """The worker emits through this; Qt queues the call to the relay's (GUI) thread."""

    done = Signal(int, bool, object)  # operation number, ok, result or exception


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
        # Workers see only the relay and a number, never an Operation: the last
        # reference to a QObject must not be dropped on a worker thread.
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[int, Operation] = {}
        self._last_number = 0

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> Operation:
        """Start `work`; returns its Operation, whose signals report the outcome."""
        operation = Operation()
        if on_success is not None:
            operation.succeeded.connect(on_success)
        operation.failed.connect(on_failure if on_failure is not None else _report_unhandled)
        if self.synchronous:
            operation._report(*_call(work))
            return operation

        self._last_number += 1
        number = self._last_number
        self._pending[number] = operation
        relay = self._relay

        def on_worker() -> None:
            relay.done.emit(number, *_call(work))

        self._pool.start(on_worker)
        return operation

    def wait_for_idle(self, msecs: int = -1) -> bool:
        """Block until queued work has run (e.g. before closing the database)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, bool, object)
    def _deliver(self, number: int, ok: bool, value: object) -> None:
        operation = self._pending.pop(number, None)
        if operation is not None:
            operation._report(ok, value)


def _call(work: Callable[[], Any]) -> tuple[bool, object]:
    try:
        return True, work()
    except Exception as error:
        return False, error


def _report_unhandled(error: BaseException) -> None:
    # Nobody asked to hear about this failure; never let it vanish silently.
    sys.excepthook(type(error), error, error.__traceback__)
