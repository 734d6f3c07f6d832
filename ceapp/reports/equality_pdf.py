"""The equality report as a PDF for a council steering group.

Page 1 says what was selected, what it is compared with, the disclosure rule
(in a box) and the findings in plain English. Then each characteristic: a
bar chart and a table when there are population figures to compare with, a
table alone when there are not; then counts by quarter. Every page carries
the disclosure rule, the page number and the date it was made. Noto Sans is
embedded, so names in any Latin, Greek or Cyrillic script print as typed.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from ceapp.i18n import _, current_language
from ceapp.reports.equality import (
    FEWEST_EXPECTED,
    OVER,
    UNDER,
    UNDER_REPRESENTED,
    Breakdown,
    EqualityReport,
    quarter_label,
    representation_text,
)
from ceapp.reports.equality_chart import bar_chart, percent_text
from ceapp.reports.equality_xlsx import all_from_census, figure_rows, source_notes
from ceapp.sheets import layout
from ceapp.sheets.fonts import BASE_FAMILY, register_fonts
from ceapp.sheets.script_runs import runs

FONT = "NotoSans"
BOLD_FONT = "NotoSans-Bold"
BODY_SIZE = 10.5
TABLE_SIZE = 9.5
MARGIN = 18 * mm
FOOTER_ROOM = 24 * mm
TREND_NAMES = ("ethnic_group_5", "age_band", "sex", "disability")
MOST_QUARTERS = 8
HEADER_FILL = colors.HexColor("#e4e4e4")
RULE_FILL = colors.HexColor("#f2f2f2")
LINE = colors.HexColor("#888888")


def _register_fonts() -> None:
    # The sheets' faces too: names in other scripts are set in them (_text).
    register_fonts()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.35)
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=20,
            leading=25,
            spaceBefore=14,
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=14,
            leading=18,
            spaceBefore=10,
            spaceAfter=6,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=BOLD_FONT, fontSize=12, leading=15, spaceAfter=4
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=12, textColor="#333333"),
        "cell": ParagraphStyle("cell", parent=body, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.3),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.3,
        ),
        "number": ParagraphStyle(
            "number",
            parent=body,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.3,
            alignment=TA_RIGHT,
        ),
        "number_head": ParagraphStyle(
            "number_head",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.3,
            alignment=TA_RIGHT,
        ),
        "small_bold": ParagraphStyle(
            "small_bold", parent=body, fontName=BOLD_FONT, fontSize=9, leading=12
        ),
        "small_number": ParagraphStyle(
            "small_number", parent=body, fontSize=9, leading=12, alignment=TA_RIGHT
        ),
        "small_number_head": ParagraphStyle(
            "small_number_head",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=9,
            leading=12,
            alignment=TA_RIGHT,
        ),
        "footer": ParagraphStyle("footer", parent=body, fontSize=8, leading=10),
    }


def _text(value) -> str:
    """Anything as paragraph markup: typed names must not be read as tags."""
    return escape("" if value is None else str(value))


class _Shaped(Flowable):
    """Text in any script, set as the feedback sheets set it (ceapp.sheets.layout).

    reportlab's Paragraph shapes each face with harfbuzz but lays every run
    out left to right, so Arabic letters came out in reverse order: a name
    in another script (an event titled in Bengali or Arabic, a ward's own
    name) is broken into lines and drawn by the sheets' code instead, each
    run in a face that has its characters, in bidi order.
    """

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text, self.style = _after_right_to_left(text), style
        self._lines: list = []

    def wrap(self, available_width, _available_height):
        self._lines = layout.wrap(
            self.text,
            "en",
            rtl=False,
            size=self.style.fontSize,
            width=available_width,
            bold=self.style.fontName == BOLD_FONT,
        )
        self.height = sum(line.height for line in self._lines)
        return available_width, self.height

    def draw(self):
        top = self.height
        for line in self._lines:
            item = layout.Item("text", 0, top, line.width, top - line.height, line)
            layout.draw_line(self.canv, item)
            top -= line.height


def _after_right_to_left(text: str) -> str:
    """A left-to-right mark after the last right-to-left letter, if Latin or digits follow.

    Our lines read left to right, and a name is often followed by our own
    words: "ملتقى النساء (2026-11-26)". By the bidi rules, digits after
    Arabic letters are read as Arabic numbers and join the right-to-left
    run, so the date would print inside out; the mark ends the run first.
    """
    last = max(
        (index for index, ch in enumerate(text) if unicodedata.bidirectional(ch) in ("R", "AL")),
        default=None,
    )
    if last is None or not any(
        unicodedata.bidirectional(ch) in ("L", "EN") for ch in text[last + 1 :]
    ):
        return text
    return text[: last + 1] + "\u200e" + text[last + 1 :]


def _flowing(value, style: ParagraphStyle) -> Flowable:
    """A Paragraph, or for text Noto Sans cannot draw alone, the same text _Shaped."""
    text = "" if value is None else str(value)
    if text.isascii() or all(run.family == BASE_FAMILY for run in runs(text)):
        return Paragraph(_text(text), style)
    return _Shaped(text, style)


def _count(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _percent(value: float | None) -> str:
    return "" if value is None else percent_text(value)


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


class _NumberedCanvas(pdf_canvas.Canvas):
    """A canvas that knows the page count when it draws each page's footer."""

    def __init__(self, *args, footer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


def _footer_drawer(report: EqualityReport, today: date, styles):
    rule = Paragraph(
        _text(_("Disclosure control: {rule}").format(rule=report.rule_text)), styles["footer"]
    )
    made = _("Made on {date}").format(date=today.isoformat())

    def draw(canvas, number: int, total: int) -> None:
        width, _height = A4
        text_width = width - 2 * MARGIN
        canvas.saveState()
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, FOOTER_ROOM - 2 * mm, width - MARGIN, FOOTER_ROOM - 2 * mm)
        _w, used = rule.wrap(text_width, FOOTER_ROOM)
        rule.drawOn(canvas, MARGIN, FOOTER_ROOM - 4 * mm - used)
        canvas.setFont(FONT, 8.5)
        canvas.drawString(MARGIN, 8 * mm, made)
        canvas.drawRightString(
            width - MARGIN,
            8 * mm,
            _("Page {number} of {total}").format(number=number, total=total),
        )
        canvas.restoreState()

    return draw


def _grid_style(rows: int, *, header_rows: int = 1) -> TableStyle:
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, colors.black),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.3, LINE),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
    ]
    return TableStyle(commands)


def _first_page(report: EqualityReport, styles) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(_text(_("Equality monitoring report")), styles["title"])]
    lines = [*report.selection_lines]
    lines.append((_("Events"), _count(report.events)))
    lines.append((_("Monitoring responses"), _count(report.responses)))
    if report.reference is not None:
        compared = _("{area}, Census 2021 ({universe})").format(
            area=report.reference.name, universe=report.reference.universe_label()
        )
    else:
        compared = _("no population figures")
    lines.append((_("Compared with"), compared))
    table = Table(
        [
            [Paragraph(_text(what), styles["cell_bold"]), _flowing(chosen, styles["body"])]
            for what, chosen in lines
        ],
        colWidths=[48 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    if not all_from_census(report):
        story.append(
            Paragraph(
                _text(
                    _(
                        "Not every population figure is taken from a Census 2021 table: "
                        "the note under each chart says how many are, and the last page lists "
                        "the source of each figure."
                    )
                ),
                styles["small"],
            )
        )
        story.append(Spacer(1, 3 * mm))
    box = Table(
        [
            [Paragraph(_text(_("Disclosure control")), styles["h3"])],
            [Paragraph(_text(report.rule_text), styles["body"])],
            [
                Paragraph(
                    _text(
                        _(
                            "Hidden counts are never drawn as bars, and no percentage or "
                            "ratio is worked out from one."
                        )
                    ),
                    styles["body"],
                )
            ],
        ],
        colWidths=[A4[0] - 2 * MARGIN],
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), RULE_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (0, 0), 7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    story += [box, Spacer(1, 4 * mm)]
    story.append(Paragraph(_text(_("Findings")), styles["h2"]))
    if report.findings:
        story.append(
            ListFlowable(
                [
                    ListItem(_flowing(line, styles["body"]), leftIndent=14)
                    for line in report.findings
                ],
                bulletType="bullet",
                start="\u2022",
                bulletFontName=FONT,
                leftIndent=14,
            )
        )
    else:
        story.append(
            Paragraph(
                _text(_("There are no population figures to compare with, so no findings.")),
                styles["body"],
            )
        )
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_text(_("How to read this report")), styles["h3"]))
    for text in (
        _(
            "Percentages are of the attendees who answered the question; "
            '"prefer not to say" and "not answered" are counted separately.'
        ),
        _(
            "The representation ratio is the share of attendees divided by the share of the "
            "population. Below {under} is under-represented, above {over} over-represented; "
            "with fewer than {fewest} attendees expected in a group, there are too few to say."
        ).format(under=UNDER, over=OVER, fewest=FEWEST_EXPECTED),
    ):
        story.append(Paragraph(_text(text), styles["body"]))
        story.append(Spacer(1, 1.5 * mm))
    return story


def _answered_line(breakdown: Breakdown, styles) -> Paragraph:
    return Paragraph(
        _text(
            _("Answered: {answered}; prefer not to say: {prefer}; not answered: {missing}").format(
                answered=_count(breakdown.answered),
                prefer=_count(breakdown.prefer_not_to_say),
                missing=_count(breakdown.not_answered),
            )
        ),
        styles["small"],
    )


def _compared_table(breakdown: Breakdown, styles, width: float) -> Table:
    head = [
        Paragraph(_text(_("Category")), styles["cell_bold"]),
        Paragraph(_text(_("Count")), styles["number_head"]),
        Paragraph(_text(_("% of those who answered")), styles["number_head"]),
        Paragraph(_text(_("% of population")), styles["number_head"]),
        Paragraph(_text(_("Ratio")), styles["number_head"]),
        Paragraph(_text(_("Representation")), styles["cell_bold"]),
    ]
    rows = [head]
    for category in breakdown.categories:
        under = category.representation == UNDER_REPRESENTED
        rows.append(
            [
                Paragraph(_text(category.label), styles["cell"]),
                Paragraph(_text(_count(category.count)), styles["number"]),
                Paragraph(_text(_percent(category.percent)), styles["number"]),
                Paragraph(_text(_percent(category.population_percent)), styles["number"]),
                Paragraph(_text(_ratio(category.ratio)), styles["number"]),
                Paragraph(
                    _text(
                        representation_text(category.representation)
                        or (_("Count hidden") if isinstance(category.count, str) else "")
                    ),
                    styles["cell_bold" if under else "cell"],
                ),
            ]
        )
    count, share, ratio, words = 18 * mm, 22 * mm, 14 * mm, 40 * mm
    table = Table(
        rows,
        colWidths=[width - count - 2 * share - ratio - words, count, share, share, ratio, words],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(_grid_style(len(rows)))
    return table


def _plain_table(breakdown: Breakdown, styles, width: float) -> Table:
    rows = [
        [
            Paragraph(_text(_("Category")), styles["cell_bold"]),
            Paragraph(_text(_("Count")), styles["number_head"]),
            Paragraph(_text(_("% of those who answered")), styles["number_head"]),
        ]
    ]
    for category in breakdown.categories:
        rows.append(
            [
                Paragraph(_text(category.label), styles["cell"]),
                Paragraph(_text(_count(category.count)), styles["number"]),
                Paragraph(_text(_percent(category.percent)), styles["number"]),
            ]
        )
    table = Table(
        rows, colWidths=[width - 2 * 28 * mm, 28 * mm, 28 * mm], repeatRows=1, hAlign="LEFT"
    )
    table.setStyle(_grid_style(len(rows)))
    return table


def _characteristic(
    breakdown: Breakdown, report: EqualityReport, styles, width: float, notes: dict
) -> list[Flowable]:
    heading = Paragraph(_text(breakdown.label), styles["h2"])
    if breakdown.withheld:
        return [
            KeepTogether(
                [
                    heading,
                    _too_few(breakdown, report, styles),
                    Spacer(1, 2 * mm),
                    _answered_line(breakdown, styles),
                ]
            )
        ]
    parts: list[Flowable] = []
    if breakdown.compared and report.reference is not None:
        chart = bar_chart(
            breakdown,
            report.rule,
            width=width,
            font=FONT,
            bold_font=BOLD_FONT,
            population_name=report.reference.name,
        )
        note = notes.get(breakdown.label)
        lead = [heading, chart]
        if note:
            lead.append(
                Paragraph(_text(_("Population figures: {note}").format(note=note)), styles["small"])
            )
        parts.append(KeepTogether(lead))
        parts.append(Spacer(1, 3 * mm))
        parts.append(_compared_table(breakdown, styles, width))
    else:
        parts.append(heading)
        parts.append(_plain_table(breakdown, styles, width))
    parts += [Spacer(1, 1.5 * mm), _answered_line(breakdown, styles)]
    return parts


def _too_few(breakdown: Breakdown, report: EqualityReport, styles) -> Paragraph:
    answered = breakdown.answered
    if isinstance(answered, str) and answered.startswith("<"):
        text = _(
            "Too few answers to break down: fewer than {minimum} people answered this "
            "question, so nothing is shown for it."
        ).format(minimum=report.rule.minimum_total)
    else:
        text = _(
            "No breakdown is given: the counts are too small to show without revealing "
            "someone's answers."
        )
    return Paragraph(_text(text), styles["body"])


def _trend_table(breakdown: Breakdown, styles, width: float) -> Flowable:
    trend = breakdown.trend
    if breakdown.withheld:
        return Paragraph(_text(_("Too few answers for a trend.")), styles["body"])
    if trend is None:
        return Paragraph(
            _text(_("All the answers fall in one quarter, so there is no trend to show.")),
            styles["body"],
        )
    published = trend.published
    if published.withheld:
        return Paragraph(_text(_("Too few answers for a trend.")), styles["body"])
    first = max(0, len(trend.quarters) - MOST_QUARTERS)
    columns = list(range(first, len(trend.quarters)))
    head = [Paragraph(_text(_("Category")), styles["cell_bold"])] + [
        Paragraph(_text(quarter_label(trend.quarters[j])), styles["number_head"]) for j in columns
    ]
    rows = [head]
    for i, category in enumerate(breakdown.categories):
        rows.append(
            [Paragraph(_text(category.label), styles["cell"])]
            + [Paragraph(_text(_count(published.cells[i][j])), styles["number"]) for j in columns]
        )
    rows.append(
        [Paragraph(_text(_("Total who answered")), styles["cell_bold"])]
        + [
            Paragraph(_text(_count(published.column_totals[j])), styles["number_head"])
            for j in columns
        ]
    )
    number = 15.5 * mm
    table = Table(
        rows,
        colWidths=[width - number * len(columns)] + [number] * len(columns),
        repeatRows=1,
        hAlign="LEFT",
    )
    style = _grid_style(len(rows))
    style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)
    table.setStyle(style)
    return table


def _trend_section(report: EqualityReport, styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(120 * mm),
        Spacer(1, 6 * mm),
        Paragraph(_text(_("Trend by quarter")), styles["title"]),
    ]
    quarters = max(
        (len(each.trend.quarters) for each in report.breakdowns if each.trend is not None),
        default=0,
    )
    if quarters > MOST_QUARTERS:
        story.append(
            Paragraph(
                _text(
                    _(
                        "Counts of attendees who answered, for the most recent {shown} of "
                        "{quarters} quarters."
                    ).format(shown=MOST_QUARTERS, quarters=quarters)
                ),
                styles["body"],
            )
        )
    else:
        story.append(
            Paragraph(_text(_("Counts of attendees who answered, by quarter.")), styles["body"])
        )
    for name in TREND_NAMES:
        breakdown = next(
            (each for each in report.breakdowns if each.characteristic.name == name), None
        )
        if breakdown is None:
            continue
        story.append(Spacer(1, 3 * mm))
        story.append(
            KeepTogether(
                [
                    Paragraph(_text(breakdown.label), styles["h3"]),
                    _trend_table(breakdown, styles, width),
                ]
            )
        )
    return story


def _sources_section(report: EqualityReport, styles, width: float) -> list[Flowable]:
    rows = figure_rows(report)
    if not rows:
        return []
    story: list[Flowable] = [
        CondPageBreak(80 * mm),
        Spacer(1, 6 * mm),
        Paragraph(_text(_("Sources of the population figures")), styles["h2"]),
        Paragraph(
            _text(
                _(
                    'From {path}; percentages as given there, before "not answered" is left out.'
                ).format(path=report.reference.path)
            ),
            styles["small"],
        ),
        Spacer(1, 2 * mm),
    ]
    head = [
        Paragraph(_text(_("Characteristic")), styles["small_bold"]),
        Paragraph(_text(_("Category")), styles["small_bold"]),
        Paragraph(_text(_("Percent")), styles["small_number_head"]),
        Paragraph(_text(_("From a Census 2021 table")), styles["small_bold"]),
        Paragraph(_text(_("Source")), styles["small_bold"]),
    ]
    table_rows = [head]
    previous = None
    for label, category, percent, census, source in rows:
        table_rows.append(
            [
                Paragraph(_text(label if label != previous else ""), styles["small"]),
                Paragraph(_text(category), styles["small"]),
                Paragraph(_text(f"{percent:.2f}"), styles["small_number"]),
                Paragraph(_text(census), styles["small"]),
                Paragraph(_text(source), styles["small"]),
            ]
        )
        previous = label
    table = Table(
        table_rows,
        colWidths=[28 * mm, 36 * mm, 18 * mm, 20 * mm, width - 102 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(_grid_style(len(table_rows)))
    story.append(table)
    return story


def _section_break(breakdowns: list[Breakdown]) -> Flowable:
    """A new page for a section with charts or tables; sections of "too few" lines run on."""
    if any(not each.withheld for each in breakdowns):
        return PageBreak()
    return CondPageBreak(60 * mm)


def to_pdf(report: EqualityReport, *, today: date | None = None) -> bytes:
    _register_fonts()
    today = today or date.today()
    styles = _styles()
    width = A4[0] - 2 * MARGIN
    buffer = io.BytesIO()
    selection = "; ".join(f"{what}: {chosen}" for what, chosen in report.selection_lines)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FOOTER_ROOM + 4 * mm,
        title=_("Equality monitoring report"),
        author="ceapp",
        creator="ceapp",
        subject=_("Equality monitoring: {selection}").format(selection=selection),
        lang=current_language(),
    )
    notes = dict(source_notes(report))
    story = _first_page(report, styles)
    compared = [each for each in report.breakdowns if each.compared]
    others = [each for each in report.breakdowns if not each.compared]
    if compared:
        story += [
            _section_break(compared),
            Paragraph(_text(_("Compared with the population")), styles["title"]),
        ]
        for breakdown in compared:
            story.append(CondPageBreak(60 * mm))
            story += _characteristic(breakdown, report, styles, width, notes)
    story += [_section_break(others), Paragraph(_text(_("Other characteristics")), styles["title"])]
    story.append(
        Paragraph(
            _text(_("There are no population figures to compare these with.")), styles["body"]
        )
    )
    for breakdown in others:
        story.append(CondPageBreak(45 * mm))
        story += _characteristic(breakdown, report, styles, width, notes)
    story += _trend_section(report, styles, width)
    story += _sources_section(report, styles, width)
    footer = _footer_drawer(report, today, styles)

    def make_canvas(*args, **kwargs):
        return _NumberedCanvas(*args, footer=footer, **kwargs)

    document.build(story, canvasmaker=make_canvas)
    return buffer.getvalue()
