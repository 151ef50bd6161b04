"""The canvas view: zoom (Ctrl+wheel, pinch), pan (middle-drag, Space+drag), fit, minimap.

Rendering settings favour large diagrams: antialiasing on, the minimal viewport update
mode, and cached backgrounds; items themselves skip text when zoomed far out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import QGestureEvent, QGraphicsView, QMenu, QPinchGesture, QWidget

from designer.canvas import building, geometry, theme
from designer.canvas.context_pad import ContextPad
from designer.canvas.minimap import MinimapWidget
from designer.canvas.rename import RenameEditor
from designer.canvas.scene import DiagramScene
from designer.commands import NudgeNodesCommand
from engine.definition import Position

MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
_NUDGE = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}
ZOOM_STEP = 1.2


class DiagramView(QGraphicsView):
    """Shows a DiagramScene; owns navigation, the minimap and the in-place rename editor."""

    zoom_changed = Signal(float)
    link_refused = Signal(str)  # why C could not link the selection (for the status bar)
    files_dropped = Signal(list)  # list[Path] of files dropped onto the canvas

    def __init__(self, scene: DiagramScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.diagram = scene
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        # The minimap and pan gestures navigate; scrollbars would only take room.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._pan_from: QPointF | None = None
        self._pointer = QPointF()
        self._edge_scroll = QTimer(self, interval=30)
        self._edge_scroll.timeout.connect(self._scroll_at_edge)
        self._space_down = False
        self.fitted = False  # showing the whole diagram since the last fit (no zoom or pan)
        self.minimap = MinimapWidget(self)
        self.rename_editor = RenameEditor(self)
        self.context_pad = ContextPad(self)
        scene.rename_requested.connect(self.rename_editor.start)
        scene.next_node_offered.connect(self.offer_next_node)
        self.next_menu: QMenu | None = None  # the "create the next … here" menu, while open

    # --- zoom -------------------------------------------------------------------------------

    def zoom(self) -> float:
        """The current zoom factor (1.0 = 100 %)."""
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to `factor`, keeping `anchor` (view coordinates) still if given."""
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        scale = factor / self.zoom()
        if abs(scale - 1.0) < 1e-6:
            return
        self.fitted = False
        if anchor is not None:
            before = self.mapToScene(anchor.toPoint())
        self.scale(scale, scale)
        if anchor is not None:
            after = self.mapToScene(anchor.toPoint())
            delta = after - before
            self.translate(delta.x(), delta.y())
        self._zoomed()

    def _zoomed(self) -> None:
        self.diagram.set_zoom_level(self.zoom())
        self.minimap.follow_view()
        self.context_pad.place()
        self.zoom_changed.emit(self.zoom())

    def zoom_in(self) -> None:
        """One zoom step closer."""
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        """One zoom step further."""
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def zoom_actual(self) -> None:
        """Back to 100 %."""
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Show the whole diagram (never magnified beyond 100 %), clear of any legend."""
        bounds = self.diagram.diagram_bounds()
        if bounds.isNull():
            self.zoom_actual()
            self.fitted = True
            return
        bounds = bounds.adjusted(-40, -40, 40, 40)
        area = self._free_area(bounds)
        scale = min(area.width() / bounds.width(), area.height() / bounds.height(), 1.0)
        scale = max(MIN_ZOOM, scale)
        self.resetTransform()
        self.scale(scale, scale)
        # Put the diagram's centre in the middle of the free area, not of the viewport.
        offset = (area.center() - QRectF(self.viewport().rect()).center()) / scale
        self.centerOn(bounds.center() - offset)
        self._zoomed()
        self.fitted = True

    def _free_area(self, bounds: QRectF) -> QRectF:
        """The part of the viewport a fitted diagram may use: legends keep their corner.

        With a legend in a bottom corner, the diagram goes above it or beside it,
        whichever lets it be drawn larger.
        """
        viewport = QRectF(self.viewport().rect())
        legends = [w for w in self.findChildren(QWidget, "overlay_legend") if w.isVisible()]
        if not legends:
            return viewport
        top = min(w.geometry().top() for w in legends) - 4
        right = max(w.geometry().right() for w in legends) + 4
        above = QRectF(viewport.left(), viewport.top(), viewport.width(), top - viewport.top())
        beside = QRectF(right, viewport.top(), viewport.right() - right, viewport.height())

        def scale_in(area: QRectF) -> float:
            if area.width() <= 0 or area.height() <= 0:
                return 0.0
            return min(area.width() / bounds.width(), area.height() / bounds.height())

        return max((above, beside), key=scale_in)

    def refit(self) -> None:
        """Fit again if the view shows the whole diagram (not zoomed or panned since): a
        legend came or went, or the canvas changed size."""
        if self.fitted:
            self.fit()

    def center_on_key(self, key: object) -> None:
        """Scroll so an element is in the middle (Find, problems panel)."""
        item = self.diagram.item_for(key)  # type: ignore[arg-type]
        if item is not None:
            self.centerOn(item.sceneBoundingRect().center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            self.set_zoom(self.zoom() * (ZOOM_STEP**steps), event.position())
            event.accept()
        else:
            super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.NativeGesture:
            assert isinstance(event, QNativeGestureEvent)
            if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.set_zoom(self.zoom() * (1.0 + event.value()), event.position())
                return True
        if event.type() == QEvent.Type.Gesture:
            assert isinstance(event, QGestureEvent)
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                anchor = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.set_zoom(self.zoom() * pinch.scaleFactor(), QPointF(anchor))
                return True
        return super().viewportEvent(event)

    # --- pan --------------------------------------------------------------------------------

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll the view by a distance in view pixels."""
        self.fitted = False
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + int(dx))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + int(dy))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        middle = event.button() == Qt.MouseButton.MiddleButton
        if middle or (self._space_down and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def _scroll_at_edge(self) -> None:
        """While dragging near the viewport's edge, scroll towards it (and drag along)."""
        if not self.diagram.gesture_active():
            self._edge_scroll.stop()
            return
        rect = self.viewport().rect()
        x, y = self._pointer.x(), self._pointer.y()
        dx = _edge_speed(x, rect.left(), rect.right())
        dy = _edge_speed(y, rect.top(), rect.bottom())
        if dx or dy:
            self.pan_by(dx, dy)
            self.diagram.follow_pointer(self.mapToScene(self._pointer.toPoint()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._pointer = event.position()
        if self.diagram.gesture_active() and not self._edge_scroll.isActive():
            self._edge_scroll.start()
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.pan_by(-delta.x(), -delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.diagram.cancel_gesture()
        if event.key() == Qt.Key.Key_C and not event.modifiers() and self.link_selection():
            event.accept()
            return
        step = _NUDGE.get(Qt.Key(event.key()))
        if step is not None and self.diagram.selected_nodes():
            fine = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            scale = 1 if fine else geometry.GRID
            nudge_selection(self.diagram, step[0] * scale, step[1] * scale)
            event.accept()
            return
        super().keyPressEvent(event)

    def link_selection(self) -> bool:
        """C: connect the two selected nodes, or make the lower of two steps wait for the
        upper one. Returns whether something was linked (else the reason is shown)."""
        command, why = building.link_selection(self.diagram)
        if command is None:
            self.link_refused.emit(why)
            return False
        self.diagram.push(command)
        return True

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # --- a new flow let go on empty canvas ---------------------------------------------------

    def offer_next_node(self, source_id: str, at: QPointF) -> QMenu:
        """Pop up "Stage / Decision / End here": the chosen node is created there, connected."""
        menu = QMenu(self)
        menu.setObjectName("next_node_menu")
        for kind, label in (
            ("stage", "Create the next stage here"),
            ("decision", "Create a decision here"),
            ("end", "Create an end here"),
        ):
            action = menu.addAction(theme.icon(kind), label)
            action.setObjectName(f"next_{kind}")
            action.triggered.connect(
                lambda _=False, k=kind: self._create_next(source_id, k, QPointF(at))
            )
        menu.aboutToHide.connect(lambda: setattr(self, "next_menu", None))
        self.next_menu = menu
        menu.popup(self.viewport().mapToGlobal(self.mapFromScene(at)))
        return menu

    def _create_next(self, source_id: str, kind: str, at: QPointF) -> None:
        if self.diagram.node_item(source_id) is None:
            return  # the source went away while the menu was open
        command, new_id = building.create_next(self.diagram, source_id, kind, at)
        self.diagram.push(command)
        self.diagram.select_keys([new_id])

    # --- files dropped on the canvas --------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
            return
        super().dropEvent(event)

    # --- overlays ---------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.minimap.place()
        self.minimap.follow_view()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.minimap.follow_view()
        self.context_pad.place()
        self.minimap.update()

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene the viewport shows."""
        return self.mapToScene(self.viewport().rect()).boundingRect()


def _edge_speed(value: float, low: float, high: float, margin: float = 28.0) -> float:
    """Pixels to scroll per tick: faster the closer the pointer is to (or past) an edge."""
    if value < low + margin:
        return -min(40.0, (low + margin - value) * 0.6)
    if value > high - margin:
        return min(40.0, (value - (high - margin)) * 0.6)
    return 0.0


def nudge_selection(scene: DiagramScene, dx: float, dy: float) -> None:
    """Move the selected nodes by (dx, dy); repeated presses merge into one undo entry."""
    positions = {
        item.node_id: Position(x=round(item.pos().x() + dx), y=round(item.pos().y() + dy))
        for item in scene.selected_nodes()
    }
    scene.push(NudgeNodesCommand(scene.document, positions))
