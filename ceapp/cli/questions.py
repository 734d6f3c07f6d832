"""CLI commands for an event's own sheet questions: `ceapp questions list|add|edit|move|remove`.

A question is named by its event and its number on the sheet (5 and up;
the standard questions are 1 to 4), as a person reads it off the printed
sheet.
"""

from __future__ import annotations

import argparse

from ceapp import event_questions
from ceapp.cli.output import print_json, print_table
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _
from ceapp.lookup import resolve_id
from ceapp.sheets.catalogs import LANGUAGES, SOURCE_LANGUAGE
from ceapp.store import Store
from ceapp.validation import excerpt


def add_commands(commands) -> None:
    """Register `questions` and its actions on the top-level subparsers."""
    from ceapp.cli import Parser

    group = commands.add_parser(
        "questions", help=_("an event's own questions on its feedback sheet, in each language")
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    kinds = _("how it is answered: {codes}").format(codes=event_questions.KINDS.listing())
    languages = _("the language of --text: {codes} (default en)").format(codes=", ".join(LANGUAGES))

    action = actions.add_parser("list", help=_("the event's questions and their languages"))
    _event_argument(action)
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=questions_list)

    action = actions.add_parser("add", help=_("add a question after the others"))
    _event_argument(action)
    action.add_argument("--kind", required=True, metavar="KIND", help=kinds)
    action.add_argument("--text", required=True, help=_("the question in English"))
    action.set_defaults(handler=questions_add)

    action = actions.add_parser(
        "edit", help=_("change a question's kind, or its text in one language")
    )
    _event_argument(action)
    _number_argument(action)
    action.add_argument("--kind", metavar="KIND", help=kinds)
    action.add_argument("--text", help=_("the question in --lang; empty removes that translation"))
    action.add_argument("--lang", default=SOURCE_LANGUAGE, metavar="CODE", help=languages)
    action.set_defaults(handler=questions_edit)

    action = actions.add_parser("move", help=_("move a question up or down the sheet"))
    _event_argument(action)
    _number_argument(action)
    direction = action.add_mutually_exclusive_group(required=True)
    direction.add_argument("--up", action="store_true", help=_("one place nearer the top"))
    direction.add_argument("--down", action="store_true", help=_("one place nearer the end"))
    action.set_defaults(handler=questions_move)

    action = actions.add_parser(
        "remove", help=_("remove a question no returned sheet has answered")
    )
    _event_argument(action)
    _number_argument(action)
    action.set_defaults(handler=questions_remove)


def _event_argument(action) -> None:
    action.add_argument("event", help=_("event id (the first characters are enough)"))


def _number_argument(action) -> None:
    action.add_argument(
        "number", help=_("the question's number on the sheet, as `questions list` shows it")
    )


def _event(store: Store, args: argparse.Namespace) -> str:
    return resolve_id(store, "events", args.event, field="event", label=_("Event"))


def _question(store: Store, args: argparse.Namespace) -> dict:
    event_id = _event(store, args)
    questions = event_questions.list_questions(store, event_id)
    for question in questions:
        if str(question["number"]) == args.number.strip():
            return question
    if questions:
        numbers = ", ".join(str(question["number"]) for question in questions)
        message = _(
            "This event has no question {number} of its own; its questions are numbered {numbers}."
        ).format(number=excerpt(args.number), numbers=numbers)
    else:
        message = _(
            "This event has no questions of its own yet; add one with `ceapp questions add`."
        )
    raise ValidationError("number", message)


def _languages(question: dict) -> str:
    return ", ".join(code for code in LANGUAGES if code in question["texts"])


def questions_list(store: Store, args: argparse.Namespace) -> int:
    questions = event_questions.list_questions(store, _event(store, args))
    if args.json:
        print_json(
            [
                {
                    "number": question["number"],
                    "id": question["id"],
                    "kind": question["kind"],
                    "texts": question["texts"],
                }
                for question in questions
            ]
        )
        return ExitCode.OK
    if not questions:
        print(_("This event has no questions of its own; the sheet asks the standard four."))
        return ExitCode.OK
    print_table(
        [
            [
                question["number"],
                event_questions.KINDS.label(question["kind"]),
                question["texts"].get(SOURCE_LANGUAGE, ""),
                _languages(question),
            ]
            for question in questions
        ],
        [_("No."), _("Kind"), _("Question"), _("Languages")],
    )
    return ExitCode.OK


def questions_add(store: Store, args: argparse.Namespace) -> int:
    event_id = _event(store, args)
    question_id = event_questions.add_question(
        store, event_id=event_id, kind=args.kind, text=args.text
    )
    number = event_questions.get_question(store, question_id)["number"]
    print(
        _("Added question {number}. Translate it with `ceapp questions edit` and --lang.").format(
            number=number
        )
    )
    return ExitCode.OK


def questions_edit(store: Store, args: argparse.Namespace) -> int:
    question = _question(store, args)
    if args.kind is None and args.text is None:
        raise ValidationError(
            "text", _("Say what to change: give --kind, or --text (with --lang for a translation).")
        )
    with store.transaction():
        if args.kind is not None:
            event_questions.set_kind(store, question["id"], args.kind)
        if args.text is not None:
            event_questions.set_text(store, question["id"], args.lang, args.text)
    changed = event_questions.get_question(store, question["id"])
    print(
        _("Question {number} saved; its languages: {languages}.").format(
            number=changed["number"], languages=_languages(changed)
        )
    )
    return ExitCode.OK


def questions_move(store: Store, args: argparse.Namespace) -> int:
    question = _question(store, args)
    ordered = event_questions.move_question(store, question["id"], -1 if args.up else 1)
    number = next(each["number"] for each in ordered if each["id"] == question["id"])
    print(_("The question is now number {number}.").format(number=number))
    return ExitCode.OK


def questions_remove(store: Store, args: argparse.Namespace) -> int:
    question = _question(store, args)
    event_questions.remove_question(store, question["id"])
    print(_("Removed question {number}.").format(number=question["number"]))
    return ExitCode.OK
