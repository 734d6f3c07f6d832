"""The equality report as an Excel workbook: the report, the trend by quarter, and notes.

The rows are the ones the CSV file has (equality_rows.py). Numbers are
numeric cells with number formats; a suppressed count stays the text it is
published as ("<5", "[c]"), right-aligned like the numbers beside it. Every
text cell goes through `neutralise`, so a name typed as "=HYPERLINK(...)"
is shown as typed and never runs.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ceapp.i18n import _, ngettext
from ceapp.monitoring import NOT_ANSWERED
from ceapp.reports.cells import neutralise
from ceapp.reports.characteristics import BY_NAME
from ceapp.reports.equality import (
    FEWEST_EXPECTED,
    OVER,
    UNDER,
    EqualityReport,
)
from ceapp.reports.equality_rows import (
    heading_rows,
    table_header,
    table_rows,
    trend_header,
    trend_rows,
)

COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
RATIO_FORMAT = "0.00"
# Columns of table_rows: 3 is the count, 4 and 5 percents, 6 the ratio.
TABLE_FORMATS = {3: COUNT_FORMAT, 4: PERCENT_FORMAT, 5: PERCENT_FORMAT, 6: RATIO_FORMAT}
TREND_FORMATS = {4: COUNT_FORMAT}
WIDEST = 60
NARROWEST = 8
BOLD = Font(bold=True)
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
    """One cell: numbers as numbers, text neutralised (suppressed counts right-aligned)."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        cell.value = value
        if number_format is not None:
            cell.number_format = number_format
        elif isinstance(value, int):
            cell.number_format = COUNT_FORMAT
        return cell
    cell.value = neutralise(str(value))
    # A count column holding text holds a suppression marker: line it up with the numbers.
    if number_format is not None:
        cell.alignment = RIGHT
    cell.data_type = "s"
    return cell


def _write_rows(sheet, first_row: int, rows: list[list], formats: dict[int, str]) -> int:
    """Write rows from first_row; returns the next free row."""
    for offset, values in enumerate(rows):
        for column, value in enumerate(values):
            _put(sheet, first_row + offset, column + 1, value, formats.get(column))
    return first_row + len(rows)


def _header(sheet, row: int, names: list[str], formats: dict[int, str]) -> None:
    for column, name in enumerate(names):
        cell = _put(sheet, row, column + 1, name)
        cell.font = BOLD
        cell.alignment = Alignment(
            wrap_text=True, vertical="bottom", horizontal="right" if column in formats else None
        )


def _fit_columns(sheet, skip_rows: int = 0) -> None:
    """Columns as wide as their contents (within limits), ignoring the first skip_rows rows."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None:
                continue
            length = 8 if isinstance(cell.value, float) else len(str(cell.value))
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            WIDEST, max(NARROWEST, width + 2)
        )


def _report_sheet(sheet, report: EqualityReport) -> None:
    heading = heading_rows(report)
    row = 1
    for values in heading:
        for column, value in enumerate(values):
            cell = _put(sheet, row, column + 1, value)
            if column == 0:
                cell.font = BOLD
        row += 1
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    row += 1
    header_row = row
    names = table_header()
    _header(sheet, header_row, names, TABLE_FORMATS)
    _write_rows(sheet, header_row + 1, table_rows(report), TABLE_FORMATS)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _fit_columns(sheet, skip_rows=header_row)
    # The heading's labels sit in the first column too.
    first = sheet.column_dimensions["A"]
    first.width = max(first.width or 0, min(WIDEST, max(len(str(v[0])) for v in heading) + 2))
    for column in TABLE_FORMATS:
        letter = get_column_letter(column + 1)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, 14)
    sheet.row_dimensions[header_row].height = 32


def _trend_sheet(sheet, report: EqualityReport) -> None:
    _header(sheet, 1, trend_header(), TREND_FORMATS)
    rows = trend_rows(report)
    if rows:
        _write_rows(sheet, 2, rows, TREND_FORMATS)
    else:
        _put(sheet, 2, 1, _("There are not enough quarters or answers for a trend."))
    sheet.freeze_panes = "A2"
    _fit_columns(sheet)


def _compared_figures(report: EqualityReport, breakdown) -> tuple[list, bool]:
    """The reference figures a compared breakdown's population shares come from.

    ethnic_group_5 is added up from the 19 ethnic group figures when the file
    gives only those; the second value says so.
    """
    reference = report.reference
    name = breakdown.characteristic.name
    derived = name == "ethnic_group_5" and name not in reference.figures
    source = "ethnic_group" if derived else name
    given = reference.figures.get(source, {})
    codes = BY_NAME[source].codes
    return [figure for code, figure in given.items() if code in codes], derived


def source_notes(report: EqualityReport) -> list[tuple[str, str]]:
    """(characteristic, note) on how many of its population figures are from Census 2021 tables."""
    if report.reference is None:
        return []
    notes = []
    for breakdown in report.breakdowns:
        if not breakdown.compared:
            continue
        figures, derived = _compared_figures(report, breakdown)
        if not figures:
            continue
        total = len(figures)
        census = sum(figure.from_census for figure in figures)
        if derived and census == total:
            note = _("Added up from the {total} ethnic group figures, all from Census 2021 tables.")
        elif derived:
            note = ngettext(
                "Added up from the {total} ethnic group figures, of which {census} is from a "
                "Census 2021 table; the others come from other sources (see the list of sources).",
                "Added up from the {total} ethnic group figures, of which {census} are from "
                "Census 2021 tables; the others come from other sources (see the list of sources).",
                census,
            )
        elif census == total:
            note = _("All {total} figures are from Census 2021 tables.")
        elif census == 0:
            note = _(
                "None of the {total} figures is from a Census 2021 table; they come from other "
                "sources (see the list of sources)."
            )
        else:
            note = ngettext(
                "{census} of the {total} figures is from a Census 2021 table; the others come "
                "from other sources (see the list of sources).",
                "{census} of the {total} figures are from Census 2021 tables; the others come "
                "from other sources (see the list of sources).",
                census,
            )
        notes.append((breakdown.label, note.format(census=census, total=total)))
    return notes


def all_from_census(report: EqualityReport) -> bool:
    """Whether every population figure the report compares with is from a Census 2021 table."""
    if report.reference is None:
        return True
    return all(
        figure.from_census
        for breakdown in report.breakdowns
        if breakdown.compared
        for figure in _compared_figures(report, breakdown)[0]
    )


def figure_rows(report: EqualityReport) -> list[list]:
    """(characteristic, category, percent, from Census 2021, source) for each population figure."""
    reference = report.reference
    if reference is None:
        return []
    rows = []
    for name, given in reference.figures.items():
        characteristic = BY_NAME.get(name)
        label = characteristic.label_text() if characteristic else name
        for code, figure in given.items():
            if characteristic is not None and code in characteristic.codes:
                category = characteristic.category_label(code)
            else:
                category = _("Not answered") if code == NOT_ANSWERED else code
            rows.append(
                [
                    label,
                    category,
                    figure.percent,
                    _("Yes") if figure.from_census else _("No"),
                    figure.source,
                ]
            )
    return rows


def _about_sheet(sheet, report: EqualityReport) -> None:
    rows: list[list] = [
        [_("About this report")],
        [_("Disclosure control"), report.rule_text],
        [
            _("Percentages"),
            _(
                "Percentages are of the attendees who answered the question; "
                '"prefer not to say" and "not answered" are counted separately.'
            ),
        ],
        [
            _("Representation ratio"),
            _(
                "The share of attendees divided by the share of the population. Below {under} "
                "is under-represented, above {over} over-represented; with fewer than "
                "{fewest} attendees expected in a group, there are too few to say."
            ).format(under=UNDER, over=OVER, fewest=FEWEST_EXPECTED),
        ],
    ]
    reference = report.reference
    if reference is None:
        rows.append([_("Population figures"), _("no population figures")])
    else:
        rows.append(
            [
                _("Population figures"),
                _("{area} ({code}), {universe}").format(
                    area=reference.name, code=reference.code, universe=reference.universe_label()
                ),
            ]
        )
        if reference.population is not None:
            rows.append([_("Population"), reference.population])
        rows.append([_("Figures from"), reference.path])
        rows += [[label, note] for label, note in source_notes(report)]
    row = 1
    for values in rows:
        for column, value in enumerate(values):
            cell = _put(sheet, row, column + 1, value)
            if column == 0:
                cell.font = BOLD
            else:
                cell.alignment = WRAP
        row += 1
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    figures = figure_rows(report)
    if figures:
        row += 1
        names = [
            _("Characteristic"),
            _("Category"),
            _("Percent of population"),
            _("From a Census 2021 table"),
            _("Source"),
        ]
        _header(sheet, row, names, {2: PERCENT_FORMAT})
        for values in figures:
            row += 1
            for column, value in enumerate(values):
                cell = _put(sheet, row, column + 1, value, "0.00" if column == 2 else None)
                if column == 4:
                    cell.alignment = WRAP
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 16
    sheet.column_dimensions["E"].width = 70


def _sheet_title(text: str) -> str:
    """A translated name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", text).strip("' ")[:31] or "Sheet"


def to_xlsx(report: EqualityReport) -> bytes:
    workbook = Workbook()
    report_sheet = workbook.active
    report_sheet.title = _sheet_title(_("Report"))
    _report_sheet(report_sheet, report)
    _trend_sheet(workbook.create_sheet(_sheet_title(_("Trend by quarter"))), report)
    _about_sheet(workbook.create_sheet(_sheet_title(_("About"))), report)
    workbook.properties.title = _("Equality monitoring report")
    workbook.properties.subject = _("Attendees by protected characteristic")
    workbook.properties.creator = "ceapp"
    workbook.properties.lastModifiedBy = "ceapp"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
