"""The ceapp command line, driven as a person or a script would drive it."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from factories import make_event

from ceapp import migrations
from ceapp.cli import build_parser, main
from ceapp.cli import records as cli_records
from ceapp.exit_codes import ExitCode
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store
from ui.launcher import first_command, wants_window

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def fingerprint_of(path) -> str:
    with open_store(path) as store:
        return fingerprint(store)


@pytest.fixture
def forum_db(db_path, capsys):
    """A database with one area, one partner and one event; returns (path, event id)."""
    run(capsys, "--db", db_path, "areas", "add", "--borough", "Leicester", "--ward", "Belgrave")
    run(
        capsys,
        "--db",
        db_path,
        "partners",
        "add",
        "--name",
        "Leicester City Council",
        "--kind",
        "council",
    )
    code, out, err = run(
        capsys,
        "--db",
        db_path,
        "events",
        "add",
        "--title",
        "Belgrave area forum",
        "--starts",
        "2026-01-10 18:30",
        "--ends",
        "2026-01-10 20:30",
        "--spectrum",
        "consultation",
        "--method",
        "area_forum",
        "--area",
        "belgrave",
        "--partner",
        "Leicester City Council",
        "--languages",
        "gu,pa,en",
        "--accessibility",
        "step_free,hearing_loop",
        "--venue",
        "Belgrave Neighbourhood Centre",
    )
    assert code == 0, err
    return db_path, out.strip()


def test_event_round_trip(forum_db, capsys):
    db, event_id = forum_db
    code, out, _err = run(capsys, "--db", db, "events", "list")
    assert code == 0
    assert event_id[:8] in out and "Belgrave area forum" in out and "Area forum" in out

    code, out, _err = run(capsys, "--db", db, "events", "show", event_id[:8], "--json")
    event = json.loads(out)
    assert event["languages"] == ["en", "gu", "pa"]
    assert event["accessibility"] == ["step_free", "hearing_loop"]
    assert event["starts_at"] == "2026-01-10T18:30"

    code, out, _err = run(
        capsys,
        "--db",
        db,
        "events",
        "edit",
        event_id[:8],
        "--venue",
        "",
        "--title",
        "Belgrave forum",
    )
    assert code == 0 and "2 fields changed" in out
    code, out, _err = run(capsys, "--db", db, "events", "show", event_id, "--json")
    assert json.loads(out)["venue"] is None
    assert json.loads(out)["title"] == "Belgrave forum"

    code, _out, err = run(capsys, "--db", db, "events", "delete", event_id[:8])
    assert code == 2 and "--yes" in err
    code, out, _err = run(capsys, "--db", db, "events", "delete", event_id[:8], "--yes")
    assert code == 0 and "1 record deleted" in out
    code, out, _err = run(capsys, "--db", db, "events", "list", "--json")
    assert json.loads(out) == []


def test_attend_adds_and_corrects(forum_db, capsys):
    db, event_id = forum_db
    assert run(capsys, "--db", db, "attend", event_id[:8], "--count", "5")[1].strip() == (
        "resident: 5"
    )
    assert run(capsys, "--db", db, "attend", event_id[:8])[1].strip() == "resident: 6"
    code, out, _err = run(capsys, "--db", db, "attend", event_id[:8], "--count", "-2")
    assert out.strip() == "resident: 4"
    code, out, err = run(capsys, "--db", db, "attend", event_id[:8], "--count", "-9")
    assert code == 2 and "at most 4" in err
    code, out, _err = run(capsys, "--db", db, "events", "list", "--json")
    assert json.loads(out)[0]["attendance"] == 4


def test_issue_life_cycle(forum_db, capsys):
    db, event_id = forum_db
    code, out, err = run(
        capsys,
        "--db",
        db,
        "issues",
        "add",
        "--title",
        "Fly-tipping behind the shops",
        "--theme",
        "environment",
        "--by",
        "Asha",
        "--event",
        event_id[:8],
        "--report-back",
    )
    assert code == 0, err
    issue_id = out.strip()
    code, out, err = run(
        capsys, "--db", db, "issues", "update", issue_id[:8], "--by", "Tom", "--status", "answered"
    )
    assert code == 2 and "response" in err.lower()
    code, out, err = run(
        capsys,
        "--db",
        db,
        "issues",
        "update",
        issue_id[:8],
        "--by",
        "Tom",
        "--status",
        "answered",
        "--response",
        "Cleared on 14 January; CCTV added.",
    )
    assert code == 0, err
    code, out, _err = run(capsys, "--db", db, "issues", "show", issue_id[:8], "--json")
    issue = json.loads(out)
    assert issue["status"] == "answered" and issue["report_back"] is True
    assert [(h["status"], h["changed_by"]) for h in issue["history"]] == [
        ("open", "Asha"),
        ("answered", "Tom"),
    ]
    code, out, _err = run(capsys, "--db", db, "issues", "list", "--status", "answered")
    assert "Fly-tipping" in out and "Belgrave" in out


def test_groups_need_consent_for_contacts(db_path, capsys):
    code, _out, err = run(
        capsys,
        "--db",
        db_path,
        "groups",
        "add",
        "--name",
        "Belgrave Elders",
        "--type",
        "older_people",
        "--contact-email",
        "elders@example.org",
    )
    assert code == 2 and "consent" in err
    code, out, err = run(
        capsys,
        "--db",
        db_path,
        "groups",
        "add",
        "--name",
        "Belgrave Elders",
        "--type",
        "older_people",
        "--contact-email",
        "elders@example.org",
        "--contact-consent",
        "--communities",
        "Gujarati,Hindu",
        "--languages",
        "gu",
    )
    assert code == 0, err
    code, out, _err = run(capsys, "--db", db_path, "groups", "list", "--json")
    assert json.loads(out)[0]["communities"] == ["Gujarati", "Hindu"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["events", "add", "--title", "x"], "Start"),
        (
            [
                "events",
                "add",
                "--title",
                "x",
                "--starts",
                "14/03/2026",
                "--spectrum",
                "consultation",
                "--method",
                "survey",
            ],
            "2026-03-14 18:30",
        ),
        (
            [
                "events",
                "add",
                "--title",
                "x",
                "--starts",
                "2026-03-14",
                "--spectrum",
                "talking",
                "--method",
                "survey",
            ],
            "information_giving",
        ),
        (
            [
                "events",
                "add",
                "--title",
                "x",
                "--starts",
                "2026-03-14",
                "--spectrum",
                "consultation",
                "--method",
                "survey",
                "--area",
                "Nowhere",
            ],
            "ceapp areas list",
        ),
        (["events", "show", "zzzzzzzz"], "nothing has an id"),
        (["events", "show", "ab"], "at least 4"),
        (["events", "lst"], "invalid choice"),
        (["events", "list", "--limit", "lots"], "give a whole number"),
        (["attend", "00000000", "--role", "mayor"], "nothing has an id"),
        (["issues", "add", "--title", "x", "--theme", "potholes", "--by", "me"], "Theme"),
        (["--passphrase-file", "/nonexistent/pass", "events", "list"], "Cannot read"),
    ],
)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(forum_db, capsys, argv, expected):
    db, _event_id = forum_db
    before = fingerprint_of(db)
    code, _out, err = run(capsys, "--db", db, *argv)
    assert code == 2
    assert expected in err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert fingerprint_of(db) == before


def test_check_reports_tampering(forum_db, capsys):
    db, _event_id = forum_db
    assert run(capsys, "--db", db, "check")[0] == 0
    with open_store(db) as store:
        store.conn.execute("UPDATE events SET title = 'edited behind the log'")
    code, out, _err = run(capsys, "--db", db, "check", "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert "title" in report["problems"][0]


def test_encrypted_database_needs_its_passphrase(tmp_path, capsys):
    db = str(tmp_path / "secret.db")
    good = tmp_path / "good"
    good.write_text("river otter lantern\n")
    bad = tmp_path / "bad"
    bad.write_text("guess\n")
    assert run(capsys, "--db", db, "--passphrase-file", str(good), "init")[0] == 0
    assert (
        run(
            capsys,
            "--db",
            db,
            "--passphrase-file",
            str(good),
            "areas",
            "add",
            "--borough",
            "Tower Hamlets",
            "--ward",
            "Poplar",
        )[0]
        == 0
    )
    code, _out, err = run(capsys, "--db", db, "areas", "list")
    assert code == 2 and "passphrase" in err
    code, _out, err = run(capsys, "--db", db, "--passphrase-file", str(bad), "areas", "list")
    assert code == 2 and "does not open" in err
    code, out, _err = run(capsys, "--db", db, "--passphrase-file", str(good), "areas", "list")
    assert code == 0 and "Poplar" in out


def test_too_new_database_exits_3_and_is_untouched(db_path, capsys):
    with open_store(db_path) as store:
        store.conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    before = Path(db_path).read_bytes()
    code, _out, err = run(capsys, "--db", db_path, "events", "list")
    assert code == 3 and "newer version of ceapp" in err
    assert Path(db_path).read_bytes() == before


def test_database_from_environment(tmp_path, capsys, monkeypatch):
    db = tmp_path / "from-env.db"
    monkeypatch.setenv("CEAPP_DB", str(db))
    assert run(capsys, "init")[0] == 0
    assert db.exists()


def _documented_names(parser: argparse.ArgumentParser, prefix=()):
    """Every command path and option the parser knows, e.g. ('events', 'add', '--title')."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _documented_names(sub, (*prefix, name))
        else:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    yield (*prefix, option)


def test_every_command_and_option_is_in_readme():
    readme = (ROOT / "README.md").read_text()
    missing = []
    for path in _documented_names(build_parser()):
        name = path[-1]
        if name.startswith("--"):
            found = re.search(rf"`[^`]*{re.escape(name)}\b", readme)
        else:
            found = re.search(rf"`{re.escape(' '.join(path))}\b", readme)
        if not found:
            missing.append(" ".join(path))
    assert not missing, f"not in README: {missing}"
    assert "CEAPP_DB" in readme


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    lines = (ROOT / "README.md").read_text().splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```", lines.index("```sh") + 1)]
    # A third line, for the full-size benchmarks, may follow the two.
    assert len(block) >= 2
    assert "ceapp" in block[0] and "demo" in block[0]
    assert "pytest" in block[1]
    assert "README.md" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize(
    ("argv", "command", "window"),
    [
        ([], None, True),
        (["--db", "x.db"], None, True),
        (["--db", "events"], None, True),
        (["--db", "x.db", "gui", "--screenshot", "a.png"], "gui", True),
        (["--db", "x.db", "events", "list"], "events", False),
        (["--passphrase-file", "p", "check"], "check", False),
        (["--help"], None, False),
        (["--version"], None, False),
    ],
)
def test_launcher_sends_commands_to_the_cli(argv, command, window):
    assert first_command(argv) == command
    assert wants_window(argv) is window


def test_cli_never_loads_qt(tmp_path):
    script = (
        "import sys; from ui.launcher import main; code = main(sys.argv[1:]);"
        "assert 'PySide6' not in sys.modules, 'Qt was loaded'; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--db", str(tmp_path / "q.db"), "events", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["gui", "--bogus", "\x1b[31mred"],
        ["--db", "", "gui"],
        ["--db", "x.db", "gui", "--screenshot"],
        ["--db", "caf\udce9.db"],
    ],
)
def test_window_arguments_are_refused_in_one_clean_line_without_loading_qt(tmp_path, argv):
    script = (
        "import sys; from ui.launcher import main; code = main(sys.argv[1:]);"
        "assert 'PySide6' not in sys.modules, 'Qt was loaded'; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        check=False,
    )
    assert result.returncode == 2, result.stderr
    _one_clean_line(result.stderr)


# -- no traceback, whatever is typed ------------------------------------------------


def _one_clean_line(err: str) -> str:
    """The single stderr line, checked to be short and free of terminal controls."""
    assert err.count("\n") == 1, err[:500]
    line = err.rstrip("\n")
    assert "Traceback" not in line
    assert len(line) <= 300, line[:500]
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", line), ascii(line)
    return line


def _refused_and_unchanged(capsys, db, *argv) -> str:
    before = Path(db).read_bytes()
    code, _out, err = run(capsys, "--db", db, *argv)
    assert code == ExitCode.BAD_INPUT, err
    assert Path(db).read_bytes() == before
    return _one_clean_line(err)


NEW_EVENT = ["--starts", "2026-03-14", "--spectrum", "consultation", "--method", "survey"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["events", "add", "--title", "Forum \udcff", *NEW_EVENT], "--title"),
        (["events", "add", "--title=\udcffForum", *NEW_EVENT], "--title"),
        (["events", "list", "--search", "\udce9t\udce9"], "--search"),
        (["issues", "add", "--title", "x", "--theme", "housing", "--by", "\udcff"], "--by"),
        (["events", "show", "\udcff\udcfe"], "'\\xff\\xfe'"),
    ],
)
def test_undecodable_arguments_are_refused_naming_the_option(forum_db, capsys, argv, named):
    db, _event_id = forum_db
    line = _refused_and_unchanged(capsys, db, *argv)
    assert named in line and "not UTF-8" in line and "retype it" in line


def test_undecodable_database_path_is_refused(tmp_path, capsys):
    code, _out, err = run(capsys, "--db", str(tmp_path / "caf\udce9.db"), "init")
    assert code == ExitCode.BAD_INPUT and "--db" in _one_clean_line(err)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["events", "list", "--limit", str(10**30)], "--limit: give a whole number from 0 to"),
        (["events", "list", "--limit", "-1"], "from 0 to 1000000000, not '-1'"),
        (["events", "list", "--limit", "lots"], "not 'lots'"),
        (["demo", "--events", str(10**30)], "--events: give a whole number from 1 to 100000"),
        (["demo", "--events", "100001"], "from 1 to 100000, not '100001'"),
        (["demo", "--events", "0"], "from 1 to 100000"),
        (["demo", "--events", "9" * 5000], "from 1 to 100000, not '999"),
        (["demo", "--until", "0001-01-01"], "--until: give a date in the years 2000 to 2100"),
        (["demo", "--until", "9999-12-31"], "in the years 2000 to 2100, not '9999-12-31'"),
        (["demo", "--until", "14/03/2026"], "is not a date; write it as 2026-03-14"),
        (["demo", "--seed", str(10**30)], "--seed: give a whole number from 0 to 999999999"),
        (["demo", "--seed", "-1"], "from 0 to 999999999"),
    ],
)
def test_numbers_and_dates_out_of_range_are_refused(forum_db, capsys, argv, expected):
    db, _event_id = forum_db
    assert expected in _refused_and_unchanged(capsys, db, *argv)


def test_demo_bounds_are_in_its_help_and_the_readme(capsys):
    code, out, _err = run(capsys, "demo", "--help")
    assert code == 0 and "100000" in out and "2000 to 2100" in out
    readme = (ROOT / "README.md").read_text()
    assert "at most 100,000" in readme and "2000 to 2100" in readme


@pytest.mark.parametrize("count", [str(10**30), str(-(10**30)), "9" * 5000])
def test_huge_attendance_counts_are_refused(forum_db, capsys, count):
    db, event_id = forum_db
    line = _refused_and_unchanged(capsys, db, "attend", event_id[:8], "--count", count)
    assert "Count" in line and "out of range" in line


@pytest.mark.parametrize("command", [["events", "list"], ["groups", "list"]])
def test_search_longer_than_200_characters_is_refused(forum_db, capsys, command):
    db, _event_id = forum_db
    line = _refused_and_unchanged(capsys, db, *command, "--search", "forum " * 10_000)
    assert "search text is too long (59999 characters); use at most 200" in line
    code, _out, _err = run(capsys, "--db", db, *command, "--search", "f" * 200)
    assert code == 0


@pytest.mark.parametrize("option", ["--db", "--passphrase-file"])
def test_empty_file_names_are_refused(tmp_path, capsys, monkeypatch, option):
    # Were --db '' taken as "not given", the default database would be opened.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("CEAPP_DB", str(tmp_path / "from-env.db"))
    code, _out, err = run(capsys, option, "", "init")
    assert code == ExitCode.BAD_INPUT
    assert f"{option} was given an empty file name" in _one_clean_line(err)
    assert not list(tmp_path.iterdir())


def test_nul_in_a_file_name_is_refused(tmp_path, capsys):
    code, _out, err = run(capsys, "--db", str(tmp_path / "a\x00b.db"), "init")
    assert code == ExitCode.BAD_INPUT and "NUL" in _one_clean_line(err)


def test_messages_quote_a_short_escaped_excerpt(forum_db, capsys):
    db, event_id = forum_db
    line = _refused_and_unchanged(
        capsys, db, "events", "edit", event_id[:8], "--starts", "9" * 100_000
    )
    assert "'99999" in line and "…'" in line
    line = _refused_and_unchanged(
        capsys, db, "events", "edit", event_id[:8], "--spectrum", "\x1b[31mred\x1b[0m"
    )
    assert "'\\x1b[31mred\\x1b[0m' is not one of the allowed values" in line
    line = _refused_and_unchanged(capsys, db, "events", "show", "\u202e" + "b" * 50_000)
    assert "\\u202ebbb" in line
    line = _refused_and_unchanged(capsys, db, "events", "edit", event_id[:8], "--area", "x" * 99)
    assert "There is no area 'xxx" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["events", "\x1b]0;pwned\x07" + "x" * 100_000],
        ["events", "list", "\x1b[2J" + "y" * 100_000],
        ["events", "list", "--jso\u202en"],
        ["--db\x1b[2J", "x"],
    ],
)
def test_argparse_messages_are_excerpted_and_escaped(forum_db, capsys, argv):
    db, _event_id = forum_db
    line = _refused_and_unchanged(capsys, db, *argv)
    assert "(see ceapp" in line


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("Forum \u202egnp.exe", "changes the direction of text (\\u202e)"),
        ("Forum \u2066x\u2069", "changes the direction of text (\\u2066)"),
        ("Forum \x1b[2J", "control character (\\x1b)"),
        ("Forum \x9b", "control character (\\x9b)"),
        ("Forum \x7f", "control character (\\x7f)"),
        ("Forum \uffff", "not a character (\\uffff)"),
    ],
)
def test_text_with_invisible_controls_is_refused(forum_db, capsys, title, words):
    db, event_id = forum_db
    line = _refused_and_unchanged(capsys, db, "events", "edit", event_id[:8], "--title", title)
    assert words in line


def test_joiners_and_direction_marks_are_kept(forum_db, capsys):
    db, event_id = forum_db
    title = "নমস্কার\u200c সভা \u200d می\u200cخواهم \u200fA\u200e"
    code, _out, err = run(capsys, "--db", db, "events", "edit", event_id[:8], "--title", title)
    assert code == 0, err
    code, out, _err = run(capsys, "--db", db, "events", "show", event_id[:8], "--json")
    assert json.loads(out)["title"] == title


def test_listings_escape_controls_already_in_the_file(forum_db, capsys):
    db, event_id = forum_db
    with open_store(db) as store:
        store.conn.execute("UPDATE events SET title = 'Forum \x1b[2J\u202e'")
    for argv in (["events", "list"], ["events", "show", event_id[:8]]):
        code, out, _err = run(capsys, "--db", db, *argv)
        assert code == 0
        assert "Forum \\x1b[2J\\u202e" in out and "\x1b" not in out
    code, out, _err = run(capsys, "--db", db, "events", "list", "--json")
    assert json.loads(out)[0]["title"] == "Forum \x1b[2J\u202e"


def test_listings_are_written_in_a_few_large_writes(forum_db, capsys, monkeypatch):
    db, _event_id = forum_db
    with open_store(db) as store:
        for number in range(300):
            make_event(store, title=f"Forum {number}")

    class CountingStream(io.StringIO):
        writes = 0

        def write(self, text):
            CountingStream.writes += 1
            return super().write(text)

    for argv in (["events", "list", "--json"], ["events", "list"]):
        CountingStream.writes = 0
        monkeypatch.setattr(sys, "stdout", CountingStream())
        assert main(["--db", db, *argv]) == 0
        assert sys.stdout.getvalue().count("Forum") == 300
        assert CountingStream.writes <= 3


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """Enough events that a listing overfills a pipe's buffer (64 KB on Linux)."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "ceapp", "--db", str(db), "demo", "--events", "1000"],
        capture_output=True,
        check=True,
        cwd=ROOT,
    )
    return db


@pytest.mark.parametrize("unbuffered", ["", "1"])
@pytest.mark.parametrize("listing", [["events", "list"], ["events", "list", "--json"]])
def test_output_into_a_closed_pipe_ends_quietly(demo_db, listing, unbuffered):
    """`ceapp events list | head -1`: no BrokenPipeError, no "Exception ignored"."""
    db = str(demo_db)
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    script = f"{shlex.quote(sys.executable)} -m ceapp --db {shlex.quote(db)} " + " ".join(listing)
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{script} | head -1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""
    assert result.returncode == 0


def test_commands_start_without_loading_the_demo_generator(tmp_path):
    script = (
        "import sys; from ceapp.cli import main; code = main(sys.argv[1:]);"
        "assert 'ceapp.demo' not in sys.modules, 'demo loaded'; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--db", str(tmp_path / "q.db"), "areas", "list"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# -- the last resort and errors from SQLite --------------------------------------


def _raising(error: BaseException):
    def handler(store, args):
        raise error

    return handler


@pytest.fixture
def failing_areas_list(monkeypatch):
    """Make `areas list` raise the given error, as a bug or a broken file would."""

    def fail_with(error: BaseException) -> None:
        monkeypatch.setattr(cli_records, "areas_list", _raising(error))

    monkeypatch.delenv("CEAPP_DEBUG", raising=False)
    return fail_with


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (RuntimeError("boom"), ExitCode.INTERNAL, "unexpected problem (RuntimeError)"),
        (RecursionError(), ExitCode.INTERNAL, "unexpected problem (RecursionError)"),
        (MemoryError(), ExitCode.INTERNAL, "ran out of memory"),
        (sqlite3.ProgrammingError("misuse"), ExitCode.INTERNAL, "(ProgrammingError)"),
        (sqlite3.OperationalError("database is locked"), ExitCode.STORE, "The database is busy"),
        (sqlite3.OperationalError("database table is locked"), ExitCode.STORE, "is busy"),
        (
            sqlite3.DatabaseError("database disk image is malformed"),
            ExitCode.STORE,
            "damaged (database disk image is malformed). Run `ceapp check`",
        ),
        (sqlite3.DatabaseError("file is not a database"), ExitCode.STORE, "damaged"),
        (
            sqlite3.OperationalError("attempt to write a readonly database"),
            ExitCode.STORE,
            "cannot be written",
        ),
        (sqlite3.OperationalError("disk I/O error\x1b[2J"), ExitCode.STORE, "I/O error\\x1b"),
        (OSError(28, "No space left on device"), ExitCode.STORE, "No space left on device"),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED, "Interrupted"),
    ],
)
def test_unexpected_errors_give_one_line_and_an_exit_code(
    db_path, capsys, failing_areas_list, error, code, words
):
    failing_areas_list(error)
    got, _out, err = run(capsys, "--db", db_path, "areas", "list")
    assert got == code
    assert words in _one_clean_line(err)


def test_sqlcipher_errors_are_recognised_as_database_errors(db_path, capsys, failing_areas_list):
    import sqlcipher3

    failing_areas_list(sqlcipher3.dbapi2.OperationalError("database is locked"))
    code, _out, err = run(capsys, "--db", db_path, "areas", "list")
    assert code == ExitCode.STORE and "busy" in err


def test_debug_setting_lets_a_bug_raise(db_path, capsys, failing_areas_list, monkeypatch):
    failing_areas_list(RuntimeError("boom"))
    monkeypatch.setenv("CEAPP_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["--db", db_path, "areas", "list"])


def test_a_damaged_file_exits_3_with_advice(demo_db, tmp_path, capsys):
    db = tmp_path / "damaged.db"
    data = bytearray(demo_db.read_bytes())
    # Scribble over the events table's pages other than its root: the schema
    # still reads, so the file opens, and the damage is met by a query
    # outside any transaction (wherever the file happens to keep them).
    with sqlite3.connect(demo_db) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            number
            for (number,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'"
            )
        ]
    assert len(pages) > 1
    for number in pages:
        start = (number - 1) * size
        data[start : start + size] = bytes(index % 251 for index in range(size))
    db.write_bytes(bytes(data))
    code, _out, err = run(capsys, "--db", str(db), "events", "list")
    assert code == ExitCode.STORE
    line = _one_clean_line(err)
    assert "damaged (database disk image is malformed)" in line and "ceapp check" in line
    assert run(capsys, "--db", str(db), "check")[0] == ExitCode.PROBLEMS


def test_exit_codes_are_shared_and_documented():
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 4, 130]
    readme = (ROOT / "README.md").read_text()
    paragraph = readme[readme.index("Exit codes") :].split("\n\n")[0]
    for number in ("0", "1", "2", "3", "4"):
        assert f"{number} " in paragraph


@pytest.mark.parametrize(
    ("redirect", "code", "stderr"),
    [
        (">&-", ExitCode.OK, ""),  # stdout closed: like print(), say nothing
        ("> /dev/full", ExitCode.STORE, "No space left on device"),
    ],
)
def test_output_nowhere_to_go_gives_one_line_or_nothing(demo_db, redirect, code, stderr):
    command = f"{shlex.quote(sys.executable)} -m ceapp --db {shlex.quote(str(demo_db))}"
    result = subprocess.run(
        ["bash", "-c", f"{command} events list --json {redirect}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == code
    assert stderr in result.stderr and result.stderr.count("\n") == (1 if stderr else 0)


def test_a_refusal_with_stderr_closed_keeps_stdout_clean(demo_db):
    command = f"{shlex.quote(sys.executable)} -m ceapp --db {shlex.quote(str(demo_db))}"
    result = subprocess.run(
        ["bash", "-c", f"{command} events lst 2>&-"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (result.returncode, result.stdout) == (ExitCode.BAD_INPUT, "")


def test_init_shows_an_odd_file_name_escaped(tmp_path, capsys):
    code, out, _err = run(capsys, "--db", str(tmp_path / "a\x1b[2Jb.db"), "init")
    assert code == 0 and "a\\x1b[2Jb.db" in out and "\x1b" not in out


# -- backup ---------------------------------------------------------------------------


def test_backup_writes_a_private_copy_with_the_same_content(forum_db, capsys, tmp_path):
    db, _event_id = forum_db
    target = tmp_path / "copies" / "forum-backup.db"
    code, out, err = run(capsys, "--db", db, "backup", "--out", str(target))
    assert code == ExitCode.OK, err
    assert str(target) in out
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert fingerprint_of(str(target)) == fingerprint_of(db)


@pytest.mark.parametrize("kind", ["exists", "folder", "same", "empty"])
def test_backup_refuses_to_overwrite_anything(forum_db, capsys, tmp_path, kind):
    db, _event_id = forum_db
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"someone's file")
    target = {"exists": str(taken), "folder": str(tmp_path), "same": db, "empty": ""}[kind]
    line = _refused_and_unchanged(capsys, db, "backup", "--out", target)
    assert "backup" in line or "exists" in line or "--out" in line
    assert taken.read_bytes() == b"someone's file"
