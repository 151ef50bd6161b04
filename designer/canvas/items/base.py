"""What every diagram item shares: its selection key, hover state, cached text, badges.

Items hold an id and display strings derived from the document in `refresh()`; `paint()`
only draws what was prepared, so a repaint allocates nothing and never reads the model.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPen, QStaticText, QTextOption
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
)

from designer.canvas import theme
from engine.validation import Diagnostic

# Below this zoom factor text is unreadable anyway: draw shapes only (level of detail).
TEXT_LOD = 0.45
BADGE_RADIUS = 8.0


class CachedText:
    """A single line of text, elided to a width and laid out once (QStaticText).

    Elision and layout happen on the first draw, not on `set`: a big diagram opened zoomed
    out never pays for text it does not show.
    """

    __slots__ = ("_dirty", "_font", "_metrics", "_static", "_width", "text")

    def __init__(self, font_args: tuple[float, bool]) -> None:
        self._font = theme.font(*font_args)
        self._metrics = _metrics(font_args)
        self._static = _EMPTY  # an own QStaticText from the first text prepared
        self._width = 0.0
        self._dirty = False
        self.text = ""

    def set(self, text: str, width: float) -> None:
        """Show `text`, elided to `width` when drawn."""
        if text != self.text or width != self._width:
            self.text, self._width, self._dirty = text, width, True

    def _prepare(self) -> None:
        self._dirty = False
        if self._static is _EMPTY:
            self._static = QStaticText()
            self._static.setTextFormat(_PLAIN)
            self._static.setTextOption(_NO_WRAP)
        self._static.setText(self._metrics.elidedText(self.text, _ELIDE_RIGHT, self._width))
        self._static.prepare(font=self._font)

    def shown(self) -> str:
        """The text as drawn (elided to the width)."""
        if self._dirty:
            self._prepare()
        return self._static.text()

    def width(self) -> float:
        """Width of the laid-out (elided) text."""
        if self._dirty:
            self._prepare()
        return self._static.size().width()

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        """Draw with the top-left corner at (x, y); the caller sets the pen."""
        if self._dirty:
            self._prepare()
        painter.setFont(self._font)
        painter.drawStaticText(QPointF(x, y), self._static)


# Qt enum lookups cost a Python call each; resolve the ones used per item once.
_PLAIN = Qt.TextFormat.PlainText
_ELIDE_RIGHT = Qt.TextElideMode.ElideRight
_NO_WRAP = QTextOption()
_NO_WRAP.setWrapMode(QTextOption.WrapMode.NoWrap)
_SELECTABLE = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
_EMPTY = QStaticText()  # shared by every CachedText that has not drawn yet; never changed


@cache
def _metrics(font_args: tuple[float, bool]) -> QFontMetricsF:
    return QFontMetricsF(theme.font(*font_args))


theme.on_forget(_metrics.cache_clear)  # font metrics must go before the QApplication


class DiagramItem(QGraphicsItem):
    """Base of node, step and flow items: selectable, hoverable, can carry a badge."""

    def __init__(self, key: str | tuple[str, str]) -> None:
        super().__init__()
        self.key = key
        self.hovered = False
        self.badge: str | None = None  # "error" or "warning"
        self._info = ""
        self._problems = ""
        self._tooltip_stale = False
        self.setAcceptHoverEvents(True)
        self.setFlag(_SELECTABLE)

    # --- diagnostics ------------------------------------------------------------------------

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Show the worst severity as a badge and every message as the tooltip."""
        if not diagnostics:
            badge, self._problems = None, ""
        else:
            badge = "error" if any(d.severity == "error" for d in diagnostics) else "warning"
            self._problems = "\n".join(f"{d.severity}: {d.message}" for d in diagnostics)
        if badge != self.badge:
            self.badge = badge
            self.update()
        self._update_tooltip()

    def set_info(self, text: str) -> None:
        """What the element is, shown on hover above any problems."""
        if text != self._info:
            self._info = text
            self._update_tooltip()

    def _update_tooltip(self) -> None:
        # Handed to Qt when the pointer comes over the item (or someone asks): building
        # 20,000 cards then costs no tooltip at all.
        self._tooltip_stale = True
        if self.hovered:
            self._apply_tooltip()

    def _apply_tooltip(self) -> None:
        self._tooltip_stale = False
        self.setToolTip("\n".join(t for t in (self._info, self._problems) if t))

    def toolTip(self) -> str:
        """What the element is, and its problems (shown on hover)."""
        if self._tooltip_stale:
            self._apply_tooltip()
        return super().toolTip()

    def badge_center(self) -> QPointF:
        """Where the badge sits, in item coordinates (top-right corner by default)."""
        rect = self.boundingRect()
        return QPointF(rect.right() - BADGE_RADIUS, rect.top() + BADGE_RADIUS)

    def paint_badge(self, painter: QPainter) -> None:
        """Draw the error/warning badge if there is one."""
        if self.badge is None:
            return
        center = self.badge_center()
        name = "error" if self.badge == "error" else "warning"
        size = 2 * BADGE_RADIUS + 2
        painter.drawPixmap(
            QRectF(center.x() - size / 2, center.y() - size / 2, size, size),
            theme.icon_pixmap(name, 18),
            QRectF(0, 0, 36, 36),
        )

    # --- hover ------------------------------------------------------------------------------

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        if self._tooltip_stale:
            self._apply_tooltip()
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    def outline_pen(self) -> QPen:
        """The border pen for the current state: selected, hovered or plain."""
        if self.isSelected():
            return theme.SELECTED_PEN
        if self.hovered:
            return theme.HOVER_PEN
        return theme.OUTLINE_PEN


def level_of_detail(painter: QPainter) -> float:
    """The zoom factor the painter draws at (1.0 = 100 %)."""
    return QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
