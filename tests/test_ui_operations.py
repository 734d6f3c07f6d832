"""The op runner: work on a worker thread, results and errors back on the GUI thread."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from factories import make_event

from ceapp import events
from ceapp.errors import NotFoundError
from ui.operations import OpRunner


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
    with qtbot.waitSignal(operation.succeeded) as blocker:
        pass

    assert blocker.args == [42]
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
    with qtbot.waitSignal(operation.finished):
        pass

    assert len(seen) == 1
    thread, error = seen[0]
    assert thread == gui_thread
    assert isinstance(error, NotFoundError)
    assert str(error) == "No event with id 7."


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
    with qtbot.waitSignal(operations[-1].finished):
        pass

    assert order == [0, 1, 2, 3, 4]


def test_ceapp_calls_run_against_the_store(qtbot, runner, store):
    make_event(store, title="Forum")
    operation = runner.run(lambda: events.count_events(store))
    with qtbot.waitSignal(operation.succeeded) as blocker:
        pass
    assert blocker.args == [1]


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
