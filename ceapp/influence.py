"""What returned feedback sheets say, for an event or a selection of events (issue 9).

The "can influence decisions" indicator follows the national Community Life
Survey measure: the share of respondents who definitely or tend to agree
that they can influence decisions affecting their local area, among ALL who
answered the question, "don't know" included. A sheet with the question left
blank does not count.

It is given overall and, from the sheets whose anonymous monitoring page was
filled in, for five groups:

* Black and minority ethnic (BME): every ethnic group except White British
  ("White: English, Welsh, Scottish, Northern Irish or British"), the usual
  council definition, so White Irish, Gypsy or Irish Traveller, Roma and
  other White backgrounds count as minority ethnic;
* disabled under the Equality Act (reports.characteristics.category_of);
* young people, aged 16 to 24;
* older people, aged 65 or over;
* women (sex: female).

A monitoring answer of "prefer not to say" or not answered puts a sheet in
no group (nor against one).

Disclosure control, as for the equality report (ceapp.disclosure): the
usefulness and influence counts go through protect_breakdown; the overall
indicator is worked out only from the published influence counts, so it can
never reveal a hidden one; each group's indicator comes from its own
protected agree / not-agree counts, so a group with fewer than
rule.minimum_total respondents, or one whose counts would reveal a small
number, shows no percentage.

The baseline and target a team measures against are kept in the database's
meta table (this laptop only: like the device identity it is not
synchronised), set with `ceapp answers targets`; summary options override them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ceapp import changes, disclosure, event_questions
from ceapp.errors import ValidationError
from ceapp.i18n import N_, _
from ceapp.monitoring import NOT_ANSWERED, PREFER_NOT_TO_SAY
from ceapp.reports.characteristics import category_of
from ceapp.reports.selection import Selection
from ceapp.schema import spec_for
from ceapp.sheet_answers import AGREE, INFLUENCE, USEFUL, monitoring_of, own_choices
from ceapp.store import Store
from ceapp.validation import excerpt

META_BASELINE = "influence_baseline"
META_TARGET = "influence_target"
OVERALL = "overall"
_UNANSWERED = (PREFER_NOT_TO_SAY, NOT_ANSWERED)


def _bme(page: dict) -> bool:
    code = page["ethnic_group"]
    return code not in _UNANSWERED and code != "white_british"


def _disabled(page: dict) -> bool:
    answers = (page["long_term_condition"], page["condition_impact"])
    return category_of("disability", answers) == "disabled"


# (name, untranslated label, who is in the group); labels name the definition.
GROUPS = (
    ("bme", N_("Black and minority ethnic (every ethnic group except White British)"), _bme),
    ("disabled", N_("Disabled (under the Equality Act)"), _disabled),
    ("young", N_("Aged 16 to 24"), lambda page: page["age_band"] == "16_24"),
    ("older", N_("Aged 65 or over"), lambda page: page["age_band"] in ("65_74", "75_plus")),
    ("women", N_("Women"), lambda page: page["sex"] == "female"),
)


@dataclass(frozen=True)
class Indicator:
    name: str  # OVERALL or a GROUPS name
    label: str
    agree: disclosure.Cell | None  # published count agreeing; None when not broken down
    respondents: disclosure.Cell  # published count who answered the question
    percentage: float | None  # None when disclosure control hides it


@dataclass(frozen=True)
class OwnQuestion:
    """The answers to one of the event's own questions (ceapp.event_questions)."""

    number: int
    text: str  # in English
    kind: str
    counts: dict[str, disclosure.Cell]  # by answer code; empty when withheld or written
    total: disclosure.Cell  # sheets that answered it


@dataclass(frozen=True)
class Summary:
    selection_lines: list[tuple[str, str]]
    sheets: int
    with_monitoring: int
    useful: dict[str, disclosure.Cell]  # empty when withheld
    useful_total: disclosure.Cell
    influence: dict[str, disclosure.Cell]
    influence_total: disclosure.Cell
    indicators: list[Indicator]
    baseline: float | None
    target: float | None
    rule_text: str
    comparisons: dict[str, str] = field(default_factory=dict)  # indicator name: words
    # For one event: its own questions, in sheet order.
    own: list[OwnQuestion] = field(default_factory=list)


def summarise(
    store: Store,
    selection: Selection,
    *,
    rule: disclosure.Rule,
    baseline: float | None = None,
    target: float | None = None,
) -> Summary:
    """Counts and the indicator for the sheets of the selected events, made safe to publish.

    baseline and target default to those stored with set_targets.
    """
    stored_baseline, stored_target = targets(store)
    baseline = stored_baseline if baseline is None else check_percentage("baseline", baseline)
    target = stored_target if target is None else check_percentage("target", target)
    sheets = _sheets(store, selection)
    useful = Counter(sheet.get("useful") for sheet in sheets)
    influence = Counter(sheet.get("influence") for sheet in sheets)
    useful_cells, useful_total = disclosure.protect_breakdown(
        {code: useful[code] for code in USEFUL.codes}, rule
    )
    influence_cells, influence_total = disclosure.protect_breakdown(
        {code: influence[code] for code in INFLUENCE.codes}, rule
    )
    indicators = [_overall(influence_cells, influence_total)]
    pages = [(sheet, monitoring_of(sheet)) for sheet in sheets]
    pages = [(sheet, page) for sheet, page in pages if page is not None]
    for name, label, member in GROUPS:
        answers = [sheet.get("influence") for sheet, page in pages if member(page)]
        agree = sum(code in AGREE for code in answers)
        answered = sum(code in INFLUENCE for code in answers)
        cells, total = disclosure.protect_breakdown(
            {"agree": agree, "other": answered - agree}, rule
        )
        indicators.append(
            Indicator(
                name=name,
                label=_(label),
                agree=cells.get("agree"),
                respondents=total,
                percentage=disclosure.percentage(cells["agree"], total) if cells else None,
            )
        )
    return Summary(
        own=_own_questions(store, selection, sheets, rule),
        selection_lines=selection.describe(store),
        sheets=len(sheets),
        with_monitoring=len(pages),
        useful=useful_cells,
        useful_total=useful_total,
        influence=influence_cells,
        influence_total=influence_total,
        indicators=indicators,
        baseline=baseline,
        target=target,
        rule_text=disclosure.describe(rule),
        comparisons={
            each.name: comparison_text(each.percentage, baseline, target)
            for each in indicators
            if each.percentage is not None and (baseline is not None or target is not None)
        },
    )


def _own_questions(
    store: Store, selection: Selection, sheets: list[dict], rule: disclosure.Rule
) -> list[OwnQuestion]:
    if selection.event_id is None:
        return []
    results = []
    for question in event_questions.list_questions(store, selection.event_id):
        key = event_questions.answer_key(question)
        answers = [sheet[key] for sheet in sheets if key in sheet]
        if question["kind"] == "write":
            counts, total = {}, disclosure.protect_breakdown({"written": len(answers)}, rule)[1]
        else:
            choices = own_choices(question["kind"])
            tally = Counter(answers)
            counts, total = disclosure.protect_breakdown(
                {code: tally[code] for code in choices.codes}, rule
            )
        results.append(
            OwnQuestion(
                number=question["number"],
                text=event_questions.text_in(question, "en")[0],
                kind=question["kind"],
                counts=counts,
                total=total,
            )
        )
    return results


def _overall(cells: dict[str, disclosure.Cell], total: disclosure.Cell) -> Indicator:
    """From published counts only: hidden when either agree count or the total is."""
    agree = None
    if cells and all(isinstance(cells[code], int) for code in AGREE):
        agree = sum(cells[code] for code in AGREE)
    return Indicator(
        name=OVERALL,
        label=_("Everyone who answered"),
        agree=agree,
        respondents=total,
        percentage=None if agree is None else disclosure.percentage(agree, total),
    )


def _sheets(store: Store, selection: Selection) -> list[dict]:
    where, params = selection.where()
    spec = spec_for("feedback_responses")
    rows = store.conn.execute(
        "SELECT f.answers FROM feedback_responses f JOIN events e ON e.id = f.event_id"
        f" WHERE {where}",
        params,
    )
    sheets = []
    for (text,) in rows:
        answers = changes.from_column(spec, "answers", text)
        if isinstance(answers, dict):
            sheets.append(answers)
    return sheets


def comparison_text(percentage: float, baseline: float | None, target: float | None) -> str:
    """E.g. "3.0 points above the baseline, 7.0 below the target"."""
    parts = []
    if baseline is not None:
        parts.append(_against(percentage - baseline, _("the baseline")))
    if target is not None:
        parts.append(_against(percentage - target, _("the target")))
    return ", ".join(parts)


def _against(difference: float, what: str) -> str:
    points = round(abs(difference), 1)
    if points == 0:
        return _("level with {what}").format(what=what)
    if difference > 0:
        return _("{points:.1f} points above {what}").format(points=points, what=what)
    return _("{points:.1f} points below {what}").format(points=points, what=what)


def check_percentage(field: str, value) -> float:
    """A percentage from 0 to 100, or ValidationError saying so."""
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not 0 <= number <= 100:  # also refuses NaN
        raise ValidationError(
            field,
            _("The {field} must be a percentage from 0 to 100, such as 25, not '{value}'.").format(
                field=field, value=_shown(value)
            ),
        )
    return number


def _shown(value) -> str:
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, int | float) and not abs(value) >= 10**9:
        return excerpt(value)
    return type(value).__name__


def targets(store: Store) -> tuple[float | None, float | None]:
    """The baseline and target stored on this laptop, each None if not set."""
    values = []
    for key in (META_BASELINE, META_TARGET):
        text = store.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        try:
            values.append(check_percentage(key, text) if text else None)
        except ValidationError:
            values.append(None)  # written by hand or damaged: as if not set
    return values[0], values[1]


def set_targets(store: Store, *, baseline=None, target=None, clear: bool = False) -> None:
    """Store a baseline and/or target (percentages); clear removes both first."""
    checked = {
        key: check_percentage(name, value)
        for key, name, value in (
            (META_BASELINE, "baseline", baseline),
            (META_TARGET, "target", target),
        )
        if value is not None
    }
    with store.transaction():
        if clear:
            store.conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (META_BASELINE, META_TARGET))
        for key, number in checked.items():
            store._set_meta(key, repr(number))
