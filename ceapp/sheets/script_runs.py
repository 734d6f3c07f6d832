"""Split sheet text into runs, each set in one font that has every character of it.

A translated sheet mixes scripts: a Latin place name and digits in Arabic or
Bengali text, an Arabic or Bengali name in English. No shipped font covers them
all, so a line is drawn as runs of (text, family, rtl).

How a character finds its run:

- Letters belong to their script (a small table of Unicode blocks below), and
  the script picks the family (`fonts.font_for_script`), with the language
  choosing where it matters (Urdu takes the Nastaliq face for Arabic script).
- Combining marks, ZWJ/ZWNJ and other invisible format characters
  ("inherited") stay with the character before them: harfbuzz has to see a
  mark, or a joiner, in the same run as its base to place or join it.
- Digits, punctuation and spaces ("common") take the script of the nearest
  letter in the same word (before it, then after it), or for a word with no
  letter (a date, "14", a dash) of the nearest letter before it in the text,
  then after it. So "14" in Arabic text is set in the Arabic face, in the
  same run, and the run is not broken at every number. A common character is
  moved to the base font (Noto Sans) only if that face lacks it: the Arabic
  faces, for instance, have digits but no parentheses or percent sign. A
  word with no letters ("50%") then moves whole to the base font, so that
  one word is not shaped in two fonts.
- If neither covers it, the first shipped family that does takes it; a
  character no shipped family covers stays in the base font's run (it would
  print as an empty box) and `uncovered` reports it, so the sheet can refuse
  to print rather than lose it.

A space where the script changes is set in the base font: Nastaliq's own
space is half as wide, right between Urdu words but cramped before English.

A word with letters can still need two faces: "(أحمد)" in Arabic text, as
the Arabic faces have no parentheses. reportlab's Paragraph (4.x and 5.1)
shapes each space-separated word with the font of its first fragment, so such
a word prints boxes unless the layout shapes it one face at a time.

Runs are in logical (typed) order. `rtl` says the run's letters are written
right to left (a run with no letters, "50%", takes the direction of the text
around it); putting runs in visual order (bidi) is the layout's job.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from typing import NamedTuple

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.sheets.fonts import BASE_FAMILY, FAMILIES, covers, font_for_script

COMMON = "Common"
INHERITED = "Inherited"
UNKNOWN = "Unknown"
RTL_SCRIPTS = frozenset({"Arabic"})

# Whole blocks, punctuation and digits in them included: a script's own
# punctuation (the Arabic comma, Arabic-Indic digits) is drawn by its font.
_RANGES = sorted(
    [
        (0x0041, 0x005A, "Latin"),
        (0x0061, 0x007A, "Latin"),
        (0x00AA, 0x00AA, "Latin"),
        (0x00BA, 0x00BA, "Latin"),
        (0x00C0, 0x00D6, "Latin"),
        (0x00D8, 0x00F6, "Latin"),
        (0x00F8, 0x02AF, "Latin"),
        (0x1D00, 0x1DBF, "Latin"),
        (0x1E00, 0x1EFF, "Latin"),
        (0x2C60, 0x2C7F, "Latin"),
        (0xA720, 0xA7FF, "Latin"),
        (0xAB30, 0xAB6F, "Latin"),
        (0xFB00, 0xFB06, "Latin"),
        (0xFF21, 0xFF3A, "Latin"),
        (0xFF41, 0xFF5A, "Latin"),
        (0x0370, 0x03FF, "Greek"),
        (0x1F00, 0x1FFF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"),
        (0x1C80, 0x1C8F, "Cyrillic"),
        (0x2DE0, 0x2DFF, "Cyrillic"),
        (0xA640, 0xA69F, "Cyrillic"),
        (0x0600, 0x06FF, "Arabic"),
        (0x0750, 0x077F, "Arabic"),
        (0x0870, 0x08FF, "Arabic"),
        (0xFB50, 0xFDFF, "Arabic"),
        (0xFE70, 0xFEFF, "Arabic"),
        (0x0980, 0x09FF, "Bengali"),
        (0x0A00, 0x0A7F, "Gurmukhi"),
        (0x0A80, 0x0AFF, "Gujarati"),
        (0x0B80, 0x0BFF, "Tamil"),
        (0x11FC0, 0x11FFF, "Tamil"),
    ]
)
_STARTS = [start for start, _end, _script in _RANGES]
# U+FEFF (byte order mark) sits in the Arabic presentation block's range but is
# a format character; it is checked before the table.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


class Run(NamedTuple):
    text: str
    family: str
    rtl: bool


def script_of(character: str) -> str:
    """The script a character is drawn in: a name from the table, Common, Inherited or Unknown."""
    if character in _INVISIBLE or "\ufe00" <= character <= "\ufe0f":
        return INHERITED
    code = ord(character)
    index = bisect_right(_STARTS, code) - 1
    if index >= 0 and code <= _RANGES[index][1]:
        return _RANGES[index][2]
    category = unicodedata.category(character)
    if category.startswith("M"):
        return INHERITED
    if category.startswith("L"):
        return UNKNOWN
    return COMMON


def never_drawn(character: str) -> bool:
    """Characters with no glyph of their own: line breaks, joiners, direction marks.

    Harfbuzz treats joiners and marks as default-ignorable, so a face
    without them in its cmap still sets the text around them correctly.
    """
    return (
        unicodedata.category(character) == "Cc"
        or character in _INVISIBLE
        or ("\ufe00" <= character <= "\ufe0f")
    )


def _resolve_scripts(text: str) -> list[str]:
    scripts = [script_of(character) for character in text]
    # Marks and joiners join the character before them.
    for index, script in enumerate(scripts):
        if script == INHERITED and index > 0:
            scripts[index] = scripts[index - 1]
    strong = [script not in (COMMON, INHERITED) for script in scripts]
    # The nearest letter's script before and after each position, in the
    # whole text and within the word (a word ends at whitespace).
    before: list[str | None] = []
    word_before: list[str | None] = []
    last = word_last = None
    for index, character in enumerate(text):
        if character.isspace():
            word_last = None
        before.append(last)
        word_before.append(word_last)
        if strong[index]:
            last = word_last = scripts[index]
    after: list[str | None] = [None] * len(text)
    word_after: list[str | None] = [None] * len(text)
    last = word_last = None
    for index in range(len(text) - 1, -1, -1):
        if text[index].isspace():
            word_last = None
        after[index] = last
        word_after[index] = word_last
        if strong[index]:
            last = word_last = scripts[index]
    return [
        script
        if strong[index]
        else word_before[index] or word_after[index] or before[index] or after[index] or COMMON
        for index, script in enumerate(scripts)
    ]


def _family_for(character: str, script: str, language: str | None) -> str:
    preferred = font_for_script(script, language)
    if never_drawn(character) or covers(preferred, character):
        return preferred
    # A face the language picked (Nastaliq) may lack a letter its script's
    # usual face has (Sorani's ڕ in Urdu text): try that before the base.
    for family in (font_for_script(script), BASE_FAMILY, *FAMILIES):
        if covers(family, character):
            return family
    return BASE_FAMILY


def runs(text: str, language: str | None = None) -> list[Run]:
    """`text` as runs of (text, family, rtl), in the order it was typed.

    `language` is the sheet's language code (en, ar, ur, bn, pa, ...).
    """
    scripts = _resolve_scripts(text)
    families = [
        _family_for(character, script, language)
        for character, script in zip(text, scripts, strict=True)
    ]
    _one_family_per_number(text, scripts, families)
    _base_font_spaces_between_scripts(text, scripts, families)
    result: list[Run] = []
    # A run's direction is that of its letters; spaces, digits and punctuation
    # have none of their own and join the run beside them. None: no letter yet.
    letters_rtl: list[bool | None] = []
    for character, script, family in zip(text, scripts, families, strict=True):
        rtl = None if script_of(character) in (COMMON, INHERITED) else script in RTL_SCRIPTS
        if (
            result
            and result[-1].family == family
            and (rtl is None or letters_rtl[-1] in (None, rtl))
        ):
            result[-1] = Run(result[-1].text + character, family, result[-1].rtl)
            if letters_rtl[-1] is None:
                letters_rtl[-1] = rtl
        else:
            result.append(Run(character, family, script in RTL_SCRIPTS))
            letters_rtl.append(rtl)
    return [
        run if rtl is None else run._replace(rtl=rtl)
        for run, rtl in zip(result, letters_rtl, strict=True)
    ]


def _one_family_per_number(text: str, scripts: list[str], families: list[str]) -> None:
    # reportlab shapes a word (text between spaces) with the font of its first
    # character, so "50%" split between the Arabic face (digits) and the base
    # (%) would lose its %. A word with no letters moves whole to the base font.
    start = 0
    while start < len(text):
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        word = text[start:end]
        if (
            len(set(families[start:end])) > 1
            and all(script_of(character) in (COMMON, INHERITED) for character in word)
            and covers(BASE_FAMILY, "".join(c for c in word if not never_drawn(c)))
        ):
            families[start:end] = [BASE_FAMILY] * (end - start)
        start = end + 1


def _base_font_spaces_between_scripts(text: str, scripts: list[str], families: list[str]) -> None:
    # Nastaliq's space is half the width of Noto Sans's: right for Urdu words,
    # cramped between an Urdu word and an English one. Where the script
    # changes, the space is set in the base font.
    index = 0
    while index < len(text):
        if not text[index].isspace():
            index += 1
            continue
        end = index
        while end < len(text) and text[end].isspace():
            end += 1
        if index > 0 and end < len(text) and scripts[index - 1] != scripts[end]:
            for position in range(index, end):
                if covers(BASE_FAMILY, text[position]):
                    families[position] = BASE_FAMILY
        index = end


def uncovered(text: str, language: str | None = None) -> set[str]:
    """The characters of `text` that no shipped font draws: they would print as empty boxes."""
    return {
        character
        for run in runs(text, language)
        for character in run.text
        if not never_drawn(character) and not covers(run.family, character)
    }


def refuse_unprintable(text: str, language: str | None, *, field: str, label: str) -> None:
    """ValidationError naming the characters of `text` that would print as empty boxes."""
    missing = uncovered(text, language)
    if missing:
        codes = " ".join(f"U+{ord(character):04X}" for character in sorted(missing)[:8])
        raise ValidationError(
            field,
            _(
                "{label} has characters no sheet font can print ({codes}); "
                "change them to print the sheet."
            ).format(label=label, codes=codes),
        )
