"""The ceapp command line, driven as a person or a script would drive it."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ceapp import migrations
from ceapp.cli import build_parser, main
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
        (["events", "list", "--limit", "lots"], "invalid int"),
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
    assert len(block) == 2
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
