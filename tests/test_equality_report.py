"""The equality report's figures: categories, denominators, ratios, suppression, selections."""

from __future__ import annotations

import json

import pytest
from cli_run import file_fingerprint, run_cli
from factories import make_area, make_event, make_partner

from ceapp import disclosure, monitoring, reference_figures
from ceapp.reports.characteristics import BY_NAME, CHARACTERISTICS, category_of
from ceapp.reports.equality import (
    IN_LINE,
    OVER_REPRESENTED,
    UNDER_REPRESENTED,
    default_reference,
    equality_report,
)
from ceapp.reports.selection import Selection, build_selection
from ceapp.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "ceapp.db")) as opened:
        yield opened


def _slips(store, event_id, count, **answers):
    monitoring.add_responses(store, event_id=event_id, answers=[dict(answers)] * count)


def _reference_csv(tmp_path, rows: list[str]):
    path = tmp_path / "ward.csv"
    header = "area_code,area_name,universe,characteristic,category,percent,source"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return reference_figures.load_csv(str(path))


def _category(report, name, code):
    return next(c for c in report.breakdown(name).categories if c.code == code)


@pytest.mark.parametrize("characteristic", [c.name for c in CHARACTERISTICS])
def test_every_category_code_is_counted_under_itself(store, characteristic):
    """Twelve slips per answer: each category holds exactly its twelve, nothing is lost."""
    event = make_event(store)
    spec = BY_NAME[characteristic]
    source = {"ethnic_group_5": "ethnic_group", "disability": "long_term_condition"}
    for code in spec.codes:
        if characteristic == "ethnic_group_5":
            answer = {
                "ethnic_group": next(c for c in BY_NAME["ethnic_group"].codes if c.startswith(code))
            }
        elif characteristic == "disability":
            answer = (
                {"long_term_condition": "yes", "condition_impact": "a_lot"}
                if code == "disabled"
                else {"long_term_condition": "no"}
            )
        else:
            answer = {source.get(characteristic, characteristic): code}
        _slips(store, event, 12, **answer)
    report = equality_report(store, Selection())
    breakdown = report.breakdown(characteristic)
    assert [c.code for c in breakdown.categories] == list(spec.codes)
    assert all(c.count == 12 for c in breakdown.categories)
    assert breakdown.answered == 12 * len(spec.codes)
    assert all(c.percent == pytest.approx(100 / len(spec.codes)) for c in breakdown.categories)


def test_disability_is_a_condition_that_limits_day_to_day_activities():
    assert category_of("disability", ("yes", "a_lot")) == "disabled"
    assert category_of("disability", ("yes", "a_little")) == "disabled"
    assert category_of("disability", ("not_answered", "a_little")) == "disabled"
    assert category_of("disability", ("yes", "not_at_all")) == "not_disabled"
    assert category_of("disability", ("no", "not_answered")) == "not_disabled"
    assert category_of("disability", ("yes", "prefer_not_to_say")) == "prefer_not_to_say"
    assert category_of("disability", ("yes", "not_answered")) == "not_answered"
    assert category_of("disability", ("prefer_not_to_say", "not_answered")) == "prefer_not_to_say"
    assert category_of("ethnic_group_5", ("asian_bangladeshi",)) == "asian"
    assert category_of("ethnic_group_5", ("not_answered",)) == "not_answered"


def test_denominators_leave_out_prefer_not_to_say_and_not_answered(store):
    event = make_event(store)
    _slips(store, event, 30, sex="female")
    _slips(store, event, 10, sex="male")
    _slips(store, event, 7, sex="prefer_not_to_say")
    _slips(store, event, 6)  # sex not answered
    report = equality_report(store, Selection())
    sex = report.breakdown("sex")
    assert (sex.answered, sex.prefer_not_to_say, sex.not_answered) == (40, 7, 6)
    assert _category(report, "sex", "female").percent == pytest.approx(75.0)
    assert _category(report, "sex", "male").percent == pytest.approx(25.0)
    assert report.responses == 53


def test_representation_ratio_matches_a_hand_computed_example(store, tmp_path):
    """Population 50/50; attendees 30 women and 10 men: 75% / 50% = 1.5 and 25% / 50% = 0.5."""
    event = make_event(store)
    _slips(store, event, 30, sex="female", age_band="25_34")
    _slips(store, event, 10, sex="male", age_band="under_16")
    reference = _reference_csv(
        tmp_path,
        [
            "X1,Ward,16_plus,sex,female,50,Census 2021 TS008",
            "X1,Ward,16_plus,sex,male,50,Census 2021 TS008",
            "X1,Ward,16_plus,age_band,16_24,30,Census 2021 TS007",
            "X1,Ward,16_plus,age_band,25_34,70,Census 2021 TS007",
        ],
    )
    report = equality_report(store, Selection(), reference=reference)
    women, men = _category(report, "sex", "female"), _category(report, "sex", "male")
    assert women.ratio == pytest.approx(1.5) and women.representation == OVER_REPRESENTED
    assert men.ratio == pytest.approx(0.5) and men.representation == UNDER_REPRESENTED
    # Under-16s are outside an adult reference: the 30 adults are compared, all aged 25-34.
    adults = _category(report, "age_band", "25_34")
    assert adults.ratio == pytest.approx((100 * 30 / 30) / 70)
    assert adults.representation == OVER_REPRESENTED
    assert _category(report, "age_band", "under_16").ratio is None
    assert any(
        "Men are 50% of adults in Ward but 25% of attendees" in line for line in report.findings
    )


def test_in_line_and_too_few_to_say(store, tmp_path):
    event = make_event(store)
    _slips(store, event, 45, religion="christian")
    _slips(store, event, 5, religion="jewish")
    reference = _reference_csv(
        tmp_path,
        [
            "X1,Ward,all_ages,religion,christian,90,Census 2021 TS030",
            "X1,Ward,all_ages,religion,jewish,1,Census 2021 TS030",
            "X1,Ward,all_ages,religion,none,9,Census 2021 TS030",
        ],
    )
    report = equality_report(store, Selection(), reference=reference)
    assert _category(report, "religion", "christian").representation == IN_LINE
    # 1% of 50 answers is half a person: no ratio can say much about it.
    assert _category(report, "religion", "jewish").representation == "too_few"


def test_small_counts_are_never_published(store):
    event = make_event(store)
    _slips(store, event, 3, sex="male")
    _slips(store, event, 20, sex="female")
    _slips(store, event, 15, sex="prefer_not_to_say")
    report = equality_report(store, Selection())
    sex = report.breakdown("sex")
    male, female = _category(report, "sex", "male"), _category(report, "sex", "female")
    assert male.count == "<5" and male.percent is None
    # The answered total is published, so the other category must hide too.
    assert female.count == disclosure.SECONDARY and female.percent is None
    assert sex.answered == 23
    assert "3" not in json.dumps([male.count, female.count])


def test_fewer_than_ten_responses_give_no_breakdown(store):
    event = make_event(store)
    _slips(store, event, 9, sex="female", age_band="25_34")
    report = equality_report(store, Selection())
    assert report.responses == "<10"
    for breakdown in report.breakdowns:
        assert breakdown.withheld and breakdown.categories == []
        assert breakdown.answered == "<10"


def test_rounding_applies_to_every_published_count(store):
    event = make_event(store)
    _slips(store, event, 23, sex="female")
    _slips(store, event, 17, sex="male")
    report = equality_report(store, Selection(), rule=disclosure.Rule(round_to=5))
    assert _category(report, "sex", "female").count == 25
    assert _category(report, "sex", "male").count == 15
    assert report.breakdown("sex").answered == 40
    assert "rounded" in report.rule_text


def test_selection_narrows_by_area_partner_method_and_dates(store):
    spitalfields = make_area(store, ward="Spitalfields")
    belgrave = make_area(store, borough="Leicester", ward="Belgrave")
    council = make_partner(store)
    early = make_event(
        store, area_id=spitalfields, partner_id=council, starts_at="2025-02-01 18:00"
    )
    late = make_event(store, area_id=belgrave, method="drop_in", starts_at="2025-08-01 10:00")
    _slips(store, early, 11, sex="female")
    _slips(store, late, 13, sex="male")

    def women_men(**chosen):
        report = equality_report(store, build_selection(store, **chosen))
        return report.responses

    assert women_men() == 24
    assert women_men(area="Spitalfields") == 11
    assert women_men(area="Leicester") == 13  # a whole borough
    assert women_men(partner="Tower Hamlets Council") == 11
    assert women_men(method="drop_in") == 13
    from datetime import date

    assert women_men(date_from=date(2025, 3, 1)) == 13
    assert women_men(date_to=date(2025, 2, 1)) == 11  # the whole last day counts
    assert women_men(event=late[:8]) == 13


def test_trend_by_quarter_follows_the_events_dates(store):
    first = make_event(store, starts_at="2025-02-01 18:00")
    second = make_event(store, starts_at="2025-05-01 18:00")
    _slips(store, first, 20, sex="female")
    _slips(store, second, 12, sex="female")
    _slips(store, second, 10, sex="male")
    trend = equality_report(store, Selection()).breakdown("sex").trend
    assert trend.quarters == ["2025-Q1", "2025-Q2"]
    assert trend.published.cells == [[20, 12], [0, 10]]


def test_default_reference_is_the_selections_borough_else_england(store):
    make_area(store, borough="Leicester", ward="Belgrave")
    assert default_reference(store, build_selection(store, area="Belgrave")).name == "Leicester"
    assert default_reference(store, Selection()).name == "England"


def test_bad_selection_is_refused_with_a_message(store):
    from ceapp.errors import ValidationError

    with pytest.raises(ValidationError, match="not a method"):
        build_selection(store, method="seance")
    with pytest.raises(ValidationError, match="no area"):
        build_selection(store, area="Atlantis")
    from datetime import date

    with pytest.raises(ValidationError, match="wrong way round"):
        build_selection(store, date_from=date(2025, 5, 1), date_to=date(2025, 1, 1))


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "ceapp.db"
    with open_store(str(path)) as opened:
        area = make_area(opened, borough="Tower Hamlets", ward="Spitalfields")
        event = make_event(opened, area_id=area)
        _slips(opened, event, 40, sex="female", ethnic_group="asian_bangladeshi")
        _slips(opened, event, 3, sex="male", ethnic_group="white_roma")
    return path


def test_json_counts_have_count_in_their_names_and_hidden_ones_are_strings(database, tmp_path):
    out = tmp_path / "report.json"
    code, _out, err = run_cli(
        "--db", database, "report", "equality", "--format", "json", "--out", out
    )
    assert code == 0, err
    document = json.loads(out.read_text(encoding="utf-8"))

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                yield from walk(item, name)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, key)
        else:
            yield key, value

    counted = [(key, value) for key, value in walk(document) if "count" in key]
    assert counted
    # Events are not people: only counts of responses are protected.
    people = [(key, value) for key, value in counted if key != "event_count"]
    small = [value for key, value in people if isinstance(value, int) and 0 < value < 5]
    assert small == []
    assert ("count", "<5") in counted
    assert document["disclosure"]["threshold"] == 5
    sex = next(c for c in document["characteristics"] if c["name"] == "sex")
    assert {c["code"]: c["count"] for c in sex["categories"]} == {"female": "[c]", "male": "<5"}


def test_csv_neutralises_formula_looking_names(tmp_path):
    path = tmp_path / "ceapp.db"
    with open_store(str(path)) as opened:
        area = make_area(opened, borough='=HYPERLINK("x")', ward="+Ward")
        event = make_event(opened, area_id=area)
        _slips(opened, event, 12, sex="female")
    out = tmp_path / "report.csv"
    code, _out, err = run_cli("--db", path, "report", "equality", "--area", "+Ward", "--out", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    assert "'+Ward" in text and "\n+Ward" not in text and ",+Ward" not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "docx", "--out", "{tmp}/r.docx"], "not a report format"),
        (["--out", "{tmp}/missing/r.csv"], "does not exist"),
        (["--out", "{tmp}"], "is a folder"),
        (["--threshold", "7"], "5 or 10"),
        (["--reference", "Atlantis"], "Atlantis"),
        (["--reference", "{tmp}/nothing.csv"], "There is no file"),
        (["--out", "{tmp}/report"], "Say which format"),
        (["--format", "csv"], "--out"),
        (["--from", "2025-13-01"], "not a date"),
        (["--area", "Atlantis"], "no area"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_changes(database, tmp_path, argv, message):
    before = file_fingerprint(database)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    argv = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    code, out, err = run_cli("--db", database, "report", "equality", *argv)
    assert code == 2, (out, err)
    assert message in err and "Traceback" not in err
    assert file_fingerprint(database) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_a_report_replaces_an_old_file_whole(database, tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("last month's report")
    code, _out, err = run_cli("--db", database, "report", "equality", "--out", out)
    assert code == 0, err
    assert "Equality monitoring report" in out.read_text(encoding="utf-8-sig")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ceapp-report")] == []


def test_printed_report_shows_the_rule_and_hides_small_counts(database):
    code, out, err = run_cli("--db", database, "report", "equality")
    assert code == 0, err
    assert "Counts under 5 are shown as <5" in out
    assert "<5" in out


def test_a_few_who_prefer_not_to_say_never_hide_the_breakdown(store):
    event = make_event(store)
    _slips(store, event, 33, sex="female")
    _slips(store, event, 2, sex="prefer_not_to_say")
    sex = equality_report(store, Selection()).breakdown("sex")
    assert not sex.withheld
    assert (sex.answered, sex.prefer_not_to_say, sex.not_answered) == (33, 2, 0)
    assert [c.count for c in sex.categories] == [33, 0]


def test_findings_say_when_too_few_can_be_compared(store):
    event = make_event(store)
    _slips(store, event, 12)  # slips handed in blank
    report = equality_report(store, Selection(), reference=reference_figures.find("England"))
    assert report.findings == [
        "There are too few answers to compare attendees with the population of England."
    ]
