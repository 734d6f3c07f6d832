"""`ceapp slips` and `ceapp register`, driven as a person at a laptop would."""

from __future__ import annotations

import json

import pytest
from factories import make_event

from ceapp import monitoring
from ceapp.cli import main
from ceapp.exit_codes import ExitCode
from ceapp.fingerprint import fingerprint
from ceapp.store import open_store


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def forum(db_path):
    with open_store(db_path) as store:
        event_id = make_event(store)
    return db_path, event_id


def fingerprint_of(path) -> str:
    with open_store(path) as store:
        return fingerprint(store)


def refused(capsys, db, *argv) -> str:
    before = fingerprint_of(db)
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == ExitCode.BAD_INPUT, err
    assert out == ""
    assert fingerprint_of(db) == before
    lines = err.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def test_slips_add_stores_exactly_the_codes_given_and_prints_only_the_count(forum, capsys):
    db, event_id = forum
    code, out, err = run(
        capsys,
        "--db",
        db,
        "slips",
        "add",
        event_id[:8],
        "--age-band",
        "25_34",
        "--ethnic-group",
        "asian_bangladeshi",
        "--religion",
        "prefer_not_to_say",
        "--long-term-condition",
        "yes",
        "--condition-impact",
        "a_little",
    )
    assert code == 0, err
    assert out == "Slip saved; 1 slip for this event.\n"
    code, out, _err = run(capsys, "--db", db, "slips", "add", event_id[:8], "--sex", "female")
    assert out == "Slip saved; 2 slips for this event.\n"

    with open_store(db) as store:
        rows = store.query("SELECT * FROM monitoring_responses WHERE event_id = ?", (event_id,))
    assert len(rows) == 2
    first = next(row for row in rows if row["age_band"] == "25_34")
    assert first["ethnic_group"] == "asian_bangladeshi"
    assert first["religion"] == monitoring.PREFER_NOT_TO_SAY
    assert first["condition_impact"] == "a_little"
    assert first["sex"] == monitoring.NOT_ANSWERED
    # Nothing that would tell the slip apart from the others is printed.
    assert first["id"] not in out and first["id"][:8] not in out

    code, out, _err = run(capsys, "--db", db, "slips", "count", event_id[:8])
    assert code == 0 and out == "2 slips for this event.\n"


def test_every_question_has_an_option(capsys):
    code, out, _err = run(capsys, "slips", "add", "--help")
    assert code == 0
    for question in monitoring.QUESTIONS:
        assert "--" + question.replace("_", "-") in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--age-band", "twenty"], "not one of the allowed values"),
        (["--long-term-condition", "no", "--condition-impact", "a_lot"], "check the slip"),
    ],
)
def test_bad_slips_are_refused_and_nothing_is_saved(forum, capsys, argv, words):
    db, event_id = forum
    line = refused(capsys, db, "slips", "add", event_id[:8], *argv)
    assert words in line
    _code, out, _err = run(capsys, "--db", db, "slips", "count", event_id)
    assert out == "0 slips for this event.\n"


def test_slips_for_an_unknown_event_are_refused(forum, capsys):
    db, _event_id = forum
    line = refused(capsys, db, "slips", "add", "zzzzzzzz", "--sex", "male")
    assert "zzzzzzzz" in line


def test_register_refused_without_consent_then_saved_with_it(forum, capsys):
    db, event_id = forum
    line = refused(capsys, db, "register", "add", event_id[:8], "--name", "Amina Khatun")
    assert "consent" in line and "--consent-by" in line
    refused(capsys, db, "register", "add", event_id[:8], "--name", "Amina", "--consent-by", " ")
    refused(capsys, db, "register", "add", event_id[:8], "--consent-by", "Jo Officer")

    code, out, err = run(
        capsys,
        "--db",
        db,
        "register",
        "add",
        event_id[:8],
        "--name",
        "Amina Khatun",
        "--contact",
        "07700 900123",
        "--consent-by",
        "Jo Officer",
    )
    assert code == 0, err
    assert out == "Added to the register; 1 name for this event.\n"

    code, out, _err = run(capsys, "--db", db, "register", "list", event_id[:8])
    assert code == 0
    assert "Amina Khatun" in out and "07700 900123" in out and "Jo Officer" in out
    code, out, _err = run(capsys, "--db", db, "register", "list", event_id[:8], "--json")
    (entry,) = json.loads(out)
    assert entry["name"] == "Amina Khatun"
    assert entry["consent_recorded_by"] == "Jo Officer"
    assert entry["consent_recorded_at"]


def test_register_list_of_an_event_with_nobody_named_is_empty(forum, capsys):
    db, event_id = forum
    code, out, _err = run(capsys, "--db", db, "register", "list", event_id, "--json")
    assert code == 0 and json.loads(out) == []
