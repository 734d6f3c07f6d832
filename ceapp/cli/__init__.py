"""The `ceapp` command line. Never imports Qt: the launcher in ui/ hands over here.

Exit codes: 0 done; 1 `check` found problems; 2 bad input (an argument, a
value refused by validation, a record not found, a missing or wrong
passphrase); 3 the database cannot be used as it is (written by a newer
ceapp, unreadable).
"""

from __future__ import annotations

import argparse
import sys

from ceapp import __version__
from ceapp.cli import database, records
from ceapp.errors import CeappError, NotFoundError, PassphraseError, StoreError, ValidationError
from ceapp.i18n import _
from ceapp.store import open_store, read_passphrase_file
from ceapp.vocab import (
    ACCESSIBILITY,
    ATTENDANCE_ROLES,
    GROUP_TYPES,
    ISSUE_STATUSES,
    ISSUE_THEMES,
    METHODS,
    PARTNER_KINDS,
    SPECTRUM,
)

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT, EXIT_STORE = 0, 1, 2, 3


class UsageError(Exception):
    """Bad command-line arguments; message is one line for stderr."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments in one line instead of exiting."""

    def error(self, message: str):
        raise UsageError(
            _("{command}: {problem} (see {command} --help)").format(
                command=self.prog, problem=message
            )
        )


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON for programs"))


def _event_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `events add` and `events edit`; absent ones stay unset."""
    hide = argparse.SUPPRESS
    option = parser.add_argument
    option("--title", default=hide, help=_("what the event is called"))
    option("--starts", default=hide, help=_("start, e.g. 2026-03-14 18:30"))
    option("--ends", default=hide, help=_("end, e.g. 2026-03-14 20:00"))
    option("--venue", default=hide, help=_("where it is held"))
    option("--area", default=hide, help=_("ward name, 'Ward, Borough' or area id"))
    option("--partner", default=hide, help=_("lead partner's name or id"))
    option("--spectrum", default=hide, help=_("one of: {codes}").format(codes=SPECTRUM.listing()))
    option("--method", default=hide, help=_("one of: {codes}").format(codes=METHODS.listing()))
    option("--audience", default=hide, help=_("who it is for"))
    option("--women-only", default=hide, metavar="yes|no", help=_("a women-only session"))
    option(
        "--accessibility",
        default=hide,
        help=_("comma-separated: {codes}").format(codes=ACCESSIBILITY.listing()),
    )
    option("--languages", default=hide, help=_("comma-separated language codes, e.g. en,bn,so"))
    option("--consultation-opens", default=hide, help=_("date the consultation opens"))
    option("--consultation-closes", default=hide, help=_("date the consultation closes"))
    option("--exemption-reason", default=hide, help=_("why a consultation is under 12 weeks"))
    option("--outcomes", default=hide, help=_("what came of it"))


def build_parser() -> Parser:
    parser = Parser(
        prog="ceapp",
        description=_("Community engagement records, offline first."),
        epilog=_("Run `ceapp` with no command to open the window."),
    )
    parser.add_argument("--version", action="version", version=f"ceapp {__version__}")
    parser.add_argument(
        "--db", help=_("database file (default: $CEAPP_DB, else your user-data folder)")
    )
    parser.add_argument(
        "--passphrase-file", help=_("file whose first line is the database passphrase")
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    command = commands.add_parser("init", help=_("create or upgrade the database"))
    command.set_defaults(handler=database.init)

    command = commands.add_parser("demo", help=_("fill a new database with demo data"))
    command.add_argument("--seed", type=int, default=1, help=_("same seed, same data"))
    command.add_argument("--events", type=int, default=500, help=_("how many events"))
    command.add_argument("--until", help=_("last day of the two years covered (default today)"))
    command.add_argument(
        "--if-empty", action="store_true", help=_("do nothing if there are events already")
    )
    command.set_defaults(handler=database.make_demo)

    _add_event_commands(commands)

    command = commands.add_parser("attend", help=_("add people to an event's head count"))
    command.add_argument("event", help=_("event id (the first characters are enough)"))
    command.add_argument(
        "--role",
        default="resident",
        help=_("one of: {codes}").format(codes=ATTENDANCE_ROLES.listing()),
    )
    command.add_argument("--count", default="1", help=_("how many (negative to correct)"))
    command.set_defaults(handler=records.attend)

    _add_issue_commands(commands)
    _add_group_commands(commands)
    _add_area_and_partner_commands(commands)

    # Listed here so `ceapp --help` shows it; the launcher in ui/ runs it.
    command = commands.add_parser("gui", help=_("open the window (the default)"))
    command.add_argument("--screenshot", help=_("save the window as a PNG and exit"))

    command = commands.add_parser("fingerprint", help=_("hash of the logical content"))
    command.set_defaults(handler=database.show_fingerprint)

    command = commands.add_parser("check", help=_("check the file and its change log"))
    _json_option(command)
    command.set_defaults(handler=database.run_check)
    return parser


def _add_event_commands(commands) -> None:
    group = commands.add_parser("events", help=_("list, add, show, edit, delete events"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser("list", help=_("events, newest first"))
    action.add_argument("--search", help=_("words in title, venue, ward or partner"))
    action.add_argument("--limit", type=int, help=_("show at most this many"))
    _json_option(action)
    action.set_defaults(handler=records.events_list)

    action = actions.add_parser("add", help=_("record an event"))
    _event_options(action)
    action.set_defaults(handler=records.events_add)

    action = actions.add_parser("show", help=_("one event in full"))
    action.add_argument("event", help=_("event id (the first characters are enough)"))
    _json_option(action)
    action.set_defaults(handler=records.events_show)

    action = actions.add_parser("edit", help=_("change fields of an event"))
    action.add_argument("event", help=_("event id (the first characters are enough)"))
    _event_options(action)
    action.set_defaults(handler=records.events_edit)

    action = actions.add_parser("delete", help=_("delete an event and what hangs off it"))
    action.add_argument("event", help=_("event id (the first characters are enough)"))
    action.add_argument("--yes", action="store_true", help=_("confirm the deletion"))
    action.set_defaults(handler=records.events_delete)


def _add_issue_commands(commands) -> None:
    group = commands.add_parser("issues", help=_("issues raised by residents"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    statuses = _("one of: {codes}").format(codes=ISSUE_STATUSES.listing())
    themes = _("one of: {codes}").format(codes=ISSUE_THEMES.listing())

    action = actions.add_parser("list", help=_("issues, most recent first"))
    action.add_argument("--status", help=statuses)
    action.add_argument("--event", help=_("only those raised at this event"))
    _json_option(action)
    action.set_defaults(handler=records.issues_list)

    action = actions.add_parser("add", help=_("log an issue raised by the public"))
    action.add_argument("--title", help=_("the issue in a sentence"))
    action.add_argument("--theme", help=themes)
    action.add_argument("--by", help=_("who is recording it"))
    action.add_argument("--event", help=_("event where it was raised"))
    action.add_argument("--area", help=_("ward name or area id"))
    action.add_argument("--partner", help=_("responsible partner"))
    action.add_argument("--detail", help=_("more detail"))
    action.add_argument("--raised-on", help=_("date raised (default: the event's date)"))
    action.add_argument(
        "--report-back", action="store_true", help=_("the answer must be reported back")
    )
    action.set_defaults(handler=records.issues_add)

    action = actions.add_parser("show", help=_("one issue with its status history"))
    action.add_argument("issue", help=_("issue id (the first characters are enough)"))
    _json_option(action)
    action.set_defaults(handler=records.issues_show)

    action = actions.add_parser("update", help=_("change status, response or partner"))
    action.add_argument("issue", help=_("issue id (the first characters are enough)"))
    action.add_argument("--by", help=_("who is making the change"))
    action.add_argument("--status", help=statuses)
    action.add_argument("--response", help=_("the answer to report back"))
    action.add_argument("--partner", help=_("responsible partner"))
    action.add_argument("--theme", help=themes)
    action.add_argument("--report-back", metavar="yes|no", help=_("report the answer back"))
    action.add_argument("--note", help=_("a note for the history"))
    action.set_defaults(handler=records.issues_update)


def _add_group_commands(commands) -> None:
    group = commands.add_parser("groups", help=_("community and representative groups"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser("list", help=_("groups by name"))
    action.add_argument("--search", help=_("words in the name or communities"))
    _json_option(action)
    action.set_defaults(handler=records.groups_list)

    action = actions.add_parser("add", help=_("record a group"))
    action.add_argument("--name", help=_("the group's name"))
    action.add_argument("--type", help=_("one of: {codes}").format(codes=GROUP_TYPES.listing()))
    action.add_argument("--communities", help=_("comma-separated communities of interest"))
    action.add_argument("--area", help=_("ward name or area id"))
    action.add_argument("--languages", help=_("comma-separated language codes"))
    action.add_argument("--contact-name", help=_("contact's name (needs consent)"))
    action.add_argument("--contact-email", help=_("contact's email (needs consent)"))
    action.add_argument("--contact-phone", help=_("contact's phone (needs consent)"))
    action.add_argument(
        "--contact-consent", action="store_true", help=_("the contact agreed to be contacted")
    )
    action.add_argument("--notes", help=_("anything else"))
    action.set_defaults(handler=records.groups_add)


def _add_area_and_partner_commands(commands) -> None:
    group = commands.add_parser("areas", help=_("boroughs and wards"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    action = actions.add_parser("list", help=_("areas by borough and ward"))
    _json_option(action)
    action.set_defaults(handler=records.areas_list)
    action = actions.add_parser("add", help=_("record a ward"))
    action.add_argument("--borough", help=_("borough or district"))
    action.add_argument("--ward", help=_("ward or neighbourhood"))
    action.set_defaults(handler=records.areas_add)

    group = commands.add_parser("partners", help=_("partner organisations"))
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    action = actions.add_parser("list", help=_("partners by name"))
    _json_option(action)
    action.set_defaults(handler=records.partners_list)
    action = actions.add_parser("add", help=_("record a partner"))
    action.add_argument("--name", help=_("the organisation's name"))
    action.add_argument("--kind", help=_("one of: {codes}").format(codes=PARTNER_KINDS.listing()))
    action.set_defaults(handler=records.partners_add)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code. Errors go to stderr in one line."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_OK
        if args.command == "gui":
            raise UsageError(_("The window is started by the installed `ceapp` command."))
        passphrase = read_passphrase_file(args.passphrase_file)
        with open_store(args.db, passphrase=passphrase) as store:
            return args.handler(store, args)
    except UsageError as error:
        return _fail(str(error), EXIT_BAD_INPUT)
    except (ValidationError, NotFoundError, PassphraseError) as error:
        return _fail(_("error: {message}").format(message=error), EXIT_BAD_INPUT)
    except StoreError as error:
        return _fail(_("error: {message}").format(message=error), EXIT_STORE)
    except CeappError as error:
        return _fail(_("error: {message}").format(message=error), EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return _fail(_("Interrupted; nothing half-written was kept."), 130)


def _fail(message: str, code: int) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return code
