"""Start and end circles, decision diamonds, and the shared behaviour of node items."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas import geometry, theme
from designer.canvas.items.base import BADGE_RADIUS, DiagramItem, level_of_detail
from designer.canvas.items.legible import LegibleName, Painted
from designer.document import Document
from engine.definition import AnyNode

HANDLE_RADIUS = 5.5
HANDLE_HIT = 10.0
LABEL_WIDTH = 140.0
# Zoomed out, a circle's or diamond's name grows into a wider, taller box (two lines).
ENLARGED_LABEL = (130.0, 56.0)


class NodeItem(DiagramItem):
    """A node on the canvas; its layout position is the item's position (top-left)."""

    def __init__(self, node_id: str) -> None:
        super().__init__(node_id)
        self.node_id = node_id
        self.width: float = 0.0
        self.height: float = 0.0
        self.anchor_y: float = 0.0  # where flows attach, relative to the top
        self.drop_state: str | None = None  # "accept" / "refuse" while a gesture hovers
        self.setZValue(1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, False)

    def refresh(self, document: Document) -> None:
        """Re-read the node from the document and prepare its text and size."""
        node = document.element(self.node_id)
        if node is not None:
            self._refresh(node)
        self.update()

    def _refresh(self, node: AnyNode) -> None:
        raise NotImplementedError

    # --- flow attachment --------------------------------------------------------------------

    def box(self) -> QRectF:
        """The node's shape box in scene coordinates (without label or badge)."""
        return QRectF(self.pos().x(), self.pos().y(), self.width, self.height)

    def anchor_out(self) -> QPointF:
        """Where outgoing flows leave, in scene coordinates."""
        return self.mapToScene(QPointF(self.width, self.anchor_y))

    def anchor_in(self) -> QPointF:
        """Where incoming flows arrive, in scene coordinates."""
        return self.mapToScene(QPointF(0.0, self.anchor_y))

    def handle_center(self) -> QPointF:
        """The edge handle from which the user drags a new flow (item coordinates)."""
        return QPointF(self.width, self.anchor_y)

    def handle_hit(self, scene_pos: QPointF) -> bool:
        """Whether a press at `scene_pos` grabs the edge handle."""
        delta = self.mapFromScene(scene_pos) - self.handle_center()
        return delta.x() ** 2 + delta.y() ** 2 <= HANDLE_HIT**2

    def accepts_incoming(self) -> bool:
        """Whether a flow may end here (start nodes take none)."""
        return True

    def accepts_outgoing(self) -> bool:
        """Whether a flow may leave here (end nodes give none)."""
        return True

    def paint_handle(self, painter: QPainter) -> None:
        """The edge handle, shown while hovered or selected."""
        if not self.accepts_outgoing() or not (self.hovered or self.isSelected()):
            return
        painter.setPen(theme.WHITE_PEN)
        painter.setBrush(theme.ACCENT_BRUSH)
        painter.drawEllipse(self.handle_center(), HANDLE_RADIUS, HANDLE_RADIUS)

    def name_text(self) -> LegibleName:
        """The node's name as drawn (subclasses say which of their texts it is)."""
        raise NotImplementedError

    def name_area(self) -> QRectF:
        """Scene rectangle of a name drawn outside the shape (empty when it is inside)."""
        return QRectF()

    @property
    def painted_name(self) -> Painted | None:
        """What the node's name looked like when last painted (see legible.Painted)."""
        return self.name_text().painted

    def forget_painted(self) -> None:
        """Clear `painted_name` (a test then sees whether the next paint draws the name)."""
        self.name_text().painted = None

    def paint_drop_state(self, painter: QPainter, shape: QPainterPath) -> None:
        """Outline the node when a gesture offers it as a target (accepted or refused)."""
        if self.drop_state is None:
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(theme.SELECTED_PEN if self.drop_state == "accept" else theme.REFUSED_PEN)
        painter.drawPath(shape)


class EventItem(NodeItem):
    """A start (plain circle) or end (thick circle) node, with its name underneath."""

    def __init__(self, node_id: str, kind: str) -> None:
        super().__init__(node_id)
        self.kind = kind
        self.width = self.height = geometry.EVENT_DIAMETER
        self.anchor_y = geometry.EVENT_DIAMETER / 2
        self._label = LegibleName(theme.BODY_FONT_ARGS)
        self._circle = QPainterPath()
        self._circle.addEllipse(QRectF(0, 0, self.width, self.height))
        width, height = ENLARGED_LABEL
        self._label_box = QRectF(self.width / 2 - width / 2, self.height + 3, width, height)
        top = -BADGE_RADIUS - 2  # the problem badge sits astride the top-right of the circle
        left = -width / 2 + self.width / 2
        self._bounds = QRectF(left, top, width, self.height + height + 4 - top)

    def _refresh(self, node: AnyNode) -> None:
        self._label.set(node.name or node.id, LABEL_WIDTH, self._label_box)
        self.set_info(f"{node.name or node.id} · {node.type} {node.id}")

    def name_text(self) -> LegibleName:
        return self._label

    def name_area(self) -> QRectF:
        width = self._label.width()
        return self.mapRectToScene(
            QRectF(self.width / 2 - width / 2, self.height + 3, width, geometry.LABEL_HEIGHT)
        )

    def accepts_incoming(self) -> bool:
        return self.kind != "start"

    def accepts_outgoing(self) -> bool:
        return self.kind != "end"

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._circle

    def badge_center(self) -> QPointF:
        return QPointF(self.width - 2, 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setBrush(theme.SURFACE_BRUSH)
        if self.kind == "end":
            painter.setPen(theme.END_PEN)
            painter.drawEllipse(QRectF(1.5, 1.5, self.width - 3, self.height - 3))
        else:
            painter.setPen(theme.OUTLINE_PEN)
            painter.drawEllipse(QRectF(0, 0, self.width, self.height))
            painter.setPen(theme.NO_PEN)
            painter.setBrush(theme.CONNECTOR_BRUSH)
            painter.drawPolygon(_PLAY)
        if self.isSelected() or self.hovered:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(self.outline_pen())
            painter.drawEllipse(QRectF(-3, -3, self.width + 6, self.height + 6))
        self.paint_drop_state(painter, self._circle)
        lod = level_of_detail(painter)
        painter.setPen(theme.MUTED_PEN)
        if self._label.enlarged(lod):
            self._label.draw(painter, lod, align="center", valign="top")
        else:
            self._label.draw_line(
                painter, self.width / 2 - self._label.width() / 2, self.height + 5, lod
            )
        self.paint_handle(painter)
        self.paint_badge(painter)


class DecisionItem(NodeItem):
    """A decision: a diamond with its name underneath."""

    def __init__(self, node_id: str) -> None:
        super().__init__(node_id)
        size = geometry.DECISION_SIZE
        self.width = self.height = size
        self.anchor_y = size / 2
        self._label = LegibleName(theme.BODY_FONT_ARGS)
        self._diamond = QPolygonF(
            [
                QPointF(size / 2, 0),
                QPointF(size, size / 2),
                QPointF(size / 2, size),
                QPointF(0, size / 2),
            ]
        )
        self._path = QPainterPath()
        self._path.addPolygon(self._diamond)
        self._path.closeSubpath()
        # The name sits above the diamond, leaving the bottom point free for a branch.
        width, height = ENLARGED_LABEL
        self._label_box = QRectF(size / 2 - width / 2, -height - 3, width, height)
        self._bounds = QRectF(size / 2 - width / 2, -height - 6, width, size + height + 10)

    def _refresh(self, node: AnyNode) -> None:
        self._label.set(node.name or node.id, LABEL_WIDTH, self._label_box)
        self.set_info(f"{node.name or node.id} · {node.type} {node.id}")

    def name_text(self) -> LegibleName:
        return self._label

    def name_area(self) -> QRectF:
        width = self._label.width()
        return self.mapRectToScene(
            QRectF(
                self.width / 2 - width / 2, -geometry.LABEL_HEIGHT - 4, width, geometry.LABEL_HEIGHT
            )
        )

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._path

    def badge_center(self) -> QPointF:
        return QPointF(self.width * 0.75, self.height * 0.2)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setBrush(theme.DECISION_BRUSH)
        painter.setPen(self.outline_pen())
        painter.drawPolygon(self._diamond)
        painter.setPen(theme.MUTED_PEN)
        self.paint_drop_state(painter, self._path)
        lod = level_of_detail(painter)
        if self._label.enlarged(lod):
            self._label.draw(painter, lod, align="center", valign="bottom")
        else:
            self._label.draw_line(
                painter, self.width / 2 - self._label.width() / 2, -geometry.LABEL_HEIGHT - 2, lod
            )
        self.paint_handle(painter)
        self.paint_badge(painter)


_PLAY = QPolygonF([QPointF(16, 13), QPointF(27, 20), QPointF(16, 27)])
