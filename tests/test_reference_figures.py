"""Shipped Census 2021 reference figures, and the loader's refusals of bad files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceapp import monitoring, reference_figures
from ceapp.errors import ValidationError
from ceapp.reference_figures import HEADER, find, load_csv, parse_bytes, shipped

ROOT = Path(__file__).resolve().parent.parent
AREAS = {
    "E92000001": "England",
    "E09000030": "Tower Hamlets",
    "E06000016": "Leicester",
    "E09000014": "Haringey",
    "E08000018": "Rotherham",
    "E06000006": "Halton",
}
# Monitoring categories no shipped file gives a figure for, and why (docs/reference-figures.md).
ABSENT = {
    "age_band": "no exact Census 2021 TS007A figures were found for any shipped area",
}


def test_every_shipped_file_loads_one_area_each():
    references = shipped()
    assert {ref.code: ref.name for ref in references} == AREAS
    assert [ref.name for ref in references] == sorted(AREAS.values())
    for ref in references:
        assert ref.universe in ("all_ages", "16_plus")
        assert ref.universe_label() == "all ages"
        assert Path(ref.path).name.endswith(".csv")
        for figures in ref.figures.values():
            assert all(figure.source for figure in figures.values())


def test_package_data_ships_the_reference_files():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]["ceapp.resources"]
    assert "reference/*.csv" in package_data
    assert sorted(p.name for p in (ROOT / "resources" / "reference").glob("*.csv"))


def _figure(area: str, characteristic: str, category: str):
    return find(area).figures[characteristic][category]


@pytest.mark.parametrize(
    ("area", "characteristic", "category", "percent", "from_census"),
    [
        # England: TS008 28,833,712 of 56,490,048; TS031 3,801,186 Muslim of 56,490,047.
        ("England", "sex", "female", 51.04, True),
        ("England", "religion", "muslim", 6.73, True),
        ("England", "religion", "christian", 46.32, True),
        ("England", "religion", "not_answered", 6.02, False),  # derived by subtraction
        # Tower Hamlets: Census 2021 religion counts; the council's TS021 release.
        ("Tower Hamlets", "religion", "muslim", 39.96, True),
        ("Tower Hamlets", "ethnic_group", "asian_bangladeshi", 34.6, False),
        ("Tower Hamlets", "ethnic_group", "white_british", 22.9, False),
        ("Tower Hamlets", "ethnic_group", "white_other", 14.6, False),
        ("Tower Hamlets", "ethnic_group", "asian_chinese", 3.0, False),  # reported, rounded
        ("Tower Hamlets", "ethnic_group", "black_african", 5.0, False),  # council release
        ("Tower Hamlets", "ethnic_group", "mixed_other", 1.7, False),  # still an estimate
        # Tower Hamlets disability: the council's rounded 12.9%; its complement derived.
        ("Tower Hamlets", "disability", "disabled", 12.9, False),
        ("Tower Hamlets", "disability", "not_disabled", 87.1, False),
        # England disability: derived from ONS's 9.8 million (rounded) of 56,490,048.
        ("England", "disability", "disabled", 17.3, False),
        ("England", "disability", "not_disabled", 82.7, False),
        # Leicester: religion counts; White rows from TS021 counts of 368,571.
        ("Leicester", "religion", "hindu", 17.87, True),
        ("Leicester", "ethnic_group", "white_british", 33.21, True),
        ("Leicester", "ethnic_group", "white_roma", 0.23, True),
        ("Leicester", "ethnic_group", "white_other", 6.83, False),  # derived
        ("Leicester", "ethnic_group", "asian_indian", 34.3, False),  # reported
    ],
)
def test_spot_figures_are_the_published_ones(area, characteristic, category, percent, from_census):
    figure = _figure(area, characteristic, category)
    assert figure.percent == percent
    assert figure.from_census is from_census


@pytest.mark.parametrize(
    ("area", "population", "groups"),
    [
        (
            "Haringey",
            264_238,
            {"asian": 8.7, "black": 17.6, "mixed": 7.0, "white": 57.0, "other": 9.7},
        ),
        (
            "Rotherham",
            265_807,
            {"asian": 5.3, "black": 1.1, "mixed": 1.4, "white": 91.0, "other": 1.2},
        ),
        (
            "Halton",
            128_478,
            {"asian": 1.1, "black": 0.4, "mixed": 1.4, "white": 96.5, "other": 0.6},
        ),
    ],
)
def test_given_figures_are_present(area, population, groups):
    ref = find(area)
    assert ref.population == population
    assert {code: f.percent for code, f in ref.figures["ethnic_group_5"].items()} == groups
    for code, percent in groups.items():
        assert ref.share("ethnic_group_5", code) == pytest.approx(percent)
    # Only the five groups are known: no 19-category split is invented.
    assert "ethnic_group" not in ref.figures
    assert ref.share("ethnic_group", "white_british") is None


def test_haringey_disability_given_and_its_complement_marked_derived():
    disabled = _figure("Haringey", "disability", "disabled")
    not_disabled = _figure("Haringey", "disability", "not_disabled")
    assert (disabled.percent, disabled.from_census) == (13.7, True)
    assert (not_disabled.percent, not_disabled.from_census) == (86.3, False)


def test_england_disability_is_derived_not_age_standardised():
    disabled = _figure("England", "disability", "disabled")
    assert "9.8 million" in disabled.source
    assert not disabled.from_census
    text = (ROOT / "resources" / "reference" / "england.csv").read_text(encoding="utf-8")
    # The age-standardised TS038ASP shares (7.5 + 10.2 = 17.7) are not used as population shares.
    assert 17.7 not in {f.percent for f in find("England").figures["disability"].values()}
    assert "TS038ASP" in text


def test_partial_religion_figures_stay_in_comments():
    halton = (ROOT / "resources" / "reference" / "halton.csv").read_text(encoding="utf-8")
    assert "Christian 58.6%" in halton
    for area in ("Halton", "Rotherham", "Haringey"):
        assert "religion" not in find(area).figures


def test_haringey_religion_given_figures_are_recorded_but_not_shipped_partial():
    text = (ROOT / "resources" / "reference" / "haringey.csv").read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for given_figure in ("Christian 39.3", "no religion 31.6", "Muslim 12.6", "Jewish 3.6"):
        assert given_figure in comments
    assert "religion" not in find("Haringey").figures


@pytest.mark.parametrize("question", ["age_band", "sex", "ethnic_group", "religion"])
def test_every_monitoring_category_has_a_row_or_is_documented_absent(question):
    codes = set(monitoring.answer_codes(question))
    assert codes <= set(reference_figures.CATEGORIES[question])
    shipped_codes = {
        code
        for ref in shipped()
        for code in ref.figures.get(question, {})
        if code != "not_answered"
    }
    if question in ABSENT:
        assert not shipped_codes
        docs = (ROOT / "docs" / "reference-figures.md").read_text(encoding="utf-8")
        assert question in docs
    else:
        assert shipped_codes == codes


def test_share_leaves_out_not_answered_and_groups_the_19_categories():
    england = find("england")
    muslim = england.figures["religion"]["muslim"].percent
    not_answered = england.figures["religion"]["not_answered"].percent
    assert england.share("religion", "muslim") == pytest.approx(
        100 * muslim / (100 - not_answered), abs=0.01
    )
    assert england.share("religion", "not_answered") is None
    assert england.share("disability", "disabled") == pytest.approx(17.3)
    assert find("Rotherham").share("disability", "disabled") is None
    leicester = find("E06000016")
    asian = sum(
        f.percent
        for code, f in leicester.figures["ethnic_group"].items()
        if code.startswith("asian_")
    )
    total = sum(f.percent for f in leicester.figures["ethnic_group"].values())
    assert leicester.share("ethnic_group_5", "asian") == pytest.approx(100 * asian / total)


def test_find_by_path_and_unknown_area(tmp_path):
    path = ROOT / "resources" / "reference" / "halton.csv"
    assert find(str(path)).code == "E06000006"
    with pytest.raises(ValidationError, match="Narnia") as refused:
        find("Narnia")
    assert refused.value.field == "reference"


GOOD_ROWS = [
    "W1,Ward,16_plus,sex,female,50.5,Census 2021 TS008",
    "W1,Ward,16_plus,sex,male,49.5,Census 2021 TS008",
]


def _csv(*rows: str, header: str = ",".join(HEADER)) -> bytes:
    return "\n".join(["# a comment", header, *rows]).encode()


def test_a_good_small_file_loads(tmp_path):
    path = tmp_path / "ward.csv"
    path.write_bytes(_csv(*GOOD_ROWS, "W1,Ward,16_plus,population,total,1200,estimate: council"))
    ref = load_csv(str(path))
    assert (ref.code, ref.name, ref.universe, ref.population) == ("W1", "Ward", "16_plus", 1200)
    assert ref.universe_label() == "aged 16 and over"
    assert ref.path == str(path)


@pytest.mark.parametrize(
    ("rows", "line", "words"),
    [
        (["W1,Ward,16_plus,ethnic_group,asian_bangladesh,50,x"], 3, "not a ethnic_group category"),
        (["W1,Ward,16_plus,sex,female,fifty,x"], 3, "must be a number"),
        (["W1,Ward,16_plus,sex,female,101,x"], 3, "outside 0 to 100"),
        (["W1,Ward,16_plus,sex,female,-1,x"], 3, "outside 0 to 100"),
        (["W1,Ward,16_plus,sex,female,nan,x"], 3, "must be a number"),
        (["W1,Ward,16_plus,sex,female,50.123,x"], 3, "more than 2 decimals"),
        ([GOOD_ROWS[0], GOOD_ROWS[0]], 4, "given twice"),
        ([GOOD_ROWS[0], "W2,Ward,16_plus,sex,male,49.5,x"], 4, "one area"),
        ([GOOD_ROWS[0], "W1,Ward,all_ages,sex,male,49.5,x"], 4, "one universe"),
        (["W1,Ward,adults,sex,female,50,x"], 3, "all_ages or 16_plus"),
        (["W1,Ward,16_plus,gender,female,50,x"], 3, "not a characteristic"),
        (["W1,Ward,16_plus,sex,female,50"], 3, "has 6 values"),
        (["W1,Ward,16_plus,sex,female,50,"], 3, "source column is empty"),
        ([GOOD_ROWS[0], "W1,Ward,16_plus,sex,male,40,x"], 3, "add up to 90.50"),
        (["W1,Ward,16_plus,population,total,12.5,x", *GOOD_ROWS], 3, "whole number"),
        (['W1,Ward,16_plus,sex,female,"50,x'], 3, "not valid CSV"),
    ],
)
def test_a_bad_row_is_refused_with_its_line(rows, line, words):
    with pytest.raises(ValidationError) as refused:
        parse_bytes(_csv(*rows), "ward.csv")
    message = str(refused.value)
    assert message.startswith(f"ward.csv, line {line}: "), message
    assert words in message
    assert refused.value.field == "reference"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "is empty"),
        (b"# only a comment\n\n", "is empty"),
        (_csv(header="code,name,percent"), "line 2: the first row must be the header"),
        (_csv(), "has no figures"),
        (b"\xff\xfe" + ",".join(HEADER).encode("utf-16-le"), "not UTF-8"),
        (b"area_code\x00", "binary data"),
    ],
)
def test_a_bad_file_is_refused(data, words):
    with pytest.raises(ValidationError, match=words):
        parse_bytes(data, "ward.csv")


def test_missing_folder_and_huge_files_are_refused(tmp_path):
    with pytest.raises(ValidationError, match="There is no file"):
        load_csv(str(tmp_path / "missing.csv"))
    with pytest.raises(ValidationError, match="is a folder"):
        load_csv(str(tmp_path))
    big = tmp_path / "big.csv"
    big.write_bytes(_csv(*GOOD_ROWS) + b"\n#" + b"x" * (reference_figures.MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="at most 256 KB"):
        load_csv(str(big))


_LINES = st.sampled_from(
    [
        ",".join(HEADER),
        *GOOD_ROWS,
        "W1,Ward,16_plus,religion,not_answered,3,x",
        "W1,Ward,16_plus,population,total,10,x",
        "# comment",
        "",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(st.one_of(_LINES, st.text(max_size=60)), max_size=8).map(
            lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
        ),
    )
)
def test_random_input_only_ever_raises_validation_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.csv"
    path.write_bytes(data)
    try:
        ref = load_csv(str(path))
    except ValidationError as error:
        assert error.field == "reference"
        assert str(error)
    else:
        assert ref.figures
