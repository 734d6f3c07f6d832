"""Translation functions (Picard style): import them explicitly.

    from ceapp.i18n import _, N_, ngettext

`_` and `ngettext` look the message up when called, never at import time, so
a language chosen after start-up applies everywhere. `N_` only marks a
module-level constant for extraction; translate it with `_()` where shown.
Catalogs are translations/<lang>/LC_MESSAGES/ceapp.po, installed as the
package ceapp.translations. A built wheel carries them compiled (setup.py); in
a checkout, `python -m ceapp.i18n compile` (or `pip install -e .`) writes each
.mo beside its .po.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

from ceapp import resource_files

DOMAIN = "ceapp"
TRANSLATIONS_DIR = resource_files.translations_dir()

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


def available_languages() -> list[tuple[str, str]]:
    """(code, name in that language) for English and every compiled catalog present."""
    # Imported here: loading Babel's locale data would slow every CLI command,
    # and only the window's language menu needs it.
    from babel import Locale, UnknownLocaleError

    codes = {"en"} | {
        mo.parent.parent.name for mo in Path(TRANSLATIONS_DIR).glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    }
    languages = []
    for code in sorted(codes):
        try:
            name = Locale.parse(code).get_display_name(code) or code
        except (UnknownLocaleError, ValueError):
            name = code
        languages.append((code, name[:1].upper() + name[1:]))
    return languages


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
    """Compile every <lang>/LC_MESSAGES/*.po under `directory` into .mo beside it."""
    return resource_files.compile_catalogs(directory)


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        for path in compile_catalogs():
            print(path)
    else:
        sys.exit("usage: python -m ceapp.i18n compile")
