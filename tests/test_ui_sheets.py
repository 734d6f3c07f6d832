"""The Feedback sheets page, driven by keys as a person would: preview, save and print."""

from __future__ import annotations

from datetime import date, timedelta

import pypdfium2 as pdfium
import pytest
from factories import make_event
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from ceapp.sheets import catalogs, layout
from ui.pages.sheet_preview import render_page

CTRL = Qt.KeyboardModifier.ControlModifier


pytestmark = pytest.mark.usefixtures("events_page_first")


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


@pytest.fixture
def sheets_db(store):
    """A past event, the next one (in ten days) and one a year on."""
    store.ids = {
        "past": make_event(store, title="Old forum", starts_at=f"{day(-30)} 18:30", ends_at=None),
        "next": make_event(
            store,
            title="Spitalfields forum",
            starts_at=f"{day(10)} 18:30",
            ends_at=None,
            venue="Christ Church Hall",
        ),
        "later": make_event(
            store, title="Bow walkabout", starts_at=f"{day(400)} 10:00", ends_at=None
        ),
    }
    return store


def open_sheets(qtbot, open_window, store, **options):
    window = open_window(store, **options)
    number = list(window.pages).index("sheets") + 1
    qtbot.keyClick(window.focusWidget() or window, Qt.Key(Qt.Key.Key_0 + number), CTRL)
    page = window.pages["sheets"]
    assert window.current_page is page
    assert page.event_combo.hasFocus()
    return window, page


def choose_event(qtbot, page, event_id: str) -> None:
    combo = page.event_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.count()):
        if combo.currentData() == event_id:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == event_id


def highlight(qtbot, page, code: str) -> None:
    """Move through the language list with the Down key to `code`."""
    box = page.language_list
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _step in range(box.count()):
        if page.shown_language() == code:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert page.shown_language() == code


def tick(qtbot, page, code: str) -> None:
    highlight(qtbot, page, code)
    before = page.language_item(code).checkState()
    qtbot.keyClick(page.language_list, Qt.Key.Key_Space)
    assert page.language_item(code).checkState() != before


def pdf_pages(data_or_path) -> int:
    document = pdfium.PdfDocument(data_or_path)
    try:
        return len(document)
    finally:
        document.close()


def sheet_pages(store, event_id: str, language: str, **options) -> int:
    return pdf_pages(layout.sheet_pdf(store, event_id, language, **options))


def test_the_preview_shows_the_highlighted_language_of_the_chosen_event(
    qtbot, open_window, sheets_db
):
    _window, page = open_sheets(qtbot, open_window, sheets_db)
    # The next event is chosen to begin with, and English is ticked.
    assert page.event_id == sheets_db.ids["next"]
    assert page.checked_languages() == ["en"]
    assert page.language_list.item(0).text() == "English"
    assert page.preview.language == "en"
    assert len(page.pages_view.images) == sheet_pages(sheets_db, sheets_db.ids["next"], "en")

    choose_event(qtbot, page, sheets_db.ids["later"])
    # Alt+Q ticks the monitoring page by its mnemonic.
    qtbot.keyClick(page, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert page.monitoring_box.hasFocus()
    qtbot.keyClick(page.monitoring_box, Qt.Key.Key_Space)
    assert page.monitoring_box.isChecked()
    tick(qtbot, page, "pl")

    assert page.checked_languages() == ["en", "pl"]
    preview = page.preview
    assert preview.language == "pl"
    expected = sheet_pages(sheets_db, sheets_db.ids["later"], "pl", monitoring=True)
    assert expected > 1
    assert len(preview.images) == expected
    assert len(page.pages_view._labels) == expected
    for image in preview.images:
        assert not image.isNull()
        assert image.width() > 100 and image.height() > image.width()
    assert page.pages_view._labels[0].accessibleName() == f"Page 1 of {expected}"
    assert "Polish" in page.preview_box.title() and "polski" in page.preview_box.title()
    assert page.summary_label.text() == "English, Polish: 1 copy each."


def test_an_unreviewed_language_says_so_in_words(qtbot, open_window, sheets_db):
    _window, page = open_sheets(qtbot, open_window, sheets_db)
    folder = catalogs.user_folder(sheets_db.path)
    assert not catalogs.load("ar", folder=folder).reviewed
    item = page.language_item("ar")
    assert item.text() == "Arabic — العربية (not yet checked by a person)"
    assert "nobody who reads Arabic has checked" in item.toolTip()
    assert "not yet checked" not in page.language_item("en").text()

    highlight(qtbot, page, "ar")
    assert page.preview.language == "ar"
    assert "Not yet checked by a person who reads Arabic" in page.preview_note.text()


def test_save_pdfs_writes_one_file_a_language_and_never_overwrites(
    qtbot, open_window, sheets_db, tmp_path, monkeypatch
):
    asked = []
    out = tmp_path / "sheets"
    out.mkdir()

    def folder_dialog(parent, caption, start):
        asked.append(caption)
        return str(out)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder_dialog)
    _window, page = open_sheets(qtbot, open_window, sheets_db)
    tick(qtbot, page, "ur")

    qtbot.keyClick(page.language_list, Qt.Key.Key_S, CTRL)

    event = sheets_db.ids["next"]
    written = [out / f"{event[:8]}-en.pdf", out / f"{event[:8]}-ur.pdf"]
    assert asked
    for path in written:
        assert path.read_bytes().startswith(b"%PDF")
    assert pdf_pages(str(written[1])) == sheet_pages(sheets_db, event, "ur")
    message = page.message_label.text()
    assert message.startswith(f"Saved 2 PDFs in {out}: {written[0].name}, {written[1].name}.")
    assert "Not yet checked by a person: Urdu." in message

    # Again: the files are there, so nothing is written and the page says which.
    before = [path.read_bytes() for path in written]
    qtbot.keyClick(page.language_list, Qt.Key.Key_S, CTRL)
    assert page.message_label.text() == (
        f"{written[0]} already exists; nothing was written, so nothing is overwritten."
    )
    assert [path.read_bytes() for path in written] == before
    assert sorted(out.iterdir()) == sorted(written)


def print_to(monkeypatch, path, shown: list) -> None:
    """The print dialog, as if the person chose to print to a PDF file."""

    def accept(dialog):
        shown.append(dialog.windowTitle())
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)


@pytest.mark.parametrize("synchronous", [True, False], ids=["on-gui-thread", "on-worker"])
def test_printing_sends_every_page_of_each_copy_of_each_language(
    qtbot, open_window, sheets_db, tmp_path, monkeypatch, synchronous
):
    output = tmp_path / "printed.pdf"
    shown = []
    print_to(monkeypatch, output, shown)
    window, page = open_sheets(qtbot, open_window, sheets_db, synchronous=synchronous)
    qtbot.waitUntil(lambda: page.preview is not None)
    tick(qtbot, page, "fa")
    qtbot.keyClick(page, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert page.copies_spin.hasFocus()
    qtbot.keyClick(page.copies_spin, Qt.Key.Key_Up)
    qtbot.keyClick(page.copies_spin, Qt.Key.Key_Up)
    assert page.copies_spin.value() == 3

    qtbot.keyClick(page.copies_spin, Qt.Key.Key_P, CTRL)
    assert shown == ["Print feedback sheets"]
    assert page.printing
    assert page.progress_frame.isVisible()
    qtbot.waitUntil(lambda: not page.printing, timeout=60_000)
    # PDFium is used by one thread at a time: the worker has finished.
    window.ops.wait_for_idle()

    event = sheets_db.ids["next"]
    per_copy = sheet_pages(sheets_db, event, "en") + sheet_pages(sheets_db, event, "fa")
    assert pdf_pages(str(output)) == 3 * per_copy
    assert page.message_label.text() == (f"Sent 6 sheets ({3 * per_copy} pages) to the printer.")
    assert not page.progress_frame.isVisible()
    # The printed pages are the sheet's, not blank paper.
    image = render_page(output.read_bytes(), 0, 0.5)
    bits, width = bytes(image.constBits()), image.width()
    pixels = b"".join(
        bits[row * image.bytesPerLine() : row * image.bytesPerLine() + width]
        for row in range(image.height())
    )
    assert min(pixels) < 100 and max(pixels) > 200


def test_printing_can_be_cancelled(qtbot, open_window, sheets_db, tmp_path, monkeypatch):
    output = tmp_path / "printed.pdf"
    print_to(monkeypatch, output, [])
    _window, page = open_sheets(qtbot, open_window, sheets_db)
    page.copies_spin.setValue(50)
    qtbot.keyClick(page.event_combo, Qt.Key.Key_P, CTRL)
    assert page.printing
    qtbot.waitUntil(lambda: page.print_run.pages_painted >= 2, timeout=30_000)
    qtbot.keyClick(page.cancel_button, Qt.Key.Key_Escape)
    assert not page.printing
    assert page.message_label.text().startswith("Printing cancelled after ")
    painted = page.print_run.pages_painted
    qtbot.wait(50)
    assert page.print_run.pages_painted == painted
    assert page.print_button.isEnabled()


def test_a_refused_choice_is_told_on_the_page(qtbot, open_window, sheets_db, monkeypatch):
    shown = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: shown.append(1) or 0)
    _window, page = open_sheets(qtbot, open_window, sheets_db)
    tick(qtbot, page, "en")  # unticks the only language
    assert page.checked_languages() == []
    assert page.summary_label.text() == "No language ticked yet."

    qtbot.keyClick(page.language_list, Qt.Key.Key_P, CTRL)

    assert shown == []
    assert page.message_label.text().startswith("Tick at least one language")


def test_a_database_without_events_says_where_to_add_one(qtbot, open_window, store):
    _window, page = open_sheets(qtbot, open_window, store)
    assert page.event_id is None
    assert page.pages_view._empty.text() == "No events yet: add one on the Events page"
    qtbot.keyClick(page.event_combo, Qt.Key.Key_S, CTRL)
    assert page.message_label.text().startswith("Choose an event first")
