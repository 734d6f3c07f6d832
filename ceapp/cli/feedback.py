"""CLI commands for returned feedback sheets: `ceapp answers add|summary|targets`.

A sheet is anonymous, as a monitoring slip is: saving one prints only how
many sheets the event now has. Contact details torn off a sheet never go
here; with consent they go on the register (`ceapp register add`).
"""

from __future__ import annotations

import argparse
from datetime import date

from ceapp import feedback_tables, influence, monitoring, sheet_answers
from ceapp.cli import report_options, values
from ceapp.cli.output import print_json, print_table, write
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, ngettext
from ceapp.lookup import resolve_id
from ceapp.store import Store
from ceapp.validation import excerpt


def _percentage(text: str) -> float:
    try:
        return influence.check_percentage("percentage", text)
    except ValidationError:
        raise argparse.ArgumentTypeError(
            _("give a percentage from 0 to 100, such as 25, not '{value}'").format(
                value=excerpt(text)
            )
        ) from None


def add_commands(commands) -> None:
    """Register `answers` and its actions on the top-level subparsers."""
    from ceapp.cli import Parser

    group = commands.add_parser(
        "answers", help=_("answers typed in from returned feedback sheets, and their summary")
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser(
        "add", help=_("type in one returned sheet; questions left out are not answered")
    )
    action.add_argument("event", help=_("event id (the first characters are enough)"))
    action.add_argument(
        "--useful", metavar="N", help=_("was it useful: 5 (very useful) down to 1 (not at all)")
    )
    action.add_argument(
        "--influence",
        metavar="CODE",
        help=_("can influence decisions: one of {codes}").format(
            codes=sheet_answers.INFLUENCE.listing()
        ),
    )
    action.add_argument("--matters", metavar="TEXT", help=_("what matters most, as written"))
    action.add_argument("--wants-news", metavar="yes|no", help=_("wants to hear what happened"))
    action.add_argument(
        "--lang", default="en", metavar="CODE", help=_("the sheet's language (default en)")
    )
    action.add_argument(
        "--received",
        metavar="DATE",
        type=values.date_in_years(*report_options.DATE_YEARS),
        help=_("the day the sheet came back (default today)"),
    )
    action.add_argument(
        "--own",
        action="append",
        metavar="N=ANSWER",
        help=_(
            "the event's own question N (see `questions list`): an agree/disagree code, "
            "yes or no, or the text written; give it once for each question answered"
        ),
    )
    for question, choices in monitoring.QUESTIONS.items():
        action.add_argument(
            "--" + question.replace("_", "-"),
            dest=question,
            metavar="CODE",
            help=_("monitoring page, {question}: one of {codes}").format(
                question=monitoring.question_label(question), codes=choices.listing()
            ),
        )
    action.set_defaults(handler=answers_add)

    action = actions.add_parser(
        "summary", help=_("usefulness, and who feels they can influence decisions, by group")
    )
    report_options.add_selection_options(action)
    _target_options(action, stored_default=True)
    report_options.add_rule_options(action)
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=answers_summary)

    action = actions.add_parser(
        "targets", help=_("show, or set, the influence indicator's baseline and target")
    )
    _target_options(action, stored_default=False)
    action.add_argument("--clear", action="store_true", help=_("forget both first"))
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=answers_targets)


def _target_options(action, *, stored_default: bool) -> None:
    baseline = (
        _("the indicator's baseline, a percentage (default: the one stored with `answers targets`)")
        if stored_default
        else _("the indicator's baseline, a percentage")
    )
    target = (
        _("the indicator's target, a percentage (default: the one stored with `answers targets`)")
        if stored_default
        else _("the indicator's target, a percentage")
    )
    action.add_argument("--baseline", metavar="PCT", type=_percentage, help=baseline)
    action.add_argument("--target", metavar="PCT", type=_percentage, help=target)


def _own_answers(pairs: list[str]) -> dict[str, str]:
    answers = {}
    for pair in pairs:
        number, separator, answer = pair.partition("=")
        if not separator or not number.strip():
            raise ValidationError(
                sheet_answers.OWN,
                _(
                    "--own takes the question's number, '=' and the answer, such as "
                    "--own 5=tend_to_agree; '{value}' is not that."
                ).format(value=excerpt(pair)),
            )
        if number.strip() in answers:
            raise ValidationError(
                sheet_answers.OWN,
                _("Question {number} is answered twice; give each question once.").format(
                    number=excerpt(number.strip())
                ),
            )
        answers[number.strip()] = answer
    return answers


def answers_add(store: Store, args: argparse.Namespace) -> int:
    event_id = resolve_id(store, "events", args.event, field="event", label=_("Event"))
    answers = {
        "useful": args.useful,
        "influence": args.influence,
        "matters": args.matters,
        "wants_news": args.wants_news,
    }
    if args.own:
        answers[sheet_answers.OWN] = _own_answers(args.own)
    page = {question: getattr(args, question) for question in monitoring.QUESTIONS}
    if any(page.values()):
        answers[sheet_answers.MONITORING] = page
    received = args.received or date.today()
    sheet_answers.add_sheet_answers(
        store,
        event_id=event_id,
        language=args.lang,
        received_on=received.isoformat(),
        answers=answers,
    )
    count = store.scalar("SELECT count(*) FROM feedback_responses WHERE event_id = ?", (event_id,))
    print(
        ngettext(
            "Sheet saved; {count} sheet for this event.",
            "Sheet saved; {count} sheets for this event.",
            count,
        ).format(count=count)
    )
    return ExitCode.OK


def answers_summary(store: Store, args: argparse.Namespace) -> int:
    rule = report_options.rule_from(args)
    selection = report_options.selection_from(store, args)
    summary = influence.summarise(
        store, selection, rule=rule, baseline=args.baseline, target=args.target
    )
    if args.json:
        print_json(_summary_json(summary))
    else:
        _print_summary(summary)
    return ExitCode.OK


def answers_targets(store: Store, args: argparse.Namespace) -> int:
    if args.clear or args.baseline is not None or args.target is not None:
        influence.set_targets(store, baseline=args.baseline, target=args.target, clear=args.clear)
    baseline, target = influence.targets(store)
    if args.json:
        print_json({"baseline": baseline, "target": target})
        return ExitCode.OK
    write(_("Baseline: {value}").format(value=_percent_or_unset(baseline)) + "\n")
    write(_("Target: {value}").format(value=_percent_or_unset(target)) + "\n")
    return ExitCode.OK


def _percent_or_unset(value: float | None) -> str:
    return _("not set") if value is None else f"{value:g}%"


def _summary_json(summary: influence.Summary) -> dict:
    """Counts hidden by disclosure control are strings ("<5", "[c]", "<10")."""
    return {
        "selection": [{"what": what, "chosen": chosen} for what, chosen in summary.selection_lines],
        "sheets": summary.sheets,
        "sheets_with_monitoring": summary.with_monitoring,
        "rule": summary.rule_text,
        "useful": {"counts": summary.useful, "total": summary.useful_total},
        "influence": {"counts": summary.influence, "total": summary.influence_total},
        "own_questions": [
            {
                "number": each.number,
                "question": each.text,
                "kind": each.kind,
                "counts": each.counts,
                "answered_count": each.total,
            }
            for each in summary.own
        ],
        "indicator": {
            "definition": feedback_tables.indicator_definition(),
            "baseline": summary.baseline,
            "target": summary.target,
            "groups": [
                {
                    "name": each.name,
                    "label": each.label,
                    "agree": each.agree,
                    "respondents": each.respondents,
                    "percentage": None if each.percentage is None else round(each.percentage, 1),
                    "comparison": summary.comparisons.get(each.name),
                }
                for each in summary.indicators
            ],
        },
    }


def _print_summary(summary: influence.Summary) -> None:
    for what, chosen in summary.selection_lines:
        write(f"{what}: {chosen}\n")
    for part in feedback_tables.summary_parts(summary):
        if part.heading:
            write("\n" + part.heading + "\n")
        if part.text:
            write(part.text + "\n")
        if part.rows:
            print_table(part.rows, list(part.headers))
