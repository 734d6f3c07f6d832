"""The printed feedback sheet: large print in every script, nothing clipped or overlapping."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from cli_run import run_cli
from factories import make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceapp.errors import ValidationError
from ceapp.sheets import catalogs, layout, texts
from ceapp.sheets.bidi_text import levels, visual
from ceapp.sheets.fonts import covers
from ceapp.sheets.script_runs import never_drawn
from ceapp.store import open_store

TITLE = "Whitechapel forum — اجتماع المنتدى"
VENUE = "Whitechapel Idea Store, 321 Whitechapel Road"
LANGUAGES = ("en", "pl", "el", "bg", "ar", "ur", "bn", "pa")
SIZES = (18, 24)
EPSILON = 0.01


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Every sheet of LANGUAGES at 18 and 24 pt for one event: (store path, event id, sheets)."""
    path = str(tmp_path_factory.mktemp("sheets") / "ceapp.db")
    with open_store(path) as store:
        event_id = make_event(store, title=TITLE, venue=VENUE)
        built = {
            (language, size): layout.build_sheet(store, event_id, language, size=size)
            for language in LANGUAGES
            for size in SIZES
        }
    return path, event_id, built


def _event(**overrides) -> dict:
    return {"title": TITLE, "starts_at": "2026-03-14 18:30", "venue": VENUE, **overrides}


def test_every_sheet_builds_with_embedded_fonts_and_metadata(sheets):
    _path, _event_id, built = sheets
    for (language, _size), sheet in built.items():
        assert sheet.pdf.startswith(b"%PDF")
        assert b"/FontFile2" in sheet.pdf
        assert b"Helvetica" not in sheet.pdf  # every font drawn with is embedded
        assert f"/Lang ({language})".encode() in sheet.pdf
        assert b"/Author (ceapp)" in sheet.pdf
        assert b"/Title" in sheet.pdf
        assert len(sheet.pages) >= 2


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_the_title_and_language_are_in_the_metadata(sheets, tmp_path):
    _path, _event_id, built = sheets
    sheet = built["ar", 18]
    pdf = tmp_path / "ar.pdf"
    pdf.write_bytes(sheet.pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert f"Title:           {sheet.catalog.text(texts.HEADING)}: {TITLE}" in info
    assert "Author:          ceapp" in info


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["en", "pl", "el", "bg"])
def test_the_latin_greek_and_cyrillic_text_can_be_read_back(sheets, tmp_path, language):
    _path, _event_id, built = sheets
    for size in SIZES:
        sheet = built[language, size]
        pdf = tmp_path / f"{language}-{size}.pdf"
        pdf.write_bytes(sheet.pdf)
        extracted = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        words = " ".join(extracted.split())
        catalog = catalogs.load(language, folder=tmp_path)
        for msgid in (
            texts.HEADING,
            *texts.USEFUL_SCALE,
            *texts.INFLUENCE_SCALE,
            texts.NAME,
            texts.PHONE_OR_EMAIL,
        ):
            assert catalog.text(msgid) in words, (language, size, msgid)
        assert "Whitechapel forum" in words
        pages = len(sheet.pages)
        assert catalog.text(texts.PAGE, page=pages, pages=pages) in words


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["ar", "ur"])
def test_right_to_left_sheets_are_right_aligned(sheets, tmp_path, language):
    _path, _event_id, built = sheets
    right = layout.PAGE_WIDTH - layout.MARGIN
    for size in SIZES:
        pdf = tmp_path / f"{language}-{size}.pdf"
        pdf.write_bytes(built[language, size].pdf)
        boxes = subprocess.run(
            ["pdftotext", "-bbox-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words = [
            tuple(float(value) for value in found)
            for found in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boxes
            )
        ]
        assert words
        for x_min, _y_min, x_max, _y_max in words:
            assert x_min > layout.MARGIN - 2 and x_max < right + 2
        # The heading: the highest words, ending at the right margin, starting well inside.
        top = min(word[1] for word in words)
        heading = [word for word in words if word[1] < top + size * 1.2]
        assert abs(max(word[2] for word in heading) - right) < 3, heading
        assert min(word[0] for word in heading) > layout.MARGIN + 5, heading
        # Questions and answers start right of their number column and tick boxes.
        ends = [x_max for _x, _y, x_max, _ in words]
        for indent in (size * 2.2, size * 2.2 + max(8 * layout.MM, size * 1.4) + size * 0.7):
            assert any(abs(end - (right - indent)) < 3 for end in ends), indent


def test_rtl_sheets_draw_the_boxes_and_numbers_on_the_right(sheets):
    _path, _event_id, built = sheets
    for (language, size), sheet in built.items():
        rtl = catalogs.LANGUAGES[language].rtl
        for page in sheet.pages:
            for box in (item for item in page if item.kind == "box"):
                beside = [
                    item
                    for item in page
                    if item.kind == "text" and item.bottom < box.top and item.top > box.bottom
                ]
                assert beside, (language, size)
                for item in beside:
                    if rtl:
                        assert item.x1 <= box.x0 + EPSILON
                    else:
                        assert item.x0 >= box.x1 - EPSILON
        numbers = [
            item
            for item in sheet.pages[0] + sheet.pages[1]
            if item.kind == "text"
            and set("".join(piece.text for piece in item.line.pieces)) <= set("1234.")
        ]
        assert numbers
        for item in numbers:
            if rtl:
                assert abs(item.x1 - (layout.PAGE_WIDTH - layout.MARGIN)) < EPSILON
            else:
                assert abs(item.x0 - layout.MARGIN) < EPSILON


def test_every_character_is_drawn_by_a_font_that_has_it(sheets):
    _path, _event_id, built = sheets
    for (language, size), sheet in built.items():
        assert sheet.drawn
        for drawn in sheet.drawn:
            visible = "".join(character for character in drawn.text if not never_drawn(character))
            assert covers(drawn.family, visible), (language, size, drawn)


def _check_inside_and_apart(sheet) -> None:
    for number, page in enumerate(sheet.pages, start=1):
        for item in page:
            assert item.x0 >= layout.MARGIN - EPSILON, (number, item.kind, item.x0)
            assert item.x1 <= layout.PAGE_WIDTH - layout.MARGIN + EPSILON
            assert item.bottom >= layout.MARGIN - EPSILON
            assert item.top <= layout.PAGE_HEIGHT - layout.MARGIN + EPSILON
            # A title of only invisible characters (a word joiner) draws a zero-width line.
            assert item.x0 <= item.x1 and item.bottom < item.top
        for index, first in enumerate(page):
            for second in page[index + 1 :]:
                overlap_x = min(first.x1, second.x1) - max(first.x0, second.x0)
                overlap_y = min(first.top, second.top) - max(first.bottom, second.bottom)
                assert overlap_x <= EPSILON or overlap_y <= EPSILON, (
                    number,
                    first.kind,
                    second.kind,
                    [
                        piece.text
                        for piece in (first.line or second.line or layout.Line([], 0, 0, 0)).pieces
                    ],
                )


def test_nothing_is_drawn_outside_the_margins_or_over_anything_else(sheets):
    _path, _event_id, built = sheets
    for sheet in built.values():
        _check_inside_and_apart(sheet)


def test_tick_boxes_are_big_enough_for_a_hand_and_the_tear_off_part_is_apart(sheets):
    _path, _event_id, built = sheets
    for (language, size), sheet in built.items():
        boxes = [item for page in sheet.pages for item in page if item.kind == "box"]
        assert len(boxes) == len(texts.USEFUL_SCALE) + len(texts.INFLUENCE_SCALE) + 2
        for box in boxes:
            assert box.x1 - box.x0 >= 8 * layout.MM - EPSILON
            assert box.top - box.bottom >= 8 * layout.MM - EPSILON
        cut_pages = [
            number for number, page in enumerate(sheet.pages) for item in page if item.kind == "cut"
        ]
        assert len(cut_pages) == 1, (language, size)
        page = sheet.pages[cut_pages[0]]
        cut = next(item for item in page if item.kind == "cut")
        below = [item for item in page if item.top <= cut.bottom and item.kind != "text"]
        # The name and contact rules, and no tick box, are below the cut line.
        assert [item.kind for item in below] == ["rule", "rule"]


def test_the_body_size_is_one_of_the_clear_print_sizes():
    for size in (12, 17, 30, "18", True):
        with pytest.raises(ValidationError, match="16, 18, 20, 24"):
            layout.render(_event(), "en", size=size)
    with pytest.raises(ValidationError, match="not a sheet language"):
        layout.render(_event(), "xx")
    sheet = layout.render(_event(), "en", size=16)
    body = [
        piece.size
        for page in sheet.pages
        for item in page
        if item.line
        for piece in item.line.pieces
    ]
    assert min(body) == 16


def test_a_bilingual_sheet_has_the_english_beneath_at_the_same_size():
    sheet = layout.render(_event(), "pl", bilingual=True)
    english = [
        item
        for page in sheet.pages
        for item in page
        if item.kind == "text" and item.ink == layout.ENGLISH_INK
    ]
    drawn = {"".join(piece.text for piece in item.line.pieces) for item in english}
    assert texts.USEFUL_VERY in drawn and texts.HEADING in drawn
    assert all(piece.size >= 16 for item in english for piece in item.line.pieces)
    _check_inside_and_apart(sheet)


def test_the_equality_questions_are_an_optional_page_of_their_own():
    plain = layout.render(_event(), "ar")
    sheet = layout.render(_event(), "ar", monitoring=True)
    assert len(sheet.pages) > len(plain.pages)
    # Printed from the Arabic catalog: nothing in English, nothing reported.
    assert sheet.english_only == [] and sheet.catalog.misses == []
    first_monitoring_page = sheet.pages[len(plain.pages)]
    heading = sheet.catalog.text(texts.MONITORING_HEADING)
    # Pieces are in drawing order: compare the characters, not their order.
    drawn = [
        sorted("".join(piece.text for piece in item.line.pieces))
        for item in first_monitoring_page
        if item.kind == "text"
    ]
    assert sorted(heading) in drawn
    assert sorted(sheet.catalog.text(texts.ETHNIC_GROUP)) in [
        line for page in sheet.pages[len(plain.pages) :] for line in _texts(page)
    ]
    _check_inside_and_apart(sheet)


def _texts(page) -> list[list[str]]:
    return [
        sorted("".join(piece.text for piece in item.line.pieces))
        for item in page
        if item.kind == "text"
    ]


@pytest.fixture(scope="module")
def monitoring_sheets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("no-imports")
    return {
        (language, size, bilingual): layout.render(
            _event(), language, size=size, monitoring=True, bilingual=bilingual, folder=folder
        )
        for language in ("pl", "el", "ar", "ur", "bn", "ta")
        for size, bilingual in ((18, False), (24, True))
    }


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["pl", "el"])
def test_the_equality_questions_are_printed_in_the_sheets_language(
    monitoring_sheets, tmp_path, language
):
    from ceapp.monitoring import NOT_ANSWERED, QUESTION_LABELS, QUESTIONS

    for size, bilingual in ((18, False), (24, True)):
        sheet = monitoring_sheets[language, size, bilingual]
        assert sheet.english_only == [] and sheet.catalog.misses == []
        pdf = tmp_path / f"{language}-{size}.pdf"
        pdf.write_bytes(sheet.pdf)
        extracted = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        words = " ".join(extracted.split())
        catalog = sheet.catalog
        for name, choices in QUESTIONS.items():
            for msgid in (QUESTION_LABELS[name], *dict(choices.items).values()):
                if msgid == dict(choices.items)[NOT_ANSWERED]:
                    continue
                # A long answer may wrap: each of its words is there.
                for word in catalog.text(msgid).split():
                    assert word in words, (language, size, msgid, word)
        for msgid in (texts.SEXUAL_ORIENTATION, texts.ETHNIC_GROUP, texts.PREFER_NOT_TO_SAY):
            assert catalog.text(msgid) != msgid
        assert ("Sexual orientation" in words) == bilingual, (language, size)


def test_every_character_of_the_equality_pages_is_drawn_by_a_font_that_has_it(
    monitoring_sheets,
):
    for key, sheet in monitoring_sheets.items():
        for drawn in sheet.drawn:
            visible = "".join(character for character in drawn.text if not never_drawn(character))
            assert covers(drawn.family, visible), (key, drawn)
        _check_inside_and_apart(sheet)
        # Every question has its tick boxes: no answer was lost.
        boxes = sum(item.kind == "box" for page in sheet.pages for item in page)
        assert boxes > len(texts.MONITORING), key


def test_an_old_catalog_without_the_equality_texts_prints_them_in_english_and_says_so(tmp_path):
    shipped = catalogs.load("pl", folder=tmp_path)
    older = {
        msgid: text for msgid, text in shipped.translations.items() if msgid not in texts.MONITORING
    }
    (tmp_path / "pl.po").write_bytes(catalogs.render_po("pl", older, reviewed=True))
    sheet = layout.render(_event(), "pl", monitoring=True, folder=tmp_path)
    assert sheet.catalog.origin == "imported"
    assert sheet.english_only == list(dict.fromkeys(sheet.english_only))
    assert set(sheet.english_only) == set(texts.MONITORING)
    assert set(texts.MONITORING) <= set(sheet.catalog.misses)
    # The rest of the sheet, and Yes and No, still come from the catalog.
    assert texts.HEADING not in sheet.catalog.misses and texts.YES not in sheet.catalog.misses
    assert sorted("Ethnic group") in [line for page in sheet.pages for line in _texts(page)]
    # Without the equality page nothing is printed in English.
    assert layout.render(_event(), "pl", folder=tmp_path).catalog.misses == []


def test_texts_missing_from_a_catalog_are_printed_in_english_and_recorded(tmp_path):
    data = catalogs.render_po("pl", {texts.HEADING: "Twoja opinia"}, reviewed=True)
    (tmp_path / "pl.po").write_bytes(data)
    sheet = layout.render(_event(), "pl", folder=tmp_path)
    assert sheet.catalog.reviewed
    assert texts.INTRO in sheet.catalog.misses and texts.HEADING not in sheet.catalog.misses


def test_bidi_keeps_numbers_in_their_order_in_arabic_text():
    text = "اجتماع ١٤ مارس 2026"
    found = levels(text, rtl=True)
    assert found[text.index("١")] == found[text.index("2")] == 2
    assert found[0] == 1
    assert visual([1, 2, 1]) == [2, 1, 0]
    assert visual([0, 1, 1, 0]) == [0, 2, 1, 3]
    assert levels("abc (أحمد) def", rtl=False)[4:10] == [0, 1, 1, 1, 1, 0]


# --- the command line ---------------------------------------------------------


def test_the_sheet_command_writes_one_pdf_a_language(db_path, tmp_path):
    with open_store(db_path) as store:
        event_id = make_event(store, title=TITLE, venue=VENUE)
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, stderr = run_cli(
        "--db", db_path, "sheet", "--event", event_id[:8], "--lang", "pl,ar", "--out", out
    )
    assert code == 0, stderr
    names = sorted(os.listdir(out))
    assert names == [f"{event_id[:8]}-ar.pdf", f"{event_id[:8]}-pl.pdf"]
    assert all((out / name).read_bytes().startswith(b"%PDF") for name in names)
    assert "Arabic: not yet reviewed by a person" in stdout
    assert "Polish: not yet reviewed by a person" in stdout
    assert str(out / names[0]) in stdout

    # Again: the files are there, so nothing is written or overwritten.
    before = {name: (out / name).read_bytes() for name in names}
    code, stdout, stderr = run_cli(
        "--db", db_path, "sheet", "--event", event_id, "--lang", "bn,pl", "--out", out
    )
    assert code == 2
    assert f"{event_id[:8]}-pl.pdf already exists" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert sorted(os.listdir(out)) == names
    assert {name: (out / name).read_bytes() for name in names} == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--lang", "pl,xx"], "xx is not a sheet language"),
        (["--lang", ""], "at least one language"),
        (["--lang", "pl", "--size", "19"], "16, 18, 20, 24"),
        (["--lang", "pl", "--size", "big"], "16, 18, 20, 24"),
        (["--lang", "pl", "--event", "ffffffff"], "ffffffff"),
        (["--lang", "pl", "--out", "missing-folder"], "does not exist"),
    ],
)
def test_the_sheet_command_refuses_bad_input_writing_nothing(db_path, tmp_path, arguments, message):
    with open_store(db_path) as store:
        event_id = make_event(store, title=TITLE)
    out = tmp_path / "out"
    out.mkdir()
    given = {"--event": event_id, "--out": str(out)}
    for index in range(0, len(arguments), 2):
        given[arguments[index]] = arguments[index + 1]
    if given["--out"] == "missing-folder":
        given["--out"] = str(tmp_path / "missing-folder")
    code, _stdout, stderr = run_cli(
        "--db", db_path, "sheet", *(part for pair in given.items() for part in pair)
    )
    assert code == 2
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert os.listdir(out) == []


# --- any title ------------------------------------------------------------------

_SCRIPTS = st.sampled_from(
    [
        (0x20, 0x7E),
        (0xA0, 0x24F),
        (0x370, 0x3FF),
        (0x400, 0x4FF),
        (0x600, 0x6FF),
        (0x980, 0x9FF),
        (0xA00, 0xA7F),
        (0x2000, 0x206F),
        (0x0, 0x10FFFF),
    ]
)


@st.composite
def _titles(draw) -> str:
    parts = draw(st.lists(_SCRIPTS, min_size=1, max_size=5))
    return "".join(
        draw(st.text(st.characters(min_codepoint=low, max_codepoint=high), max_size=40))
        for low, high in parts
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_titles(), language=st.sampled_from(["en", "ar", "ur", "bn", "el"]))
def test_any_title_prints_or_is_refused_cleanly(title, language):
    try:
        sheet = layout.render(_event(title=title, venue=title[::-1]), language, size=24)
    except ValidationError as error:
        assert error.field in ("title", "venue")
        return
    _check_inside_and_apart(sheet)
    for drawn in sheet.drawn:
        visible = "".join(character for character in drawn.text if not never_drawn(character))
        assert covers(drawn.family, visible)


def test_right_to_left_sheets_give_a_time_without_a_latin_am_or_pm():
    # "11:00 AM" in Urdu text would be set as "AM 11:00" by the bidi rules.
    assert layout.when("2026-11-20T11:00", "ur").endswith("11:00")
    assert "AM" not in layout.when("2026-11-20T11:00", "ur")
    assert layout.when("2026-11-20T18:30", "ur").endswith("18:30")
    # Where the locale's own word is in its script, it stays.
    assert layout.when("2026-11-20T11:00", "ar").endswith("11:00 ص")


def test_answers_carried_on_to_a_new_page_come_under_their_question_again(monitoring_sheets):
    """No page starts with a tick box: a question's answers that run on are headed by it."""
    carried = 0
    for (language, size, _bilingual), sheet in monitoring_sheets.items():
        for number, page in enumerate(sheet.pages, start=1):
            first = max(item.top for item in page)
            assert not [
                item for item in page if item.kind == "box" and item.top > first - size * 1.5
            ], (language, size, number)
            bold = [item for item in page if item.top == first and item.kind == "text"]
            pieces = [piece for item in bold for piece in item.line.pieces]
            carried += any(piece.font.endswith("Bold") for piece in pieces)
    assert carried  # some sheet did carry answers over, and repeated the question


def test_a_tinted_sheet_is_pale_yellow_behind_black_text():
    import pypdfium2 as pdfium

    plain = layout.render(_event(), "ar", size=18)
    tinted = layout.render(_event(), "ar", size=18, tint=True)
    assert [len(page) for page in tinted.pages] == [len(page) for page in plain.pages]
    for sheet, corner in ((plain, (255, 255, 255)), (tinted, (255, 249, 196))):
        document = pdfium.PdfDocument(sheet.pdf)
        for index in range(len(document)):
            image = document[index].render(scale=0.3).to_pil().convert("RGB")
            assert image.getpixel((2, 2)) == corner
            # The text is still black on it: every band goes dark somewhere.
            assert all(low < 60 for low, _high in image.getextrema())
