"""Property: no argument list makes the CLI print a traceback, and a refusal changes nothing.

Argument lists are built from the real parser, so a new command or option is
fuzzed without touching this file. Values mix plausible ones (real ids, ward
names, codes, dates) with hostile ones (huge numbers, 100 KB strings, escape
sequences, bidi overrides, NUL, undecodable bytes, random text).

CEAPP_DEBUG is set, so an exception that would reach the last-resort handler
in ceapp.cli.main raises here instead and fails the test with its traceback.

A longer run, on other lists than the default run's:
CEAPP_FUZZ_EXAMPLES=20000 CEAPP_FUZZ_SEED=7 pytest tests/test_fuzz_cli.py -s
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from cli_run import run_cli as _cli
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ceapp import cli, event_questions
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store
from ceapp.store_files import ENV_DB
from ceapp.vocab import (
    ACCESSIBILITY,
    ATTENDANCE_ROLES,
    GROUP_TYPES,
    ISSUE_STATUSES,
    ISSUE_THEMES,
    METHODS,
    PARTNER_KINDS,
    SPECTRUM,
)

# About 40 s; each example is a fresh copy of the database and a full command.
EXAMPLES = int(os.environ.get("CEAPP_FUZZ_EXAMPLES", "1000"))
# Unset, every run tries the same lists (repeatable in CI); set it to explore others.
SEED = os.environ.get("CEAPP_FUZZ_SEED")
PASSPHRASE = "river otter lantern"
MAX_LINE = 300
# What must never reach a terminal: C0 controls (the newline ending a line is
# split off first), DEL, C1 controls and the bidi embeddings, overrides and isolates.
UNSAFE_OUTPUT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The window's command: the launcher runs it, never ceapp.cli.
EXCLUDED_COMMANDS = {"gui"}
# Options naming a file a command creates (`backup --out`, `sync id --out`).
WRITTEN_FILES = {"out"}


@dataclass(frozen=True)
class World:
    """The prepared databases and what is in them, for plausible values."""

    folder: Path
    plain: Path
    encrypted: Path
    plain_fingerprint: str
    encrypted_fingerprint: str
    # Copies of `plain` made awkward: {kind: path}.
    awkward: dict[str, Path]
    event_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    area_ids: tuple[str, ...]
    wards: tuple[str, ...]
    partners: tuple[str, ...]


def _fingerprint(path: Path, passphrase: str | None = None) -> str:
    with open_store(str(path), passphrase=passphrase) as store:
        return fingerprint(store)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("fuzz")
    plain = folder / "plain.db"
    code, _out, err = _cli("--db", plain, "demo", "--events", "20", "--until", "2026-01-31")
    assert code == 0, err
    passfile = folder / "passphrase"
    passfile.write_text(PASSPHRASE + "\n")
    encrypted = folder / "encrypted.db"
    for argv in (
        ["init"],
        ["areas", "add", "--borough", "Leicester", "--ward", "Belgrave"],
        ["partners", "add", "--name", "Leicester City Council", "--kind", "council"],
    ):
        code, _out, err = _cli("--db", encrypted, "--passphrase-file", passfile, *argv)
        assert code == 0, err
    listing = {}
    for name in ("events", "issues", "areas", "partners"):
        code, out, err = _cli("--db", plain, name, "list", "--json")
        assert code == 0, err
        listing[name] = json.loads(out)
    assert listing["events"] and listing["issues"] and listing["areas"] and listing["partners"]
    # Closing the last connection folded the WAL in: the main file is all there is.
    assert not Path(f"{plain}-wal").exists() and not Path(f"{encrypted}-wal").exists()
    return World(
        awkward=_awkward_copies(plain, folder),
        folder=folder,
        plain=plain,
        encrypted=encrypted,
        plain_fingerprint=_fingerprint(plain),
        encrypted_fingerprint=_fingerprint(encrypted, PASSPHRASE),
        event_ids=tuple(row["id"] for row in listing["events"]),
        issue_ids=tuple(row["id"] for row in listing["issues"]),
        area_ids=tuple(row["id"] for row in listing["areas"]),
        wards=tuple(
            value
            for row in listing["areas"]
            for value in (row["ward"], f"{row['ward']}, {row['borough']}")
        ),
        partners=tuple(row["name"] for row in listing["partners"]),
    )


def _awkward_copies(plain: Path, folder: Path) -> dict[str, Path]:
    """Files a person may point ceapp at: from a newer ceapp, another program, damaged."""
    copies = {}
    changes = {
        "too-new": "PRAGMA user_version = 999",
        "negative-version": "PRAGMA user_version = -1",
        "junk-clock": "UPDATE meta SET value = 'not a clock' WHERE key = 'clock'",
    }
    for kind, sql in changes.items():
        copies[kind] = folder / f"{kind}.db"
        shutil.copy(plain, copies[kind])
        conn = sqlite3.connect(copies[kind], isolation_level=None)
        conn.execute(sql)
        conn.close()
    data = bytearray(plain.read_bytes())
    # The schema still reads, so the file opens; the records do not.
    half = len(data) // 2 // 4096 * 4096
    data[half:] = bytes(index % 251 for index in range(len(data) - half))
    copies["damaged"] = folder / "damaged.db"
    copies["damaged"].write_bytes(bytes(data))
    return copies


# -- the parser, walked --------------------------------------------------------


def _leaves(parser: argparse.ArgumentParser, path=()):
    """(command path, parser) for every runnable command, and every partial path."""
    commands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    yield path, parser
    for action in commands:
        for name, sub in action.choices.items():
            if name not in EXCLUDED_COMMANDS:
                yield from _leaves(sub, (*path, name))


def _own_actions(parser: argparse.ArgumentParser):
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


PARSER = cli.build_parser()
ROOT_ACTIONS = _own_actions(PARSER)
LEAVES = [(path, _own_actions(sub)) for path, sub in _leaves(PARSER) if path]


def test_the_walk_covers_every_command_and_option():
    """A new command or option is fuzzed automatically; this shows the walk finds them."""
    paths = {" ".join(path) for path, _actions in LEAVES}
    assert {"init", "demo", "events add", "issues update", "groups add", "check"} <= paths
    options = {o for _path, actions in LEAVES for a in actions for o in a.option_strings}
    assert {"--title", "--limit", "--count", "--until", "--contact-consent"} <= options
    assert {"--db", "--passphrase-file"} <= {o for a in ROOT_ACTIONS for o in a.option_strings}
    assert not any(path[0] in EXCLUDED_COMMANDS for path, _actions in LEAVES)


# -- values ----------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "1e30",
        str(10**30),
        str(-(10**30)),
        str(2**63),
        "9" * 5000,
        "x" * 100_000,
        "é" * 60_000,
        "\x00",
        "a\x00b",
        "\x1b[31mred\x1b[0m",
        "\x1b]0;pwned\x07",
        "\x1b[2J\x1b[H",
        "\x9b31m",
        "\u202eevil.exe",
        "\u2066x\u2069",
        "\u200f\u200e",
        "\udcff",
        "ok\udcfe\udc80",
        "\x85next",
        "line\u2028break",
        "\ufeffbom",
        "\uffff",
        "\U0010ffff",
        "'",
        '"',
        "%",
        "_",
        "\\",
        "--",
        "-",
        "-h",
        "--db",
        "a=b",
        "নমস্কার\u200c",
        "می\u200cخواهم",
        "1_000",
        "٣",
        "2026-02-30",
        "0001-01-01",
        "9999-12-31",
        "2026-03-14 18:30",
        "yes",
        "no",
        "tab\there",
        "two\nlines",
        "cr\r\nlf",
    ]
)
NUMBERS = st.one_of(
    st.integers(-100, 100),
    st.integers(10**6, 10**40),
    st.integers(-(10**40), -(10**6)),
).map(str)
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(categories=("Cc", "Cf", "Zl", "Zp", "Co", "Cs")), max_size=10),
    st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1, max_size=4),
)
DATES = st.dates().map(str)
DATES_FROM, DATES_TO = date(1999, 1, 1), date(2101, 12, 31)
DATETIMES = st.datetimes().map(lambda moment: moment.isoformat(sep=" ", timespec="minutes"))


def _codes(choices) -> st.SearchStrategy[str]:
    return st.sampled_from(choices.codes)


def _plausible(dest: str, world: World) -> st.SearchStrategy[str]:
    """Values that pass, or nearly pass, the option's own checks."""
    ids = {
        "event": world.event_ids,
        "issue": world.issue_ids,
    }
    if dest in ids:
        return st.sampled_from(ids[dest]).flatmap(
            lambda full: st.sampled_from([full, full[:8], full[:4], full.upper()])
        )
    fixed = {
        "area": st.sampled_from(world.wards + world.area_ids),
        "partner": st.sampled_from(world.partners),
        "spectrum": _codes(SPECTRUM),
        "method": _codes(METHODS),
        "role": _codes(ATTENDANCE_ROLES),
        "status": _codes(ISSUE_STATUSES),
        "theme": _codes(ISSUE_THEMES),
        "type": _codes(GROUP_TYPES),
        # partners add --kind, and questions add --kind
        "kind": _codes(PARTNER_KINDS) | _codes(event_questions.KINDS),
        "number": st.sampled_from(["5", "6", "7", "4", "x"]),
        "own": st.sampled_from(["5=yes", "5=tend_to_agree", "6=More lights", "5", "=x"]),
        "accessibility": st.lists(_codes(ACCESSIBILITY), max_size=3).map(",".join),
        "languages": st.sampled_from(["en", "en,bn,so", "pa_Arab", "syl", "klingon", ""]),
        # Mostly consistent with each other and with the prepared events, so
        # that an edit often gets all the way to the write.
        "starts": st.sampled_from(["2026-03-14 18:30", "2026-03-14", "2025-06-01T09:00"])
        | DATETIMES,
        "ends": st.sampled_from(["2026-12-31 23:00", ""]),
        "consultation_opens": st.sampled_from(["2026-01-05", ""]),
        "consultation_closes": st.sampled_from(["2026-03-30", ""]),
        "raised_on": DATES,
        "until": st.dates(min_value=DATES_FROM, max_value=DATES_TO).map(str),
        "count": st.integers(-5, 20).map(str),
        "limit": st.integers(0, 30).map(str),
        "events": st.integers(1, 30).map(str),
        "seed": st.integers(0, 50).map(str),
        "women_only": st.sampled_from(["yes", "no"]),
        "report_back": st.sampled_from(["yes", "no"]),
        "contact_email": st.sampled_from(["amina@example.org", "amina.example.org"]),
        "search": st.sampled_from(["forum", "50%", "under_16", "Belgrave"]),
        "date_from": st.sampled_from(["2025-01-01", "2026-03-14", "2026-13-01"]),
        "date_to": st.sampled_from(["2026-12-31", "2024-01-01", "tomorrow"]),
        "threshold": st.sampled_from(["5", "10", "7", "0"]),
        "reference": st.sampled_from(["England", "Tower Hamlets", "E06000016", "nowhere.csv"]),
        "fmt": st.sampled_from(["csv", "xlsx", "json", "pdf", "docx"]),
    }
    if dest in fixed:
        return fixed[dest]
    return st.sampled_from(["Spring forum", "Asha", "Tower Hamlets", "Bengali elders", "x"])


def _value(dest: str, world: World, *, calm: bool) -> st.SearchStrategy[str]:
    """A calm value is nearly always plausible, so the command gets past its checks."""
    plausible = _plausible(dest, world)
    hostile = st.one_of(HOSTILE, NUMBERS, TEXT, st.tuples(plausible, HOSTILE | TEXT).map("".join))
    if calm:
        chosen = st.integers(0, 29).flatmap(lambda roll: hostile if roll == 0 else plausible)
    else:
        chosen = st.one_of(plausible, hostile)
    if dest in WRITTEN_FILES:
        # Commands create these files: keep them inside the example's folder.
        return chosen.map(_safe_name)
    return chosen


@st.composite
def _command(draw, world: World, *, calm: bool) -> tuple[str, list[str]]:
    """One command's name and tokens: its path, then options and positionals in any order."""
    path, actions = draw(st.sampled_from(LEAVES))
    pieces: list[list[str]] = []
    for action in actions:
        if not action.option_strings:
            if draw(st.integers(0, 9)):  # positionals are usually given
                pieces.append([draw(_value(action.dest, world, calm=calm))])
            continue
        if isinstance(action, argparse._HelpAction):
            wanted = draw(st.integers(0, 39)) == 0  # help ends the run early: seldom
        else:
            wanted = draw(st.integers(0, 4)) > 0 if calm else draw(st.booleans())
        if not wanted:
            continue
        option = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            pieces.append([option])
            continue
        value = draw(_value(action.dest, world, calm=calm))
        if draw(st.booleans()) and option.startswith("--"):
            pieces.append([f"{option}={value}"])
        else:
            pieces.append([option, value])
    if not calm and draw(st.integers(0, 4)) == 0:  # something the command does not take
        pieces.append([draw(HOSTILE | TEXT)])
    ordered = draw(st.permutations(pieces))
    return " ".join(path), [*path, *(token for piece in ordered for token in piece)]


# A calm case runs on a good database with plausible values, to get deep into
# the commands; the others try every kind of file and value.
CALM_DB_KINDS = [*["plain"] * 6, "plain-env", "encrypted"]
DB_KINDS = [
    *CALM_DB_KINDS,
    "encrypted-without-passphrase",
    "new",
    "new-in-new-folder",
    "folder",
    "not-a-database",
    "empty-file",
    "blank",
    "hostile",
    "device",
    "too-new",
    "negative-version",
    "junk-clock",
    "damaged",
]
PASSPHRASE_KINDS = [
    *["none"] * 6,
    "right",
    "missing-file",
    "empty-file",
    "folder",
    "blank",
    "hostile",
    "nul",
    "not-utf-8",
    "endless",
]


@dataclass
class Case:
    command: str
    argv: list[str]
    env_db: str | None
    # The copy of a prepared database the case runs on, if any, and how to check it.
    db: Path | None = None
    db_passphrase: str | None = None
    fingerprint: str | None = None


def _safe_name(value: str) -> str:
    # We run as whoever runs the tests (root in CI containers): a hostile path
    # must stay inside the example's folder.
    return value.replace("/", "_").replace("\\", "_").lstrip(".") or "_"


@st.composite
def _case(draw, world: World, folder: Path) -> Case:
    calm = draw(st.integers(0, 2)) > 0
    db_kind = draw(st.sampled_from(CALM_DB_KINDS if calm else DB_KINDS))
    if db_kind == "encrypted":
        pass_kind = "right"
    else:
        pass_kind = "none" if calm else draw(st.sampled_from(PASSPHRASE_KINDS))
    argv: list[str] = []
    db = None
    env_db = None
    if db_kind in ("plain", "plain-env"):
        db = folder / "case.db"
        shutil.copy(world.plain, db)
    elif db_kind.startswith("encrypted"):
        db = folder / "case.db"
        shutil.copy(world.encrypted, db)
    elif db_kind in world.awkward:
        db = folder / "case.db"
        shutil.copy(world.awkward[db_kind], db)
    paths = {
        "plain": db,
        "encrypted": db,
        "encrypted-without-passphrase": db,
        "new": folder / "new.db",
        "new-in-new-folder": folder / "a" / "b" / "new.db",
        "folder": folder,
        "not-a-database": folder / "notes.txt",
        "empty-file": folder / "empty.db",
        "blank": "",
        "device": os.devnull,
        **dict.fromkeys(world.awkward, db),
    }
    (folder / "notes.txt").write_text("shopping: milk, eggs\n" * 100)
    (folder / "empty.db").write_bytes(b"")
    if db_kind == "plain-env":
        env_db = str(db)
    elif db_kind == "hostile":
        argv += ["--db", _safe_name(draw(HOSTILE | TEXT))]
    else:
        argv += ["--db", str(paths[db_kind])]
    passfile = folder / "passphrase"
    passfile.write_text(PASSPHRASE + "\n")
    (folder / "empty-passphrase").write_bytes(b"")
    (folder / "nul-passphrase").write_bytes(b"river\x00otter\n")
    (folder / "latin-1-passphrase").write_bytes("café\n".encode("latin-1"))
    passphrases = {
        "right": passfile,
        "missing-file": folder / "nowhere" / "passphrase",
        "empty-file": folder / "empty-passphrase",
        "folder": folder,
        "blank": "",
        "nul": folder / "nul-passphrase",
        "not-utf-8": folder / "latin-1-passphrase",
        "endless": "/dev/zero",
    }
    if pass_kind == "hostile":
        argv += ["--passphrase-file", _safe_name(draw(HOSTILE | TEXT))]
    elif pass_kind != "none":
        argv += ["--passphrase-file", str(passphrases[pass_kind])]
    if not calm and draw(st.integers(0, 29)) == 0:
        argv.insert(0, "--version")
    if not calm and draw(st.integers(0, 29)) == 0:
        argv = draw(st.permutations(argv))
    command, tokens = draw(_command(world, calm=calm))
    argv += tokens
    case = Case(command=command, argv=argv, env_db=env_db, db=db)
    if db_kind.startswith("plain"):
        case.fingerprint = world.plain_fingerprint
    elif db_kind == "encrypted":
        case.db_passphrase, case.fingerprint = PASSPHRASE, world.encrypted_fingerprint
    return case


def _too_slow(argv: list[str]) -> bool:
    """A demo of thousands of events is valid but takes seconds: keep the budget for variety."""
    if "demo" not in argv:
        return False
    for index, token in enumerate(argv):
        value = None
        if token.startswith("--ev") and "=" in token:
            value = token.split("=", 1)[1]
        elif token.startswith("--ev") and index + 1 < len(argv):
            value = argv[index + 1]
        with contextlib.suppress(ValueError):
            if value is not None and 100 < int(value) <= cli.MAX_DEMO_EVENTS:
                return True
    return False


@contextlib.contextmanager
def _environment(**values):
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def fuzz_stats():
    stats = {"examples": 0, "seconds": 0.0, "codes": {}}
    yield stats
    print(f"\nCLI fuzz: {stats['examples']} argument lists in {stats['seconds']:.1f} s")
    for command, codes in sorted(stats["codes"].items()):
        print(f"  {command:<16} exit codes {dict(sorted(codes.items()))}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@seed(int(SEED or 0))
@given(data=st.data())
def test_no_argument_list_gives_a_traceback(world, fuzz_stats, data):
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ceapp-fuzz-") as name:
        folder = Path(name)
        case = data.draw(_case(world, folder), label="case")
        if _too_slow(case.argv):
            return
        before = _sha256(case.db) if case.db else None
        cwd = os.getcwd()
        os.chdir(folder)  # a relative hostile --db lands here
        try:
            with _environment(**{cli.ENV_DEBUG: "1", ENV_DB: case.env_db}):
                code, _out, err = _cli(*case.argv)
        finally:
            os.chdir(cwd)
        assert code in (0, 1, 2, 3), (code, err)
        assert "Traceback" not in err
        for line in err.splitlines():
            assert len(line) <= MAX_LINE, line[:500]
            assert not UNSAFE_OUTPUT.search(line), ascii(line[:500])
        if code in (2, 3) and case.db is not None:
            assert _sha256(case.db) == before, "a refused command changed the file"
            if case.fingerprint:
                assert _fingerprint(case.db, case.db_passphrase) == case.fingerprint
    fuzz_stats["examples"] += 1
    fuzz_stats["seconds"] += time.monotonic() - started
    codes = fuzz_stats["codes"].setdefault(case.command, {})
    codes[int(code)] = codes.get(int(code), 0) + 1
