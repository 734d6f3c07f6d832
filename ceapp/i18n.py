"""Translation functions (Picard style): import them explicitly.

    from ceapp.i18n import _, N_, ngettext

`_` and `ngettext` look the message up when called, never at import time, so
a language chosen after start-up applies everywhere. `N_` only marks a
module-level constant for extraction; translate it with `_()` where shown.
Catalogs live in translations/<lang>/LC_MESSAGES/ceapp.mo, compiled by
`python -m ceapp.i18n compile` at install and test time.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

DOMAIN = "ceapp"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

# Languages written right to left; the UI mirrors its layout for these.
RTL_LANGUAGES = frozenset({"ar", "ur", "fa", "ckb", "he", "ps", "yi"})

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str | None) -> str:
    """Switch the catalog used by `_` and `ngettext`; returns the language in force.

    An unknown language falls back to English source text rather than failing:
    a missing catalog must never stop a worker at a forum.
    """
    global _translations, _language
    if not language or language.split("_")[0] == "en":
        _translations, _language = gettext.NullTranslations(), "en"
        return _language
    try:
        _translations = gettext.translation(
            DOMAIN, localedir=str(TRANSLATIONS_DIR), languages=[language]
        )
        _language = language
    except OSError:
        _translations, _language = gettext.NullTranslations(), "en"
    return _language


def current_language() -> str:
    return _language


def is_rtl(language: str | None = None) -> bool:
    return (language or _language).split("_")[0] in RTL_LANGUAGES


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every translations/<lang>/LC_MESSAGES/*.po into .mo beside it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        for path in compile_catalogs():
            print(path)
    else:
        sys.exit("usage: python -m ceapp.i18n compile")
