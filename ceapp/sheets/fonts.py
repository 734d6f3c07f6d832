"""The fonts feedback sheets are printed in, and which characters each one draws.

Every family is a Regular and a Bold .ttf shipped in resources/fonts (their
README says why each was chosen). No single font covers all the community
languages a sheet is translated into, so text is split into runs
(ceapp.sheets.script_runs) and each run is set in a family whose cmap has all
its characters; `covers` is the check for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ceapp import resource_files


@dataclass(frozen=True)
class Family:
    """One family as reportlab knows it: `name` is the regular face, `bold` the bold one."""

    name: str
    regular_file: str
    bold_file: str

    @property
    def bold(self) -> str:
        return f"{self.name}-Bold"


# The first is the base font: the one digits and punctuation fall back to.
FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        # Latin, Greek and Cyrillic in one face, so a Greek or Bulgarian sheet
        # with an English place name stays in a single run.
        Family("NotoSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
        # Naskh is the everyday print style of Arabic, Persian and Sorani.
        Family("NotoNaskhArabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
        # Urdu readers expect Nastaliq; Naskh reads as Arabic to them.
        Family("NotoNastaliqUrdu", "NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf"),
        Family("NotoSansBengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"),
        Family("NotoSansGurmukhi", "NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf"),
        Family("NotoSansGujarati", "NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf"),
        Family("NotoSansTamil", "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf"),
    )
}
BASE_FAMILY = "NotoSans"

SCRIPT_FAMILIES = {
    "Latin": "NotoSans",
    "Greek": "NotoSans",
    "Cyrillic": "NotoSans",
    "Arabic": "NotoNaskhArabic",
    "Bengali": "NotoSansBengali",
    "Gurmukhi": "NotoSansGurmukhi",
    "Gujarati": "NotoSansGujarati",
    "Tamil": "NotoSansTamil",
}

# Where a language writes a script in a style of its own. Keys are lower-case
# language codes, with the script subtag where the language has two scripts
# (Punjabi in Shahmukhi is written in Nastaliq too).
LANGUAGE_FAMILIES = {
    "ur": {"Arabic": "NotoNastaliqUrdu"},
    "pa_arab": {"Arabic": "NotoNastaliqUrdu"},
}


def language_key(language: str | None) -> str:
    """'ur-PK' -> 'ur', 'pa_Arab' -> 'pa_arab': the form LANGUAGE_FAMILIES is keyed by."""
    if not language:
        return ""
    parts = language.replace("-", "_").lower().split("_")
    if len(parts) > 1 and len(parts[1]) == 4:
        return f"{parts[0]}_{parts[1]}"
    return parts[0]


def font_for_script(script: str, language: str | None = None) -> str:
    """The family that sets `script` for `language` (the base family for any other script)."""
    key = language_key(language)
    special = LANGUAGE_FAMILIES.get(key) or LANGUAGE_FAMILIES.get(key.split("_")[0], {})
    return special.get(script) or SCRIPT_FAMILIES.get(script, BASE_FAMILY)


@cache
def _cmap(file_name: str) -> frozenset[int]:
    # Imported here: only the sheets need fontTools, not every ceapp command.
    from fontTools.ttLib import TTFont

    with TTFont(resource_files.fonts_dir() / file_name, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def _codepoints(family: str) -> frozenset[int]:
    # A run may be set in bold, so a character counts only if both faces have it.
    faces = FAMILIES[family]
    return _cmap(faces.regular_file) & _cmap(faces.bold_file)


def covers(family: str, text: str) -> bool:
    """Whether both faces of `family` have a glyph for every character of `text`."""
    codepoints = _codepoints(family)
    return all(ord(character) in codepoints for character in text)


_registered = False


def register_fonts() -> None:
    """Register every family with reportlab, so <font name=...> and <b> find them.

    The names are those ceapp.reports.equality_pdf uses for Noto Sans, so
    whichever registers first, both get the same font.
    """
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = resource_files.fonts_dir()
    known = set(pdfmetrics.getRegisteredFontNames())
    for family in FAMILIES.values():
        faces = ((family.name, family.regular_file), (family.bold, family.bold_file))
        for name, file_name in faces:
            if name not in known:
                pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
        # No italics are shipped: <i> keeps the upright face rather than failing.
        pdfmetrics.registerFontFamily(
            family.name,
            normal=family.name,
            bold=family.bold,
            italic=family.name,
            boldItalic=family.bold,
        )
    _registered = True
