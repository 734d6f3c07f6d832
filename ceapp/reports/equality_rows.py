"""An equality report as flat rows, the shape CSV and XLSX files share."""

from __future__ import annotations

from ceapp.i18n import _
from ceapp.reports.equality import EqualityReport, quarter_label, representation_text


def heading_rows(report: EqualityReport) -> list[list]:
    """(what, value) rows: the selection, the reference and the rule in force."""
    rows: list[list] = [[_("Equality monitoring report")]]
    rows += [[what, chosen] for what, chosen in report.selection_lines]
    rows.append([_("Events"), report.events])
    rows.append([_("Monitoring responses"), report.responses])
    if report.reference is not None:
        rows.append(
            [
                _("Compared with"),
                _("{area}, Census 2021 ({universe})").format(
                    area=report.reference.name, universe=report.reference.universe_label()
                ),
            ]
        )
    else:
        rows.append([_("Compared with"), _("no population figures")])
    rows.append([_("Disclosure control"), report.rule_text])
    return rows


def table_header() -> list[str]:
    return [
        _("Characteristic"),
        _("Code"),
        _("Category"),
        _("Count"),
        _("Percent of those who answered"),
        _("Percent of population"),
        _("Representation ratio"),
        _("Representation"),
    ]


def table_rows(report: EqualityReport) -> list[list]:
    """One row per category, then the answered and unanswered counts of each characteristic."""
    rows: list[list] = []
    for breakdown in report.breakdowns:
        label = breakdown.label
        if breakdown.withheld:
            rows.append([label, "", _("Too few answers to break down"), "", None, None, None, ""])
        for category in breakdown.categories:
            rows.append(
                [
                    label,
                    category.code,
                    category.label,
                    category.count,
                    category.percent,
                    category.population_percent,
                    category.ratio,
                    representation_text(category.representation),
                ]
            )
        for code, name, value in (
            ("answered", _("Answered"), breakdown.answered),
            ("prefer_not_to_say", _("Prefer not to say"), breakdown.prefer_not_to_say),
            ("not_answered", _("Not answered"), breakdown.not_answered),
        ):
            rows.append([label, code, name, value, None, None, None, ""])
    return rows


def trend_header() -> list[str]:
    return [_("Characteristic"), _("Code"), _("Category"), _("Quarter"), _("Count")]


def trend_rows(report: EqualityReport) -> list[list]:
    rows: list[list] = []
    for breakdown in report.breakdowns:
        if breakdown.trend is None:
            continue
        published = breakdown.trend.published
        for row, category in enumerate(breakdown.categories):
            for column, quarter in enumerate(breakdown.trend.quarters):
                rows.append(
                    [
                        breakdown.label,
                        category.code,
                        category.label,
                        quarter_label(quarter),
                        published.cells[row][column],
                    ]
                )
    return rows
