"""The options every report command shares: which events, and the disclosure rule."""

from __future__ import annotations

import argparse

from ceapp import disclosure
from ceapp.cli import values
from ceapp.i18n import _
from ceapp.reports.selection import Selection, build_selection
from ceapp.store import Store
from ceapp.vocab import METHODS, SPECTRUM

DATE_YEARS = (1900, 2100)


def add_selection_options(action) -> None:
    """--event, --area, --partner, --spectrum, --method, --from and --to."""
    action.add_argument("--event", help=_("only this event (id or the start of it)"))
    action.add_argument("--area", help=_("only this ward or borough (name or area id)"))
    action.add_argument("--partner", help=_("only events led by this partner (name or id)"))
    action.add_argument(
        "--spectrum", help=_("only this one of: {codes}").format(codes=SPECTRUM.listing())
    )
    action.add_argument(
        "--method", help=_("only this one of: {codes}").format(codes=METHODS.listing())
    )
    dates = values.date_in_years(*DATE_YEARS)
    action.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        type=dates,
        help=_("only events starting on or after DATE"),
    )
    action.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        type=dates,
        help=_("only events starting on or before DATE"),
    )


def add_rule_options(action) -> None:
    """--threshold and --round: the disclosure rule in force."""
    action.add_argument(
        "--threshold",
        type=values.whole_number(1, 1000),
        default=disclosure.Rule().threshold,
        help=_("counts under this are shown as <N: 5 (the default) or 10"),
    )
    action.add_argument(
        "--round", action="store_true", help=_("round every published count to the nearest 5")
    )


def selection_from(store: Store, args: argparse.Namespace) -> Selection:
    return build_selection(
        store,
        event=args.event,
        area=args.area,
        partner=args.partner,
        spectrum=args.spectrum,
        method=args.method,
        date_from=args.date_from,
        date_to=args.date_to,
    )


def rule_from(args: argparse.Namespace) -> disclosure.Rule:
    return disclosure.Rule(threshold=args.threshold, round_to=5 if args.round else None)
