"""The `ceapp` command line. Never imports Qt: the launcher in ui/ hands over here.

No input gives a traceback: every problem is one line on stderr and an exit
code from ceapp.exit_codes. 0 done; 1 `check` found problems; 2 bad input
(an argument, a value refused by validation, a record not found, a missing
or wrong passphrase); 3 the database cannot be used as it is (written by a
newer ceapp, damaged, busy, unreadable); 4 a bug, met by the last-resort
handler in main(). Set CEAPP_DEBUG=1 to let such a bug raise instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys

import ceapp.cli.feedback as answers_command
import ceapp.cli.questions as questions_command
import ceapp.cli.sheets as sheet_command
from ceapp import __version__
from ceapp.cli import catalogs, database, event_day, issues_groups, records, reports, sync, values
from ceapp.errors import CeappError, NotFoundError, PassphraseError, StoreError, ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _
from ceapp.store import open_store
from ceapp.store_files import ENV_DB, read_passphrase_file
from ceapp.validation import escape, excerpt
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

# More would take many minutes and is more than any test or demonstration needs.
MAX_DEMO_EVENTS = 100_000
# The demo covers the two years up to --until; earlier or later is a typing slip.
DEMO_YEARS = (2000, 2100)
MAX_SEED = 999_999_999
MAX_LIMIT = 1_000_000_000
# No message line is longer, whatever it quotes.
MAX_MESSAGE = 300
# Set to let an unexpected exception raise with its traceback (for bug reports and tests).
ENV_DEBUG = "CEAPP_DEBUG"


# The window's pages, for `gui --page` (the window itself lives in ui/).
WINDOW_PAGES = ("events", "event-day", "issues", "groups", "sync", "reports", "sheets")


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
    """Options shared by `events add` and `events edit`; absent ones stay unset.

    Each option's dest is the event field it sets (schema.py's columns), but
    --area and --partner, which take a name and are looked up.
    """
    hide = argparse.SUPPRESS
    option = parser.add_argument
    option("--title", default=hide, help=_("what the event is called"))
    option("--starts", dest="starts_at", default=hide, help=_("start, e.g. 2026-03-14 18:30"))
    option("--ends", dest="ends_at", default=hide, help=_("end, e.g. 2026-03-14 20:00"))
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
    command.add_argument(
        "--seed",
        type=values.whole_number(0, MAX_SEED),
        default=1,
        help=_("same seed, same data (0 to {maximum})").format(maximum=MAX_SEED),
    )
    command.add_argument(
        "--events",
        type=values.whole_number(1, MAX_DEMO_EVENTS),
        default=500,
        help=_("how many events, at most {maximum} (default 500)").format(maximum=MAX_DEMO_EVENTS),
    )
    command.add_argument(
        "--until",
        type=values.date_in_years(*DEMO_YEARS),
        help=_("last day of the two years covered, in {first} to {last} (default today)").format(
            first=DEMO_YEARS[0], last=DEMO_YEARS[1]
        ),
    )
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

    event_day.add_commands(commands)
    _add_issue_commands(commands)
    _add_group_commands(commands)
    _add_area_and_partner_commands(commands)
    sync.add_commands(commands)
    reports.add_commands(commands)
    catalogs.add_commands(commands)
    questions_command.add_commands(commands)
    sheet_command.add_commands(commands)
    answers_command.add_commands(commands)

    # Listed here so `ceapp --help` shows it; the launcher in ui/ runs it.
    command = commands.add_parser("gui", help=_("open the window (the default)"))
    command.add_argument("--screenshot", help=_("save the window as a PNG and exit"))
    command.add_argument(
        "--page",
        choices=WINDOW_PAGES,
        help=_("the page to show first: {pages}").format(pages=", ".join(WINDOW_PAGES)),
    )
    command.add_argument("--event", help=_("the event to show (the first characters are enough)"))

    command = commands.add_parser("fingerprint", help=_("hash of the logical content"))
    command.set_defaults(handler=database.show_fingerprint)

    command = commands.add_parser(
        "backup", help=_("save a compact copy of the database to a new file")
    )
    command.add_argument("--out", required=True, help=_("the new file; it must not exist yet"))
    command.set_defaults(handler=database.save_backup)

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
    action.add_argument("--area", help=_("only those in this ward (name or area id)"))
    action.add_argument("--partner", help=_("only those led by this partner (name or id)"))
    action.add_argument(
        "--spectrum", help=_("only this one of: {codes}").format(codes=SPECTRUM.listing())
    )
    action.add_argument(
        "--method", help=_("only this one of: {codes}").format(codes=METHODS.listing())
    )
    action.add_argument(
        "--from", dest="date_from", metavar="DATE", help=_("only those starting on or after DATE")
    )
    action.add_argument(
        "--to", dest="date_to", metavar="DATE", help=_("only those starting on or before DATE")
    )
    action.add_argument(
        "--limit", type=values.whole_number(0, MAX_LIMIT), help=_("show at most this many")
    )
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
    action.add_argument("--theme", help=themes)
    action.add_argument("--partner", help=_("only those with this responsible partner"))
    action.add_argument("--area", help=_("only those in this ward (name or area id)"))
    action.add_argument(
        "--overdue", action="store_true", help=_("only those still open past their target")
    )
    _json_option(action)
    action.set_defaults(handler=issues_groups.issues_list)

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

    group_types = _("one of: {codes}").format(codes=GROUP_TYPES.listing())
    action = actions.add_parser("list", help=_("groups by name"))
    action.add_argument("--search", help=_("words in the name or communities"))
    action.add_argument("--type", help=group_types)
    action.add_argument("--area", help=_("only those in this ward (name or area id)"))
    action.add_argument("--community", help=_("words in a community of interest"))
    action.add_argument("--language", help=_("a language code, e.g. bn"))
    _json_option(action)
    action.set_defaults(handler=issues_groups.groups_list)

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

    hide = argparse.SUPPRESS
    action = actions.add_parser("edit", help=_("change fields of a group"))
    action.add_argument("group", help=_("group id (the first characters are enough)"))
    action.add_argument("--name", default=hide, help=_("the group's name"))
    action.add_argument("--type", default=hide, help=group_types)
    action.add_argument(
        "--communities", default=hide, help=_("comma-separated communities of interest")
    )
    action.add_argument("--area", default=hide, help=_("ward name or area id"))
    action.add_argument("--languages", default=hide, help=_("comma-separated language codes"))
    action.add_argument("--contact-name", default=hide, help=_("contact's name (needs consent)"))
    action.add_argument("--contact-email", default=hide, help=_("contact's email (needs consent)"))
    action.add_argument("--contact-phone", default=hide, help=_("contact's phone (needs consent)"))
    action.add_argument(
        "--contact-consent",
        default=hide,
        metavar="yes|no",
        help=_("no erases the contact details"),
    )
    action.add_argument("--notes", default=hide, help=_("anything else"))
    action.set_defaults(handler=issues_groups.groups_edit)


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
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run_and_report(argv)
    except BrokenPipeError:
        # The reader went away (`ceapp events list | head -1`): what it read
        # is all it wanted. Point stdout at devnull so Python's flush at exit
        # does not fail again and print a traceback (see "Note on SIGPIPE" in
        # the signal module's documentation).
        _detach_stdout()
        return ExitCode.OK


def _run_and_report(argv: list[str]) -> int:
    try:
        code = _run(argv)
        # Flush here, so a closed pipe or a full disk is met in this try.
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except UsageError as error:
        return _fail(str(error), ExitCode.BAD_INPUT, argv=argv)
    except (ValidationError, NotFoundError, PassphraseError) as error:
        return _fail(_("error: {message}").format(message=error), ExitCode.BAD_INPUT, argv=argv)
    except StoreError as error:
        return _fail(_("error: {message}").format(message=error), ExitCode.STORE, argv=argv)
    except CeappError as error:
        return _fail(_("error: {message}").format(message=error), ExitCode.BAD_INPUT, argv=argv)
    except KeyboardInterrupt:
        return _fail(
            _("Interrupted; nothing half-written was kept."), ExitCode.INTERRUPTED, argv=argv
        )
    except BrokenPipeError:
        raise
    except Exception as error:
        message = _database_problem(error)
        if message is not None:
            return _fail(message, ExitCode.STORE, argv=argv)
        if os.environ.get(ENV_DEBUG):
            raise
        if isinstance(error, OSError):
            return _fail(
                _("error: a file could not be read or written: {reason}.").format(
                    reason=excerpt(error.strerror or error, limit=80)
                ),
                ExitCode.STORE,
                argv=argv,
            )
        if isinstance(error, MemoryError):
            return _fail(
                _(
                    "ceapp ran out of memory; nothing half-written was kept. Close other "
                    "programs and try again."
                ),
                ExitCode.INTERNAL,
                argv=argv,
            )
        # The last resort: a bug. Open transactions have been rolled back by now.
        return _fail(
            _(
                "ceapp hit an unexpected problem ({kind}); nothing half-written was kept. "
                "Please report it."
            ).format(kind=type(error).__name__),
            ExitCode.INTERNAL,
            argv=argv,
        )


def _parse(argv: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, checked; or the exit code when --help or --version answered."""
    parser = build_parser()
    _refuse_undecodable(argv, parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:
        # --help and --version print, then ask to exit.
        return ExitCode.OK if done.code in (None, 0) else int(done.code)
    for option, path in (("--db", args.db), ("--passphrase-file", args.passphrase_file)):
        # An empty --db would otherwise quietly mean the default database.
        if path == "":
            raise UsageError(
                _("{option} was given an empty file name; give the file's name.").format(
                    option=option
                )
            )
        # No operating system passes one on a command line; only a caller in Python can.
        if path is not None and "\x00" in path:
            raise UsageError(
                _("{option} contains a NUL character; give a plain file name.").format(
                    option=option
                )
            )
    if args.db is None and not _is_utf8(os.environ.get(ENV_DB, "")):
        raise UsageError(
            _("{setting} is not valid text (it is not UTF-8); set it again.").format(setting=ENV_DB)
        )
    return args


def window_arguments(argv: list[str]) -> argparse.Namespace | int:
    """Check the arguments of `ceapp [--db F] [--passphrase-file F] [gui [--screenshot F]]`.

    For the launcher in ui/, which opens the window: it gets the parsed
    arguments, or an exit code after a one-line message on stderr, exactly as
    the commands report bad arguments.
    """
    try:
        return _parse(argv)
    except UsageError as error:
        return _fail(str(error), ExitCode.BAD_INPUT, argv=argv)


def _run(argv: list[str]) -> int:
    args = _parse(argv)
    if isinstance(args, int):
        return args
    if args.command is None:
        build_parser().print_help()
        return ExitCode.OK
    if args.command == "gui":
        raise UsageError(_("The window is started by the installed `ceapp` command."))
    passphrase = read_passphrase_file(args.passphrase_file)
    with open_store(args.db, passphrase=passphrase) as store:
        return args.handler(store, args)


def _is_utf8(text: str) -> bool:
    # Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape).
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string, in any command, that takes a value."""
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _value_options(sub)
        elif action.option_strings and action.nargs != 0:
            found.update(action.option_strings)
    return found


def _refuse_undecodable(argv: list[str], parser: argparse.ArgumentParser) -> None:
    """Refuse, naming the option, any argument that was not valid UTF-8."""
    for index, token in enumerate(argv):
        if _is_utf8(token):
            continue
        option = None
        if token.startswith("--") and "=" in token:
            option = token.split("=", 1)[0]
        elif index and argv[index - 1] in _value_options(parser):
            option = argv[index - 1]
        if option is not None and _is_utf8(option):
            raise UsageError(
                _(
                    "The value given for {option} is not valid text (it is not UTF-8); retype it."
                ).format(option=option)
            )
        raise UsageError(
            _("The argument '{value}' is not valid text (it is not UTF-8); retype it.").format(
                value=excerpt(token)
            )
        )


def _database_problem(error: Exception) -> str | None:
    """A message for an error from SQLite (or SQLCipher) about the file, else None.

    Errors that mean ceapp itself misused SQLite (ProgrammingError,
    InterfaceError, DataError, ...) get None: they are bugs.
    """
    # sqlcipher3 has its own error classes with the same names; it is only
    # looked at when already loaded, that is, when an encrypted file is open.
    sqlcipher = sys.modules.get("sqlcipher3")
    if not isinstance(error, sqlite3.Error) and not (
        sqlcipher is not None and isinstance(error, sqlcipher.dbapi2.Error)
    ):
        return None
    if type(error).__name__ not in {"OperationalError", "DatabaseError", "IntegrityError"}:
        return None
    reason = str(error)
    lowered = reason.lower()
    if "locked" in lowered or "busy" in lowered:
        return _(
            "The database is busy: another program (perhaps another ceapp window) is writing "
            "to it. Wait for it to finish or close it, then try again."
        )
    if any(word in lowered for word in ("malformed", "not a database", "corrupt")):
        return _(
            "The database file is damaged ({reason}). Run `ceapp check` to see what is "
            "wrong, and restore it from a backup copy."
        ).format(reason=excerpt(reason, limit=80))
    if "readonly" in lowered or "read-only" in lowered:
        return _(
            "The database file cannot be written ({reason}). Check that you may write to "
            "it and to its folder."
        ).format(reason=excerpt(reason, limit=80))
    return _("The database could not be used: {reason}.").format(reason=excerpt(reason, limit=80))


def _detach_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        # No real file descriptor behind stdout (a test's capture): nothing to flush later.
        pass


def _tidy(message: str, argv: list[str]) -> str:
    """One line, with anything typed in it shortened and escaped.

    Messages from argparse and the store quote arguments whole, as typed or
    as repr() writes them: shorten the long or unsafe ones to an excerpt,
    then escape whatever is left.
    """
    for token in sorted(set(argv), key=len, reverse=True):
        shown = excerpt(token)
        if shown == token:
            continue
        if repr(token) in message:
            message = message.replace(repr(token), f"'{shown}'")
        if token in message:
            message = message.replace(token, shown)
    message = escape(" ".join(message.split()))
    return message if len(message) <= MAX_MESSAGE else excerpt(message, limit=MAX_MESSAGE)


def _fail(message: str, code: int, *, argv: list[str]) -> int:
    # With stderr closed (None, or a broken pipe) the exit code alone tells;
    # print(file=None) would write the message into stdout instead.
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(_tidy(message, argv), file=sys.stderr)
    return code
