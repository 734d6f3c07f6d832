"""The printed sheet's texts in community languages: its own small catalogs.

Separate from the app's interface catalogs (ceapp.i18n, translations/): the
sheet is printed in the language of the people at a meeting, whatever language
the window is in. One gettext .po file a language, domain "sheets":

- shipped: sheet_translations/<lang>.po, installed as ceapp.sheet_translations;
- imported: <folder of the database>/sheet_translations/<lang>.po, written by
  `ceapp catalog import` after check_po() found nothing wrong. An imported
  catalog is used instead of the shipped one.

The .po files are read with Babel directly: no compiled .mo, no build step.
The msgids are the English texts in ceapp.sheets.texts.

Reviewed flag: the header field `X-Reviewed: yes` says a person who reads the
language has checked the catalog; `no` (or no such field) says nobody has.
The shipped catalogs are machine drafts, all `no`. An imported catalog is
reviewed only if the translator's file says `X-Reviewed: yes`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import string
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.sheets import texts
from ceapp.validation import excerpt

DOMAIN = "sheets"
SOURCE_LANGUAGE = "en"
SHIPPED_PACKAGE = "ceapp.sheet_translations"
USER_FOLDER_NAME = "sheet_translations"
REVIEWED_FIELD = "X-Reviewed"
# A catalog of a few dozen short texts is a few kilobytes; this is far beyond.
MAX_PO_BYTES = 1_000_000
# Plural-Forms is one short expression; longer is not a real header.
MAX_PLURAL_FORMS = 300
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Language:
    code: str
    english: str
    native: str
    rtl: bool = False
    # The only script accepted for this language, where it has more than one.
    script: str | None = None


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English"),
        Language("pl", "Polish", "polski"),
        Language("ro", "Romanian", "română"),
        Language("tr", "Turkish", "Türkçe"),
        Language("es", "Spanish", "español"),
        Language("pt", "Portuguese", "português"),
        Language("bg", "Bulgarian", "български"),
        Language("el", "Greek", "Ελληνικά"),
        Language("so", "Somali", "Soomaali"),
        Language("sq", "Albanian", "shqip"),
        Language("lt", "Lithuanian", "lietuvių"),
        Language("ar", "Arabic", "العربية", rtl=True),
        Language("ur", "Urdu", "اردو", rtl=True),
        Language("fa", "Persian (Farsi)", "فارسی", rtl=True),
        Language("ckb", "Kurdish (Sorani)", "کوردیی سۆرانی", rtl=True),
        Language("bn", "Bengali", "বাংলা"),
        Language("pa", "Punjabi (Gurmukhi)", "ਪੰਜਾਬੀ", script="Guru"),
        Language("gu", "Gujarati", "ગુજરાતી"),
        Language("ta", "Tamil", "தமிழ்"),
    )
}
TRANSLATED = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


def check_language(language) -> str:
    """`language` if a sheet is printed in it, else ValidationError naming those that are."""
    if not isinstance(language, str) or language not in LANGUAGES:
        raise ValidationError(
            "lang",
            _("{language} is not a sheet language; use one of: {codes}.").format(
                language=excerpt(str(language)), codes=", ".join(LANGUAGES)
            ),
        )
    return language


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a .po file; `message` says what and what to do."""

    line: int | None
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class CatalogError(Exception):
    """A .po file that cannot be used; `problems` holds why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


# --- where the catalogs are ------------------------------------------------


def shipped_folder() -> Path:
    """The folder of the catalogs that come with ceapp."""
    try:
        found = files(SHIPPED_PACKAGE)
        if isinstance(found, Path) and found.is_dir():
            return found
    except ModuleNotFoundError:
        pass
    # A checkout whose editable install predates the package: the folder itself.
    return Path(__file__).resolve().parents[2] / "sheet_translations"


def user_folder(db_path: str | os.PathLike | None = None) -> Path:
    """Where imported catalogs are kept: a folder beside the database.

    `db_path` as --db takes it; None means $CEAPP_DB, else the default
    database in the user-data folder (ceapp.store_files).
    """
    from ceapp.store_files import MEMORY, default_db_path, resolve_db_path

    path = resolve_db_path(db_path)
    database = default_db_path() if path == MEMORY else Path(path)
    return database.expanduser().absolute().parent / USER_FOLDER_NAME


# --- the catalog the sheet is printed from ----------------------------------


@dataclass
class Catalog:
    language: str
    translations: dict[str, str]
    reviewed: bool
    # "shipped", "imported" or "source" (English); path is None for English.
    origin: str = "source"
    path: Path | None = None
    # Why an imported catalog was passed over for the shipped one, if it was.
    problem: str | None = None
    # Texts printed in English because this catalog has no usable translation.
    misses: list[str] = field(default_factory=list)

    def text(self, msgid: str, **values) -> str:
        """The translation of `msgid` with its placeholders filled in; else the English."""
        if msgid not in texts.MSGIDS:
            raise ValueError(f"not a sheet text (see ceapp.sheets.texts): {msgid!r}")
        translated = self.translations.get(msgid)
        if translated:
            try:
                return translated.format(**values)
            except (KeyError, IndexError, ValueError, AttributeError):
                pass
        if self.language != SOURCE_LANGUAGE and msgid not in self.misses:
            self.misses.append(msgid)
        return msgid.format(**values)

    def missing(self) -> list[str]:
        """The msgids this catalog has no translation for, in sheet order."""
        if self.language == SOURCE_LANGUAGE:
            return []
        return [msgid for _name, msgid in texts.ALL if not self.translations.get(msgid)]

    @property
    def rtl(self) -> bool:
        return LANGUAGES[self.language].rtl


_cache: dict[tuple, Catalog] = {}


def _known(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(
            _("{language} is not a sheet language; use one of: {codes}.").format(
                language=excerpt(lang), codes=", ".join(LANGUAGES)
            )
        )
    return lang


def load(lang: str, *, folder: str | os.PathLike | None = None) -> Catalog:
    """The catalog for `lang`: the imported one in `folder` if any, else the shipped one.

    `folder` defaults to user_folder(). English is the source text and needs
    no file. A catalog is read again only when its file changes.
    """
    _known(lang)
    if lang == SOURCE_LANGUAGE:
        return Catalog(lang, {}, reviewed=True)
    imported = Path(folder if folder is not None else user_folder()) / f"{lang}.po"
    problem = None
    if imported.is_file():
        try:
            return _load_file(lang, imported, origin="imported")
        except (OSError, CatalogError) as error:
            problem = _("The imported catalog {path} cannot be read ({reason}).").format(
                path=imported, reason=error
            )
    shipped = shipped_folder() / f"{lang}.po"
    try:
        catalog = _load_file(lang, shipped, origin="shipped")
    except (OSError, CatalogError):
        # Nothing usable at all: every text prints in English, and says so.
        catalog = Catalog(lang, {}, reviewed=False, origin="shipped", path=shipped)
    if problem is not None:
        catalog = Catalog(
            lang,
            catalog.translations,
            catalog.reviewed,
            origin=catalog.origin,
            path=catalog.path,
            problem=problem,
        )
    return catalog


def _load_file(lang: str, path: Path, *, origin: str) -> Catalog:
    stat = path.stat()
    key = (lang, str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if key not in _cache:
        with path.open("rb") as handle:
            data = handle.read(MAX_PO_BYTES + 1)
        translations, reviewed = read_translations(data, lang)
        _cache[key] = Catalog(lang, translations, reviewed, origin=origin, path=path)
    return _cache[key]


def missing(lang: str, *, folder: str | os.PathLike | None = None) -> list[str]:
    """The msgids printed in English for `lang`, in sheet order."""
    return load(lang, folder=folder).missing()


def read_translations(data: bytes, lang: str) -> tuple[dict[str, str], bool]:
    """(msgid -> translation, reviewed) from a .po file; CatalogError if it is unusable.

    Only usable translations are kept: of a known msgid, not empty, not
    fuzzy, with the English placeholders.
    """
    from babel.messages.pofile import read_po

    if len(data) > MAX_PO_BYTES:
        raise CatalogError([Problem(None, _too_large())])
    data = data.removeprefix(b"\xef\xbb\xbf")
    scan = _scan(data)
    errors = [problem for problem in scan.problems if problem.is_error]
    if errors:
        raise CatalogError(errors)
    try:
        catalog = read_po(io.BytesIO(data), domain=DOMAIN, abort_invalid=True)
    except Exception as error:  # Babel's parser raises many kinds on odd input
        raise CatalogError([_babel_problem(error)]) from None
    translations = {}
    for message in catalog:
        if (
            not message.id
            or message.context is not None
            or not isinstance(message.id, str)
            or message.id not in texts.MSGIDS
            or message.fuzzy
            or not isinstance(message.string, str)
            or not message.string
            or placeholders(message.string) != placeholders(message.id)
        ):
            continue
        translations[message.id] = message.string
    return translations, scan.header.get(REVIEWED_FIELD.lower(), "").strip().lower() == "yes"


# --- checking a translator's file ------------------------------------------


def placeholders(text: str) -> set[str] | None:
    """The `{name}` fields of `text`, each as written; None if the braces do not pair up."""
    found = set()
    try:
        for _literal, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            found.add("{" + written + "}")
    except ValueError:
        return None
    return found


@dataclass
class _Entry:
    line: int
    flags: set[str]
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    msgstr_line: int = 0
    # The field the next quoted continuation line belongs to.
    current: tuple[str, int] | None = None


@dataclass
class _Scan:
    entries: list[_Entry]
    header: dict[str, str]
    header_line: int | None
    problems: list[Problem]


_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[([0-9]{1,3})\])?\s*(".*)?$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPES |= {'"': '"', "\\": "\\"}


class _PoSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _unquote(quoted: str, line: int) -> str:
    """The text of one "..." PO string, its escapes undone."""
    if len(quoted) < 2 or not quoted.startswith('"') or not quoted.endswith('"'):
        raise _PoSyntaxError(
            line,
            _("A text must be in double quotes, all on this line; add the missing quote."),
        )
    body, out, index = quoted[1:-1], [], 0
    while index < len(body):
        character = body[index]
        if character == '"':
            raise _PoSyntaxError(
                line, _('A " inside a text must be written \\"; add the backslash.')
            )
        if character != "\\":
            out.append(character)
            index += 1
            continue
        following = body[index + 1 : index + 2]
        if following in _ESCAPES:
            out.append(_ESCAPES[following])
            index += 2
        elif following in "01234567" and following:
            digits = re.match(r"[0-7]{1,3}", body[index + 1 :]).group()
            out.append(chr(int(digits, 8)))
            index += 1 + len(digits)
        elif following == "x" and re.match(r"[0-9a-fA-F]{1,2}", body[index + 2 :]):
            digits = re.match(r"[0-9a-fA-F]{1,2}", body[index + 2 :]).group()
            out.append(chr(int(digits, 16)))
            index += 2 + len(digits)
        else:
            raise _PoSyntaxError(
                line,
                _(
                    "\\{character} is not a known escape; write \\\\ for a backslash, "
                    "\\n for a new line."
                ).format(character=excerpt(following or " ")),
            )
    return "".join(out)


def _scan(data: bytes) -> _Scan:
    """Read a .po file line by line, as msgfmt does, keeping each entry's line numbers.

    Stops at the first syntax error (after it, nothing would be reliable).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _Scan([], {}, None, [Problem(line, _not_utf8())])
    entries: list[_Entry] = []
    try:
        _scan_lines(text, entries)
    except _PoSyntaxError as error:
        return _Scan(entries, {}, None, [Problem(error.line, error.message)])
    header, header_line = {}, None
    if entries and entries[0].msgid == "" and entries[0].msgctxt is None:
        header_line = entries[0].line
        for raw in entries[0].msgstr.get(0, "").split("\n"):
            name, colon, value = raw.partition(":")
            if colon and name.strip():
                header.setdefault(name.strip().lower(), value.strip())
    return _Scan(entries, header, header_line, [])


def _scan_lines(text: str, entries: list[_Entry]) -> None:
    entry: _Entry | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal entry
        if entry is None:
            return
        if not entry.msgstr:
            raise _PoSyntaxError(
                entry.line,
                _('This msgid has no msgstr after it; add a msgstr line (it may be "").'),
            )
        entries.append(entry)
        entry = None

    for number, raw in enumerate(text.split("\n"), start=1):
        if "\x00" in raw:
            raise _PoSyntaxError(
                number, _("The line holds a NUL character; save the file as text.")
            )
        line = raw.strip(" \t\r\f\v")
        if not line:
            continue
        if line.startswith("#"):
            if entry is not None and not entry.msgstr:
                raise _PoSyntaxError(
                    number,
                    _("A comment between msgid and msgstr; move it above the msgid."),
                )
            finish()
            if line.startswith("#~"):
                continue  # an obsolete entry: msgfmt and Babel leave it out
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            if entry is None or entry.current is None:
                raise _PoSyntaxError(
                    number,
                    _("A text in quotes with no msgid or msgstr before it; remove it or add one."),
                )
            name, index = entry.current
            value = _unquote(line, number)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        match = _KEYWORD.match(line)
        if match is None or match.group(3) is None:
            raise _PoSyntaxError(
                number,
                _(
                    'This line is not part of a PO entry (it starts "{start}"); every line '
                    "must be a msgid, a msgstr, a text in quotes or a comment (#)."
                ).format(start=excerpt(line, limit=20)),
            )
        keyword, index, quoted = match.group(1), match.group(2), match.group(3)
        value = _unquote(quoted, number)
        if keyword != "msgstr" and index is not None:
            raise _PoSyntaxError(number, _("Only msgstr takes a number in brackets; remove it."))
        if keyword in ("msgctxt", "msgid"):
            if entry is not None and entry.msgstr:
                finish()
            if entry is None:
                entry, flags = _Entry(line=number, flags=flags), set()
            elif entry.msgid is not None or keyword == "msgctxt":
                raise _PoSyntaxError(
                    number,
                    _("A second {keyword} before a msgstr; give each msgid a msgstr.").format(
                        keyword=keyword
                    ),
                )
            setattr(entry, keyword, value)
            if keyword == "msgid":
                entry.line = number
            entry.current = (keyword, 0)
        elif keyword == "msgid_plural":
            if entry is None or entry.msgid is None or entry.msgstr or entry.msgid_plural:
                raise _PoSyntaxError(number, _("A msgid_plural must follow its msgid directly."))
            entry.msgid_plural = value
            entry.current = ("msgid_plural", 0)
        else:
            if entry is None or entry.msgid is None:
                raise _PoSyntaxError(number, _("A msgstr with no msgid before it; add the msgid."))
            if entry.msgid_plural is not None and index is None:
                raise _PoSyntaxError(
                    number, _("A plural entry needs msgstr[0], msgstr[1] and so on, not msgstr.")
                )
            if entry.msgid_plural is None and index is not None:
                raise _PoSyntaxError(
                    number,
                    _("msgstr[{index}] without a msgid_plural; write msgstr.").format(index=index),
                )
            position = int(index or 0)
            if position in entry.msgstr:
                raise _PoSyntaxError(number, _("A second msgstr for the same msgid; keep one."))
            if entry.msgstr_line == 0:
                entry.msgstr_line = number
            entry.msgstr[position] = value
            entry.current = ("msgstr", position)
    if entry is not None and entry.msgid is None:
        raise _PoSyntaxError(entry.line, _("A msgctxt with no msgid after it; add the msgid."))
    finish()


def check_po(data: bytes, lang: str) -> list[Problem]:
    """What is wrong with a translator's .po file for `lang`: errors refuse it, warnings do not.

    Refused: a file that is not UTF-8 text or not PO syntax, one with no
    header or a header not saying UTF-8, of another language, with a bad
    Plural-Forms, a plural entry (the sheet has none), a msgid twice, a
    translation whose placeholders differ from the English or that starts
    or ends with a new line where the English does not (what `msgfmt
    --check-format -c` refuses, and more). Warned: a msgid the sheet does not
    use, a fuzzy entry (it is not used), no Language in the header.
    """
    _known(lang)
    if len(data) > MAX_PO_BYTES:
        return [Problem(None, _too_large())]
    data = data.removeprefix(b"\xef\xbb\xbf")
    scan = _scan(data)
    if scan.problems:
        return scan.problems
    problems = _check_header(scan, lang)
    seen: dict[tuple[str | None, str], int] = {}
    for entry in scan.entries:
        if entry is scan.entries[0] and scan.header_line is not None:
            continue
        problems.extend(_check_entry(entry, seen))
    if not any(problem.is_error for problem in problems):
        from babel.messages.pofile import read_po

        try:
            read_po(io.BytesIO(data), domain=DOMAIN, abort_invalid=True)
        except Exception as error:  # Babel's parser raises many kinds on odd input
            problems.append(_babel_problem(error))
    return sorted(problems, key=lambda problem: (problem.line or 0, not problem.is_error))


def _check_header(scan: _Scan, lang: str) -> list[Problem]:
    if scan.header_line is None:
        first = scan.entries[0].line if scan.entries else 1
        return [
            Problem(
                first,
                _(
                    'The file has no header: its first entry must be msgid "" with '
                    'msgstr "Content-Type: text/plain; charset=UTF-8\\n" and '
                    '"Language: {language}\\n"; export a catalog to see one.'
                ).format(language=lang),
            )
        ]
    line, header, problems = scan.header_line, scan.header, []
    content_type = header.get("content-type", "")
    charset = re.search(r"charset\s*=\s*([^\s;]+)", content_type, re.IGNORECASE)
    if charset is None or charset.group(1).lower().replace("-", "").replace("_", "") != "utf8":
        problems.append(
            Problem(
                line,
                _(
                    "The header does not say the file is UTF-8; save it as UTF-8 and put "
                    '"Content-Type: text/plain; charset=UTF-8\\n" in its header.'
                ),
            )
        )
    language = header.get("language", "")
    if not language:
        problems.append(
            Problem(
                line,
                _("The header has no Language; it is taken as {language}.").format(language=lang),
                WARNING,
            )
        )
    elif not _language_matches(language, lang):
        problems.append(
            Problem(
                line,
                _(
                    "The header says Language: {found}, but this is the {language} catalog; "
                    "import it as {found} or correct the header."
                ).format(found=excerpt(language, limit=40), language=lang),
            )
        )
    plural_forms = header.get("plural-forms")
    if plural_forms is not None:
        problem = _check_plural_forms(plural_forms, lang, line)
        if problem is not None:
            problems.append(problem)
    reviewed = header.get(REVIEWED_FIELD.lower())
    if reviewed is not None and reviewed.lower() not in ("yes", "no"):
        problems.append(
            Problem(
                line,
                _(
                    "{field} must be yes (a person who reads the language has checked every "
                    'text) or no; it is "{value}".'
                ).format(field=REVIEWED_FIELD, value=excerpt(reviewed, limit=20)),
            )
        )
    return problems


def _language_matches(value: str, lang: str) -> bool:
    from babel import Locale, UnknownLocaleError

    code = value.split("@")[0].replace("-", "_")
    if code.split("_")[0].lower() != lang:
        return False
    try:
        script = Locale.parse(code).script
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    expected = LANGUAGES[lang].script
    return script is None or expected is None or script == expected


def _check_plural_forms(value: str, lang: str, line: int) -> Problem | None:
    import gettext

    from babel.messages.plurals import get_plural

    expected = get_plural(lang)
    match = re.fullmatch(r"\s*nplurals\s*=\s*([0-9]{1,2})\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", value)
    valid = match is not None and len(value) <= MAX_PLURAL_FORMS and int(match.group(1)) > 0
    if valid:
        try:
            gettext.c2py(match.group(2))
        except Exception:  # c2py's own errors, and the recursion of a deep expression
            valid = False
    if not valid:
        return Problem(
            line,
            _(
                "The header's Plural-Forms cannot be read; for {language} write "
                '"Plural-Forms: {forms}".'
            ).format(language=lang, forms=expected.plural_forms),
        )
    if int(match.group(1)) != expected.num_plurals:
        return Problem(
            line,
            _(
                "The header's Plural-Forms gives {count} forms where {language} has "
                "{expected}; the sheet has no plural texts, so nothing changes."
            ).format(count=int(match.group(1)), language=lang, expected=expected.num_plurals),
            WARNING,
        )
    return None


def _check_entry(entry: _Entry, seen: dict) -> list[Problem]:
    problems = []
    key = (entry.msgctxt, entry.msgid)
    if key in seen:
        return [
            Problem(
                entry.line,
                _(
                    'The msgid "{msgid}" is in the file twice (first on line {first}); '
                    "keep only one."
                ).format(msgid=excerpt(entry.msgid, limit=40), first=seen[key]),
            )
        ]
    seen[key] = entry.line
    if entry.msgid_plural is not None:
        return [
            Problem(
                entry.line,
                _("A plural entry (msgid_plural), but the sheet has no plural texts; remove it."),
            )
        ]
    msgid, msgstr = entry.msgid or "", entry.msgstr.get(0, "")
    if entry.msgctxt is not None or msgid not in texts.MSGIDS:
        problems.append(
            Problem(
                entry.line,
                _('The sheet has no text "{msgid}"; it is left out.').format(
                    msgid=excerpt(msgid, limit=40)
                ),
                WARNING,
            )
        )
    if not msgstr:
        return problems
    if msgid.startswith("\n") != msgstr.startswith("\n") or (
        msgid.endswith("\n") != msgstr.endswith("\n")
    ):
        problems.append(
            Problem(
                entry.msgstr_line,
                _(
                    "The translation starts or ends with a new line (\\n) where the English "
                    "does not, or the other way round; make them the same."
                ),
            )
        )
    expected, found = placeholders(msgid), placeholders(msgstr)
    if found is None:
        problems.append(
            Problem(
                entry.msgstr_line,
                _(
                    "The translation has a {{ or }} that does not pair up; keep the "
                    "placeholders exactly as in the English ({placeholders})."
                ).format(placeholders=_listing(expected))
                if expected
                else _(
                    "The translation has a {{ or }} that does not pair up; the English has no "
                    "placeholders, so remove them."
                ),
            )
        )
    elif expected is not None and found != expected:
        problems.append(
            Problem(
                entry.msgstr_line,
                _(
                    "The translation has the placeholders {found} where the English has "
                    "{expected}; keep them exactly as in the English, untranslated."
                ).format(found=_listing(found), expected=_listing(expected)),
            )
        )
    if "fuzzy" in entry.flags:
        problems.append(
            Problem(
                entry.line,
                _(
                    "This translation is marked fuzzy (unfinished), so the English is printed "
                    "instead; check it and remove the fuzzy mark."
                ),
                WARNING,
            )
        )
    return problems


def _listing(found: set[str] | None) -> str:
    return excerpt(" ".join(sorted(found or ())) or _("none"), limit=60)


def _too_large() -> str:
    return _("The file is larger than a sheet catalog can be ({limit:,} bytes).").format(
        limit=MAX_PO_BYTES
    )


def _not_utf8() -> str:
    return _("The file is not UTF-8 text from this line on; save it as UTF-8.")


def _babel_problem(error: Exception) -> Problem:
    line = getattr(error, "lineno", None)
    return Problem(
        line + 1 if isinstance(line, int) else None,
        _("The file cannot be read as a PO file ({reason}); export a catalog to compare.").format(
            reason=excerpt(str(error) or type(error).__name__, limit=80)
        ),
    )


# --- writing catalogs -------------------------------------------------------


def header_language(data: bytes) -> str | None:
    """The sheet language a .po file's header names (ckb from ckb_IQ), else None."""
    scan = _scan(data[: MAX_PO_BYTES + 1].removeprefix(b"\xef\xbb\xbf"))
    value = scan.header.get("language", "").split("@")[0].replace("-", "_")
    base = value.split("_")[0].lower()
    return base if base in TRANSLATED else None


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'


def render_po(
    lang: str,
    translations: dict[str, str],
    *,
    reviewed: bool,
    header: dict[str, str] | None = None,
) -> bytes:
    """A complete .po file for `lang`: every sheet text, in sheet order, untranslated ones empty.

    `header` may give Last-Translator, Language-Team and PO-Revision-Date.
    """
    from babel.messages.plurals import get_plural

    _known(lang)
    language = LANGUAGES[lang]
    given = {name.lower(): value for name, value in (header or {}).items()}
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M%z")
    fields = [
        ("Project-Id-Version", "ceapp sheets"),
        ("PO-Revision-Date", given.get("po-revision-date") or now),
        ("Last-Translator", given.get("last-translator") or "ceapp machine draft"),
        ("Language-Team", given.get("language-team") or f"{language.english} (none yet)"),
        ("Language", lang),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", get_plural(lang).plural_forms),
        (REVIEWED_FIELD, "yes" if reviewed else "no"),
    ]
    lines = [
        f"# Printed feedback sheet texts in {language.english} ({language.native}).",
        "# Keep every {placeholder} exactly as in the English. Set X-Reviewed: yes",
        "# only when a person who reads the language has checked every text.",
        'msgid ""',
        'msgstr ""',
        *(_quote(f"{name}: {' '.join(value.split())}\n") for name, value in fields),
    ]
    for name, msgid in texts.ALL:
        lines.append("")
        note = texts.NOTES.get(name)
        lines.append(f"#. {name}" + (f": {note}" if note else ""))
        if placeholders(msgid):
            lines.append("#, python-brace-format")
        lines.append(f"msgid {_quote(msgid)}")
        lines.append(f"msgstr {_quote(translations.get(msgid, ''))}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def store_catalog(data: bytes, lang: str, folder: str | os.PathLike) -> tuple[Path, Catalog]:
    """Keep a checked translator's file as `lang`'s imported catalog in `folder`.

    Refuses (CatalogError) a file check_po() finds an error in; otherwise
    writes the catalog again in ceapp's form (only the sheet's texts, no
    fuzzy ones) to <folder>/<lang>.po, replacing the file there in one step.
    """
    problems = [problem for problem in check_po(data, lang) if problem.is_error]
    if problems:
        raise CatalogError(problems)
    translations, reviewed = read_translations(data, lang)
    scan = _scan(data.removeprefix(b"\xef\xbb\xbf"))
    kept = {
        name: scan.header[name.lower()]
        for name in ("Last-Translator", "Language-Team", "PO-Revision-Date")
        if scan.header.get(name.lower())
    }
    rendered = render_po(lang, translations, reviewed=reviewed, header=kept)
    target_folder = Path(folder)
    target_folder.mkdir(parents=True, exist_ok=True)
    target = target_folder / f"{lang}.po"
    handle, temporary = tempfile.mkstemp(prefix=f".{lang}.", suffix=".po", dir=target_folder)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(rendered)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target, load(lang, folder=target_folder)
