"""The printed feedback sheet: an A4 PDF in one community language, large print.

Clear print after UKAAF and RNIB: body text 16, 18 (the default), 20 or
24 pt in a sans-serif face (a Noto face for each script, ceapp.sheets.fonts),
left-aligned (right-aligned in Arabic-script languages), never justified,
line spacing about 1.5 (2.6 for Urdu's Nastaliq), generous margins, tick
boxes at least 8 mm, room to write by hand.

Lines are laid out and drawn here rather than with reportlab's Paragraph,
which has no bidi and shapes a word with one font only:

- text is split into runs a face covers (ceapp.sheets.script_runs), given
  bidi levels (ceapp.sheets.bidi_text), broken into lines at spaces;
- each piece of a line of one face and one level is shaped by harfbuzz in
  its own direction (letters join, marks sit right, brackets mirror), and
  the pieces are put in visual order;
- each glyph is drawn at the position harfbuzz gave it; glyphs with no
  character of their own (joined forms) get a private code as reportlab's
  own shaping does, so the font subset embedded has them.

`build_sheet` returns what it drew (texts with their faces, every box on
each page) beside the PDF, so tests can check coverage and overlap.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ceapp.errors import ValidationError
from ceapp.i18n import _
from ceapp.sheets import catalogs, texts
from ceapp.sheets.bidi_text import levels, visual
from ceapp.sheets.fonts import BASE_FAMILY, FAMILIES, register_fonts
from ceapp.sheets.script_runs import refuse_unprintable, runs
from ceapp.validation import excerpt

SIZES = (16, 18, 20, 24)
DEFAULT_SIZE = 18
MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898  # A4 in points
MARGIN = 20 * MM
# Tick boxes: at least 8 mm, bigger with the print.
MIN_BOX = 8 * MM
INK = (0, 0, 0)
# English beneath the community language: same size, lighter, still 7:1 on white.
ENGLISH_INK = (0.33, 0.33, 0.33)
RULE_INK = (0.35, 0.35, 0.35)
# Pale yellow (#FFF9C4): the tint clear-print guidance suggests, light
# enough that black text keeps a contrast of about 20 to 1.
TINT = (1.0, 0.976, 0.769)
LINE_SPACING = 1.5
# Babel's names for the sheet's languages where they differ from ours.
BABEL_LOCALES = {"en": "en_GB", "pa": "pa_Guru"}
# Lines longer than this (a title pasted from a document) are cut: one sheet.
MAX_TEXT = 2000


# --- shaping ---------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One shaped piece of a line: one face, one direction, glyphs in drawing order."""

    text: str  # the characters, in logical order
    family: str
    font: str  # reportlab's font name (regular or bold face)
    rtl: bool
    size: float
    glyphs: tuple[tuple[str, float, float, float], ...]  # (char, advance, x offset, y offset)
    width: float


_hb_fonts: dict[str, object] = {}


def _hb_font(font_name: str):
    from reportlab.pdfbase import pdfmetrics

    ttf = pdfmetrics.getFont(font_name)
    if font_name not in _hb_fonts:
        _hb_fonts[font_name] = ttf.hbFont(1000)
    return ttf, _hb_fonts[font_name]


@lru_cache(maxsize=50_000)
def _shape(text: str, font_name: str, rtl: bool, language: str):
    """Glyphs (char, advance, x offset, y offset) in 1/1000 em, drawing order; and the width."""
    import uharfbuzz

    ttf, font = _hb_font(font_name)
    buffer = uharfbuzz.Buffer()
    buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.add_str(text)
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.language = language
    buffer.guess_segment_properties()
    # Latin ligatures (fi) would come out of the PDF as private codes: text
    # copied or read aloud from the sheet must be the words.
    features = (
        {"kern": True, "liga": False, "dlig": False}
        if font_name.startswith(BASE_FAMILY + "-") or font_name == BASE_FAMILY
        else {"kern": True}
    )
    uharfbuzz.shape(font, buffer, features)
    glyphs, width = [], 0.0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        gid = info.codepoint
        advance = ttf.pdfScale(position.x_advance)
        width += advance
        if gid == 0:  # .notdef: a box; the text was checked, so only an invisible character
            glyphs.append(("", advance, 0.0, 0.0))
            continue
        try:
            character = ttf.face.glyphToChar[gid][0]
        except KeyError:
            character = ttf.hbAddPrivate(font.glyph_to_string(gid), gid, advance)
        glyphs.append(
            (
                chr(character),
                advance,
                ttf.pdfScale(position.x_offset),
                ttf.pdfScale(position.y_offset),
            )
        )
    return tuple(glyphs), width


def _piece(text: str, family: str, bold: bool, rtl: bool, size: float, language: str) -> Piece:
    font = FAMILIES[family].bold if bold else family
    glyphs, width = _shape(text, font, rtl, language.split("_")[0])
    scale = size / 1000
    return Piece(
        text,
        family,
        font,
        rtl,
        size,
        tuple(
            (character, advance * scale, x * scale, y * scale)
            for character, advance, x, y in glyphs
        ),
        width * scale,
    )


@lru_cache(maxsize=64)
def _metrics(font_name: str) -> tuple[float, float]:
    """(ascent, descent) in em, descent positive."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(font_name).face
    return face.ascent / 1000, -face.descent / 1000


# --- lines -----------------------------------------------------------------


@dataclass
class Line:
    pieces: list[Piece]  # in drawing order, left to right
    width: float
    height: float
    baseline: float  # from the top of the line


def clean(text: str | None) -> str:
    """One line of text: control characters and line breaks as spaces, spaces collapsed."""
    text = "".join(
        " " if unicodedata.category(character) in ("Cc", "Zl", "Zp") else character
        for character in (text or "")[:MAX_TEXT]
    )
    return " ".join(text.split())


class _Text:
    """One paragraph, split into pieces of one face and one bidi level."""

    def __init__(self, text: str, language: str, rtl: bool, bold: bool, size: float):
        self.text, self.language, self.bold, self.size = text, language, bold, size
        self.families = [run.family for run in runs(text, language) for _character in run.text]
        self.levels = levels(text, rtl)

    def pieces(self, start: int, end: int) -> list[Piece]:
        """Pieces of text[start:end] in logical order."""
        found, begin = [], start
        for index in range(start + 1, end + 1):
            if index == end or (self.families[index], self.levels[index]) != (
                self.families[begin],
                self.levels[begin],
            ):
                found.append(
                    _piece(
                        self.text[begin:index],
                        self.families[begin],
                        self.bold,
                        self.levels[begin] % 2 == 1,
                        self.size,
                        self.language,
                    )
                )
                begin = index
        return found

    def width(self, start: int, end: int) -> float:
        return sum(piece.width for piece in self.pieces(start, end))

    def line(self, start: int, end: int) -> Line:
        pieces = self.pieces(start, end)
        piece_levels, index = [], start
        for piece in pieces:
            piece_levels.append(self.levels[index])
            index += len(piece.text)
        ordered = [pieces[position] for position in visual(piece_levels)]
        fonts = {piece.font for piece in pieces} or {BASE_FAMILY}
        ascent = max(_metrics(font)[0] for font in fonts) * self.size
        descent = max(_metrics(font)[1] for font in fonts) * self.size
        height = max(LINE_SPACING * self.size, (ascent + descent) * 1.04)
        return Line(
            ordered,
            sum(piece.width for piece in pieces),
            height,
            (height - ascent - descent) / 2 + ascent,
        )


def _breakable_before(text: str, index: int) -> bool:
    character, before = text[index], text[index - 1]
    return not (
        unicodedata.category(character).startswith("M")
        or unicodedata.combining(before) == 9  # after a virama: inside a conjunct
        or before in "\u200c\u200d"
        or character in "\u200c\u200d"
    )


def wrap(
    text: str, language: str, *, rtl: bool, size: float, width: float, bold: bool = False
) -> list[Line]:
    """`text` broken into lines no wider than `width`, at spaces (inside a word only if it must)."""
    text = clean(text)
    if not text:
        return []
    paragraph = _Text(text, language, rtl, bold, size)
    words, index = [], 0
    while index < len(text):
        if text[index] == " ":
            index += 1
            continue
        end = text.find(" ", index)
        end = len(text) if end < 0 else end
        words.extend(_split_word(paragraph, index, end, width))
        index = end
    lines, current = [], None
    for start, end in words:
        if current is not None and paragraph.width(current[0], end) <= width:
            current = (current[0], end)
            continue
        if current is not None:
            lines.append(current)
        current = (start, end)
    lines.append(current)
    return [paragraph.line(start, end) for start, end in lines]


def _split_word(paragraph: _Text, start: int, end: int, width: float) -> list[tuple[int, int]]:
    if paragraph.width(start, end) <= width:
        return [(start, end)]
    chunks, begin = [], start
    for index in range(start + 1, end):
        if _breakable_before(paragraph.text, index) and paragraph.width(begin, index + 1) > width:
            chunks.append((begin, index))
            begin = index
    chunks.append((begin, end))
    return chunks


# --- what is drawn ---------------------------------------------------------


@dataclass
class Item:
    """Something drawn: a line of text, a tick box, a writing rule or the cut line.

    x0..x1 across; top..bottom measured down from the top of its block
    (once placed, `top` and `bottom` are PDF coordinates, bottom < top).
    """

    kind: str  # "text", "box", "rule", "cut"
    x0: float
    top: float
    x1: float
    bottom: float
    line: Line | None = None
    ink: tuple[float, float, float] = INK


@dataclass
class Unit:
    """Items that stay together on a page."""

    height: float
    items: list[Item] = field(default_factory=list)


@dataclass
class Drawn:
    page: int
    text: str
    family: str


@dataclass
class Sheet:
    pdf: bytes
    pages: list[list[Item]]
    drawn: list[Drawn]
    catalog: catalogs.Catalog
    language: str
    # The equality page's texts printed in English, also among catalog.misses:
    # an imported catalog made before they were sheet texts lacks them.
    english_only: list[str] = field(default_factory=list)
    # The numbers of the event's own questions printed in English: no text
    # in the sheet's language yet.
    untranslated_questions: list[int] = field(default_factory=list)


def _shift(items: list[Item], dy: float) -> list[Item]:
    return [
        Item(item.kind, item.x0, item.top + dy, item.x1, item.bottom + dy, item.line, item.ink)
        for item in items
    ]


# --- the sheet -------------------------------------------------------------


def _locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(BABEL_LOCALES.get(language, language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_GB")


def when(starts_at: str | None, language: str) -> str:
    """The meeting's date and time as the language writes them (Babel), else as given."""
    from babel.dates import format_date, format_time, get_datetime_format

    if not starts_at:
        return ""
    try:
        moment = datetime.fromisoformat(starts_at)
    except ValueError:
        return clean(starts_at)
    locale = _locale(language)
    date_text = format_date(moment.date(), format="full", locale=locale)
    if len(starts_at) <= 10:
        return date_text
    pattern = str(get_datetime_format("full", locale=locale))
    pattern = pattern.replace("''", "\0").replace("'", "").replace("\0", "'")
    time_text = format_time(moment.time(), format="short", locale=locale)
    if catalogs.LANGUAGES[language].rtl and not _same_script(time_text):
        # A Latin "AM" after the digits in right-to-left text is set before
        # them by the bidi rules ("AM 11:00"); a 24-hour time has no such part.
        time_text = format_time(moment.time(), "HH:mm", locale=locale)
    return pattern.replace("{1}", date_text).replace("{0}", time_text)


def _same_script(time_text: str) -> bool:
    """False when a time holds Latin letters (an "AM" or "PM" from the locale's data)."""
    return not any("a" <= character.lower() <= "z" for character in time_text)


def number(value: int, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(language))


def check_size(size) -> int:
    if size not in SIZES or isinstance(size, bool):
        raise ValidationError(
            "size",
            _("The sheet's print size must be {sizes} points; {size} is not one of them.").format(
                sizes=", ".join(str(allowed) for allowed in SIZES), size=excerpt(str(size))
            ),
        )
    return int(size)


class _Layout:
    def __init__(self, catalog: catalogs.Catalog, *, size: int, bilingual: bool):
        self.catalog = catalog
        self.language = catalog.language
        self.rtl = catalog.rtl
        self.size = size
        self.bilingual = bilingual and self.language != catalogs.SOURCE_LANGUAGE
        self.left, self.right = MARGIN, PAGE_WIDTH - MARGIN
        self.number_column = size * 2.2
        self.box = max(MIN_BOX, size * 1.4)
        self.gap = size * 0.7

    # Text ------------------------------------------------------------------

    def check(self, text: str, field_name: str, label: str) -> None:
        refuse_unprintable(clean(text), self.language, field=field_name, label=label)

    def lines(
        self,
        text: str,
        *,
        language: str | None = None,
        bold: bool = False,
        size: float | None = None,
        start: float = 0.0,
        end: float = 0.0,
        ink=INK,
    ) -> Unit:
        """Lines of `text` between the margins (less `start` and `end` indents), aligned."""
        language = language or self.language
        rtl = catalogs.LANGUAGES[language].rtl
        width = self.right - self.left - start - end
        items, top = [], 0.0
        for line in wrap(text, language, rtl=rtl, size=size or self.size, width=width, bold=bold):
            if self.rtl:
                x1 = self.right - start
                x0 = x1 - line.width
            else:
                x0 = self.left + start
                x1 = x0 + line.width
            items.append(Item("text", x0, top, x1, top + line.height, line, ink))
            top += line.height
        return Unit(top, items)

    def translated(
        self, msgid: str, *, bold: bool = False, size=None, start=0.0, end=0.0, **values
    ) -> Unit:
        """The catalog's text and, on a bilingual sheet, the English beneath, lighter."""
        text = self.catalog.text(msgid, **values)
        self.check(text, "lang", _("The {language} catalog").format(language=self.language))
        unit = self.lines(text, bold=bold, size=size, start=start, end=end)
        english = msgid.format(**values)
        if self.bilingual and english != text:
            below = self.lines(
                english, language="en", size=size, start=start, end=end, ink=ENGLISH_INK
            )
            unit = _stack([unit, below])
        return unit

    # Parts of the sheet ----------------------------------------------------

    def numbered(self, value: int, msgid: str) -> Unit:
        """A question: its number in a column of its own, on the reading side."""
        return self.with_number(value, self.translated(msgid, bold=True, start=self.number_column))

    def with_number(self, value: int, text: Unit) -> Unit:
        # "1." in the sheet's direction: ".١" reads number first in an RTL sheet.
        label = self.lines(number(value, self.language) + ".", bold=True)
        first = text.items[0].bottom - text.items[0].top if text.items else 0.0
        items = []
        for item in label.items[:1]:
            width, height = item.x1 - item.x0, item.bottom - item.top
            if self.rtl:
                item.x0, item.x1 = self.right - width, self.right
            else:
                item.x0, item.x1 = self.left, self.left + width
            item.top = max(0.0, (first - height) / 2)
            item.bottom = item.top + height
            items.append(item)
        return Unit(max([text.height, *(item.bottom for item in items)]), text.items + items)

    def answer(self, msgid: str | None, english: str | None = None) -> Unit:
        """A tick box and its label beside it: the box on the reading side."""
        start = self.number_column + self.box + self.gap
        if msgid is not None:
            label = self.translated(msgid, start=start)
        else:
            label = self.lines(english, language="en", start=start)
        first = label.items[0].bottom - label.items[0].top if label.items else self.box
        box_top = max(0.0, (first - self.box) / 2)
        label_top = max(0.0, (self.box - first) / 2)
        if self.rtl:
            box_x1 = self.right - self.number_column
            box_x0 = box_x1 - self.box
        else:
            box_x0 = self.left + self.number_column
            box_x1 = box_x0 + self.box
        box = Item("box", box_x0, box_top, box_x1, box_top + self.box)
        items = _shift(label.items, label_top)
        return Unit(max(box.bottom, label_top + label.height), [box, *items])

    def rules(self, count: int) -> list[Unit]:
        """Lines to write on: tall enough for large handwriting at this print size."""
        spacing = max(self.size * 2.6, 15 * MM)
        x0, x1 = self.left, self.right
        if self.rtl:
            x1 -= self.number_column
        else:
            x0 += self.number_column
        return [Unit(spacing, [Item("rule", x0, spacing - 1, x1, spacing)]) for _ in range(count)]

    def gap_unit(self, factor: float = 1.0) -> Unit:
        return Unit(self.size * factor)


def _stack(units: list[Unit]) -> Unit:
    items, top = [], 0.0
    for unit in units:
        items.extend(_shift(unit.items, top))
        top += unit.height
    return Unit(top, items)


class _Flow:
    """Units placed down pages; a group is kept on one page when it fits on one."""

    def __init__(self, bottom: float):
        self.pages: list[list[Item]] = [[]]
        self.top = PAGE_HEIGHT - MARGIN
        self.bottom = bottom
        self.y = self.top

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def place(self, units: list[Unit], heading: int = 0) -> None:
        """Place a group of units; the first `heading` of them (a question) are
        printed again at the top of a page the group's answers run on to."""
        total = sum(unit.height for unit in units)
        if self.y - total < self.bottom and self.y < self.top:
            if total <= self.top - self.bottom:
                self.new_page()
            elif heading and self.y - sum(unit.height for unit in units[: heading + 4]) < (
                self.bottom
            ):
                # Too long for any page: split, but not a question with one
                # answer or none at the foot of a page.
                self.new_page()
        for index, unit in enumerate(units):
            if not unit.items and (self.y == self.top or self.y - unit.height < self.bottom):
                continue  # no space at the top of a page, nor one that starts a page
            if self.y - unit.height < self.bottom and self.y < self.top:
                self.new_page()
                if index >= heading and unit.items:
                    # Answers carried over: the reader sees which question they answer.
                    for repeated in units[:heading]:
                        self._put(repeated)
            self._put(unit)

    def _put(self, unit: Unit) -> None:
        for item in unit.items:
            self.pages[-1].append(
                Item(
                    item.kind,
                    item.x0,
                    self.y - item.top,
                    item.x1,
                    self.y - item.bottom,
                    item.line,
                    item.ink,
                )
            )
        self.y -= unit.height


def _event_texts(store, event_id: str) -> dict:
    from ceapp import event_questions, events

    event = events.get_event(store, event_id)
    return {
        "id": event["id"],
        "title": event.get("title") or "",
        "starts_at": event.get("starts_at"),
        "venue": event.get("venue") or "",
        "questions": event_questions.list_questions(store, event_id),
    }


def build_sheet(store, event_id: str, language: str, *, folder=None, **options) -> Sheet:
    """The sheet for one event in one language, with what was drawn (see sheet_pdf).

    `options` are render's: size, bilingual, monitoring, tint.
    """
    # Before the event is read: a bad size or language is the first thing said.
    check_size(options.get("size", DEFAULT_SIZE))
    catalogs.check_language(language)
    event = _event_texts(store, event_id)
    if folder is None:
        folder = catalogs.user_folder(store.path)
    return render(event, language, folder=folder, **options)


def sheet_pdf(store, event_id: str, language: str, **options) -> bytes:
    """The feedback sheet for an event as an A4 PDF in `language`, large print.

    `options` are build_sheet's. ValidationError for a size not in SIZES, a
    language not in catalogs.LANGUAGES, or an event title or venue with
    characters no shipped font prints; NotFoundError for an unknown event.
    """
    return build_sheet(store, event_id, language, **options).pdf


def render(
    event: dict,
    language: str,
    *,
    size: int = DEFAULT_SIZE,
    bilingual: bool = False,
    monitoring: bool = False,
    tint: bool = False,
    folder=None,
) -> Sheet:
    """The sheet for `event` (a dict with title, starts_at, venue): the PDF and what it drew.

    `tint` prints every page on a pale yellow ground, which clear-print
    guidance offers for readers who find black on white glaring.
    """
    size = check_size(size)
    catalogs.check_language(language)
    register_fonts()
    catalog = catalogs.load(language, folder=folder)
    # A fresh record of misses for this sheet (the loaded catalog is shared).
    catalog = catalogs.Catalog(
        catalog.language,
        catalog.translations,
        catalog.reviewed,
        origin=catalog.origin,
        path=catalog.path,
        problem=catalog.problem,
    )
    layout = _Layout(catalog, size=size, bilingual=bilingual)
    title, venue = clean(event.get("title")), clean(event.get("venue"))
    layout.check(title, "title", _("The event's title"))
    layout.check(venue, "venue", _("The event's venue"))

    widest = number(99, language)
    footer_probe = layout.translated(texts.PAGE, page=widest, pages=widest)
    flow = _Flow(MARGIN + footer_probe.height + size * 0.5)

    heading = layout.translated(texts.HEADING, bold=True, size=round(size * 1.4))
    flow.place([heading, layout.gap_unit(0.5)])
    if title:
        flow.place([layout.lines(title, bold=True, size=round(size * 1.15)), layout.gap_unit(0.4)])
    date_text = when(event.get("starts_at"), language)
    if date_text:
        layout.check(date_text, "starts_at", _("The event's date"))
        flow.place([_labelled(layout, texts.DATE, date_text)])
    if venue:
        flow.place([_labelled(layout, texts.VENUE, venue)])
    flow.place([layout.gap_unit(0.8), layout.translated(texts.INTRO), layout.gap_unit(1.2)])

    for value, question, scale in (
        (1, texts.USEFUL_QUESTION, texts.USEFUL_SCALE),
        (2, texts.INFLUENCE_QUESTION, texts.INFLUENCE_SCALE),
    ):
        answers = [layout.answer(msgid) for msgid in scale]
        rows = []
        for row in answers:
            rows.extend([row, layout.gap_unit(0.5)])
        first = [
            layout.numbered(value, question),
            layout.translated(texts.TICK_ONE, start=layout.number_column),
            layout.gap_unit(0.5),
        ]
        # A question and all its answers on one page when they fit on one.
        flow.place([*first, *rows, layout.gap_unit(0.8)], heading=2)

    flow.place(
        [
            layout.numbered(3, texts.MATTERS_QUESTION),
            layout.translated(texts.WRITE_HERE, start=layout.number_column),
            *layout.rules(5),
            layout.gap_unit(1.2),
        ]
    )
    flow.place(
        [
            layout.numbered(4, texts.HEAR_BACK_QUESTION),
            layout.translated(texts.TICK_ONE, start=layout.number_column),
            layout.gap_unit(0.5),
            layout.answer(texts.YES),
            layout.gap_unit(0.5),
            layout.answer(texts.NO),
            layout.gap_unit(0.5),
            layout.translated(texts.IF_YES, start=layout.number_column),
            layout.gap_unit(1.0),
        ]
    )
    untranslated = _own_questions(layout, flow, event.get("questions") or [])
    flow.place(
        [
            layout.translated(texts.THANK_YOU, bold=True),
            layout.translated(texts.HAND_IN),
            layout.gap_unit(1.5),
        ]
    )
    # The tear-off part: apart from the answers, below a dashed line, all on one page.
    middle = size * 0.75
    cut = Unit(size * 1.5, [Item("cut", layout.left, middle - 1, layout.right, middle + 1)])
    flow.place(
        [
            cut,
            layout.translated(texts.TEAR_OFF, bold=True),
            layout.gap_unit(0.6),
            layout.translated(texts.NAME),
            *layout.rules(1),
            layout.gap_unit(0.6),
            layout.translated(texts.PHONE_OR_EMAIL),
            *layout.rules(1),
        ]
    )
    english_only = []
    if monitoring:
        english_only = _monitoring_pages(layout, flow)

    pages = flow.pages
    for index, page in enumerate(pages, start=1):
        footer = layout.translated(
            texts.PAGE, page=number(index, language), pages=number(len(pages), language)
        )
        for item in footer.items:
            width = item.x1 - item.x0
            item.x0 = (PAGE_WIDTH - width) / 2
            item.x1 = item.x0 + width
            page.append(
                Item(
                    item.kind,
                    item.x0,
                    MARGIN + footer.height - item.top,
                    item.x1,
                    MARGIN + footer.height - item.bottom,
                    item.line,
                    item.ink,
                )
            )
    heading_text = catalog.text(texts.HEADING)
    pdf, drawn = _draw(
        pages,
        language=language,
        title=f"{heading_text}: {title}" if title else heading_text,
        tint=tint,
    )
    return Sheet(pdf, pages, drawn, catalog, language, english_only, untranslated)


def _own_questions(layout: _Layout, flow: _Flow, questions: list[dict]) -> list[int]:
    """The event's own questions (ceapp.event_questions), numbered after the standard four.

    One with no text in the sheet's language prints in English; returns
    the numbers of those.
    """
    from ceapp.event_questions import text_in

    untranslated = []
    for question in questions:
        text, fallback = text_in(question, layout.language)
        text = clean(text)
        if fallback:
            untranslated.append(question["number"])
        language = catalogs.SOURCE_LANGUAGE if fallback else layout.language
        layout.check(text, "text", _("Question {number}").format(number=question["number"]))
        unit = layout.lines(text, language=language, bold=True, start=layout.number_column)
        english = clean((question.get("texts") or {}).get(catalogs.SOURCE_LANGUAGE))
        if layout.bilingual and not fallback and english and english != text:
            below = layout.lines(
                english, language="en", start=layout.number_column, ink=ENGLISH_INK
            )
            unit = _stack([unit, below])
        units = [layout.with_number(question["number"], unit)]
        if question["kind"] == "write":
            units += [
                layout.translated(texts.WRITE_HERE, start=layout.number_column),
                *layout.rules(4),
            ]
        else:
            scale = texts.INFLUENCE_SCALE if question["kind"] == "agree" else (texts.YES, texts.NO)
            units += [
                layout.translated(texts.TICK_ONE, start=layout.number_column),
                layout.gap_unit(0.5),
            ]
            for msgid in scale:
                units += [layout.answer(msgid), layout.gap_unit(0.5)]
        # A question and all its answers on one page when they fit on one.
        flow.place([*units, layout.gap_unit(0.8)], heading=2)
    return untranslated


def _labelled(layout: _Layout, msgid: str, value: str) -> Unit:
    """ "Date: Saturday 14 March 2026": the label from the catalog, the value as given."""
    label = layout.catalog.text(msgid)
    layout.check(label, "lang", _("The {language} catalog").format(language=layout.language))
    unit = layout.lines(f"{label}: {value}")
    if layout.bilingual and label != msgid:
        unit = _stack([unit, layout.lines(msgid, language="en", ink=ENGLISH_INK)])
    return unit


def _monitoring_pages(layout: _Layout, flow: _Flow) -> list[str]:
    """The optional equality questions on pages of their own, after the sheet.

    The questions and answers are ceapp.monitoring's, each printed from the
    sheet's catalog (texts.MONITORING holds the same English). One the catalog
    has no translation of is printed in English and is in catalog.misses; one
    that is not a sheet text at all (monitoring.py worded anew, texts.py not
    yet) is printed in English and put there too. Returns the texts printed
    in English.
    """
    from ceapp.monitoring import NOT_ANSWERED, QUESTION_LABELS, QUESTIONS

    flow.new_page()
    flow.place(
        [
            layout.translated(texts.MONITORING_HEADING, bold=True, size=round(layout.size * 1.25)),
            layout.gap_unit(0.4),
            layout.translated(texts.MONITORING_INTRO),
            layout.gap_unit(1.0),
        ]
    )
    english: list[str] = []

    def from_catalog(text: str) -> bool:
        """Whether `text` is a sheet text; one printed in English is noted either way."""
        known = text in texts.MSGIDS
        if layout.language == catalogs.SOURCE_LANGUAGE:
            return known
        if known:
            layout.catalog.text(text)  # notes a miss
        elif text not in layout.catalog.misses:
            layout.catalog.misses.append(text)
        if text in layout.catalog.misses and text not in english:
            english.append(text)
        return known

    for value, (name, choices) in enumerate(QUESTIONS.items(), start=1):
        label = QUESTION_LABELS.get(name, name)
        if from_catalog(label):
            question = layout.translated(label, bold=True, start=layout.number_column)
        else:
            question = layout.lines(label, language="en", bold=True, start=layout.number_column)
        numbered = layout.with_number(value, question)
        rows = []
        for code, answer in choices.items:
            if code != NOT_ANSWERED:  # a slip's "left blank", not a box to tick
                row = layout.answer(answer) if from_catalog(answer) else layout.answer(None, answer)
                rows.extend([row, layout.gap_unit(0.3)])
        flow.place([numbered, layout.gap_unit(0.4), *rows, layout.gap_unit(0.8)], heading=2)
    return english


def _draw(
    pages: list[list[Item]], *, language: str, title: str, tint: bool = False
) -> tuple[bytes, list[Drawn]]:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        lang=language,
        pageCompression=1,
        invariant=1,
        # Not reportlab's default Helvetica, which would be listed and not embedded.
        initialFontName=BASE_FAMILY,
    )
    canvas.setTitle(title)
    canvas.setAuthor("ceapp")
    canvas.setCreator("ceapp")
    canvas.setSubject(_("Feedback sheet"))
    drawn = []
    for number_of_page, items in enumerate(pages, start=1):
        if tint:
            canvas.setFillColorRGB(*TINT)
            canvas.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
        for item in items:
            if item.kind == "text":
                draw_line(canvas, item)
                drawn.extend(
                    Drawn(number_of_page, piece.text, piece.family) for piece in item.line.pieces
                )
            elif item.kind == "box":
                canvas.setStrokeColorRGB(*INK)
                canvas.setLineWidth(2)
                canvas.rect(
                    item.x0 + 1,
                    item.bottom + 1,
                    item.x1 - item.x0 - 2,
                    item.top - item.bottom - 2,
                    stroke=1,
                    fill=0,
                )
            elif item.kind == "rule":
                canvas.setStrokeColorRGB(*RULE_INK)
                canvas.setLineWidth(1)
                canvas.setDash()
                middle = (item.top + item.bottom) / 2
                canvas.line(item.x0, middle, item.x1, middle)
            elif item.kind == "cut":
                canvas.setStrokeColorRGB(*INK)
                canvas.setLineWidth(1.5)
                canvas.setDash(8, 6)
                middle = (item.top + item.bottom) / 2
                canvas.line(item.x0, middle, item.x1, middle)
                canvas.setDash()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), drawn


def draw_line(canvas, item: Item) -> None:
    """One laid-out line: each piece's glyphs where harfbuzz put them."""
    line = item.line
    baseline = item.top - line.baseline
    x = item.x0
    for piece in line.pieces:
        text = canvas.beginText()
        text.setFont(piece.font, piece.size)
        text.setFillColorRGB(*item.ink)
        for character, advance, x_offset, y_offset in piece.glyphs:
            if character:
                text.setTextOrigin(x + x_offset, baseline + y_offset)
                text.textOut(character)
            x += advance
        canvas.drawText(text)
