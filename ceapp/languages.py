"""Language codes and their names, from Babel's CLDR data.

CLDR has no locale for some community languages spoken in UK boroughs;
those few are listed here with their ISO 639-3 codes.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

from ceapp.i18n import N_, _

EXTRA_LANGUAGES = {
    "syl": N_("Sylheti"),
    "phr": N_("Pahari-Pothwari"),
}


# Parsing a locale with Babel is slow, and the same few codes come again and
# again (every demo event, every imported group).
@lru_cache(maxsize=1024)
def normalise(value: str) -> str | None:
    """The canonical code for `value` (bn, pa_Arab, en_GB, syl), or None if unknown."""
    code = value.strip().replace("-", "_")
    language = code.split("_")[0].lower()
    if language in EXTRA_LANGUAGES:
        return language if code.lower() == language else None
    if language == "und" or language not in Locale("en").languages:
        return None
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return None
    # Babel quietly maps unknown regions to a default (en_ZZ -> en_US): refuse those.
    return str(locale) if str(locale).lower() == code.lower() else None


def display_name(code: str, *, in_language: str = "en") -> str:
    """The language's name written in `in_language`, e.g. display_name('bn') == 'Bangla'."""
    if code in EXTRA_LANGUAGES:
        return _(EXTRA_LANGUAGES[code])
    try:
        return Locale.parse(code).get_display_name(in_language) or code
    except (ValueError, UnknownLocaleError):
        return code
