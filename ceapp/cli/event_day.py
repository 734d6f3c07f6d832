"""CLI commands for the event day: equality slips and the named register.

Parity with the window's Event day page. A slip is anonymous: saving one
prints only how many the event now has, never the answers or the slip's id.
"""

from __future__ import annotations

import argparse

from ceapp import attendance, monitoring
from ceapp.cli.output import print_listing
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, ngettext
from ceapp.lookup import resolve_id
from ceapp.store import Store


def _option(question: str) -> str:
    return "--" + question.replace("_", "-")


def _event_id(store: Store, text: str) -> str:
    return resolve_id(store, "events", text, field="event", label=_("Event"))


def add_commands(commands) -> None:
    """Register `slips` and `register` on the top-level subparsers."""
    from ceapp.cli import Parser

    event_help = _("event id (the first characters are enough)")

    group = commands.add_parser("slips", help=_("anonymous equality monitoring slips"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser(
        "add", help=_("type in one slip; questions left out are not answered")
    )
    action.add_argument("event", help=event_help)
    for question, choices in monitoring.QUESTIONS.items():
        action.add_argument(
            _option(question),
            dest=question,
            metavar="CODE",
            help=_("{question}: one of {codes}").format(
                question=monitoring.question_label(question), codes=choices.listing()
            ),
        )
    action.set_defaults(handler=slips_add)

    action = actions.add_parser("count", help=_("how many slips an event has"))
    action.add_argument("event", help=event_help)
    action.set_defaults(handler=slips_count)

    group = commands.add_parser("register", help=_("the named register of an event"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser("add", help=_("put a named person on the register, with consent"))
    action.add_argument("event", help=event_help)
    action.add_argument("--name", help=_("the person's name"))
    action.add_argument("--contact", help=_("how to reach them (optional)"))
    action.add_argument("--consent-by", help=_("who recorded the person's consent (required)"))
    action.set_defaults(handler=register_add)

    action = actions.add_parser("list", help=_("names on an event's register"))
    action.add_argument("event", help=event_help)
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=register_list)


def _slips_line(count: int) -> str:
    return ngettext(
        "Slip saved; {count} slip for this event.",
        "Slip saved; {count} slips for this event.",
        count,
    ).format(count=count)


def slips_add(store: Store, args: argparse.Namespace) -> int:
    event_id = _event_id(store, args.event)
    answers = {question: getattr(args, question) for question in monitoring.QUESTIONS}
    monitoring.add_response(store, event_id=event_id, answers=answers)
    print(_slips_line(monitoring.count_responses(store, event_id)))
    return ExitCode.OK


def slips_count(store: Store, args: argparse.Namespace) -> int:
    event_id = _event_id(store, args.event)
    count = monitoring.count_responses(store, event_id)
    print(
        ngettext("{count} slip for this event.", "{count} slips for this event.", count).format(
            count=count
        )
    )
    return ExitCode.OK


def register_add(store: Store, args: argparse.Namespace) -> int:
    event_id = _event_id(store, args.event)
    if not (args.consent_by or "").strip():
        raise ValidationError(
            "consent_by",
            _(
                "A name can only go on the register with the person's consent: "
                "give --consent-by with the name of whoever recorded it."
            ),
        )
    attendance.add_register_entry(
        store,
        event_id=event_id,
        name=args.name,
        contact=args.contact,
        consent=True,
        consent_recorded_by=args.consent_by,
    )
    count = len(attendance.register(store, event_id))
    print(
        ngettext(
            "Added to the register; {count} name for this event.",
            "Added to the register; {count} names for this event.",
            count,
        ).format(count=count)
    )
    return ExitCode.OK


def register_list(store: Store, args: argparse.Namespace) -> int:
    rows = attendance.register(store, _event_id(store, args.event))
    return print_listing(
        rows,
        as_json=args.json,
        headers=[_("Name"), _("Contact"), _("Consent recorded by"), _("Consent recorded at")],
        cells=lambda row: (
            row["name"],
            row["contact"],
            row["consent_recorded_by"],
            row["consent_recorded_at"],
        ),
    )
