"""A bar chart of one equality breakdown: attendees against the population, drawn with QPainter.

QtCharts is not installed, and the chart is simple: one row per category,
two horizontal bars in it (attendees solid, population hatched, so the two
tell apart in greyscale and on a black-and-white printout), a % axis below
and a legend above. A hidden count gets no bar: its marker ("<5", "[c]") is
written where the bar would start, so nothing drawn can carry the count.

Long category labels wrap in a column of their own rather than being cut
off; the chart asks for the height its rows need, and the page scrolls.
The keyboard moves through the categories (Up, Down, Home, End), and the
focused one is read out through the accessible description.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ceapp.i18n import _
from ceapp.reports.equality import Breakdown, Category

# Solid and hatched: different in greyscale as well as in colour.
ATTENDEE_COLOUR = QColor("#1d4f91")
POPULATION_COLOUR = QColor("#4d4d4d")
FOCUS_COLOUR = QColor("#f2c94c")
# The label column takes at most this share of the width; longer labels wrap.
LABEL_SHARE = 0.4


def percent_text(value: float | None) -> str:
    return "" if value is None else _("{percent}%").format(percent=f"{value:.1f}")


def category_summary(category: Category, compared: bool) -> str:
    """One category read out as a sentence (the focused bar's accessible description)."""
    if isinstance(category.count, str):
        attendees = _("count hidden ({marker})").format(marker=category.count)
    elif category.percent is None:
        attendees = _("{count} attendees").format(count=category.count)
    else:
        attendees = _("{percent} of attendees who answered").format(
            percent=percent_text(category.percent)
        )
    if compared and category.population_percent is not None:
        return _("{category}: {attendees}; {population} of the population.").format(
            category=category.label,
            attendees=attendees,
            population=percent_text(category.population_percent),
        )
    return _("{category}: {attendees}.").format(category=category.label, attendees=attendees)


class EqualityChart(QWidget):
    """Attendees against population, per category of one characteristic."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.breakdown: Breakdown | None = None
        self.message = _("Run a report to see the chart.")
        self.focused_row = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Bar chart of attendees against the population"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumWidth(24 * self.fontMetrics().averageCharWidth())

    # -- what it shows ----------------------------------------------------------

    def set_breakdown(self, breakdown: Breakdown | None, message: str = "") -> None:
        """Show `breakdown`; with none (or a withheld one), `message` in its place."""
        self.breakdown = breakdown if breakdown is not None and breakdown.categories else None
        self.message = message
        self.focused_row = 0
        if self.breakdown is not None:
            self.setAccessibleName(
                _("Bar chart: {characteristic}, attendees against the population").format(
                    characteristic=self.breakdown.label
                )
            )
        self._describe()
        self._claim_height()
        self.update()

    def _describe(self) -> None:
        if self.breakdown is None:
            self.setAccessibleDescription(self.message)
            self.setToolTip("")
            return
        category = self.breakdown.categories[self.focused_row]
        text = category_summary(category, self.breakdown.compared)
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def focused_text(self) -> str:
        return self.accessibleDescription()

    # -- keyboard ---------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.breakdown is None:
            super().keyPressEvent(event)
            return
        last = len(self.breakdown.categories) - 1
        moves = {
            Qt.Key.Key_Up: self.focused_row - 1,
            Qt.Key.Key_Down: self.focused_row + 1,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: last,
        }
        if event.key() not in moves:
            super().keyPressEvent(event)
            return
        self.focused_row = min(max(moves[event.key()], 0), last)
        self._describe()
        self.update()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # -- geometry ---------------------------------------------------------------

    def _line(self) -> int:
        return self.fontMetrics().height()

    def _bar(self) -> int:
        return max(8, round(self._line() * 0.9))

    def _label_width(self, width: int) -> int:
        if self.breakdown is None:
            return 0
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(c.label) for c in self.breakdown.categories)
        return min(widest + metrics.averageCharWidth(), int(width * LABEL_SHARE))

    def _row_heights(self, width: int) -> list[int]:
        metrics = self.fontMetrics()
        label_width = max(self._label_width(width), 1)
        bars = 2 * self._bar() + self._line() // 2
        heights = []
        for category in self.breakdown.categories:
            wrapped = metrics.boundingRect(
                0, 0, label_width, 10_000, int(Qt.TextFlag.TextWordWrap), category.label
            ).height()
            heights.append(max(bars, wrapped) + self._line() // 2)
        return heights

    def _chrome(self) -> int:
        # Legend above, axis and its labels below, and margins.
        return 5 * self._line()

    def heightForWidth(self, width: int) -> int:
        if self.breakdown is None:
            return 6 * self._line()
        return self._chrome() + sum(self._row_heights(width))

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        width = 60 * self.fontMetrics().averageCharWidth()
        return QSize(width, self.heightForWidth(max(self.width(), width)))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.heightForWidth(max(self.width(), 400)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Wrapped labels need more or less height at a new width.
        self._claim_height()

    def _claim_height(self) -> None:
        # A minimum height, not only heightForWidth: the page sits in a scroll
        # area and nested layouts, which do not pass heightForWidth on.
        wanted = self.heightForWidth(max(self.width(), self.minimumWidth()))
        if self.minimumHeight() != wanted:
            self.setMinimumHeight(wanted)
            self.updateGeometry()

    # -- drawing ----------------------------------------------------------------

    def _scale_top(self) -> float:
        values = [
            value
            for category in self.breakdown.categories
            for value in (category.percent, category.population_percent)
            if value is not None
        ]
        top = max(values, default=0.0)
        if top <= 0:
            return 10.0
        step = 5 if top <= 25 else 10
        return min(100.0, step * math.ceil(top / step + 0.01))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(palette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(palette.ColorRole.Base))
        margin = self._line() // 2
        area = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        painter.setPen(text_colour)
        if self.breakdown is None:
            painter.drawText(
                area,
                int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                self.message,
            )
            self._draw_focus(painter, QRectF(self.rect()))
            painter.end()
            return
        self._draw_legend(painter, area, text_colour)
        line = self._line()
        metrics = self.fontMetrics()
        label_width = self._label_width(int(area.width()))
        # Room on the right for the widest value label ("100.0%").
        value_room = metrics.horizontalAdvance(percent_text(100.0)) + metrics.averageCharWidth()
        plot_left = area.left() + label_width + metrics.averageCharWidth()
        plot_right = area.right() - value_room
        plot_top = area.top() + 2 * line
        heights = self._row_heights(self.width())
        plot_bottom = plot_top + sum(heights)
        top = self._scale_top()

        def x_of(percent: float) -> float:
            return plot_left + (plot_right - plot_left) * percent / top

        self._draw_axis(painter, plot_left, plot_right, plot_top, plot_bottom, top, x_of)
        y = plot_top
        bar = self._bar()
        for row, (category, height) in enumerate(
            zip(self.breakdown.categories, heights, strict=True)
        ):
            row_rect = QRectF(area.left(), y, area.width(), height)
            if row == self.focused_row and self.hasFocus():
                painter.fillRect(row_rect, FOCUS_COLOUR.lighter(150))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(area.left(), y, label_width, height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                | int(Qt.TextFlag.TextWordWrap),
                category.label,
            )
            bars_top = y + (height - 2 * bar) / 2
            self._draw_attendees(painter, category, plot_left, bars_top, bar, x_of, text_colour)
            if self.breakdown.compared and category.population_percent is not None:
                self._draw_bar(
                    painter,
                    QRectF(
                        plot_left,
                        bars_top + bar,
                        x_of(category.population_percent) - plot_left,
                        bar - 1,
                    ),
                    hatched=True,
                )
                self._draw_value(
                    painter,
                    percent_text(category.population_percent),
                    x_of(category.population_percent),
                    bars_top + bar,
                    bar,
                    text_colour,
                )
            y += height
        self._draw_focus(painter, QRectF(self.rect()))
        painter.end()

    def _draw_attendees(self, painter, category, left, top, bar, x_of, text_colour) -> None:
        if category.percent is None:
            # A hidden count: no bar, only the marker where it would start.
            marker = str(category.count) if isinstance(category.count, str) else "?"
            self._draw_value(painter, marker, left, top, bar, text_colour)
            return
        self._draw_bar(
            painter, QRectF(left, top, x_of(category.percent) - left, bar - 1), hatched=False
        )
        self._draw_value(
            painter, percent_text(category.percent), x_of(category.percent), top, bar, text_colour
        )

    def _draw_value(self, painter, text: str, x: float, top: float, bar: int, colour) -> None:
        painter.setPen(colour)
        gap = self.fontMetrics().averageCharWidth() / 2
        width = self.fontMetrics().horizontalAdvance(text) + 2 * gap
        painter.drawText(
            QRectF(x + gap, top - self._line(), width, bar + 2 * self._line()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )

    def _draw_bar(self, painter: QPainter, rect: QRectF, *, hatched: bool) -> None:
        if rect.width() <= 0:
            rect.setWidth(1)
        if hatched:
            painter.fillRect(rect, QColor("white"))
            painter.fillRect(rect, QBrush(POPULATION_COLOUR, Qt.BrushStyle.BDiagPattern))
            painter.setPen(QPen(POPULATION_COLOUR, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
        else:
            painter.fillRect(rect, ATTENDEE_COLOUR)

    def _draw_legend(self, painter: QPainter, area: QRectF, text_colour) -> None:
        metrics = self.fontMetrics()
        line = self._line()
        swatch = QSize(2 * line, self._bar())
        x = area.left()
        entries = [(False, _("Attendees who answered"))]
        if self.breakdown.compared:
            entries.append((True, _("Population")))
        else:
            entries.append((None, _("No population figures to compare with")))
        for hatched, text in entries:
            if hatched is not None:
                rect = QRectF(x, area.top() + (line - swatch.height()) / 2, *swatch.toTuple())
                self._draw_bar(painter, rect, hatched=hatched)
                x += swatch.width() + metrics.averageCharWidth()
            painter.setPen(text_colour)
            width = metrics.horizontalAdvance(text) + metrics.averageCharWidth()
            painter.drawText(
                QRectF(x, area.top(), width, line),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            x += width + 2 * metrics.averageCharWidth()

    def _draw_axis(self, painter, left, right, top, bottom, scale_top, x_of) -> None:
        palette = self.palette()
        grid = palette.color(palette.ColorRole.Mid)
        text_colour = palette.color(palette.ColorRole.WindowText)
        step = 5 if scale_top <= 25 else 10
        metrics = self.fontMetrics()
        value = 0
        while value <= scale_top + 0.001:
            x = x_of(value)
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine if value else Qt.PenStyle.SolidLine))
            painter.drawLine(round(x), round(top), round(x), round(bottom))
            label = _("{percent}%").format(percent=value)
            width = metrics.horizontalAdvance(label)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(x - width / 2 - 2, bottom + 2, width + 4, self._line()),
                int(Qt.AlignmentFlag.AlignCenter),
                label,
            )
            value += step
        painter.setPen(QPen(text_colour, 1))
        painter.drawLine(round(left), round(bottom), round(right), round(bottom))
        caption = _("% of attendees who answered, and of the population")
        area = QRectF(self.rect()).adjusted(self._line() / 2, 0, -self._line() / 2, 0)
        caption = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, int(area.width()))
        painter.drawText(
            QRectF(area.left(), bottom + self._line() + 4, area.width(), self._line() + 2),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
            caption,
        )

    def _draw_focus(self, painter: QPainter, rect: QRectF) -> None:
        if self.hasFocus():
            painter.setPen(QPen(self.palette().color(self.palette().ColorRole.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
