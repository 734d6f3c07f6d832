"""Returned feedback sheets (issue 9): their shape, the influence indicator, `ceapp answers`."""

from __future__ import annotations

import json

import pytest
from cli_run import run_cli
from factories import make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceapp import disclosure, feedback, influence, monitoring
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.fingerprint import fingerprint
from ceapp.reports.selection import Selection
from ceapp.sheet_answers import INFLUENCE, MONITORING_PREFIX, add_sheet_answers, clean_sheet
from ceapp.store import open_store

RULE = disclosure.Rule()


def add(store, event_id, **answers):
    return add_sheet_answers(
        store, event_id=event_id, language="en", received_on="2026-03-20", answers=answers
    )


def test_a_sheet_is_stored_in_its_fixed_shape_with_its_monitoring_page(store):
    event_id = make_event(store)
    add(
        store,
        event_id,
        useful=4,
        influence="tend_to_agree",
        matters="  More benches on the green ",
        wants_news="yes",
        monitoring={"age_band": "65_74", "sex": "female"},
    )
    (sheet,) = feedback.list_feedback(store, event_id)
    answers = sheet["answers"]
    assert answers["useful"] == "4"
    assert answers["influence"] == "tend_to_agree"
    assert answers["matters"] == "More benches on the green"
    assert answers["wants_news"] == "yes"
    page = {k[len(MONITORING_PREFIX) :]: v for k, v in answers.items() if "." in k}
    assert page.keys() == monitoring.QUESTIONS.keys()
    assert page["age_band"] == "65_74" and page["ethnic_group"] == "not_answered"


def test_blank_questions_are_not_answered_and_an_empty_page_is_not_kept():
    cleaned = clean_sheet(
        {"useful": "", "influence": None, "monitoring": {}, "wants_news": " ", "matters": "Parks"}
    )
    assert cleaned == {
        "useful": "not_answered",
        "influence": "not_answered",
        "wants_news": "not_answered",
        "matters": "Parks",
    }


def test_a_sheet_with_only_a_monitoring_page_is_kept():
    cleaned = clean_sheet({"monitoring": {"sex": "male"}})
    assert cleaned[MONITORING_PREFIX + "sex"] == "male"


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({}, "Nothing on this sheet is answered"),
        ({"useful": ""}, "Nothing on this sheet is answered"),
        ({"useful": 6}, "5 (very useful) down to 1"),
        ({"useful": "0"}, "5 (very useful) down to 1"),
        ({"useful": True}, "5 (very useful) down to 1"),
        ({"useful": 10**5000}, "5 (very useful) down to 1"),
        ({"influence": "agree"}, "definitely_agree, tend_to_agree"),
        ({"influence": ["tend_to_agree"]}, "is not one of the allowed values"),
        ({"wants_news": "maybe"}, "yes, no"),
        ({"email": "a@example.org", "useful": 5}, "Contact details are never stored"),
        ({"Name": "Ann", "useful": 5}, "put them on the event's register"),
        ({"colour": "blue"}, "no question called colour"),
        ({"matters": "Write to ann@example.org"}, "email address or phone number"),
        ({"matters": "ring 020 7946 0000 please"}, "email address or phone number"),
        ({"matters": "a\x00b"}, "control character"),
        ({"monitoring": {"age": "old"}}, "no monitoring question called age"),
        ({"monitoring": {"sex": "other"}}, "is not one of the allowed values"),
        ({"monitoring": {1: "x"}}, "both text"),
        ({"monitoring": "yes"}, "question: answer pairs"),
        ("useful=5", "question: answer pairs"),
    ],
)
def test_bad_sheets_are_refused_saying_what_to_do_and_nothing_is_saved(store, answers, says):
    event_id = make_event(store)
    before = fingerprint(store)
    with pytest.raises(ValidationError, match=None) as raised:
        add_sheet_answers(
            store, event_id=event_id, language="en", received_on="2026-03-20", answers=answers
        )
    assert says in str(raised.value)
    assert fingerprint(store) == before


@pytest.mark.parametrize(
    ("keywords", "field"),
    [
        ({"event_id": "no-such-event"}, "event_id"),
        ({"language": "klingon"}, "language"),
        ({"received_on": "2026-02-30"}, "received_on"),
    ],
)
def test_a_bad_event_language_or_date_is_refused_and_nothing_is_saved(store, keywords, field):
    event_id = make_event(store)
    before = fingerprint(store)
    arguments = {"event_id": event_id, "language": "en", "received_on": "2026-03-20"}
    with pytest.raises(ValidationError) as raised:
        add_sheet_answers(store, **{**arguments, **keywords}, answers={"useful": 5})
    assert raised.value.field == field
    assert fingerprint(store) == before


def _sheets(store, event_id, answers: list[str], page: dict | None = None) -> None:
    for code in answers:
        add(store, event_id, influence=code, **({"monitoring": page} if page else {}))


def test_the_indicator_counts_agree_among_all_who_answered_dont_know_included(store):
    event_id = make_event(store)
    # 7 definitely + 8 tend = 15 agree, of 7 + 8 + 6 + 5 + 6 = 32 who answered.
    codes = ["definitely_agree"] * 7 + ["tend_to_agree"] * 8 + ["tend_to_disagree"] * 6
    codes += ["definitely_disagree"] * 5 + ["dont_know"] * 6
    _sheets(store, event_id, codes)
    add(store, event_id, useful=5)  # the question left blank: not in the denominator
    summary = influence.summarise(
        store, Selection(event_id=event_id), rule=RULE, baseline=40, target=55
    )
    overall = summary.indicators[0]
    assert overall.name == "overall"
    assert (overall.agree, overall.respondents) == (15, 32)
    assert overall.percentage == pytest.approx(100 * 15 / 32)  # 46.875
    assert summary.influence == dict(zip(INFLUENCE.codes, [7, 8, 6, 5, 6], strict=True))
    assert summary.comparisons["overall"] == (
        "6.9 points above the baseline, 8.1 points below the target"
    )
    assert summary.sheets == 33 and summary.useful_total == "<10"


def test_the_overall_indicator_is_hidden_when_an_agree_count_is(store):
    event_id = make_event(store)
    _sheets(store, event_id, ["definitely_agree"] * 2 + ["tend_to_agree"] * 10 + ["dont_know"] * 8)
    summary = influence.summarise(store, Selection(event_id=event_id), rule=RULE)
    assert summary.influence["definitely_agree"] == "<5"
    assert summary.indicators[0].percentage is None


def test_groups_come_from_the_monitoring_page_and_small_ones_show_no_percentage(store):
    event_id = make_event(store)
    bme_woman = {"ethnic_group": "white_irish", "sex": "female", "age_band": "16_24"}
    _sheets(store, event_id, ["tend_to_agree"] * 6 + ["dont_know"] * 6, bme_woman)
    white_british_older = {"ethnic_group": "white_british", "age_band": "75_plus"}
    _sheets(
        store, event_id, ["definitely_agree"] * 5 + ["tend_to_disagree"] * 4, white_british_older
    )
    disabled = {"long_term_condition": "yes", "condition_impact": "a_lot"}
    _sheets(store, event_id, ["tend_to_agree"] * 3, disabled)
    summary = influence.summarise(store, Selection(event_id=event_id), rule=RULE)
    groups = {each.name: each for each in summary.indicators}
    # White Irish counts as minority ethnic: every group but White British.
    assert (groups["bme"].agree, groups["bme"].respondents) == (6, 12)
    assert groups["bme"].percentage == 50.0
    assert groups["women"].percentage == 50.0 and groups["young"].percentage == 50.0
    # 9 aged 65 or over: under the minimum of 10, so no percentage and the count is "<10".
    assert groups["older"].respondents == "<10" and groups["older"].percentage is None
    assert groups["disabled"].respondents == "<10" and groups["disabled"].percentage is None
    assert summary.with_monitoring == 24


def test_a_group_whose_counts_would_show_a_small_number_has_no_percentage(store):
    event_id = make_event(store)
    _sheets(store, event_id, ["tend_to_agree"] * 10 + ["dont_know"] * 2, {"sex": "female"})
    women = {
        each.name: each
        for each in influence.summarise(store, Selection(event_id=event_id), rule=RULE).indicators
    }["women"]
    assert women.respondents == 12 and women.agree == "[c]" and women.percentage is None


def test_targets_are_stored_and_options_override_them(store):
    assert influence.targets(store) == (None, None)
    influence.set_targets(store, baseline="25", target=40)
    assert influence.targets(store) == (25.0, 40.0)
    before = fingerprint(store)
    with pytest.raises(ValidationError, match="percentage from 0 to 100"):
        influence.set_targets(store, baseline=101)
    assert influence.targets(store) == (25.0, 40.0) and fingerprint(store) == before
    summary = influence.summarise(store, Selection(), rule=RULE, target=30)
    assert (summary.baseline, summary.target) == (25.0, 30.0)
    influence.set_targets(store, clear=True)
    assert influence.targets(store) == (None, None)


# -- the command line ---------------------------------------------------------------


@pytest.fixture
def forum(db_path):
    with open_store(db_path) as store:
        event_id = make_event(store)
    return db_path, event_id


def _fingerprint(path) -> str:
    with open_store(path) as store:
        return fingerprint(store)


def test_cli_round_trip(forum):
    db, event_id = forum
    for index in range(12):
        code, out, err = run_cli(
            "--db", db, "answers", "add", event_id[:8],
            "--useful", str(index % 5 + 1),
            "--influence", "tend_to_agree" if index < 6 else "definitely_disagree",
            "--wants-news", "no",
            "--received", "2026-03-20",
            "--ethnic-group", "black_african",
        )  # fmt: skip
        assert code == 0, err
    assert out == "Sheet saved; 12 sheets for this event.\n"
    code, out, err = run_cli("--db", db, "answers", "targets", "--baseline", "25", "--target", "60")
    assert code == 0 and "Baseline: 25%" in out
    code, out, err = run_cli("--db", db, "answers", "summary", "--event", event_id[:8])
    assert code == 0, err
    assert disclosure.describe(RULE) in out
    assert "25.0 points above the baseline, 10.0 points below the target" in out
    assert "every ethnic group except White British" in out
    code, out, err = run_cli("--db", db, "answers", "summary", "--json", "--target", "50")
    assert code == 0, err
    report = json.loads(out)
    groups = {each["name"]: each for each in report["indicator"]["groups"]}
    assert groups["overall"]["percentage"] == 50.0 and groups["bme"]["respondents"] == 12
    assert (
        groups["overall"]["comparison"] == "25.0 points above the baseline, level with the target"
    )
    # Hidden counts are strings in JSON.
    assert report["useful"]["counts"]["5"] == "<5"
    assert groups["women"]["respondents"] == "<10"
    assert report["indicator"]["target"] == 50.0


@pytest.mark.parametrize(
    "argv",
    [
        ["--useful", "7"],
        ["--influence", "yes"],
        ["--wants-news", "perhaps", "--useful", "3"],
        ["--useful", "3", "--sex", "unknown"],
        ["--matters", "me@example.org"],
        ["--useful", "3", "--lang", "zz-not"],
        ["--useful", "3", "--received", "2026-13-01"],
        [],
    ],
)
def test_cli_refusals_are_one_line_and_save_nothing(forum, argv):
    db, event_id = forum
    before = _fingerprint(db)
    code, out, err = run_cli("--db", db, "answers", "add", event_id[:8], *argv)
    assert code == ExitCode.BAD_INPUT and out == ""
    assert len(err.strip().splitlines()) == 1
    assert _fingerprint(db) == before


# -- fuzz ---------------------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["5", "1", " 3 ", "tend_to_agree", "dont_know", "yes", "no", "not_answered"]),
    st.lists(st.text(max_size=3), max_size=2),
)
KEYS = st.one_of(
    st.sampled_from(["useful", "influence", "matters", "wants_news", "monitoring", "email"]),
    st.text(max_size=10),
    st.integers(),
)
PAGES = st.one_of(
    VALUES,
    st.dictionaries(
        st.one_of(st.sampled_from(list(monitoring.QUESTIONS)), st.text(max_size=8)),
        st.one_of(VALUES, st.sampled_from(["female", "16_24", "prefer_not_to_say"])),
        max_size=4,
    ),
)
SHEETS = st.one_of(
    VALUES,
    st.dictionaries(KEYS, VALUES, max_size=5),
    st.fixed_dictionaries(
        {},
        optional={
            "useful": VALUES,
            "influence": VALUES,
            "matters": VALUES,
            "wants_news": VALUES,
            "monitoring": PAGES,
        },
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=SHEETS,
    language=st.one_of(st.just("en"), VALUES),
    received=st.one_of(st.just("2026-03-20"), VALUES),
)
def test_fuzzed_sheets_are_saved_or_refused_with_a_validation_error(
    store, answers, language, received
):
    event_id = store.scalar("SELECT id FROM events LIMIT 1") or make_event(store)
    before = fingerprint(store)
    try:
        add_sheet_answers(
            store, event_id=event_id, language=language, received_on=received, answers=answers
        )
    except ValidationError:
        assert fingerprint(store) == before
