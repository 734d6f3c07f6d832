"""The feedback sheets' pages as images, for the Sheets page's preview and for printing.

A sheet is a PDF (ceapp.sheets.layout); QtPdf is not in PySide6-Essentials,
so pypdfium2 (PDFium) turns its pages into pixels. The sheet's ink is black
and greys only, so pages are rendered in 8-bit grey: a third of the memory
of colour, and the same print. A sheet on a pale yellow tint is rendered in
colour, or the tint would print grey.

PDFium is not thread-safe: the functions here that touch it run on the op
runner's single worker (or, with a synchronous runner, on the GUI thread),
one document at a time, and close what they open before returning. A
QImage (unlike a QPixmap) may be made on any thread; the GUI thread turns
it into a pixmap to show it.

PrintRun paints the sheets onto a QPrinter: for each language, and each copy
of it, every page, one printer page each. The worker builds a language's
PDF and renders its pages at the printer's resolution (at most 300 dpi), one
page per op, ahead of the painting; the GUI thread paints one page per turn
of the event loop, so the window stays responsive and Cancel is heard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ceapp.i18n import _
from ceapp.sheets import layout
from ceapp.store import Store
from ui.operations import OpRunner, failure_text

# PDF canvas units per inch.
POINTS_PER_INCH = 72
# Printing renders at the printer's resolution, but never finer than this:
# large print gains nothing from more, and a page at 300 dpi is already
# about 8.7 million grey pixels.
MAX_PRINT_DPI = 300
# The preview's page width in screen pixels (before the screen's own scaling).
PREVIEW_WIDTH = 380


@dataclass(frozen=True)
class SheetOptions:
    """What the person chose: everything a sheet needs besides its language."""

    event_id: str
    size: int = layout.DEFAULT_SIZE
    bilingual: bool = False
    monitoring: bool = False
    tint: bool = False

    def build(self, store: Store, language: str) -> layout.Sheet:
        """The sheet in `language` (on the worker: it reads the event through `store`)."""
        return layout.build_sheet(
            store,
            self.event_id,
            language,
            size=self.size,
            bilingual=self.bilingual,
            monitoring=self.monitoring,
            tint=self.tint,
        )


@dataclass(frozen=True)
class SheetPreview:
    """One language's sheet as the preview shows it."""

    language: str
    images: list[QImage]
    reviewed: bool
    # Texts printed in English because the catalog does not translate them.
    misses: tuple[str, ...]
    english_only: tuple[str, ...]
    # Numbers of the event's own questions printed in English.
    untranslated_questions: tuple[int, ...] = ()


def page_count(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def render_page(data: bytes, index: int, scale: float, *, colour: bool = False) -> QImage:
    """Page `index` (from 0) of the PDF `data`, `scale` pixels per point, as a QImage:
    grey unless `colour`."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[index]
        try:
            bitmap = page.render(scale=scale, grayscale=not colour, rev_byteorder=colour)
            try:
                return _to_image(bitmap)
            finally:
                bitmap.close()
        finally:
            page.close()
    finally:
        document.close()


def render_pages(data: bytes, scale: float, *, colour: bool = False) -> list[QImage]:
    """Every page of the PDF `data` as QImages (grey unless `colour`), `scale` pixels per point."""
    document = pdfium.PdfDocument(data)
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=scale, grayscale=not colour, rev_byteorder=colour)
                try:
                    images.append(_to_image(bitmap))
                finally:
                    bitmap.close()
            finally:
                page.close()
    finally:
        document.close()
    return images


def _to_image(bitmap: pdfium.PdfBitmap) -> QImage:
    formats = {"L": QImage.Format.Format_Grayscale8, "RGB": QImage.Format.Format_RGB888}
    if bitmap.mode not in formats:
        raise ValueError(f"expected a grey or RGB bitmap, not {bitmap.mode}")
    view = memoryview(bitmap.buffer).cast("B")
    image = QImage(view, bitmap.width, bitmap.height, bitmap.stride, formats[bitmap.mode])
    # The QImage only borrows PDFium's pixels: a copy of its own outlives the bitmap.
    return image.copy()


def build_preview(store: Store, options: SheetOptions, language: str, scale: float) -> SheetPreview:
    """On the worker: the sheet in `language` with its pages as images."""
    sheet = options.build(store, language)
    return SheetPreview(
        language=language,
        images=render_pages(sheet.pdf, scale, colour=options.tint),
        reviewed=sheet.catalog.reviewed,
        misses=tuple(sheet.catalog.misses),
        english_only=tuple(sheet.english_only),
        untranslated_questions=tuple(sheet.untranslated_questions),
    )


def preview_scale(device_pixel_ratio: float) -> float:
    """Pixels per point that make an A4 page PREVIEW_WIDTH screen pixels wide."""
    width_points = 210 * layout.MM
    return PREVIEW_WIDTH * device_pixel_ratio / width_points


class PagesView(QWidget):
    """The sheet's pages one under another, each an image with its page number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[QImage] = []
        self._layout = QVBoxLayout(self)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._labels: list[QLabel] = []
        self._empty = QLabel()
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setAccessibleName(_("Preview message"))
        self._layout.addWidget(self._empty)

    def show_message(self, text: str) -> None:
        self.set_images([])
        self._empty.setText(text)
        self._empty.show()

    def set_images(self, images: list[QImage]) -> None:
        self.images = list(images)
        for label in self._labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self._labels = []
        self._empty.setVisible(not images)
        ratio = self.devicePixelRatioF()
        for number, image in enumerate(images, start=1):
            label = QLabel()
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setFrameShape(QLabel.Shape.Box)
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            text = _("Page {number} of {count}").format(number=number, count=len(images))
            label.setAccessibleName(text)
            label.setToolTip(text)
            self._layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self._labels.append(label)


@dataclass
class PrintPlan:
    options: SheetOptions
    languages: list[str]
    copies: int


class PrintRun:
    """Paints the chosen sheets onto a QPrinter that a print dialog has set up.

    `on_progress(text, done, total)` after each page; `on_finished(message,
    ok)` once, when everything is painted, on cancel, or on failure.
    """

    def __init__(
        self,
        ops: OpRunner,
        printer: QPrinter,
        plan: PrintPlan,
        *,
        language_name: Callable[[str], str],
        on_progress: Callable[[str, int, int], None],
        on_finished: Callable[[str, bool], None],
    ) -> None:
        self.ops = ops
        self.printer = printer
        self.plan = plan
        self.language_name = language_name
        self.on_progress = on_progress
        self.on_finished = on_finished
        self.dpi = min(printer.resolution(), MAX_PRINT_DPI)
        self.cancelled = False
        self.finished = False
        self.painter = QPainter()
        self.pages_painted = 0
        self.sheets_done = 0
        # The language being painted: its PDF, its page count, its rendered pages.
        self._language_index = 0
        self._pdf: bytes | None = None
        self._pages = 0
        self._images: list[QImage] = []
        self._copy = 0
        self._page = 0
        self._tick_pending = False

    @property
    def total_sheets(self) -> int:
        return len(self.plan.languages) * self.plan.copies

    def start(self) -> None:
        if not self.painter.begin(self.printer):
            self._finish(_("The printer could not be started; nothing was printed."), False)
            return
        self._build_language()

    def cancel(self) -> None:
        if self.finished:
            return
        self.cancelled = True
        self.printer.abort()
        self._finish(
            _("Printing cancelled after {done} of {total} sheets.").format(
                done=self.sheets_done, total=self.total_sheets
            ),
            False,
        )

    # -- the worker's part: one language's PDF, then its pages one by one -------------

    def _build_language(self) -> None:
        language = self.plan.languages[self._language_index]
        options = self.plan.options

        def build(store: Store) -> tuple[bytes, int] | None:
            if self.cancelled:
                return None
            pdf = options.build(store, language).pdf
            return pdf, page_count(pdf)

        self.ops.run(build, on_success=self._language_built, on_failure=self._failed)

    def _language_built(self, built: tuple[bytes, int] | None) -> None:
        if built is None or self.finished:
            return
        self._pdf, self._pages = built
        self._images = []
        self._copy = self._page = 0
        self._render_next()

    def _render_next(self) -> None:
        index = len(self._images)
        if index >= self._pages:
            return
        data, scale = self._pdf, self.dpi / POINTS_PER_INCH

        def render(_store: Store) -> QImage | None:
            if self.cancelled:
                return None
            return render_page(data, index, scale, colour=self.plan.options.tint)

        self.ops.run(render, on_success=self._rendered, on_failure=self._failed)

    def _rendered(self, image: QImage | None) -> None:
        if image is None or self.finished:
            return
        self._images.append(image)
        # The worker renders the next page while this one is painted.
        self._render_next()
        self._schedule()

    # -- the GUI thread's part: one page per turn of the event loop ----------------------

    def _schedule(self) -> None:
        if not self._tick_pending and not self.finished:
            self._tick_pending = True
            QTimer.singleShot(0, self._tick)

    def _tick(self) -> None:
        self._tick_pending = False
        if self.finished or self._page >= len(self._images):
            return  # the page is still being rendered; its arrival paints it
        if self.pages_painted and not self.printer.newPage():
            self._finish(_("The printer refused a new page; printing stopped."), False)
            return
        self._paint(self._images[self._page])
        self.pages_painted += 1
        language = self.plan.languages[self._language_index]
        self.on_progress(
            _("Printing {language}: copy {copy} of {copies}, page {page} of {pages}").format(
                language=self.language_name(language),
                copy=self._copy + 1,
                copies=self.plan.copies,
                page=self._page + 1,
                pages=self._pages,
            ),
            self.sheets_done,
            self.total_sheets,
        )
        self._page += 1
        if self._page < self._pages:
            self._schedule()
            return
        # A whole sheet is painted.
        self.sheets_done += 1
        self._page = 0
        self._copy += 1
        if self._copy < self.plan.copies:
            self._schedule()
            return
        self._images = []
        self._pdf = None
        self._language_index += 1
        if self._language_index < len(self.plan.languages):
            self._build_language()
            return
        self._finish(
            _("Sent {sheets} sheets ({pages} pages) to the printer.").format(
                sheets=self.sheets_done, pages=self.pages_painted
            ),
            True,
        )

    def _paint(self, image: QImage) -> None:
        paper = self.printer.pageLayout().fullRectPixels(self.printer.resolution())
        # The page keeps its shape: as large as fits, in the middle of the paper.
        factor = min(paper.width() / image.width(), paper.height() / image.height())
        width, height = image.width() * factor, image.height() * factor
        target = QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)
        self.painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.painter.drawImage(target, image)

    def _failed(self, error: BaseException) -> None:
        if self.finished:
            return
        self.cancelled = True
        self.printer.abort()
        self._finish(failure_text(error), False)

    def _finish(self, message: str, ok: bool) -> None:
        if self.finished:
            return
        self.finished = True
        self._images = []
        self._pdf = None
        if self.painter.isActive():
            self.painter.end()
        self.on_finished(message, ok)
