"""What every diagram item shares: its selection key, hover state, cached text, badges.

Items hold an id and display strings derived from the document in `refresh()`; `paint()`
only draws what was prepared, so a repaint allocates nothing and never reads the model.
"""

from __future__ import annotations

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
    """A single line of text, elided to a width once and laid out once (QStaticText)."""

    __slots__ = ("_font", "_metrics", "_static", "text")

    def __init__(self, font_args: tuple[float, bool]) -> None:
        self._font = theme.font(*font_args)
        self._metrics = QFontMetricsF(self._font)
        self._static = QStaticText()
        self._static.setTextFormat(Qt.TextFormat.PlainText)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        self._static.setTextOption(option)
        self.text = ""

    def set(self, text: str, width: float) -> None:
        """Elide `text` to `width` and prepare its layout."""
        elided = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        if elided != self._static.text():
            self._static.setText(elided)
            self._static.prepare(font=self._font)
        self.text = text

    def width(self) -> float:
        """Width of the laid-out (elided) text."""
        return self._static.size().width()

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        """Draw with the top-left corner at (x, y); the caller sets the pen."""
        painter.setFont(self._font)
        painter.drawStaticText(QPointF(x, y), self._static)


class DiagramItem(QGraphicsItem):
    """Base of node, step and flow items: selectable, hoverable, can carry a badge."""

    def __init__(self, key: str | tuple[str, str]) -> None:
        super().__init__()
        self.key = key
        self.hovered = False
        self.badge: str | None = None  # "error" or "warning"
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)

    # --- diagnostics ------------------------------------------------------------------------

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Show the worst severity as a badge and every message as the tooltip."""
        if not diagnostics:
            badge, tip = None, ""
        else:
            badge = "error" if any(d.severity == "error" for d in diagnostics) else "warning"
            tip = "\n".join(f"{d.severity}: {d.message}" for d in diagnostics)
        if badge != self.badge:
            self.badge = badge
            self.update()
        self.setToolTip(tip)

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
