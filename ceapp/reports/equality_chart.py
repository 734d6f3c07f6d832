"""A bar chart of attendees' share against the population's, one characteristic at a time.

Drawn with reportlab.graphics shapes rather than its chart widgets, so that
long category labels wrap instead of running off the page, and so that a
hidden count gets a note and never a bar. Attendee and population bars
differ in shade (near-black against light grey with an outline), which
survives printing in greyscale.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit

from ceapp import disclosure
from ceapp.i18n import _
from ceapp.reports.equality import Breakdown

ATTENDEE_FILL = colors.HexColor("#1f3a5f")
POPULATION_FILL = colors.HexColor("#c8c8c8")
OUTLINE = colors.HexColor("#333333")
GRID = colors.HexColor("#dddddd")
TEXT = colors.black
NOTE = colors.HexColor("#444444")

LABEL_SIZE = 9
VALUE_SIZE = 8
LEADING = 10.5
BAR = 8.5
BAR_GAP = 1.5
ROW_GAP = 7
LEGEND_HEIGHT = 26
AXIS_HEIGHT = 22


def percent_text(value: float) -> str:
    """A share to one place; a small share that is not zero reads "<0.1%", not "0.0%"."""
    if 0 < value < 0.05:
        return _("<0.1%")
    return _("{percent}%").format(percent=f"{value:.1f}")


def _hidden_note(count: disclosure.Cell, rule: disclosure.Rule) -> str:
    if count == disclosure.SECONDARY:
        return _("hidden (to protect a small count)")
    return _("hidden (fewer than {threshold})").format(threshold=rule.threshold)


def _axis(largest: float) -> tuple[float, float]:
    """A round axis end a little above the largest share, and the step between its ticks."""
    for step in (2.0, 5.0, 10.0, 20.0):
        if largest <= step * 6:
            break
    top = step * max(1, math.ceil((largest + 0.01) / step))
    return min(100.0, top), step


def bar_chart(
    breakdown: Breakdown,
    rule: disclosure.Rule,
    *,
    width: float,
    font: str,
    bold_font: str,
    population_name: str,
) -> Drawing:
    """Two bars per category: the share of attendees who answered, and of the population."""
    label_width = min(210.0, width * 0.42)
    note_room = 118.0  # right of the bars: a value, or "hidden (...)"
    plot_left = label_width + 8
    plot_width = width - plot_left - note_room
    rows = []
    for category in breakdown.categories:
        lines = simpleSplit(category.label, font, LABEL_SIZE, label_width)
        height = max(2 * BAR + BAR_GAP, len(lines) * LEADING) + ROW_GAP
        rows.append((category, lines, height))
    shares = [
        value
        for category in breakdown.categories
        for value in (category.percent, category.population_percent)
        if value is not None
    ]
    top, step = _axis(max(shares, default=0.0))
    plot_height = sum(height for _c, _l, height in rows)
    total_height = LEGEND_HEIGHT + plot_height + AXIS_HEIGHT
    drawing = Drawing(width, total_height)

    def x_of(percent: float) -> float:
        return plot_left + plot_width * min(percent, top) / top

    # The legend along the top.
    y = total_height - 14
    x = plot_left
    for fill, text in (
        (ATTENDEE_FILL, _("Attendees who answered")),
        (POPULATION_FILL, _("Population of {area}").format(area=population_name)),
    ):
        drawing.add(Rect(x, y - 1, 14, 9, fillColor=fill, strokeColor=OUTLINE, strokeWidth=0.5))
        drawing.add(String(x + 19, y, text, fontName=font, fontSize=LABEL_SIZE, fillColor=TEXT))
        x += 19 + _width(text, font, LABEL_SIZE) + 22

    # Grid lines and the axis in percent.
    bottom = AXIS_HEIGHT
    for index in range(round(top / step) + 1):
        value = step * index
        gx = x_of(value)
        drawing.add(Line(gx, bottom, gx, bottom + plot_height, strokeColor=GRID, strokeWidth=0.6))
        drawing.add(
            String(
                gx,
                bottom - 12,
                _("{percent}%").format(percent=f"{value:g}"),
                fontName=font,
                fontSize=VALUE_SIZE,
                fillColor=TEXT,
                textAnchor="middle",
            )
        )
    drawing.add(Line(plot_left, bottom, plot_left, bottom + plot_height, strokeColor=OUTLINE))
    drawing.add(Line(plot_left, bottom, plot_left + plot_width, bottom, strokeColor=OUTLINE))

    # Rows from the top down.
    y_top = bottom + plot_height
    for category, lines, height in rows:
        middle = y_top - height / 2
        label_top = middle + (len(lines) * LEADING) / 2 - LABEL_SIZE + 1
        for number, line in enumerate(lines):
            drawing.add(
                String(
                    label_width,
                    label_top - number * LEADING,
                    line,
                    fontName=font,
                    fontSize=LABEL_SIZE,
                    fillColor=TEXT,
                    textAnchor="end",
                )
            )
        attendee_y = middle + BAR_GAP / 2
        population_y = middle - BAR_GAP / 2 - BAR
        if isinstance(category.count, str):
            # A hidden count gets a note where its bar would be, never a bar.
            _note(drawing, plot_left + 3, attendee_y, _hidden_note(category.count, rule), font)
        elif category.percent is not None:
            _bar(drawing, plot_left, x_of(category.percent), attendee_y, ATTENDEE_FILL)
            _value(drawing, x_of(category.percent) + 3, attendee_y, category.percent, font)
        if category.population_percent is None:
            _note(drawing, plot_left + 3, population_y, _("no population figure"), font)
        else:
            end = x_of(category.population_percent)
            _bar(drawing, plot_left, end, population_y, POPULATION_FILL)
            _value(drawing, end + 3, population_y, category.population_percent, font)
        y_top -= height
    return drawing


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def _bar(drawing: Drawing, left: float, right: float, y: float, fill) -> None:
    drawing.add(
        Rect(
            left,
            y,
            max(right - left, 0.0),
            BAR,
            fillColor=fill,
            strokeColor=OUTLINE,
            strokeWidth=0.4,
        )
    )


def _value(drawing: Drawing, x: float, y: float, value: float, font: str) -> None:
    drawing.add(
        String(x, y + 1.5, percent_text(value), fontName=font, fontSize=VALUE_SIZE, fillColor=TEXT)
    )


def _note(drawing: Drawing, x: float, y: float, text: str, font: str) -> None:
    drawing.add(String(x, y + 1.5, text, fontName=font, fontSize=VALUE_SIZE, fillColor=NOTE))
