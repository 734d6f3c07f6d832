"""The op runner: work on its worker with the writer, results and changes back on the GUI thread."""

from __future__ import annotations

import ast
import gc
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest
from factories import event_fields, make_event

from ceapp import events, groups
from ceapp.errors import NotFoundError, ValidationError
from ceapp.store import open_store
from ceapp.store_files import MEMORY
from ui.operations import OpChanges, OpRunner

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


@pytest.fixture
def runner(qapp, db_path):
    """A runner on a writer of its own, as the app has; closed (with it) afterwards."""
    ops = OpRunner(open_store(db_path))
    yield ops
    ops.close()


@pytest.fixture
def sync_runner(qapp, db_path):
    ops = OpRunner(open_store(db_path), synchronous=True)
    yield ops
    ops.close()


def test_result_arrives_on_the_gui_thread(qtbot, runner):
    gui_thread = threading.get_ident()
    ran_on = []
    delivered_on = []

    def work(store):
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

    def work(store):
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
        def work(store):
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


def test_ceapp_calls_run_against_the_writer(qtbot, runner, store):
    make_event(store, title="Forum")
    operation = runner.run(lambda writer: events.count_events(writer))
    qtbot.waitUntil(lambda: operation.done)
    assert operation.result == 1


def test_synchronous_runner_reports_before_run_returns(sync_runner):
    results, errors = [], []

    sync_runner.run(lambda store: "done", on_success=results.append)
    sync_runner.run(lambda store: 1 / 0, on_success=results.append, on_failure=errors.append)

    assert results == ["done"]
    assert len(errors) == 1
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_failure_nobody_handles_is_not_lost(monkeypatch, sync_runner):
    reported = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))

    sync_runner.run(lambda store: 1 / 0)

    assert len(reported) == 1
    assert isinstance(reported[0], ZeroDivisionError)


# -- what an op changed -----------------------------------------------------------


def test_op_changes_say_which_tables_were_touched():
    changes = OpChanges(frozenset({"events", "attendance"}))

    assert changes.touches("events")
    assert changes.touches("partners", "attendance")
    assert not changes.touches("community_groups")
    assert not changes.touches()
    assert changes
    assert not OpChanges()


def test_subscribers_hear_what_a_write_changed_before_its_own_callback(qtbot, runner, store):
    gui_thread = threading.get_ident()
    heard = []
    runner.subscribe(lambda changes: heard.append(("changes", changes, threading.get_ident())))

    operation = runner.run_write(
        lambda writer: events.add_event(writer, **event_fields(title="Drop-in")),
        on_success=lambda event_id: heard.append(("success", event_id, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: operation.done)

    assert heard == [
        ("changes", OpChanges(frozenset({"events"})), gui_thread),
        ("success", operation.result, gui_thread),
    ]
    assert operation.changes.touches("events")
    assert events.get_event(store, operation.result)["title"] == "Drop-in"


def test_a_read_announces_nothing(qtbot, runner):
    heard = []
    runner.subscribe(heard.append)

    operation = runner.run(lambda writer: events.count_events(writer))
    qtbot.waitUntil(lambda: operation.done)

    assert heard == []
    assert not operation.changes


def test_a_write_is_one_transaction_and_a_failed_one_announces_nothing(sync_runner, store):
    heard, errors = [], []
    sync_runner.subscribe(heard.append)

    def add_two_then_fail(writer):
        events.add_event(writer, **event_fields(title="First"))
        groups.add_group(writer, name="Tenants' association", group_type="residents_association")
        events.add_event(writer, **event_fields(title=""))  # no title: refused

    sync_runner.run_write(add_two_then_fail, on_failure=errors.append)

    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert heard == []
    assert events.count_events(store) == 0
    assert groups.list_groups(store) == []


def test_each_op_announces_only_its_own_changes(sync_runner):
    heard = []
    sync_runner.subscribe(heard.append)

    sync_runner.run_write(lambda writer: events.add_event(writer, **event_fields()))
    sync_runner.run_write(
        lambda writer: groups.add_group(writer, name="Youth forum", group_type="youth")
    )

    assert heard == [OpChanges(frozenset({"events"})), OpChanges(frozenset({"community_groups"}))]


def test_an_unsubscribed_view_hears_nothing_more(sync_runner):
    heard = []
    sync_runner.subscribe(heard.append)
    sync_runner.run_write(lambda writer: events.add_event(writer, **event_fields()))
    sync_runner.unsubscribe(heard.append)

    sync_runner.run_write(lambda writer: events.add_event(writer, **event_fields()))

    assert len(heard) == 1


def test_one_failing_subscriber_does_not_silence_the_others(monkeypatch, sync_runner):
    reported, heard, results = [], [], []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))

    def broken(changes):
        raise RuntimeError("view gone")

    sync_runner.subscribe(broken)
    sync_runner.subscribe(heard.append)
    sync_runner.run_write(
        lambda writer: events.add_event(writer, **event_fields()), on_success=results.append
    )

    assert [str(error) for error in reported] == ["view gone"]
    assert len(heard) == 1
    assert len(results) == 1


# -- connections ----------------------------------------------------------------------


def test_the_reader_is_a_second_connection_that_sees_committed_writes(qtbot, runner):
    reader = runner.open_reader()
    operation = runner.run_write(lambda writer: events.add_event(writer, **event_fields()))
    qtbot.waitUntil(lambda: operation.done)

    assert events.count_events(reader) == 1
    with pytest.raises(sqlite3.OperationalError):
        reader.conn.execute("DELETE FROM events")
    runner.close(reader=reader)


def test_close_waits_for_the_worker_then_closes_reader_then_writer(monkeypatch, qtbot, runner):
    from ceapp.store import Store

    reader = runner.open_reader()
    closed = []
    real_close = Store.close
    monkeypatch.setattr(
        Store,
        "close",
        lambda store: (closed.append("reader" if store is reader else "writer"), real_close(store)),
    )
    finished, delivered = [], []

    def slow(writer):
        time.sleep(0.2)
        finished.append(events.count_events(writer))

    runner.run(slow, on_success=delivered.append)
    runner.close(reader=reader)

    assert finished == [0]
    assert closed == ["reader", "writer"]
    with pytest.raises(sqlite3.ProgrammingError):
        reader.conn.execute("SELECT 1")
    # The window that asked is closing: its callbacks must not run any more.
    qtbot.wait(50)
    assert delivered == []
    runner.close(reader=reader)
    assert closed == ["reader", "writer"]
    with pytest.raises(RuntimeError):
        runner.run(lambda writer: None)


def test_an_in_memory_database_is_its_own_reader_and_closes_once(qapp):
    ops = OpRunner(open_store(MEMORY), synchronous=True)
    reader = ops.open_reader()
    ops.run_write(lambda writer: events.add_event(writer, **event_fields()))

    assert events.count_events(reader) == 1
    ops.close(reader=reader)
    with pytest.raises(sqlite3.ProgrammingError):
        reader.conn.execute("SELECT 1")


# -- the PySide6 6.12.0 refcount bug ---------------------------------------------------


def test_many_operations_leave_the_true_singleton_alone(qtbot, runner, sync_runner):
    # PySide6 6.12.0 takes a reference from True on every Python-side
    # signal emit; on Python 3.11 a long session then aborts the interpreter.
    # (On 3.12+ True is immortal and its count never moves: the test still passes.)
    gc.collect()
    before = sys.getrefcount(True)

    for number in range(200):
        last = runner.run(lambda store, n=number: n % 2 == 0, on_success=lambda value: None)
        sync_runner.run(lambda store: True, on_success=lambda value: None)
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
