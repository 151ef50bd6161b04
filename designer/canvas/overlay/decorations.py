"""Decoration items: drawn on top of a diagram item as its child, never part of the model.

A decoration is a child of the card, stage, node or flow it decorates, so it moves, hides
and disappears with it without the scene knowing about it. It takes no mouse buttons and no
hover, so clicks, drags, rubber bands and hover highlights reach the diagram item below as
in design mode; only its tooltip shows (the scene asks the topmost item that has one).
"""

from __future__ import annotations

import math

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas import geometry, theme
from designer.canvas.items import FlowItem, NodeItem, StageItem, StepCardItem
from designer.canvas.items.base import level_of_detail
from designer.canvas.items.flow import arrow_head
from designer.canvas.overlay.looks import Look

PILL_HEIGHT = 17.0
TAG_HEIGHT = 14.0
TAG_TOP_OUTSIDE = geometry.CARD_GAP - 2  # how far a card's tag reaches above the card
PILL_LOD = 0.6  # below this zoom a pill's text is under 7 px: left out
PILL_FONT = theme.font(8.0, True)
TAG_FONT = theme.font(8.0, True)
_METRICS = QFontMetricsF(PILL_FONT)
_HATCH_COLOR = QColor(95, 99, 104, 70)
_WHITE = QColor("#ffffff")


class DecorationItem(QGraphicsItem):
    """Base of all decorations: inert to the mouse, repaints only when its look changes."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.look: Look | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)

    def set_look(self, look: Look) -> bool:
        """Show `look`; True when it differed (and a repaint was scheduled)."""
        if look == self.look:
            return False
        self.prepareGeometryChange()  # pills and tags may change the drawn area
        self.look = look
        self.setToolTip(look.tooltip)
        self.update()
        return True


def _veil() -> QBrush:
    # The canvas surface, half see-through: fades an element in the light and dark palettes.
    color = QColor(theme.SURFACE)
    color.setAlpha(150)
    return QBrush(color)


def _pill(
    painter: QPainter,
    text: str,
    color: QColor,
    right: float,
    top: float,
    max_width: float | None = None,
) -> QRectF:
    if max_width is not None:  # shortened to fit, never cut by the card's edges
        text = _METRICS.elidedText(text, Qt.TextElideMode.ElideRight, max_width - 12)
    width = _METRICS.horizontalAdvance(text) + 12
    rect = QRectF(right - width, top, width, PILL_HEIGHT)
    painter.setPen(QPen(theme.SURFACE, 1.5))
    painter.setBrush(color.darker(118))  # white text needs more contrast than amber gives
    painter.drawRoundedRect(rect, PILL_HEIGHT / 2, PILL_HEIGHT / 2)
    painter.setPen(_WHITE)
    painter.setFont(PILL_FONT)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return rect


def _tag(painter: QPainter, text: str, color: QColor, left: float, top: float) -> QRectF:
    width = _METRICS.horizontalAdvance(text) + 14
    rect = QRectF(left, top, width, TAG_HEIGHT)
    painter.setPen(theme.NO_PEN)
    painter.setBrush(color)
    painter.drawRoundedRect(rect, 4, 4)
    painter.setPen(_WHITE)
    painter.setFont(TAG_FONT)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return rect


def card_wash_alpha(color: str, tint: int) -> int:
    """The opacity of a card's wash of `color` in the current theme (see
    `theme.readable_wash_alpha`)."""
    return theme.readable_wash_alpha(color, tint)


def paint_glyph(painter: QPainter, status: str, color: QColor, center: QPointF) -> None:
    """A small status disc: a tick, a cross, a clock or a dot, white on the status colour."""
    radius = 7.0
    painter.setPen(QPen(theme.SURFACE, 1.5))
    painter.setBrush(color)
    painter.drawEllipse(center, radius, radius)
    pen = QPen(_WHITE, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y = center.x(), center.y()
    if status == "completed":
        path = QPainterPath(QPointF(x - 3.2, y + 0.2))
        path.lineTo(x - 0.8, y + 2.6)
        path.lineTo(x + 3.4, y - 2.4)
        painter.drawPath(path)
    elif status == "failed":
        painter.drawLine(QPointF(x - 2.6, y - 2.6), QPointF(x + 2.6, y + 2.6))
        painter.drawLine(QPointF(x - 2.6, y + 2.6), QPointF(x + 2.6, y - 2.6))
    elif status in ("waiting", "paused"):
        painter.drawLine(QPointF(x, y - 3.6), QPointF(x, y))
        painter.drawLine(QPointF(x, y), QPointF(x + 2.6, y + 1.6))
    elif status in ("running", "ready"):
        painter.setBrush(_WHITE)
        painter.drawPolygon([QPointF(x - 2, y - 3.2), QPointF(x + 3.4, y), QPointF(x - 2, y + 3.2)])
    elif status in ("skipped", "canceled"):
        painter.drawLine(QPointF(x - 3, y), QPointF(x + 3, y))


class CardDecorationItem(DecorationItem):
    """A step card's status or heat: wash, border, left stripe, glyph, pill and tag."""

    def __init__(self, card: StepCardItem) -> None:
        super().__init__(card)
        self._card = card
        self._rect = QRectF(0, 0, card.width, geometry.CARD_HEIGHT)
        self.painted_tag: QRectF | None = None  # where the last paint put the tag (tests)
        self.painted_glyph: QRectF | None = None  # and the status disc
        self.painted_pill: QRectF | None = None  # and the label pill (None: left out)
        self.setZValue(10)

    def set_look(self, look: Look) -> bool:
        """Show `look`; its wash goes to the card, painted under the card's text."""
        changed = super().set_look(look)
        if changed:
            self._card.set_wash(look.color if look.tint else None, look.tint)
        return changed

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        # Taken off the card (overlay cleared, look dropped): the card loses its wash.
        if (
            change == QGraphicsItem.GraphicsItemChange.ItemParentChange
            and value is None
            and shiboken6.isValid(self._card)
        ):
            self._card.set_wash(None, 0)
        return super().itemChange(change, value)

    def boundingRect(self) -> QRectF:
        extra_top = TAG_TOP_OUTSIDE + 1 if self.look and self.look.tag else 3
        return self._rect.adjusted(-3, -extra_top, 3, 3)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        look = self.look
        if look is None:
            return
        rect, radius = self._rect, 6.0
        painter.setPen(theme.NO_PEN)
        if look.veil:
            painter.setBrush(_veil())
            painter.drawRoundedRect(rect, radius, radius)
        if look.hatched:
            painter.setBrush(QBrush(_HATCH_COLOR, Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(rect, radius, radius)
        stripe = QPainterPath()
        stripe.addRoundedRect(QRectF(rect.left(), rect.top(), 10, rect.height()), radius, radius)
        clip = QPainterPath()
        clip.addRect(QRectF(rect.left(), rect.top(), 4.5, rect.height()))
        painter.setBrush(look.qcolor())
        painter.drawPath(stripe.intersected(clip))
        width = 2.6 if look.emphasis else 1.6
        painter.setPen(QPen(look.qcolor(), width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        if look.status:
            center = QPointF(29, 33)  # on the type icon's corner, left of both lines
            card = self.parentItem()
            if isinstance(card, StepCardItem) and card.name_enlarged(level_of_detail(painter)):
                # Zoomed out, the name fills the card from just right of a small icon: the
                # disc on the icon's corner covered its first letters. On the icon instead.
                center = card.small_icon_center()
            self.painted_glyph = QRectF(center.x() - 7, center.y() - 7, 14, 14)
            paint_glyph(painter, look.status, look.qcolor(), center)
        self.painted_pill = None
        lod = level_of_detail(painter)
        card = self.parentItem()
        enlarged = isinstance(card, StepCardItem) and card.name_enlarged(lod)
        if look.label and lod >= PILL_LOD and not enlarged:
            # Inside the card's bottom-right corner, over the second line it repeats (who,
            # since when): whole and clear of the cards above and below. Zoomed out, where
            # the card shows its name large over both lines (the pill covered its end), the
            # stripe and glyph say the status and the tooltip the rest.
            color = QColor(look.label_color or look.color)
            top = rect.bottom() - PILL_HEIGHT - 4
            self.painted_pill = _pill(
                painter, look.label, color, rect.right() - 5, top, rect.width() - 44
            )
        if look.tag:
            # Astride the card's top edge, reaching up only into the gap between cards and
            # down above the name's line: it never covers the card above.
            color = QColor(look.tag_color or look.color)
            top = rect.top() - TAG_TOP_OUTSIDE
            self.painted_tag = _tag(painter, look.tag, color, rect.left() + 8, top)


class StageDecorationItem(DecorationItem):
    """A stage's status: coloured frame and header wash; the current stage gets a flag."""

    def __init__(self, stage: StageItem) -> None:
        super().__init__(stage)
        self._stage = stage
        self.setZValue(1)  # above the stage body, below its cards (z 2)

    def boundingRect(self) -> QRectF:
        rect = QRectF(0, 0, self._stage.width, self._stage.height)
        top = PILL_HEIGHT + 8 if self.look and self.look.tag else 3
        return rect.adjusted(-4, -top, 4, 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        look = self.look
        if look is None:
            return
        rect = QRectF(0, 0, self._stage.width, self._stage.height)
        header = QRectF(0, 0, rect.width(), geometry.STAGE_HEADER)
        painter.setPen(theme.NO_PEN)
        if look.veil:
            painter.setBrush(_veil())
            painter.drawRoundedRect(rect, 9, 9)
        if look.hatched:
            painter.setBrush(QBrush(_HATCH_COLOR, Qt.BrushStyle.BDiagPattern))
            painter.drawRoundedRect(rect, 9, 9)
        if look.tint:
            clip = QPainterPath()
            clip.addRoundedRect(rect, 9, 9)
            painter.setClipPath(clip)
            painter.setBrush(look.qcolor(min(255, look.tint * 2)))
            painter.drawRect(header)
            painter.setClipping(False)
        width = 3.0 if look.emphasis else 1.8
        painter.setPen(QPen(look.qcolor(), width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 9, 9)
        if look.tag:
            _tag(painter, look.tag, QColor(look.tag_color or look.color), 0, -PILL_HEIGHT - 6)
        if look.label:
            _pill(
                painter,
                look.label,
                QColor(look.label_color or look.color),
                rect.right() - 10,
                rect.bottom() - PILL_HEIGHT / 2,
            )


class NodeDecorationItem(DecorationItem):
    """A decision or end node the run passed: its outline redrawn in the status colour."""

    def __init__(self, node: NodeItem) -> None:
        super().__init__(node)
        self._node = node
        self.setZValue(5)

    def boundingRect(self) -> QRectF:
        return self._node.shape().boundingRect().adjusted(-4, -4, 4, 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.look is None:
            return
        painter.setPen(QPen(self.look.qcolor(), 3.0 if self.look.emphasis else 2.2))
        painter.setBrush(self.look.qcolor(self.look.tint) if self.look.tint else Qt.NoBrush)
        painter.drawPath(self._node.shape())


class FlowDecorationItem(DecorationItem):
    """A flow the run took: the connector drawn again, bold, in the status colour.

    It follows the connector's own route (a drop from a diamond's point, a lane under the
    stages) and is drawn above the connector and its label; the flow moves its label
    beside the line meanwhile (`FlowItem.set_emphasized`), so both stay readable.
    """

    def __init__(self, flow: FlowItem) -> None:
        super().__init__(flow)
        self._path = QPainterPath()
        self._arrow: QPolygonF | None = None
        flow.set_emphasized(True)
        self.follow_path(flow.line())

    def follow_path(self, path: QPainterPath) -> None:
        """Take the connector's routed path (scene coordinates; flows sit at the origin)."""
        self.prepareGeometryChange()
        self._path = QPainterPath(path)
        if path.isEmpty():
            self._arrow = None
            return
        self._arrow = arrow_head(path.currentPosition(), math.radians(-path.angleAtPercent(1.0)))

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-6, -6, 6, 6)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.look is None or self._path.isEmpty():
            return
        pen = QPen(self.look.qcolor(), 4.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if self._arrow is not None:
            painter.setPen(theme.NO_PEN)
            painter.setBrush(self.look.qcolor())
            painter.drawPolygon(self._arrow)
