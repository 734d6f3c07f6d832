"""The equality report as XLSX and PDF: numbers stay numbers, hidden counts stay hidden,
typed names never run as formulas, and the PDF carries its rule, fonts and findings."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from datetime import date

import pytest
from factories import make_area, make_event
from openpyxl import load_workbook

from ceapp import disclosure, monitoring, reference_figures
from ceapp.reports.equality import equality_report
from ceapp.reports.equality_pdf import to_pdf
from ceapp.reports.equality_xlsx import to_xlsx
from ceapp.reports.selection import Selection, build_selection
from ceapp.store import open_store

FORMULA_WARD = '=HYPERLINK("http://x","y")'


def _slips() -> list[dict]:
    """Forty slips: big groups, one small group (1 Chinese), and some gaps."""
    slips = []
    for number in range(40):
        if number < 1:
            ethnic = "asian_chinese"
        elif number < 22:
            ethnic = "asian_bangladeshi"
        else:
            ethnic = "white_british"
        slips.append(
            {
                "sex": "female" if number % 3 else "male",
                "age_band": ("25_34", "35_44", "45_54", "55_64")[number % 4],
                "ethnic_group": ethnic,
                "religion": "muslim" if ethnic.startswith("asian") else "none",
                "long_term_condition": "no" if number % 5 else "yes",
                "condition_impact": "a_lot" if number % 5 == 0 else "not_at_all",
            }
        )
    return slips


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("equality") / "files.db"))
    area = make_area(store, ward=FORMULA_WARD)
    for starts in ("2025-02-10 18:00", "2025-05-12 18:00"):
        event = make_event(
            store,
            area_id=area,
            starts_at=starts,
            ends_at=starts[:11] + "20:00",
        )
        monitoring.add_responses(store, event_id=event, answers=_slips())
    tiny = make_event(store, area_id=area, starts_at="2025-06-02 18:00", ends_at="2025-06-02 20:00")
    monitoring.add_responses(store, event_id=tiny, answers=_slips()[:3])
    reference = reference_figures.find("Tower Hamlets")
    report = equality_report(store, Selection(area_id=area), reference=reference)
    small = equality_report(store, build_selection(store, event=tiny), reference=reference)
    rounded = equality_report(
        store,
        Selection(area_id=area),
        reference=reference,
        rule=disclosure.Rule(threshold=10, round_to=5),
    )
    yield {"report": report, "small": small, "rounded": rounded}
    store.close()


@pytest.fixture(scope="module")
def workbook(world):
    return load_workbook(io.BytesIO(to_xlsx(world["report"])))


@pytest.fixture(scope="module")
def pdf(world):
    return to_pdf(world["report"], today=date(2025, 7, 1))


def _table(sheet) -> tuple[int, dict[str, int]]:
    """The header row of the report table and its columns by name."""
    for row in sheet.iter_rows():
        if row[0].value == "Characteristic":
            return row[0].row, {cell.value: cell.column for cell in row if cell.value}
    raise AssertionError("no table header")


def _row(sheet, header_row: int, columns: dict, characteristic: str, code: str):
    for row in sheet.iter_rows(min_row=header_row + 1):
        if row[0].value == characteristic and row[columns["Code"] - 1].value == code:
            return {name: row[column - 1] for name, column in columns.items()}
    raise AssertionError(f"no row {characteristic} {code}")


def test_xlsx_has_the_three_sheets_and_properties(workbook):
    assert workbook.sheetnames == ["Report", "Trend by quarter", "About"]
    assert workbook.properties.creator == "ceapp"
    assert workbook.properties.title == "Equality monitoring report"


def test_xlsx_numbers_are_numbers_with_formats(workbook):
    sheet = workbook["Report"]
    header_row, columns = _table(sheet)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.cell(header_row, 1).font.bold
    row = _row(sheet, header_row, columns, "Ethnic group", "asian_bangladeshi")
    count = row["Count"]
    assert count.data_type == "n" and count.value == 44 and isinstance(count.value, int)
    share = row["Percent of those who answered"]
    assert share.data_type == "n" and share.number_format == "0.0"
    assert row["Representation ratio"].number_format == "0.00"
    assert isinstance(row["Representation ratio"].value, float)


def test_xlsx_suppressed_counts_stay_strings_right_aligned(workbook):
    sheet = workbook["Report"]
    header_row, columns = _table(sheet)
    row = _row(sheet, header_row, columns, "Ethnic group", "asian_chinese")
    assert row["Count"].data_type == "s" and row["Count"].value == "<5"
    assert row["Count"].alignment.horizontal == "right"
    assert row["Percent of those who answered"].value is None
    trend = workbook["Trend by quarter"]
    hidden = [
        cell for row in trend.iter_rows(min_row=2) for cell in row[4:5] if cell.data_type == "s"
    ]
    assert hidden and all(cell.value in ("<5", "[c]") for cell in hidden)


def test_xlsx_formula_looking_names_stay_text(workbook):
    texts = [
        cell
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert texts
    for cell in texts:
        assert cell.data_type != "f"
        assert cell.value.startswith("'")


def test_xlsx_about_sheet_gives_the_rule_and_sources(workbook, world):
    values = [cell.value for row in workbook["About"].iter_rows() for cell in row if cell.value]
    assert world["report"].rule_text in values
    assert any("Census 2021" in str(value) for value in values)
    assert "Yes" in values and "No" in values  # which figures are from Census 2021 tables


def _pdf_text(data: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    result = subprocess.run([tool, str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_pdf_embeds_noto_sans_and_has_metadata(pdf):
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSans", pdf)
    assert b"Equality monitoring report" in _info(pdf)
    assert b"ceapp" in _info(pdf)


def _info(pdf: bytes) -> bytes:
    """The document information dictionary (reportlab writes it uncompressed)."""
    match = re.search(rb"<<\s*/Author.*?>>", pdf, re.S)
    if match:
        return match.group(0)
    # Fall back to every stream, inflated, for a writer that compresses it.
    return b"".join(zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)endstream", pdf))


def test_pdf_text_has_the_rule_on_every_page_and_the_findings(pdf, world, tmp_path):
    text = _pdf_text(pdf, tmp_path)
    report = world["report"]
    assert "Equality monitoring report" in text
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert text.count(report.rule_text) >= pages + 1  # every footer, and the box
    assert report.findings
    for line in report.findings:
        assert " ".join(line.split()) in text
    assert "Made on 2025-07-01" in text
    assert "Under-represented" in text or "In line with the population" in text


def test_pdf_of_a_tiny_selection_says_too_few(world, tmp_path):
    text = _pdf_text(to_pdf(world["small"]), tmp_path)
    assert "Too few answers to break down" in text
    assert "too few answers to compare attendees with the population" in text


def test_rounded_threshold_ten_report_renders_both_files(world, tmp_path):
    report = world["rounded"]
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    values = [cell.value for row in book["Report"].iter_rows() for cell in row]
    assert "<10" in values
    text = _pdf_text(to_pdf(report), tmp_path)
    assert "rounded to the nearest 5" in text


def test_pdf_sets_names_in_other_scripts_in_their_own_faces_and_order(tmp_path):
    """An event titled in Bengali and Arabic prints in Noto Sans Bengali and Naskh, in bidi
    order with our date after it, not as empty boxes in Noto Sans."""
    from ceapp.reports.equality_pdf import _after_right_to_left

    title = "বাংলা মহিলা সভা — Knighton ملتقى النساء"
    with open_store(str(tmp_path / "scripts.db")) as store:
        event = make_event(store, title=title, starts_at="2025-02-10 18:00", ends_at=None)
        monitoring.add_responses(store, event_id=event, answers=_slips())
        report = equality_report(store, build_selection(store, event=event))
    pdf = to_pdf(report, today=date(2025, 7, 1))
    for face in (b"NotoSansBengali", b"NotoNaskhArabic", b"NotoSans-Regular"):
        assert re.search(rb"/BaseFont /[A-Z]{6}\+" + face, pdf), face
    assert "Knighton" in _pdf_text(pdf, tmp_path)
    # The date after the Arabic name stays a left-to-right date.
    marked = _after_right_to_left(f"{title} (2025-02-10)")
    assert marked == f"{title}\u200e (2025-02-10)"
    assert _after_right_to_left("ملتقى 2025 النساء") == "ملتقى 2025 النساء"
    assert _after_right_to_left("Knighton (2025-02-10)") == "Knighton (2025-02-10)"
