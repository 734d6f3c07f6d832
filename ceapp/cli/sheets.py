"""CLI command for the printed feedback sheet: `ceapp sheet --event ID --lang pl,ar --out DIR`.

One PDF a language, named <event id's first 8 characters>-<lang>.pdf, in a
folder that must exist; a file already there is never overwritten. Every
sheet is laid out before anything is written, so a bad language, size or
event writes nothing.
"""

from __future__ import annotations

import argparse
import os

from ceapp.errors import ValidationError
from ceapp.exit_codes import ExitCode
from ceapp.i18n import _, ngettext
from ceapp.lookup import resolve_id
from ceapp.sheets import catalogs, layout
from ceapp.store import Store
from ceapp.sync import files
from ceapp.validation import escape, excerpt

# The event's part of the file name: as many characters as `events list` shows.
ID_CHARACTERS = 8


def add_commands(commands) -> None:
    """Register `sheet` on the top-level subparsers."""
    command = commands.add_parser(
        "sheet", help=_("print the feedback sheet for an event: one large-print PDF a language")
    )
    command.add_argument(
        "--event", required=True, help=_("event id (the first characters are enough)")
    )
    command.add_argument(
        "--lang",
        required=True,
        help=_("languages, separated by commas: {codes}").format(
            codes=", ".join(catalogs.LANGUAGES)
        ),
    )
    command.add_argument(
        "--size",
        default=str(layout.DEFAULT_SIZE),
        help=_("body text in points: {sizes} (default {default})").format(
            sizes=", ".join(str(size) for size in layout.SIZES), default=layout.DEFAULT_SIZE
        ),
    )
    command.add_argument(
        "--bilingual", action="store_true", help=_("the English beneath each text")
    )
    command.add_argument(
        "--monitoring",
        action="store_true",
        help=_("add the optional equality questions on a page of their own"),
    )
    command.add_argument("--tint", action="store_true", help=_("print on a pale yellow ground"))
    command.add_argument("--out", required=True, help=_("the folder to write the PDFs in"))
    command.set_defaults(handler=sheet)


def _languages(text: str) -> list[str]:
    codes = [code.strip() for code in (text or "").split(",") if code.strip()]
    if not codes:
        raise ValidationError("lang", _("Give at least one language, such as --lang pl,ar."))
    for code in codes:
        catalogs.check_language(code)
    return list(dict.fromkeys(codes))


def _size(text: str) -> int:
    try:
        size = int(text)
    except (TypeError, ValueError):
        size = text
    return layout.check_size(size)


def sheet(store: Store, args: argparse.Namespace) -> int:
    codes = _languages(args.lang)
    size = _size(args.size)
    folder = args.out
    if not folder or "\x00" in folder or not os.path.isdir(folder):
        raise ValidationError(
            "out",
            _("The folder {folder} does not exist; create it or choose another.").format(
                folder=excerpt(folder or "")
            ),
        )
    event_id = resolve_id(store, "events", args.event, field="event", label=_("Event"))
    paths = {code: os.path.join(folder, f"{event_id[:ID_CHARACTERS]}-{code}.pdf") for code in codes}
    for path in paths.values():
        if os.path.lexists(path):
            raise ValidationError(
                "out",
                _("{path} already exists; nothing was written, so nothing is overwritten.").format(
                    path=escape(path)
                ),
            )
    sheets = {
        code: layout.build_sheet(
            store,
            event_id,
            code,
            size=size,
            bilingual=args.bilingual,
            monitoring=args.monitoring,
            tint=args.tint,
            folder=catalogs.user_folder(store.path),
        )
        for code in codes
    }
    for code, built in sheets.items():
        files.write_new_file(paths[code], built.pdf)
        language = catalogs.LANGUAGES[code]
        print(
            _("Wrote {path}: {language}, {pages} pages.").format(
                path=escape(paths[code]), language=language.english, pages=len(built.pages)
            )
        )
        if not built.catalog.reviewed:
            print(
                _("  {language}: not yet reviewed by a person.").format(language=language.english)
            )
        if built.catalog.misses:
            print(
                _("  {language}: printed in English, no translation: {texts}").format(
                    language=language.english,
                    texts="; ".join(excerpt(msgid, limit=60) for msgid in built.catalog.misses),
                )
            )
        extra = [text for text in built.english_only if text not in built.catalog.misses]
        if extra and code != catalogs.SOURCE_LANGUAGE:
            # Labels the monitoring page takes from ceapp itself, when the
            # catalog has no text for them; the misses above are listed already.
            print(
                _("  {language}: printed in English, no translation: {texts}").format(
                    language=language.english,
                    texts="; ".join(excerpt(text, limit=60) for text in extra),
                )
            )
        if built.untranslated_questions:
            numbers = built.untranslated_questions
            print(
                ngettext(
                    "  {language}: the event's question {numbers} printed in English; give "
                    "its {language} text with `ceapp questions edit EVENT NUMBER --lang {code}`.",
                    "  {language}: the event's questions {numbers} printed in English; give "
                    "their {language} text with `ceapp questions edit EVENT NUMBER --lang {code}`.",
                    len(numbers),
                ).format(
                    language=language.english,
                    numbers=", ".join(str(value) for value in numbers),
                    code=code,
                )
            )
    return ExitCode.OK
