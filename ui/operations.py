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

    @Slot(bool, object)
    def _deliver(self, ok: bool, value: object) -> None:
        if ok:
            self.succeeded.emit(value)
        else:
            self.failed.emit(value)
        self.finished.emit()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it, Qt queues the call back."""

    done = Signal(bool, object)


class OpRunner(QObject):
    """Runs callables on one worker thread and reports back on the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Python must keep each pending Operation alive until it has reported.
        self._pending: set[Operation] = set()

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> Operation:
        """Start `work`; returns its Operation, whose signals report the outcome."""
        operation = Operation(self)
        if on_success is not None:
            operation.succeeded.connect(on_success)
        operation.failed.connect(on_failure if on_failure is not None else _report_unhandled)
        if self.synchronous:
            ok, value = _call(work)
            operation._deliver(ok, value)
            operation.deleteLater()
            return operation

        relay = _Relay()
        relay.done.connect(operation._deliver, Qt.ConnectionType.QueuedConnection)
        # Held by the Operation so the relay is destroyed on the GUI thread, not the worker.
        operation._relay = relay
        self._pending.add(operation)

        def forget() -> None:
            self._pending.discard(operation)
            operation.deleteLater()

        operation.finished.connect(forget)

        def on_worker() -> None:
            ok, value = _call(work)
            relay.done.emit(ok, value)

        self._pool.start(on_worker)
        return operation

    def wait_for_idle(self, msecs: int = -1) -> bool:
        """Block until queued work has run (e.g. before closing the database)."""
        return self._pool.waitForDone(msecs)


def _call(work: Callable[[], Any]) -> tuple[bool, object]:
    try:
        return True, work()
    except Exception as error:
        return False, error


def _report_unhandled(error: BaseException) -> None:
    # Nobody asked to hear about this failure; never let it vanish silently.
    sys.excepthook(type(error), error, error.__traceback__)
