"""Semantic zoom for names: an element drawn on the canvas always shows its name.

At comfortable zoom an item draws its name and a second line (assignee, action, step count)
at the canvas fonts. Zoomed out, once the name would fall below `MIN_SCREEN_PX` on screen,
the item first drops the second line, then draws the name with a font that grows in scene
units as the view shrinks (so it stays `MIN_SCREEN_PX` high on screen), wrapped onto as many
lines as the element's box holds. Only a name that still does not fit is abbreviated
(elided), and the font never grows past the box's height: the name shrinks with the element
then, but is drawn for as long as the element is.

Font sizes come in steps (`STEP`), and each name keeps the layout of its current step, so
zooming re-lays out a name only when it crosses a step, and only once it is painted.
Each item records what it painted and at which on-screen size (`painted`): the tests read
it to check the opening view of every example.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication, QPainter, QStaticText, QTextOption

from designer.canvas.items.base import CachedText

MIN_SCREEN_PX = 9.0  # the smallest name size on screen we accept as readable
STEP = 1.05  # zoomed-out fonts grow in steps of 5 %
LINE_PITCH = 0.86  # lines of an enlarged name sit closer than the font's height (two fit a card)


@dataclass(frozen=True)
class Painted:
    """What a name looked like the last time it was painted."""

    lines: tuple[str, ...]
    screen_px: float  # the font's pixel size on screen (scene size times zoom)

    @property
    def text(self) -> str:
        """The lines joined back into one string (a line broken after a hyphen joins tight)."""
        text = ""
        for line in self.lines:
            text += line if not text or text.endswith("-") else f" {line}"
        return text

    @property
    def abbreviated(self) -> bool:
        """Whether part of the name was cut off (elided)."""
        return any(line.endswith("…") for line in self.lines)


def screen_dpi() -> float:
    """Logical DPI used to turn point sizes into pixels (96 when there is no screen)."""
    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInchY() if screen is not None else 96.0


@cache
def _pixels(point_size: float) -> float:
    # Asked for every item drawn: the screen is asked once (forget_fonts asks again).
    return point_size * screen_dpi() / 72.0


@cache
def _font(pixel_size: float, bold: bool) -> QFont:
    font = QFont()
    font.setPointSizeF(pixel_size * 72.0 / screen_dpi())
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@cache
def _metrics(pixel_size: float, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(_font(pixel_size, bold))


def forget_fonts() -> None:
    """Drop cached fonts and metrics (the screen or the application changed)."""
    _pixels.cache_clear()
    _font.cache_clear()
    _metrics.cache_clear()


def needs_enlarging(base_px: float, lod: float) -> bool:
    """Whether text of `base_px` scene pixels is too small on screen at zoom `lod`."""
    return base_px * lod < MIN_SCREEN_PX


def enlarged_px(base_px: float, lod: float) -> float:
    """The font size (scene pixels) that keeps text at least MIN_SCREEN_PX high at `lod`.

    Rounded up to a STEP of `base_px`, so nearby zoom levels share one layout.
    """
    wanted = MIN_SCREEN_PX / max(lod, 1e-6)
    if wanted <= base_px:
        return base_px
    steps = math.ceil(math.log(wanted / base_px) / math.log(STEP) - 1e-9)
    return base_px * STEP**steps


def wrap(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> tuple[str, ...]:
    """`text` broken at spaces (or after hyphens) into at most `max_lines` lines of `width`.

    Whatever does not fit goes on the last line, elided; so is a single word wider than the
    box (never broken inside the word).
    """
    pieces: list[tuple[str, str]] = []  # (piece, what joins it to the previous piece)
    for word in text.split():
        parts = re.findall(r"[^-]+-*|-+", word)
        pieces += [(part, " " if i == 0 else "") for i, part in enumerate(parts)]
    lines: list[str] = []
    current = ""
    for index, (piece, joint) in enumerate(pieces):
        candidate = f"{current}{joint}{piece}" if current else piece
        if not current or metrics.horizontalAdvance(candidate) <= width:
            current = candidate
            continue
        if len(lines) == max_lines - 1:
            current += "".join(f"{j}{p}" for p, j in pieces[index:])
            break
        lines.append(current)
        current = piece
    lines.append(current)
    # Qt returns a line that fits unchanged.
    return tuple(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines)


class LegibleName:
    """A name drawn in a box, at the canvas font or enlarged for a zoomed-out view."""

    __slots__ = (
        "_base_px",
        "_bold",
        "_box",
        "_ink",
        "_key",
        "_line",
        "_lines",
        "_px",
        "painted",
        "text",
    )

    def __init__(self, font_args: tuple[float, bool]) -> None:
        point_size, self._bold = font_args
        self._line = CachedText(font_args)
        self._base_px = _pixels(point_size)
        self._box = QRectF()
        self._key: tuple[float, float, float] | None = None
        self._lines: list[QStaticText] = []
        self._ink: tuple[float, float] | None = None  # the lines' ink, top and bottom (layout)
        self._px = self._base_px  # the font size of the current layout
        self.text = ""
        self.painted: Painted | None = None

    @property
    def base_px(self) -> float:
        """The canvas font's pixel size, in scene units."""
        return self._base_px

    def set(self, text: str, width: float, box: QRectF) -> None:
        """Show `text`: on one line of `width` at the canvas font, or enlarged inside `box`
        (item coordinates) when the view is zoomed out."""
        self._line.set(text, width)
        if text != self.text or box != self._box:
            self.text, self._box, self._key = text, QRectF(box), None

    def enlarged(self, lod: float) -> bool:
        """Whether at zoom `lod` the name is drawn enlarged (and second lines dropped)."""
        return needs_enlarging(self._base_px, lod)

    def width(self) -> float:
        """Width of the one-line name at the canvas font."""
        return self._line.width()

    def natural_width(self) -> float:
        """Width the whole name would take on one line at the canvas font (never elided)."""
        return _metrics(self._base_px, self._bold).horizontalAdvance(self.text)

    def draw_line(self, painter: QPainter, x: float, y: float, lod: float) -> None:
        """Draw the one-line name at the canvas font, top-left at (x, y)."""
        self._line.draw(painter, x, y)
        self.painted = Painted((self._line.shown(),), self._base_px * lod)

    def enlarged_screen_px(self, lod: float) -> float:
        """How high the enlarged name would be on screen at zoom `lod`."""
        return self._enlarged_px(lod) * lod

    def _enlarged_px(self, lod: float) -> float:
        line_height = LINE_PITCH * _metrics(100.0, self._bold).height() / 100.0  # per font px
        # Never taller than the element: the name then shrinks with it.
        return min(enlarged_px(self._base_px, lod), self._box.height() / line_height)

    def draw(
        self, painter: QPainter, lod: float, align: str = "left", valign: str = "center"
    ) -> None:
        """Draw the name enlarged for zoom `lod` inside the box.

        `align` is "left" or "center"; `valign` "top", "center" or "bottom".
        """
        px = self._enlarged_px(lod)
        box = self._box
        key = (px, box.width(), box.height())
        if key != self._key:
            self._layout(px)
            exact = min(px, MIN_SCREEN_PX / max(lod, 1e-6))
            if exact < px and any(s.text().endswith("…") for s in self._lines):
                # Rounded up to its step the font cut the name; at the least readable size
                # it may still fit whole (one more line, or a longer one).
                px = exact
                self._layout(px)
            self._key = key
            self._px = px
        px = self._px
        metrics = _metrics(px, self._bold)
        pitch = LINE_PITCH * metrics.height()
        spare = box.height() - pitch * len(self._lines)
        top = box.top() + {"top": 0.0, "center": spare / 2, "bottom": spare}[valign]
        if valign == "center" and self._ink is not None:
            # Centre the ink the lines really draw, not their line boxes: lines sit closer
            # than the font's height, so centred boxes put a last line's descenders (the y
            # of "entry") on a card's bottom edge while its top edge has room to spare.
            ink_top, ink_bottom = self._ink
            top = box.top() + (box.height() - (ink_bottom - ink_top)) / 2 - ink_top
        painter.setFont(_font(px, self._bold))
        for index, static in enumerate(self._lines):
            x = box.left()
            if align == "center":
                x = box.center().x() - static.size().width() / 2
            painter.drawStaticText(QPointF(x, top + index * pitch), static)
        self.painted = Painted(tuple(s.text() for s in self._lines), px * lod)

    def _layout(self, px: float) -> None:
        metrics = _metrics(px, self._bold)
        max_lines = max(1, int(self._box.height() / (LINE_PITCH * metrics.height())))
        lines = wrap(self.text, metrics, self._box.width(), max_lines)
        font = _font(px, self._bold)
        pitch = LINE_PITCH * metrics.height()
        inks = [
            metrics.tightBoundingRect(line).translated(0, index * pitch + metrics.ascent())
            for index, line in enumerate(lines)
            if line.strip()
        ]
        self._ink = (min(r.top() for r in inks), max(r.bottom() for r in inks)) if inks else None
        self._lines = []
        for line in lines:
            static = QStaticText(line)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.setTextOption(_NO_WRAP)
            static.prepare(font=font)
            self._lines.append(static)


_NO_WRAP = QTextOption()
_NO_WRAP.setWrapMode(QTextOption.WrapMode.NoWrap)
