"""The diagram drawn small, for the minimap: shapes and connectors, no text.

Rendering the scene itself into the minimap asked every item to paint, names and all: at
20,000 steps one overview took seconds, and it is redrawn after every edit. At minimap
scale a name is a smudge under a pixel high, so this draws what can be seen there straight
from the items' geometry, a handful of calls for the whole diagram: connectors in their
canvas pens, stages as body and header (and card bars once a card is at least a pixel
high), decisions as diamonds and start/end events as circles, in the canvas colours.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPolygonF

from designer.canvas import geometry, theme
from designer.canvas.items import DecisionItem, EventItem, FlowItem, NodeItem, StageItem

MIN_BAR_PX = 1.0  # card bars thinner than this on the minimap are left to the stage body


def draw_miniature(
    painter: QPainter, nodes: Iterable[NodeItem], flows: Iterable[FlowItem], scale: float
) -> None:
    """Draw the diagram with `painter` (already mapping scene to minimap at `scale`)."""
    plain, faults = [], []
    for flow in flows:
        (faults if flow.fault else plain).append(flow.line())
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for pen, paths in ((theme.CONNECTOR_PEN, plain), (theme.FAULT_PEN, faults)):
        painter.setPen(pen)
        for path in paths:
            painter.drawPath(path)

    bodies, headers, bars, diamonds, starts, ends = [], [], [], [], [], []
    card = geometry.CARD_HEIGHT
    with_bars = card * scale >= MIN_BAR_PX
    inner = geometry.STAGE_WIDTH - geometry.CARD_GUTTER - geometry.STAGE_PADDING
    for node in nodes:
        x, y = node.x(), node.y()
        if isinstance(node, StageItem):
            bodies.append(QRectF(x, y, node.width, node.height))
            headers.append(QRectF(x, y, node.width, geometry.STAGE_HEADER))
            if with_bars:
                bars += [
                    QRectF(x + geometry.CARD_GUTTER, y + geometry.card_top(i), inner, card)
                    for i in range(len(node.cards))
                ]
        elif isinstance(node, DecisionItem):
            w, h = node.width, node.height
            diamonds.append(
                QPolygonF(
                    [
                        QPointF(x + w / 2, y),
                        QPointF(x + w, y + h / 2),
                        QPointF(x + w / 2, y + h),
                        QPointF(x, y + h / 2),
                    ]
                )
            )
        elif isinstance(node, EventItem):
            circle = QRectF(x, y, node.width, node.height)
            (ends if node.kind == "end" else starts).append(circle)

    painter.setPen(theme.OUTLINE_PEN)
    painter.setBrush(theme.STAGE_BODY_BRUSH)
    painter.drawRects(bodies)
    painter.setPen(theme.NO_PEN)
    painter.setBrush(theme.STAGE_HEADER_BRUSH)
    painter.drawRects(headers)
    if bars:
        painter.setBrush(theme.CARD_BAR_BRUSH)
        painter.drawRects(bars)
    painter.setPen(theme.OUTLINE_PEN)
    painter.setBrush(theme.DECISION_BRUSH)
    for diamond in diamonds:
        painter.drawPolygon(diamond)
    painter.setBrush(theme.SURFACE_BRUSH)
    for pen, circles in ((theme.OUTLINE_PEN, starts), (theme.END_PEN, ends)):
        painter.setPen(pen)
        for circle in circles:
            painter.drawEllipse(circle)
