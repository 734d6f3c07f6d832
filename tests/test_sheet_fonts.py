"""Sheet text in any of the community languages is drawn by shipped fonts that have its glyphs."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from xml.sax.saxutils import escape

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from ceapp.resource_files import fonts_dir
from ceapp.sheets import fonts, script_runs
from ceapp.sheets.script_runs import never_drawn, runs, uncovered

# (language, text): each mixes scripts the way a translated sheet does.
SAMPLES = [
    ("ar", "اجتماع Whitechapel يوم 14"),
    ("fa", "جلسه در Whitechapel ساعت ۱۴ است"),
    ("ckb", "کۆبوونەوە لە Whitechapel ڕۆژی 14"),
    ("ur", "میٹنگ Whitechapel میں 14 بجے ہوگی، Community Centre"),
    ("bn", "সভা Whitechapel এ 14 তারিখে। ক্ষ স্ত্র"),
    ("el", "Συνάντηση στο Whitechapel στις 14:00"),
    ("bg", "Среща в Whitechapel в 14 часа"),
    ("en", "Meeting with أحمد and রহিম at 14:00"),
    ("pa", "ਮੀਟਿੰਗ Whitechapel ਵਿੱਚ 14 ਵਜੇ ਪ੍ਰਧਾਨ"),
    ("gu", "સભા Whitechapel માં 14 વાગ્યે ક્ષ"),
    ("ta", "கூட்டம் Whitechapel இல் 14 மணிக்கு க்ஷ"),
    ("pl", "Spotkanie w Żłobku 14 źródło"),
    ("ro", "Întâlnire în Whitechapel, ședință"),
    ("tr", "Toplantı İstanbul'da saat 14'te, ğüşöç"),
    ("lt", "Susitikimas ąčęėįšųūž 14"),
    ("sq", "Takim në Whitechapel ë ç"),
    ("so", "Shirka Whitechapel saacadda 14"),
    ("es", "Reunión ¿dónde? ñ"),
    ("pt", "Reunião às 14h, ação"),
]


def _cmap(file_name: str) -> set[int]:
    with TTFont(fonts_dir() / file_name) as font:
        return set(font.getBestCmap())


CMAPS = {
    family.name: _cmap(family.regular_file) & _cmap(family.bold_file)
    for family in fonts.FAMILIES.values()
}


def _assert_every_run_drawable(text: str, language: str) -> list[script_runs.Run]:
    found = runs(text, language)
    assert "".join(run.text for run in found) == text, "a character was dropped"
    assert uncovered(text, language) == set()
    for run in found:
        # Read straight from the font files, not through fonts.covers.
        missing = {c for c in run.text if ord(c) not in CMAPS[run.family] and not never_drawn(c)}
        assert not missing, f"{run.family} lacks {missing} in {run.text!r}"
    return found


def test_every_shipped_font_is_registered_with_reportlab():
    from reportlab.lib.fonts import tt2ps
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as ReportlabFont

    fonts.register_fonts()
    fonts.register_fonts()
    shipped = sorted(fonts_dir().glob("*.ttf"))
    named = {f.regular_file for f in fonts.FAMILIES.values()}
    named |= {f.bold_file for f in fonts.FAMILIES.values()}
    assert named <= {path.name for path in shipped}
    for family in fonts.FAMILIES.values():
        assert pdfmetrics.getFont(family.name).face.name
        assert pdfmetrics.getFont(family.bold).face.name
        # <b> inside a run's <font name=...> finds the family's bold face.
        assert tt2ps(family.name, 1, 0) == family.bold
    for path in shipped:
        assert ReportlabFont(f"check-{path.stem}", str(path)).face.numGlyphs > 100


@pytest.mark.parametrize(("language", "text"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_mixed_script_samples_are_covered(language, text):
    _assert_every_run_drawable(text, language)


def test_digits_stay_in_the_surrounding_run_and_place_names_get_their_own():
    assert runs("اجتماع Whitechapel يوم 14", "ar") == [
        ("اجتماع", "NotoNaskhArabic", True),
        (" Whitechapel ", "NotoSans", False),
        ("يوم 14", "NotoNaskhArabic", True),
    ]
    assert runs("Meeting with أحمد and রহিম at 14:00", "en") == [
        ("Meeting with ", "NotoSans", False),
        ("أحمد", "NotoNaskhArabic", True),
        (" and ", "NotoSans", False),
        ("রহিম", "NotoSansBengali", False),
        (" at 14:00", "NotoSans", False),
    ]


def test_the_language_picks_the_face_for_arabic_script():
    word = "میں"
    assert {run.family for run in runs(word, "ur")} == {"NotoNastaliqUrdu"}
    assert {run.family for run in runs(word, "ur_PK")} == {"NotoNastaliqUrdu"}
    assert {run.family for run in runs(word, "pa-Arab")} == {"NotoNastaliqUrdu"}
    for language in ("ar", "fa", "ckb", "en", None):
        assert {run.family for run in runs(word, language)} == {"NotoNaskhArabic"}
    # Nastaliq lacks Sorani's ڕ: in Urdu text it falls back to Naskh, not to a box.
    assert runs("ڕ", "ur") == [("ڕ", "NotoNaskhArabic", True)]


def test_punctuation_a_face_lacks_moves_to_the_base_font():
    # The Arabic faces have digits but no % or parentheses.
    assert runs("نسبة 50%", "ar") == [("نسبة ", "NotoNaskhArabic", True), ("50%", "NotoSans", True)]
    assert [run.family for run in runs("(أحمد)", "ar")] == [
        "NotoSans",
        "NotoNaskhArabic",
        "NotoSans",
    ]


def test_joiners_and_marks_stay_with_their_letter():
    # ZWNJ keeps two Bengali consonants from joining; it must reach harfbuzz in their run.
    assert runs("ক্\u200cষ", "bn") == [("ক্\u200cষ", "NotoSansBengali", False)]
    assert runs("e\u0301 é", "fr") == [("e\u0301 é", "NotoSans", False)]


@pytest.mark.parametrize("character", ["😀", "中", "\u0605"])
def test_a_character_no_font_has_is_reported_not_dropped(character):
    text = f"Meeting {character} 14"
    assert uncovered(text, "en") == {character}
    assert "".join(run.text for run in runs(text, "en")) == text


def _block(first: int, last: int) -> list[str]:
    return [
        chr(code) for code in range(first, last + 1) if unicodedata.category(chr(code))[0] in "LMN"
    ]


LATIN = list(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻăâîșțĂÂÎȘȚçğıİöşüÇĞÖŞÜáéíñúü¿¡ãõàêôÃÕëËčėįšųūžČĖĮŠŲŪŽ"
)
ALPHABETS = {
    "Latin": LATIN,
    "Greek": _block(0x0386, 0x03CE),
    "Cyrillic": _block(0x0400, 0x045F),
    "Arabic": _block(0x0621, 0x0652) + list("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹پچژگکیٹڈڑںھہےۓڕێۆڵە،؟"),
    "Bengali": _block(0x0980, 0x09FF),
    "Gurmukhi": _block(0x0A00, 0x0A7F),
    "Gujarati": _block(0x0A80, 0x0AFF),
    "Tamil": _block(0x0B80, 0x0BFF),
}
NEUTRAL = list("0123456789 ,.:;!?()-–'’\"%£/\u200c\u200d\u00a0")
LANGUAGES = [
    "en", "pl", "ro", "tr", "es", "pt", "bg", "el", "so", "sq", "lt",
    "ar", "ur", "fa", "ckb", "bn", "pa", "gu", "ta",
]  # fmt: skip


@st.composite
def mixed_text(draw) -> str:
    scripts = draw(st.lists(st.sampled_from(sorted(ALPHABETS)), min_size=1, max_size=3))
    pool = [c for script in scripts for c in ALPHABETS[script]] + NEUTRAL
    return "".join(draw(st.lists(st.sampled_from(pool), max_size=40)))


@settings(max_examples=300, deadline=None)
@given(text=mixed_text(), language=st.sampled_from(LANGUAGES))
def test_any_mix_of_the_sheet_scripts_is_covered(text, language):
    _assert_every_run_drawable(text, language)


ARABIC_INDIC_NUMBER = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]+")


def _visual_order(found: list[script_runs.Run]) -> list[tuple[str, str]]:
    """(text, family) pieces left to right, for a one-line paragraph.

    Test-only stand-in for the Unicode bidi algorithm (the sheet layout needs
    the real one): in a right-to-left paragraph the words go right to left,
    but a stretch of Latin words and numbers keeps its own order. Harfbuzz
    already orders the letters inside each Arabic word.
    """
    pieces = [
        (
            # reportlab lets harfbuzz guess each word's direction, and it
            # guesses right to left for Arabic-Indic digits: ۱۴ would print as
            # ۴۱. Bidi in the sheet layout must set them left to right.
            token[::-1] if ARABIC_INDIC_NUMBER.fullmatch(token) else token,
            run.family,
            bool(re.search(r"[0-9A-Za-z\u0370-\u04ff\u0660-\u0669\u06f0-\u06f9]", token)),
        )
        for run in found
        for token in re.split(r"(\s+)", run.text)
        if token
    ]
    if not found[0].rtl:
        return [(text, family) for text, family, _ltr in pieces]
    ltr = [left for _text, _family, left in pieces]
    # A space between two left-to-right words belongs to their stretch.
    for index, (text, _family, _left) in enumerate(pieces):
        if text.isspace() and 0 < index < len(pieces) - 1:
            ltr[index] = ltr[index - 1] and ltr[index + 1]
    ordered: list[tuple[str, str]] = []
    stretch: list[tuple[str, str]] = []
    for (text, family, _left), left in zip(reversed(pieces), reversed(ltr), strict=True):
        if left:
            stretch.insert(0, (text, family))
            continue
        ordered += stretch
        stretch = []
        ordered.append((text, family))
    return ordered + stretch


def test_a_pdf_of_every_sample_embeds_its_fonts(tmp_path):
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    fonts.register_fonts()
    # reportlab shapes only when uharfbuzz imports; without it Arabic would not join.
    shaping = int(pdfmetrics.getFont(fonts.BASE_FAMILY).shapable)
    story = []
    used = set()
    for language, text in SAMPLES:
        found = runs(text, language)
        used |= {run.family for run in found}
        markup = "".join(
            f'<font name="{family}">{escape(piece)}</font>'
            for piece, family in _visual_order(found)
        )
        style = ParagraphStyle(
            language,
            fontName=fonts.BASE_FAMILY,
            fontSize=16,
            # Nastaliq's stacked letters need two and a half times the size.
            leading=16 * 2.6,
            alignment=TA_RIGHT if found[0].rtl else TA_LEFT,
            shaping=shaping,
        )
        story.append(Paragraph(markup, style))
    pdf = tmp_path / "samples.pdf"
    SimpleDocTemplate(str(pdf)).build(story)
    data = pdf.read_bytes()
    assert data.count(b"/FontFile2") >= len(used) == len(fonts.FAMILIES)
    for family in used:
        assert family.encode() in data
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        # Rendering proves the embedded subsets are readable; the PNGs are
        # for a person to look at (arabic joined, conjuncts formed, no boxes).
        subprocess.run([pdftoppm, "-r", "80", "-png", str(pdf), str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page*.png"))
