"""The Reports page, driven by keys and clicks as a person would, on a small database of slips."""

from __future__ import annotations

import csv

import pytest
from factories import make_area, make_event
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ceapp import disclosure, monitoring
from ceapp.reports.equality import UNDER_REPRESENTED

# Population figures of a made-up borough: half women, half men.
REFERENCE_CSV = (
    "area_code,area_name,universe,characteristic,category,percent,source\n"
    "E00000001,Test Borough,all_ages,sex,female,50,Census 2021 test figures\n"
    "E00000001,Test Borough,all_ages,sex,male,50,Census 2021 test figures\n"
)
COUNT = 1  # the table's Count column
REPRESENTATION = 5


pytestmark = pytest.mark.usefixtures("events_page_first")


def slips(*groups: tuple[int, dict]) -> list[dict]:
    return [dict(answers) for number, answers in groups for _each in range(number)]


@pytest.fixture
def slips_db(store):
    """Two Tower Hamlets wards with enough slips to publish, a Hackney ward with few."""
    spitalfields = make_area(store, ward="Spitalfields")
    bow = make_area(store, ward="Bow East")
    dalston = make_area(store, borough="Hackney", ward="Dalston")
    forum = make_event(store, title="Spitalfields forum", area_id=spitalfields)
    walk = make_event(
        store, title="Bow walkabout", area_id=bow, starts_at="2026-04-02 10:00", ends_at=None
    )
    dalston_event = make_event(store, title="Dalston drop-in", area_id=dalston)
    tiny = make_event(
        store, title="Tiny meeting", area_id=dalston, starts_at="2026-06-01 10:00", ends_at=None
    )
    monitoring.add_responses(
        store,
        event_id=forum,
        answers=slips(
            (14, {"sex": "female", "ethnic_group": "asian_bangladeshi"}),
            (6, {"sex": "male", "ethnic_group": "white_british"}),
        ),
    )
    monitoring.add_responses(
        store,
        event_id=walk,
        answers=slips(
            (9, {"sex": "female"}),
            (4, {"sex": "male"}),
            (2, {"sex": "prefer_not_to_say"}),
            (6, {}),
        ),
    )
    monitoring.add_responses(
        store,
        event_id=dalston_event,
        answers=slips((9, {"sex": "female"}), (3, {"sex": "male"})),
    )
    monitoring.add_responses(store, event_id=tiny, answers=slips((4, {"sex": "female"})))
    store.ids = {"tiny": tiny, "dalston": dalston}
    return store


def sex_counts(store, borough: str) -> dict[str, int]:
    """What the report should count, worked out here with SQL of its own."""
    rows = store.conn.execute(
        "SELECT m.sex, count(*) FROM monitoring_responses m"
        " JOIN events e ON e.id = m.event_id JOIN areas a ON a.id = e.area_id"
        " WHERE a.borough = ? GROUP BY m.sex",
        (borough,),
    )
    return dict(rows.fetchall())


def open_reports(qtbot, open_window, store, **options):
    window = open_window(store, **options)
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier
    )
    page = window.pages["reports"]
    assert window.current_page is page
    assert page.area_combo.hasFocus()
    return window, page


def choose(qtbot, combo, data) -> None:
    """Move through a combo with the Down key, as a person would, until `data` is chosen."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.count()):
        if combo.currentData() == data:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data


def run(qtbot, page) -> None:
    qtbot.keyClick(page.area_combo, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert page.report is not None or page.choice_message.text()


def table(page) -> dict[str, list[str]]:
    model = page.table.model()
    return {
        model.data(model.index(row, 0)): [
            model.data(model.index(row, column)) for column in range(model.columnCount())
        ]
        for row in range(model.rowCount())
    }


def load_reference(page, path) -> None:
    page.choose_reference_file = lambda: str(path)
    page.load_reference_button.click()


def test_a_borough_report_shows_the_counts_the_database_holds(
    qtbot, open_window, slips_db, tmp_path
):
    reference = tmp_path / "test-borough.csv"
    reference.write_text(REFERENCE_CSV, encoding="utf-8")
    window, page = open_reports(qtbot, open_window, slips_db)
    choose(qtbot, page.area_combo, "Tower Hamlets")
    assert page.area_combo.currentText() == "Tower Hamlets (whole borough)"
    load_reference(page, reference)
    assert "Test Borough" in page.reference_combo.currentText()
    choose(qtbot, page.characteristic_combo, "sex")

    run(qtbot, page)

    expected = sex_counts(slips_db, "Tower Hamlets")
    assert expected == {
        "female": 23,
        "male": 10,
        "prefer_not_to_say": 2,
        "not_answered": 6,
    }
    shown = table(page)
    assert page.choice_message.text() == "", page.choice_message.text()
    assert list(shown) == ["Female", "Male"], (page.breakdown_label.text(), shown)
    assert shown["Female"][COUNT] == str(expected["female"])
    assert shown["Male"][COUNT] == str(expected["male"])
    assert page.breakdown_label.text() == ("Answered: 33; prefer not to say: 2; not answered: 6.")
    assert "Borough: Tower Hamlets" in page.selection_label.text()
    assert "Events: 2; monitoring responses: 41" in page.selection_label.text()
    # Men are 30.3% of attendees who answered against half the population: the
    # row says so in words, and is marked.
    assert shown["Male"][REPRESENTATION] == "Under-represented"
    male = list(shown).index("Male")
    model = page.table.model()
    assert page.report.breakdown("sex").categories[male].representation == UNDER_REPRESENTED
    assert model.data(model.index(male, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(male, COUNT), Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )
    assert "Men are 50% of residents in Test Borough but 30.3%" in page.findings_label.text()
    # The rule in force is always on show beside the table.
    assert page.rule_label.isVisible()
    assert page.rule_label.text() == disclosure.describe(disclosure.Rule())
    assert page.chart.breakdown is page.report.breakdown("sex")
    assert not page.chart.grab().isNull()
    assert window.statusBar().currentMessage() == "Report ready."


def test_a_small_selection_shows_markers_never_a_small_count(qtbot, open_window, slips_db):
    _window, page = open_reports(qtbot, open_window, slips_db)
    choose(qtbot, page.area_combo, slips_db.ids["dalston"])
    choose(qtbot, page.characteristic_combo, "sex")
    page.area_combo.setFocus()
    qtbot.keyClick(page.area_combo, Qt.Key.Key_Return)  # Enter runs it too

    shown = table(page)
    assert shown["Male"][COUNT] == "<5"
    # Female (9) would give the 3 away beside the total: hidden too.
    assert shown["Female"][COUNT] == "[c]"
    for row in shown.values():
        assert not (row[COUNT].isdigit() and 0 < int(row[COUNT]) < 5), row
    # The chart draws no bar for a hidden count, and reads out its marker instead.
    page.chart.setFocus()
    qtbot.keyClick(page.chart, Qt.Key.Key_Down)
    assert page.chart.focused_text().startswith("Male: count hidden (<5)")
    assert all(category.percent is None for category in page.chart.breakdown.categories)
    assert not page.chart.grab().isNull()

    # Ten times stricter: one slip fewer than ten in the whole selection is withheld.
    page.event_box.setFocus()
    qtbot.keyClicks(page.event_box, slips_db.ids["tiny"][:8])
    choose(qtbot, page.area_combo, None)
    run(qtbot, page)
    assert page.table.model().rowCount() == 0
    assert page.breakdown_label.text().startswith("Withheld: too few answers")
    assert "monitoring responses: <10" in page.selection_label.text()
    assert "4" not in page.breakdown_label.text()
    assert page.chart.breakdown is None


def test_save_as_csv_writes_the_report(qtbot, open_window, slips_db, tmp_path, monkeypatch):
    target = tmp_path / "tower-hamlets"
    asked = []

    def save_dialog(parent, caption, folder, filters):
        asked.append(filters)
        return str(target), "CSV spreadsheet (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    _window, page = open_reports(qtbot, open_window, slips_db)
    assert not page.save_button.isEnabled()
    choose(qtbot, page.area_combo, "Tower Hamlets")
    run(qtbot, page)
    assert page.save_button.isEnabled()

    qtbot.keyClick(page.area_combo, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    written = tmp_path / "tower-hamlets.csv"
    assert asked and "(*.xlsx)" in asked[0] and "(*.pdf)" in asked[0]
    assert page.choice_message.text().startswith(f"Saved the report to {written} (")
    rows = list(csv.reader(written.read_text(encoding="utf-8-sig").splitlines()))
    head = ["Characteristic", "Code", "Category", "Count"]
    table_head = next(number for number, row in enumerate(rows) if row[:4] == head)
    sex = {}
    for row in rows[table_head + 1 :]:
        if not row:
            break
        if row[0] == "Sex":
            sex[row[1]] = row[3]
    assert sex["female"] == "23" and sex["male"] == "10"


def test_a_bad_choice_or_reference_file_is_told_on_the_page(qtbot, open_window, slips_db, tmp_path):
    _window, page = open_reports(qtbot, open_window, slips_db)
    before = page.reference_combo.currentText()
    bad = tmp_path / "figures.csv"
    bad.write_text("area,percent\nsomewhere,12\n", encoding="utf-8")

    load_reference(page, bad)

    assert page.choice_message.text().startswith(
        "figures.csv, line 1: the first row must be the header"
    )
    assert page.reference_combo.currentText() == before

    page.event_box.setFocus()
    qtbot.keyClicks(page.event_box, "zz")
    run(qtbot, page)
    assert page.report is None
    assert page.choice_message.text() == "Event: give at least 4 characters of the id."
    assert page.run_button.isEnabled() and not page.busy_label.isVisible()


def test_the_report_runs_off_the_gui_thread_and_shows_it_is_busy(qtbot, open_window, slips_db):
    _window, page = open_reports(qtbot, open_window, slips_db, synchronous=False)
    choose(qtbot, page.area_combo, "Tower Hamlets")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)

    assert page.busy_label.isVisible()
    assert not page.run_button.isEnabled() and not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: page.report is not None)
    assert not page.busy_label.isVisible() and page.run_button.isEnabled()
    assert page.save_button.isEnabled()
    assert page.results_box.title() == "Equality report: Ethnic group (five groups)"


def test_the_trend_by_quarter_shows_published_counts_only(qtbot, open_window, slips_db):
    _window, page = open_reports(qtbot, open_window, slips_db)
    choose(qtbot, page.area_combo, "Tower Hamlets")
    choose(qtbot, page.characteristic_combo, "sex")
    run(qtbot, page)

    model = page.trend_table.model()
    assert page.trend_table.isVisible()
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    assert headers == ["Category", "Jan to Mar 2026", "Apr to Jun 2026", "All quarters"]
    rows = {
        model.data(model.index(row, 0)): [
            model.data(model.index(row, column)) for column in range(1, model.columnCount())
        ]
        for row in range(model.rowCount())
    }
    assert list(rows) == ["Female", "Male", "All answers"]
    # Four men in the second quarter: never shown as a number, nor worked out from the rest.
    assert rows["Male"][1] == "<5"
    assert rows["Female"][2] == "23" and rows["Male"][2] == "10"
    assert any(cell == disclosure.SECONDARY for cell in rows["Male"] + rows["Female"])
    for cells in rows.values():
        for cell in cells:
            assert not (cell.isdigit() and 0 < int(cell) < 5)
