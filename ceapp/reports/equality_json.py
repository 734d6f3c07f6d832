"""The equality report as JSON for other programs.

Every field holding a count has "count" in its name, and a suppressed count
is a string such as "<5" or "[c]", never a number, so no program can mistake
a hidden value for a real one.
"""

from __future__ import annotations

import json

from ceapp.reports.equality import Breakdown, EqualityReport


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _breakdown(breakdown: Breakdown) -> dict:
    item = {
        "name": breakdown.characteristic.name,
        "label": breakdown.label,
        "withheld": breakdown.withheld,
        "answered_count": breakdown.answered,
        "prefer_not_to_say_count": breakdown.prefer_not_to_say,
        "not_answered_count": breakdown.not_answered,
        "categories": [
            {
                "code": category.code,
                "label": category.label,
                "count": category.count,
                "percent": _round(category.percent, 2),
                "population_percent": _round(category.population_percent, 2),
                "representation_ratio": _round(category.ratio, 3),
                "representation": category.representation,
            }
            for category in breakdown.categories
        ],
    }
    if breakdown.trend is not None:
        published = breakdown.trend.published
        item["trend"] = {
            "quarters": breakdown.trend.quarters,
            "categories": [
                {"code": category.code, "counts": published.cells[row], "total_count": total}
                for row, (category, total) in enumerate(
                    zip(breakdown.categories, published.row_totals, strict=True)
                )
            ],
            "quarter_total_counts": published.column_totals,
            "total_count": published.total,
        }
    return item


def to_json(report: EqualityReport) -> bytes:
    reference = report.reference
    document = {
        "report": "equality",
        "selection": [{"what": what, "chosen": chosen} for what, chosen in report.selection_lines],
        "disclosure": {
            "rule": report.rule_text,
            "threshold": report.rule.threshold,
            "rounded_to": report.rule.round_to,
            "minimum_responses_count": report.rule.minimum_total,
        },
        "reference": None
        if reference is None
        else {"code": reference.code, "name": reference.name, "universe": reference.universe},
        "event_count": report.events,
        "response_count": report.responses,
        "characteristics": [_breakdown(each) for each in report.breakdowns],
        "findings": report.findings,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
