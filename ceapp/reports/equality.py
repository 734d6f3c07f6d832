"""The equality report: who attends, against who lives in the area, with disclosure control.

Counts come from equality_counts.py and pass through disclosure.py before
anything else sees them; every percentage, ratio and finding is worked out
from the published values only, so nothing shown can carry a hidden count.
Denominators leave out "prefer not to say" and "not answered"; the report
gives how many of each there were. See docs/architecture.md, "Equality
reports".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ceapp import disclosure, reference_figures
from ceapp.i18n import _
from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY
from ceapp.reports.characteristics import CHARACTERISTICS, Characteristic, finding_name
from ceapp.reports.equality_counts import count_slips
from ceapp.reports.selection import Selection
from ceapp.store import Store

# A group whose share of attendees is under four fifths of its share of the
# population is under-represented (the "four-fifths rule" of adverse-impact
# analysis); over five fourths, over-represented.
UNDER = 0.8
OVER = 1.25
# Below this many expected attendees a ratio says little; the report says so.
FEWEST_EXPECTED = 5
# Findings name groups that are at least this share of the population.
FINDING_SHARE = 5.0
MOST_FINDINGS = 6

UNDER_REPRESENTED, OVER_REPRESENTED, IN_LINE, TOO_FEW, HIDDEN = (
    "under",
    "over",
    "in_line",
    "too_few",
    "hidden",
)


def representation_text(code: str | None) -> str:
    return {
        UNDER_REPRESENTED: _("Under-represented"),
        OVER_REPRESENTED: _("Over-represented"),
        IN_LINE: _("In line with the population"),
        TOO_FEW: _("Too few to say"),
        HIDDEN: _("Count hidden"),
    }.get(code, "")


@dataclass
class Category:
    code: str
    label: str
    count: disclosure.Cell  # a number, or a suppression marker
    percent: float | None  # of the answered, when both are published numbers
    population_percent: float | None
    ratio: float | None
    representation: str | None  # UNDER_REPRESENTED, ... or None with no reference


@dataclass
class Trend:
    quarters: list[str]
    # rows follow the breakdown's categories, columns the quarters
    published: disclosure.Published


@dataclass
class Breakdown:
    characteristic: Characteristic
    categories: list[Category]
    answered: disclosure.Cell
    prefer_not_to_say: disclosure.Cell
    not_answered: disclosure.Cell
    withheld: bool  # too few answers for any breakdown
    trend: Trend | None
    compared: bool  # has population figures to compare with

    @property
    def label(self) -> str:
        return self.characteristic.label_text()


@dataclass
class EqualityReport:
    selection_lines: list[tuple[str, str]]
    rule: disclosure.Rule
    rule_text: str
    reference: reference_figures.Reference | None
    events: int
    responses: disclosure.Cell
    breakdowns: list[Breakdown]
    findings: list[str] = field(default_factory=list)

    def breakdown(self, name: str) -> Breakdown:
        return next(each for each in self.breakdowns if each.characteristic.name == name)


def equality_report(
    store: Store,
    selection: Selection,
    *,
    rule: disclosure.Rule | None = None,
    reference: reference_figures.Reference | None = None,
) -> EqualityReport:
    rule = rule or disclosure.Rule()
    counts, events = count_slips(store, selection)
    total = sum(sum(by_code.values()) for by_code in counts["sex"].values())
    _only, responses = _published_column([total], rule)
    breakdowns = [
        _breakdown(each, counts[each.name], rule, reference, total) for each in CHARACTERISTICS
    ]
    report = EqualityReport(
        selection_lines=selection.describe(store),
        rule=rule,
        rule_text=disclosure.describe(rule),
        reference=reference,
        events=events,
        responses=responses,
        breakdowns=breakdowns,
    )
    report.findings = findings(report)
    return report


def _published_column(values: list[int], rule: disclosure.Rule) -> tuple[list, disclosure.Cell]:
    """Counts that add up to a total, protected together, and their total.

    When too few to show, every one of them reads as the total does ("<10").
    """
    published = disclosure.protect_table([[value] for value in values], rule)
    if published.withheld:
        hidden = published.total if isinstance(published.total, str) else disclosure.SECONDARY
        return [hidden] * len(values), published.total
    return [row[0] for row in published.cells], published.total


def _published_count(value: int, rule: disclosure.Rule) -> disclosure.Cell:
    """A total that is published: rounded if the rule rounds, "<10" if too small to break down."""
    _only, total = _published_column([value], rule)
    return total


def _unanswered(prefer: int, missing: int, rule: disclosure.Rule) -> tuple[int, int]:
    """ "Prefer not to say" and "not answered", shown as they are (rounded if the rule rounds).

    They count non-response, not a protected characteristic, and their sum
    is every response less the answered, both published: a "<5" here would
    hide nothing and only look like it did.
    """
    return _rounded(prefer, rule), _rounded(missing, rule)


def _rounded(value: int, rule: disclosure.Rule) -> int:
    step = rule.round_to
    return step * ((value + step // 2) // step) if step else value


def _breakdown(
    characteristic: Characteristic,
    by_quarter: dict[str, dict[str, int]],
    rule: disclosure.Rule,
    reference: reference_figures.Reference | None,
    total: int,
) -> Breakdown:
    codes = characteristic.codes
    overall = dict.fromkeys((*codes, PREFER_NOT_TO_SAY, NOT_ANSWERED), 0)
    for by_code in by_quarter.values():
        for code, number in by_code.items():
            overall[code] += number
    answered_true = sum(overall[code] for code in codes)
    answered = _published_count(answered_true, rule)
    prefer, missing = _unanswered(overall[PREFER_NOT_TO_SAY], overall[NOT_ANSWERED], rule)
    compared = bool(
        characteristic.compared
        and reference is not None
        and any(reference.share(characteristic.name, code) is not None for code in codes)
    )
    withheld = answered_true < rule.minimum_total
    categories: list[Category] = []
    trend = None
    if not withheld:
        cells, _answered = disclosure.protect_breakdown(
            {code: overall[code] for code in codes}, rule
        )
        shares = {
            code: (reference.share(characteristic.name, code) if compared else None)
            for code in codes
        }
        comparable = _comparable_total(cells, shares, answered) if compared else None
        for code in codes:
            count = cells[code]
            percent = _percent(count, answered)
            population = shares[code]
            ratio, representation = None, None
            if population is not None and comparable:
                ratio, representation = _representation(count, comparable, population)
            categories.append(
                Category(
                    code=code,
                    label=characteristic.category_label(code),
                    count=count,
                    percent=percent,
                    population_percent=population,
                    ratio=ratio,
                    representation=representation,
                )
            )
        trend = _trend(codes, by_quarter, rule)
    return Breakdown(
        characteristic=characteristic,
        categories=categories,
        answered=answered,
        prefer_not_to_say=prefer,
        not_answered=missing,
        withheld=withheld,
        trend=trend,
        compared=compared,
    )


def _percent(count, of) -> float | None:
    if isinstance(count, int) and isinstance(of, int) and of > 0:
        return 100.0 * count / of
    return None


def _comparable_total(cells: dict, shares: dict, answered) -> int | None:
    """The published answers in categories the population figures cover (None if unknown).

    A reference for adults gives no share for under-16s, so they are left
    out of the attendee side of the comparison too; if their count is hidden,
    so is the comparison.
    """
    uncovered = [cells[code] for code, share in shares.items() if share is None]
    if not isinstance(answered, int) or not all(isinstance(value, int) for value in uncovered):
        return None
    return (answered - sum(uncovered)) or None


def _representation(count, comparable: int, population: float) -> tuple[float | None, str]:
    expected = comparable * population / 100.0
    if not isinstance(count, int) or population <= 0:
        return None, TOO_FEW if expected < FEWEST_EXPECTED else HIDDEN
    ratio = (100.0 * count / comparable) / population
    if expected < FEWEST_EXPECTED:
        return ratio, TOO_FEW
    if ratio < UNDER:
        return ratio, UNDER_REPRESENTED
    if ratio > OVER:
        return ratio, OVER_REPRESENTED
    return ratio, IN_LINE


def _trend(codes, by_quarter: dict[str, dict[str, int]], rule: disclosure.Rule) -> Trend | None:
    quarters = sorted(by_quarter)
    if len(quarters) < 2:
        return None
    table = [[by_quarter[quarter].get(code, 0) for quarter in quarters] for code in codes]
    return Trend(quarters=quarters, published=disclosure.protect_table(table, rule))


def quarter_label(quarter: str) -> str:
    """ "2025-Q1" as a person reads it."""
    year, number = quarter.split("-Q")
    months = {
        "1": _("Jan to Mar {year}"),
        "2": _("Apr to Jun {year}"),
        "3": _("Jul to Sep {year}"),
        "4": _("Oct to Dec {year}"),
    }
    return months[number].format(year=year)


def findings(report: EqualityReport) -> list[str]:
    """Plain-English sentences on the groups least reached, from published figures only."""
    if report.reference is None:
        return []
    gaps, judged = [], 0
    for breakdown in report.breakdowns:
        if not breakdown.compared or breakdown.withheld:
            continue
        for category in breakdown.categories:
            if category.representation in (UNDER_REPRESENTED, OVER_REPRESENTED, IN_LINE):
                judged += 1
            if (
                category.representation == UNDER_REPRESENTED
                and category.population_percent is not None
                and category.population_percent >= FINDING_SHARE
                and category.percent is not None
            ):
                gaps.append((category.ratio, breakdown.characteristic.name, category))
    area = report.reference.name
    if not judged:
        return [
            _(
                "There are too few answers to compare attendees with the population of {area}."
            ).format(area=area)
        ]
    gaps.sort(key=lambda gap: (gap[0], gap[1], gap[2].code))
    template = (
        _("{group} are {population}% of adults in {area} but {share}% of attendees who answered.")
        if report.reference.universe == "16_plus"
        else _(
            "{group} are {population}% of residents in {area} but {share}% of attendees "
            "who answered."
        )
    )
    lines = [
        template.format(
            group=finding_name(name, category.code),
            population=_one_place(category.population_percent),
            area=area,
            share=_one_place(category.percent),
        )
        for _ratio, name, category in gaps[:MOST_FINDINGS]
    ]
    if not lines:
        lines.append(
            _(
                "No group that is at least {share}% of the population of {area} is "
                "under-represented among those whose answers could be compared."
            ).format(share=_one_place(FINDING_SHARE), area=area)
        )
    return lines


def _one_place(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value is not None else "?"


def default_reference(store: Store, selection: Selection) -> reference_figures.Reference | None:
    """The shipped figures for the selection's borough if there are any, else England's."""
    borough = selection.borough
    if borough is None and selection.area_id is not None:
        borough = store.scalar("SELECT borough FROM areas WHERE id = ?", (selection.area_id,))
    if borough is None and selection.event_id is not None:
        borough = store.scalar(
            "SELECT a.borough FROM events e JOIN areas a ON a.id = e.area_id WHERE e.id = ?",
            (selection.event_id,),
        )
    shipped = reference_figures.shipped()
    for candidate in shipped:
        if borough is not None and candidate.name.casefold() == borough.casefold():
            return candidate
    return next((each for each in shipped if each.name == "England"), None)
