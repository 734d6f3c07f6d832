"""CLI commands for reports: `ceapp report equality` and the population figures it compares with."""

from __future__ import annotations

import argparse

from ceapp import reference_figures
from ceapp.cli import report_options
from ceapp.cli.output import print_json, print_table, write
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _
from ceapp.reports import report_files
from ceapp.reports.equality import default_reference, equality_report, representation_text
from ceapp.store import Store


def add_commands(commands) -> None:
    """Register `report` and its kinds on the top-level subparsers."""
    from ceapp.cli import Parser

    group = commands.add_parser("report", help=_("reports for the steering group"))
    kinds = group.add_subparsers(dest="kind", metavar="REPORT", parser_class=Parser)
    kinds.required = True

    kind = kinds.add_parser(
        "equality", help=_("who attends, by protected characteristic, against the population")
    )
    report_options.add_selection_options(kind)
    report_options.add_rule_options(kind)
    kind.add_argument(
        "--reference",
        metavar="NAME|FILE.csv",
        help=_(
            "population to compare with: a shipped area (see `report references`) or a CSV "
            "of your own; default: the selection's borough, else England"
        ),
    )
    kind.add_argument(
        "--format",
        dest="fmt",
        metavar="FORMAT",
        help=_("the file's format, one of: {formats}").format(
            formats=", ".join(report_files.FORMATS)
        ),
    )
    kind.add_argument("--out", help=_("the file to write; without it the report is printed"))
    kind.set_defaults(handler=report_equality)

    kind = kinds.add_parser("references", help=_("the population figures ceapp ships"))
    kind.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    kind.set_defaults(handler=report_references)


def report_equality(store: Store, args: argparse.Namespace) -> int:
    fmt = args.fmt
    if args.out is not None:
        if fmt is None:
            fmt = args.out.rsplit(".", 1)[-1].lower() if "." in args.out else ""
        report_files.check_out_path(args.out, fmt)
    elif fmt is not None:
        raise ValidationError("out", _("--format needs --out: give the file to write."))
    rule = report_options.rule_from(args)
    selection = report_options.selection_from(store, args)
    reference = (
        reference_figures.find(args.reference)
        if args.reference
        else default_reference(store, selection)
    )
    report = equality_report(store, selection, rule=rule, reference=reference)
    if args.out is None:
        _print_report(report)
        return ExitCode.OK
    size = report_files.write_report(report, fmt=fmt, path=args.out)
    print(_("Wrote {path} ({size:,} bytes).").format(path=args.out, size=size))
    return ExitCode.OK


def _cell(value) -> str:
    return "" if value is None else str(value)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def _print_report(report) -> None:
    for what, chosen in report.selection_lines:
        write(f"{what}: {chosen}\n")
    write(_("Monitoring responses: {count}").format(count=report.responses) + "\n")
    if report.reference is not None:
        write(
            _("Compared with: {area}, Census 2021 ({universe})").format(
                area=report.reference.name, universe=report.reference.universe_label()
            )
            + "\n"
        )
    write(report.rule_text + "\n")
    for breakdown in report.breakdowns:
        write("\n" + breakdown.label + "\n")
        if breakdown.withheld:
            write(_("Too few answers to break down.") + "\n")
        else:
            print_table(
                [
                    (
                        category.label,
                        _cell(category.count),
                        _percent(category.percent),
                        _percent(category.population_percent),
                        "" if category.ratio is None else f"{category.ratio:.2f}",
                        representation_text(category.representation),
                    )
                    for category in breakdown.categories
                ],
                headers=[
                    _("Category"),
                    _("Count"),
                    _("Share"),
                    _("Population"),
                    _("Ratio"),
                    _("Representation"),
                ],
            )
        write(
            _("Answered: {answered}; prefer not to say: {prefer}; not answered: {missing}").format(
                answered=breakdown.answered,
                prefer=breakdown.prefer_not_to_say,
                missing=breakdown.not_answered,
            )
            + "\n"
        )
    if report.findings:
        write("\n" + _("Findings") + "\n")
        for line in report.findings:
            write(f"- {line}\n")


def report_references(store: Store, args: argparse.Namespace) -> int:
    shipped = reference_figures.shipped()
    if args.json:
        print_json(
            [
                {
                    "code": each.code,
                    "name": each.name,
                    "universe": each.universe,
                    "population_count": each.population,
                }
                for each in shipped
            ]
        )
        return ExitCode.OK
    print_table(
        [(each.name, each.code, each.universe_label(), _cell(each.population)) for each in shipped],
        headers=[_("Area"), _("Code"), _("People"), _("Population")],
    )
    return ExitCode.OK
