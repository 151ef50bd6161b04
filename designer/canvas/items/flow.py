"""Flows as connectors: a smooth curve from source to target with an arrowhead and label.

A stage's fault route is drawn dashed and red, labelled with its name or "fault", so the
way out when the stage fails reads apart from the ordinary one.

The geometry (path, arrowhead, label position) is rebuilt only when an end moves or the
flow changes; `paint()` draws what was prepared.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPolygonF
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from designer.canvas import theme
from designer.canvas.items.base import TEXT_LOD, CachedText, DiagramItem, level_of_detail
from designer.document import Document
from engine.definition import Flow

ARROW = 9.0
LABEL_MAX = 160.0


class FlowItem(DiagramItem):
    """A flow between two nodes, keyed by its (source, target) pair."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__((source, target))
        self.source, self.target = source, target
        self.setZValue(0)
        self._path = QPainterPath()
        self._shape = QPainterPath()
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        self._label = CachedText(theme.SMALL_FONT_ARGS)
        self._has_label = False
        # Set by the router: whether a label rectangle is clear of other nodes.
        self.label_is_free: Callable[[QRectF], bool] | None = None
        self._label_rect = QRectF()
        self._emphasized = False  # a run took this flow: label beside the line, drawn higher
        self.fault = False  # a stage's fault route (dashed, red)

    def refresh(self, document: Document, flow: Flow | None = None) -> None:
        """Re-read condition/default (or take the flow, when the caller has it)."""
        flow = flow or document.flow(self.source, self.target)
        text = ""
        self.fault = flow is not None and flow.fault
        if flow is not None:
            text = "default" if flow.default else (flow.condition or "")
            if flow.fault:
                text = f"⚡ {flow.name or 'fault'}"
        self._has_label = bool(text)
        kind = "Fault route" if self.fault else "Flow"
        self.set_info(f"{kind} {self.source} → {self.target}" + (f" · {text}" if text else ""))
        self._label.set(text, LABEL_MAX)
        self._place_label()
        self.update()

    def set_path(self, path: QPainterPath) -> None:
        """Take a routed path (see `route`) and prepare arrowhead, hit shape and label."""
        self.prepareGeometryChange()
        self._path = path
        end = path.currentPosition()
        angle = math.radians(-self._path.angleAtPercent(1.0))
        self._arrow = arrow_head(end, angle)
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        self._shape = stroker.createStroke(self._path)
        self._shape.addPolygon(self._arrow)
        self._place_label()
        for child in self.childItems():  # a run's bold line over this flow follows it
            follow = getattr(child, "follow_path", None)
            if follow is not None:
                follow(self._path)

    def set_emphasized(self, emphasized: bool) -> None:
        """A run took this flow: draw it above other flows and their labels, and move its
        own label beside the line so the bold path stays visible (view state only)."""
        if emphasized != self._emphasized:
            self._emphasized = emphasized
            self.setZValue(0.5 if emphasized else 0)
            self._place_label()
            self.update()

    def _place_label(self) -> None:
        self.prepareGeometryChange()
        self._label_rect = QRectF()
        if self._has_label and not self._path.isEmpty():
            # Near the source, like BPMN modellers: the label reads as "leave this way if".
            # If a node is in the way there, slide it along the connector to a free spot.
            length = self._path.length()
            near = min(length / 2, 34 + self._label.width() / 2)
            for along in (near, *(length * f for f in (0.5, 0.35, 0.65, 0.8, 0.2))):
                self._label_rect = self._label_at(along)
                if self.label_is_free is None or self.label_is_free(self._label_rect):
                    break
            else:
                self._label_rect = self._label_at(near)
        self._bounds = self._shape.boundingRect().united(self._label_rect).adjusted(-4, -4, 4, 4)

    def _label_at(self, along: float) -> QRectF:
        point = self._path.pointAtPercent(self._path.percentAtLength(along))
        w = self._label.width() + 12
        lift = 14 if self._emphasized else 0  # beside a bold run line, not on it
        return QRectF(point.x() - w / 2, point.y() - 10 - lift, w, 19)

    def label_rect(self) -> QRectF:
        """Where the label pill is drawn (empty when the flow has none)."""
        return QRectF(self._label_rect)

    def condition_text(self) -> str:
        """The flow's whole label text ("default", a condition, or "")."""
        return self._label.text

    def line(self) -> QPainterPath:
        """The connector's centre line, in scene coordinates."""
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        shape = QPainterPath(self._shape)
        if self._has_label:
            shape.addRect(self._label_rect)
        return shape

    def badge_center(self) -> QPointF:
        return self._path.pointAtPercent(0.5)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.fault:
            pen = theme.FAULT_SELECTED_PEN if self.isSelected() or self.hovered else theme.FAULT_PEN
            brush = theme.ERROR_BRUSH
        elif self.isSelected():
            pen, brush = theme.CONNECTOR_SELECTED_PEN, theme.ACCENT_BRUSH
        elif self.hovered:
            pen, brush = theme.CONNECTOR_HOVER_PEN, theme.HOVER_BRUSH
        else:
            pen, brush = theme.CONNECTOR_PEN, theme.CONNECTOR_BRUSH
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(theme.NO_PEN)
        painter.setBrush(brush)
        painter.drawPolygon(self._arrow)
        if self._has_label and level_of_detail(painter) >= TEXT_LOD:
            painter.setBrush(theme.SURFACE_BRUSH)
            painter.setPen(pen if self.isSelected() else theme.OUTLINE_PEN)
            painter.drawRoundedRect(self._label_rect, 9.5, 9.5)
            painter.setPen(theme.MUTED_PEN)
            self._label.draw(painter, self._label_rect.x() + 6, self._label_rect.y() + 2)


def route(
    source: QRectF,
    source_out: QPointF,
    target: QRectF,
    target_in: QPointF,
    side_exit: bool,
    floor: float | None = None,
) -> QPainterPath:
    """The connector between two nodes' scene rectangles.

    Forward flows are a smooth S from the source's right edge to the target's left edge.
    A diamond or circle (`side_exit`) reaches a node just below or above it from its bottom
    or top point. Any other flow going backwards (a rework loop, a wrap to the next row)
    runs along a lane 36 units under `floor` (the scene finds the lowest node in the way),
    with rounded corners, so it never cuts through the stages it passes.
    """
    if target_in.x() >= source_out.x() + 2 * ARROW:
        return connector_path(source_out, target_in)
    below = target_in.y() >= source.center().y()
    near = target_in.x() >= source.left() - 320  # close enough behind to drop straight to it
    apart = target.top() > source.bottom() + 20 or target.bottom() < source.top() - 20
    if side_exit and (target_in.x() >= source.left() - 2 * ARROW - 40 or (apart and near)):
        start = QPointF(source.center().x(), source.bottom() if below else source.top())
        path = QPainterPath(start)
        reach = max(40.0, abs(target_in.y() - start.y()) / 2)
        path.cubicTo(
            QPointF(start.x(), start.y() + (reach if below else -reach)),
            QPointF(target_in.x() - reach - ARROW, target_in.y()),
            QPointF(target_in.x() - ARROW, target_in.y()),
        )
        path.lineTo(target_in)
        return path
    lowest = (floor if floor is not None else max(source.bottom(), target.bottom())) + 36
    left = target_in.x() - 24
    if side_exit:  # leave a diamond or circle from its bottom point, straight down
        start = QPointF(source.center().x(), source.bottom())
        points = [start, QPointF(start.x(), lowest)]
    else:
        right = source_out.x() + 24
        points = [source_out, QPointF(right, source_out.y()), QPointF(right, lowest)]
    points += [QPointF(left, lowest), QPointF(left, target_in.y()), target_in]
    return rounded_path(points, radius=14)


def rounded_path(points: list[QPointF], radius: float) -> QPainterPath:
    """A polyline through `points` with its corners rounded to `radius`."""
    path = QPainterPath(points[0])
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        into = QLineF(corner, before)
        out = QLineF(corner, after)
        r = min(radius, into.length() / 2, out.length() / 2)
        into.setLength(r)
        out.setLength(r)
        path.lineTo(into.p2())
        path.quadTo(corner, out.p2())
    path.lineTo(points[-1])
    return path


def connector_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal-tangent cubic curve; loops out and around when going backwards."""
    path = QPainterPath(start)
    dx = end.x() - start.x()
    reach = max(40.0, abs(dx) / 2) if dx >= 0 else max(80.0, abs(end.y() - start.y()) / 2)
    path.cubicTo(
        QPointF(start.x() + reach, start.y()),
        QPointF(end.x() - reach - ARROW, end.y()),
        QPointF(end.x() - ARROW, end.y()),
    )
    path.lineTo(end)
    return path


def arrow_head(tip: QPointF, angle: float) -> QPolygonF:
    """A filled triangle pointing along `angle` (radians) with its point at `tip`."""
    back = QPointF(math.cos(angle) * ARROW, math.sin(angle) * ARROW)
    side = QPointF(-math.sin(angle) * ARROW * 0.45, math.cos(angle) * ARROW * 0.45)
    return QPolygonF([tip, tip - back + side, tip - back - side])
