"""The op runner: work on a worker thread, results and errors back on the GUI thread."""

from __future__ import annotations

import ast
import gc
import sys
import threading
import time
from pathlib import Path

import pytest
from factories import make_event

from ceapp import events
from ceapp.errors import NotFoundError
from ui.operations import OpRunner

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def runner(qapp):
    ops = OpRunner()
    yield ops
    ops.wait_for_idle()


def test_result_arrives_on_the_gui_thread(qtbot, runner):
    gui_thread = threading.get_ident()
    ran_on = []
    delivered_on = []

    def work():
        ran_on.append(threading.get_ident())
        return 42

    operation = runner.run(
        work, on_success=lambda value: delivered_on.append(threading.get_ident())
    )
    qtbot.waitUntil(lambda: operation.done)

    assert operation.result == 42
    assert operation.error is None
    assert ran_on and ran_on[0] != gui_thread
    assert delivered_on == [gui_thread]


def test_error_arrives_on_the_gui_thread_as_the_exception(qtbot, runner):
    gui_thread = threading.get_ident()
    seen = []

    def work():
        raise NotFoundError("No event with id 7.")

    operation = runner.run(
        work, on_failure=lambda error: seen.append((threading.get_ident(), error))
    )
    qtbot.waitUntil(lambda: operation.done)

    assert len(seen) == 1
    thread, error = seen[0]
    assert thread == gui_thread
    assert isinstance(error, NotFoundError)
    assert str(error) == "No event with id 7."
    assert operation.error is error


def test_work_runs_one_at_a_time_in_order(qtbot, runner):
    order = []
    running = []

    def step(number):
        def work():
            running.append(number)
            assert len(running) == 1, "two jobs ran at once"
            time.sleep(0.01)
            order.append(number)
            running.remove(number)
            return number

        return work

    operations = [runner.run(step(number)) for number in range(5)]
    qtbot.waitUntil(lambda: operations[-1].done)

    assert order == [0, 1, 2, 3, 4]


def test_ceapp_calls_run_against_the_store(qtbot, runner, store):
    make_event(store, title="Forum")
    operation = runner.run(lambda: events.count_events(store))
    qtbot.waitUntil(lambda: operation.done)
    assert operation.result == 1


def test_synchronous_runner_reports_before_run_returns(qapp):
    ops = OpRunner(synchronous=True)
    results, errors = [], []

    ops.run(lambda: "done", on_success=results.append)
    ops.run(lambda: 1 / 0, on_success=results.append, on_failure=errors.append)

    assert results == ["done"]
    assert len(errors) == 1
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_failure_nobody_handles_is_not_lost(monkeypatch, qapp):
    reported = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))

    OpRunner(synchronous=True).run(lambda: 1 / 0)

    assert len(reported) == 1
    assert isinstance(reported[0], ZeroDivisionError)


def test_many_operations_leave_the_true_singleton_alone(qtbot, runner):
    # PySide6 6.12.0 takes a reference from True on every Python-side
    # signal emit; on Python 3.11 a long session then aborts the interpreter.
    # (On 3.12+ True is immortal and its count never moves: the test still passes.)
    synchronous = OpRunner(synchronous=True)
    gc.collect()
    before = sys.getrefcount(True)

    for number in range(200):
        last = runner.run(lambda number=number: number % 2 == 0, on_success=lambda value: None)
        synchronous.run(lambda: True, on_success=lambda value: None)
    qtbot.waitUntil(lambda: last.done)
    gc.collect()

    assert sys.getrefcount(True) >= before - 10


def test_nothing_in_ui_emits_or_disconnects_a_signal_from_python():
    # See ui/operations.py: each such call costs True a reference on PySide6 6.12.0.
    offenders = [
        f"{path.name}:{node.lineno}"
        for path in sorted(UI_DIR.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"emit", "disconnect"}
    ]
    assert offenders == []
