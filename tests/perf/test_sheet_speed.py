"""Every language's feedback sheet for one event, beside a floor measured in the same run.

The sheets: English and the 18 community languages, 18 pt, no options, for one
event, as `ceapp sheet --lang <all>` builds them (catalogs read, text split
into runs a face covers, bidi levels, lines broken and shaped by harfbuzz,
drawn glyph by glyph, fonts subset and embedded).

The floor is what a person would write for an English-only document of the
same length with plain reportlab: the same number of pages, each with as many
characters of the sheet's English texts as that page of the sheets has, drawn
with canvas.drawString in Noto Sans (embedded), with the same tick boxes and
rules. No shaping, no bidi, one face: what the sheets cost above that is
their handling of every script.

The shaping cache is cleared before each timed build, so every repeat does
the whole work, as the first sheet after starting the app does.

    CEAPP_PERF_SHEET_REPEATS=5 pytest -s -m perf tests/perf/test_sheet_speed.py
"""

from __future__ import annotations

import io
import os
import re
import time

import pytest
from factories import make_event

from ceapp.sheets import catalogs, layout, texts
from ceapp.sheets.fonts import BASE_FAMILY, register_fonts
from ceapp.store import open_store

REPEATS = int(os.environ.get("CEAPP_PERF_SHEET_REPEATS", "3"))
SIZE = 18


def _event(store) -> str:
    return make_event(
        store,
        title="Whitechapel area forum",
        venue="Whitechapel Idea Store, 321 Whitechapel Road",
    )


def _build_all(store, event_id: str, folder) -> list[layout.Sheet]:
    layout._shape.cache_clear()
    return [
        layout.build_sheet(store, event_id, language, size=SIZE, folder=folder)
        for language in catalogs.LANGUAGES
    ]


def _floor(pages: list[tuple[int, int, int]]) -> bytes:
    """An English document: per page (characters, boxes, rules), drawn with plain reportlab."""
    from reportlab.pdfgen.canvas import Canvas

    words = " ".join(text for _name, text in texts.ALL)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT), pageCompression=1)
    line_height = SIZE * layout.LINE_SPACING
    per_line = 45  # characters of 18 pt Noto Sans across the text width
    for characters, boxes, rules in pages:
        canvas.setFont(BASE_FAMILY, SIZE)
        y = layout.PAGE_HEIGHT - layout.MARGIN - SIZE
        offset = 0
        while characters > 0:
            count = min(per_line, characters)
            piece = (words * 2)[offset : offset + count]
            offset = (offset + count) % len(words)
            canvas.drawString(layout.MARGIN, y, piece)
            characters -= count
            y -= line_height
            if y < layout.MARGIN:
                y = layout.PAGE_HEIGHT - layout.MARGIN - SIZE
        for number in range(boxes):
            canvas.rect(layout.MARGIN, layout.MARGIN + number * 30, 24, 24)
        for number in range(rules):
            y = layout.MARGIN + number * 20
            canvas.line(layout.MARGIN, y, layout.PAGE_WIDTH - layout.MARGIN, y)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _best(action) -> tuple[float, object]:
    times, result = [], None
    for _repeat in range(REPEATS):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return min(times), result


@pytest.mark.perf
def test_every_languages_sheet_against_one_plain_reportlab_document(tmp_path, capsys):
    register_fonts()
    folder = tmp_path / "no-imports"
    with open_store(str(tmp_path / "sheets.db")) as store:
        event_id = _event(store)
        _build_all(store, event_id, folder)  # fonts and catalogs loaded once, as in the app
        sheets_seconds, sheets = _best(lambda: _build_all(store, event_id, folder))
    pages = []
    for sheet in sheets:
        for number, items in enumerate(sheet.pages, start=1):
            characters = sum(len(drawn.text) for drawn in sheet.drawn if drawn.page == number)
            boxes = sum(item.kind == "box" for item in items)
            rules = sum(item.kind == "rule" for item in items)
            pages.append((characters, boxes, rules))
    floor_seconds, floor_pdf = _best(lambda: _floor(pages))

    # Sanity only: every sheet built, nothing printed in English, the floor the same length.
    assert len(sheets) == len(catalogs.LANGUAGES) == 19
    assert all(sheet.pdf.startswith(b"%PDF") and not sheet.catalog.misses for sheet in sheets)
    assert len(re.findall(rb"/Type /Page\b(?!s)", floor_pdf)) == len(pages)
    assert b"/FontFile2" in floor_pdf  # Noto Sans embedded, as in the sheets
    assert sheets_seconds > 0 and floor_seconds > 0

    characters = sum(count for count, _boxes, _rules in pages)
    sheet_bytes = sum(len(sheet.pdf) for sheet in sheets)
    lines = [
        "",
        f"{len(sheets)} sheets ({len(pages)} pages, {characters:,} characters) "
        f"at {SIZE} pt (best of {REPEATS})",
        f"  {'floor: plain reportlab, English, seconds':<44}{floor_seconds:>10.3f}",
        f"  {'sheets, every language, seconds':<44}{sheets_seconds:>10.3f}",
        f"  {'per sheet, seconds':<44}{sheets_seconds / len(sheets):>10.3f}",
        f"  {'ratio sheets/floor':<44}{sheets_seconds / floor_seconds:>10.2f}",
        f"  {'PDF bytes: sheets / floor':<44}{sheet_bytes:>10,} / {len(floor_pdf):,}",
    ]
    with capsys.disabled():
        print("\n".join(lines))
