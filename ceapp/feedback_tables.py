"""The feedback summary (ceapp.influence.Summary) as headings, sentences and tables.

`ceapp answers summary` prints these parts as text; the window's Results
tab shows them as HTML. Both take their words and rows from here, so the
two never say different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ceapp.i18n import _
from ceapp.influence import Summary
from ceapp.sheet_answers import INFLUENCE, USEFUL, own_choices


@dataclass(frozen=True)
class Part:
    """A heading, a sentence, or a table (headers and rows); any may be empty."""

    heading: str = ""
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)


def percent(value: float | None) -> str:
    return _("hidden") if value is None else f"{value:.1f}%"


def indicator_definition() -> str:
    return _(
        "Can influence decisions: those who definitely or tend to agree, as a share of all "
        "who answered the question, don't know included (as the Community Life Survey)."
    )


def _breakdown(heading: str, labels, cells: dict, total) -> list[Part]:
    if not cells:
        return [
            Part(
                heading=heading,
                text=_("Too few answers to break down ({total}).").format(total=total),
            )
        ]
    rows = [(labels.label(code), cells[code]) for code in labels.codes]
    rows.append((_("Total"), total))
    return [Part(heading=heading, headers=(_("Answer"), _("Sheets")), rows=rows)]


def summary_parts(summary: Summary) -> list[Part]:
    parts = [
        Part(
            text=_("Sheets returned: {count}, {monitoring} with the monitoring page").format(
                count=summary.sheets, monitoring=summary.with_monitoring
            )
        ),
        Part(text=summary.rule_text),
    ]
    parts += _breakdown(_("Was it useful?"), USEFUL, summary.useful, summary.useful_total)
    parts += _breakdown(
        _("Can influence decisions affecting the local area?"),
        INFLUENCE,
        summary.influence,
        summary.influence_total,
    )
    parts.append(
        Part(heading=_("The indicator, overall and by group"), text=indicator_definition())
    )
    if summary.baseline is not None or summary.target is not None:
        parts.append(Part(text=_measured_against(summary)))
    parts.append(
        Part(
            headers=(_("Who"), _("Can influence"), _("Answered"), _("Against baseline and target")),
            rows=[
                (
                    each.label,
                    percent(each.percentage),
                    each.respondents,
                    summary.comparisons.get(each.name, ""),
                )
                for each in summary.indicators
            ],
        )
    )
    for each in summary.own:
        heading = _("{number}. {question}").format(number=each.number, question=each.text)
        if each.kind == "write":
            parts.append(
                Part(heading=heading, text=_("Written answers: {count}").format(count=each.total))
            )
        else:
            parts += _breakdown(heading, own_choices(each.kind), each.counts, each.total)
    return parts


def _measured_against(summary: Summary) -> str:
    if summary.baseline is not None and summary.target is not None:
        return _(
            "Measured against a baseline of {baseline:g}% and a target of {target:g}%."
        ).format(baseline=summary.baseline, target=summary.target)
    if summary.baseline is not None:
        return _("Measured against a baseline of {baseline:g}%.").format(baseline=summary.baseline)
    return _("Measured against a target of {target:g}%.").format(target=summary.target)
