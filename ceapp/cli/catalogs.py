"""CLI commands for the printed sheet's translations: `ceapp catalog list|export|import`.

A translator gets a catalog with `export`, fills in the msgstr lines with any
PO editor (or a text editor) and gives it back; `import` checks it
completely and keeps it beside the database, where it is used instead of the
catalog shipped with ceapp. A file with anything wrong is refused whole.
"""

from __future__ import annotations

import argparse
import os
import sys

from ceapp.cli.output import print_json, print_table, write
from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _
from ceapp.sheets import catalogs
from ceapp.store import Store
from ceapp.sync import files
from ceapp.validation import escape, excerpt

# No more problems than this are listed: the first ones say what to do.
MAX_LISTED = 20
# As the command line's other messages (ceapp.cli.MAX_MESSAGE): a line, however long the file name.
MAX_LINE = 300


def add_commands(commands) -> None:
    """Register `catalog` and its actions on the top-level subparsers."""
    from ceapp.cli import Parser

    group = commands.add_parser(
        "catalog", help=_("translations of the printed feedback sheet: list, export, import")
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True

    action = actions.add_parser(
        "list", help=_("the sheet's languages, whether a person reviewed each, texts missing")
    )
    action.add_argument("--json", action="store_true", help=_("print JSON for programs"))
    action.set_defaults(handler=catalog_list)

    action = actions.add_parser("export", help=_("write a language's catalog for a translator"))
    action.add_argument(
        "lang", help=_("language code: {codes}").format(codes=", ".join(catalogs.TRANSLATED))
    )
    action.add_argument("--out", required=True, help=_("the new .po file; it must not exist yet"))
    action.set_defaults(handler=catalog_export)

    action = actions.add_parser(
        "import", help=_("check a translator's .po file and use it for the sheet")
    )
    action.add_argument("file", help=_("the .po file"))
    action.add_argument(
        "--lang", help=_("its language, if the file's header does not say (Language:)")
    )
    action.set_defaults(handler=catalog_import)


def _language(code: str | None) -> str:
    if code not in catalogs.TRANSLATED:
        raise ValidationError(
            "lang",
            _("{language} is not a sheet language to translate into; use one of: {codes}.").format(
                language=excerpt(code), codes=", ".join(catalogs.TRANSLATED)
            ),
        )
    return code


def catalog_list(store: Store, args: argparse.Namespace) -> int:
    folder = catalogs.user_folder(store.path)
    rows = []
    for code in catalogs.TRANSLATED:
        catalog = catalogs.load(code, folder=folder)
        language = catalogs.LANGUAGES[code]
        rows.append(
            {
                "language": code,
                "name": language.english,
                "native_name": language.native,
                "rtl": language.rtl,
                "reviewed": catalog.reviewed,
                "missing": len(catalog.missing()),
                "imported": catalog.origin == "imported",
                "problem": catalog.problem,
            }
        )
    if args.json:
        print_json(rows)
        return ExitCode.OK
    yes, no = _("yes"), _("no")
    print_table(
        [
            (
                row["language"],
                row["name"],
                row["native_name"],
                yes if row["reviewed"] else no,
                row["missing"],
                _("imported") if row["imported"] else _("shipped"),
            )
            for row in rows
        ],
        headers=[
            _("code"),
            _("language"),
            _("native name"),
            _("reviewed"),
            _("missing"),
            _("from"),
        ],
    )
    write(_("Imported catalogs are kept in {folder}.").format(folder=escape(folder)) + "\n")
    for row in rows:
        if row["problem"]:
            print(escape(row["problem"]), file=sys.stderr)
    return ExitCode.OK


def catalog_export(store: Store, args: argparse.Namespace) -> int:
    lang = _language(args.lang)
    if args.out and os.path.isdir(args.out):
        raise ValidationError(
            "out",
            _("{path} is a folder; give a file name for the catalog.").format(
                path=excerpt(args.out)
            ),
        )
    files.check_new_file(args.out, kind=files.BUNDLE)
    catalog = catalogs.load(lang, folder=catalogs.user_folder(store.path))
    data = catalogs.render_po(lang, catalog.translations, reviewed=catalog.reviewed)
    files.write_new_file(args.out, data)
    print(
        _(
            "Wrote {path}: {language}, {done} of {total} texts translated, reviewed: {reviewed}."
        ).format(
            path=escape(args.out),
            language=catalogs.LANGUAGES[lang].english,
            done=len(catalogs.texts.ALL) - len(catalog.missing()),
            total=len(catalogs.texts.ALL),
            reviewed=_("yes") if catalog.reviewed else _("no"),
        )
    )
    return ExitCode.OK


def _read(path: str) -> bytes:
    if not path or not path.strip() or "\x00" in path:
        raise ValidationError("file", _("Give the name of the .po file to import."))
    if os.path.isdir(path):
        raise ValidationError(
            "file", _("{path} is a folder; give the .po file.").format(path=excerpt(path))
        )
    try:
        with open(path, "rb") as handle:
            return handle.read(catalogs.MAX_PO_BYTES + 1)
    except OSError as error:
        raise ValidationError(
            "file",
            _("Cannot read {path}: {reason}.").format(
                path=excerpt(path), reason=error.strerror or error
            ),
        ) from None


def _report(path: str, problem: catalogs.Problem) -> str:
    where = excerpt(path, limit=80)
    if problem.is_error:
        if problem.line is None:
            return _("{file}: {problem}").format(file=where, problem=problem.message)
        return _("{file}, line {line}: {problem}").format(
            file=where, line=problem.line, problem=problem.message
        )
    if problem.line is None:
        return _("{file}: warning: {problem}").format(file=where, problem=problem.message)
    return _("{file}, line {line}: warning: {problem}").format(
        file=where, line=problem.line, problem=problem.message
    )


def _print_problems(path: str, problems: list[catalogs.Problem]) -> None:
    for problem in problems[:MAX_LISTED]:
        print(excerpt(_report(path, problem), limit=MAX_LINE), file=sys.stderr)
    if len(problems) > MAX_LISTED:
        print(_("…and {count} more.").format(count=len(problems) - MAX_LISTED), file=sys.stderr)


def catalog_import(store: Store, args: argparse.Namespace) -> int:
    data = _read(args.file)
    if args.lang is not None:
        lang = _language(args.lang)
    else:
        lang = catalogs.header_language(data)
        if lang is None:
            raise ValidationError(
                "lang",
                _(
                    "{file} does not say which sheet language it is (no Language: in its "
                    "header); give it with --lang."
                ).format(file=excerpt(args.file)),
            )
    problems = catalogs.check_po(data, lang)
    errors = [problem for problem in problems if problem.is_error]
    if errors:
        _print_problems(args.file, errors)
        print(_("Nothing was imported: correct the file and import it again."), file=sys.stderr)
        return ExitCode.BAD_INPUT
    _print_problems(args.file, problems)
    folder = catalogs.user_folder(store.path)
    path, catalog = catalogs.store_catalog(data, lang, folder)
    total = len(catalogs.texts.ALL)
    print(
        _(
            "Imported {language}: {done} of {total} texts translated, reviewed: {reviewed}. "
            "Kept in {path}; the sheet uses it instead of the catalog shipped with ceapp."
        ).format(
            language=catalogs.LANGUAGES[lang].english,
            done=total - len(catalog.missing()),
            total=total,
            reviewed=_("yes") if catalog.reviewed else _("no"),
            path=escape(path),
        )
    )
    return ExitCode.OK
