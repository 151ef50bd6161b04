"""Mouse input on the diagram scene, routed to gestures (part of DiagramScene).

A press picks a gesture (designer/canvas/gestures.py) that follows the pointer and, on
release, pushes one undo command; presses the gestures do not want (flows, empty canvas)
get Qt's own selection and rubber band. Palette drops go to their own gesture.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
    QMenu,
)

from designer.canvas.gestures import Gesture, NewFlowGesture, pick_gesture
from designer.canvas.items import DiagramItem, FlowItem, NodeItem, StepCardItem
from designer.canvas.palette_drop import PaletteDropGesture


class SceneInput:
    """Mouse presses, moves, releases, double-clicks, context menus and palette drops."""

    # Set up by DiagramScene.__init__.
    rename_requested: Signal
    _gesture: Gesture | None
    _drop: PaletteDropGesture

    # --- mouse: route to gestures ----------------------------------------------------------

    def diagram_item_at(self, pos: QPointF) -> DiagramItem | None:
        """The topmost diagram item under a scene point."""
        for item in self.items(pos):
            if isinstance(item, DiagramItem):
                return item
        return None

    def start_gesture(self, gesture: Gesture) -> None:
        """Run a gesture begun elsewhere (the context pad's pick-a-target modes)."""
        self.cancel_gesture()
        self._gesture = gesture

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if getattr(self._gesture, "completes_on_press", False):
            if event.button() == Qt.MouseButton.LeftButton:
                gesture, self._gesture = self._gesture, None
                gesture.release(event.scenePos())  # type: ignore[union-attr]
            else:
                self.cancel_gesture()
            event.accept()
            return
        gesture = None
        if event.button() == Qt.MouseButton.LeftButton and self._gesture is None:
            gesture = pick_gesture(self, event.scenePos(), event.modifiers())
        if gesture is None:
            super().mousePressEvent(event)  # flows and empty canvas: Qt selection, rubber band
            return
        if not isinstance(gesture, NewFlowGesture):
            item = self.diagram_item_at(event.scenePos())
            if item is not None:
                self._click_select(item, event.modifiers())
        self._gesture = gesture
        gesture.press(event.scenePos())
        event.accept()

    def _click_select(self, item: DiagramItem, modifiers: Qt.KeyboardModifier) -> None:
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            item.setSelected(not item.isSelected())
        elif not item.isSelected():
            self.clearSelection()
            item.setSelected(True)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None:
            self._gesture.move(event.scenePos(), event.modifiers())
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None and event.button() == Qt.MouseButton.LeftButton:
            gesture, self._gesture = self._gesture, None
            gesture.release(event.scenePos())
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.diagram_item_at(event.scenePos())
        if item is not None and not isinstance(item, FlowItem):
            self.rename_requested.emit(item.key)
            event.accept()
        else:
            super().mouseDoubleClickEvent(event)

    def gesture_active(self) -> bool:
        """Whether a drag gesture is under way."""
        return self._gesture is not None

    def follow_pointer(self, pos: QPointF) -> None:
        """Tell the gesture in progress the pointer is at `pos` (the view auto-scrolled)."""
        if self._gesture is not None:
            self._gesture.move(pos, Qt.KeyboardModifier.NoModifier)

    def cancel_gesture(self) -> None:
        """Abandon the gesture in progress (Escape); nothing is pushed."""
        if self._gesture is not None:
            gesture, self._gesture = self._gesture, None
            gesture.cancel()

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        # Right-click acts on what is under the pointer: select it first, like a file manager.
        item = self.diagram_item_at(event.scenePos())
        if item is not None and not item.isSelected():
            self.clearSelection()
            item.setSelected(True)
        views = self.views()
        if not views or not views[0].actions():
            return
        menu = QMenu(views[0])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions(views[0].actions())
        menu.popup(event.screenPos())  # not exec(): no nested event loop inside a scene event
        event.accept()

    # --- palette drops ----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        self._drop.enter(event)

    def dragMoveEvent(self, event) -> None:
        self._drop.move(event)

    def dragLeaveEvent(self, event) -> None:
        self._drop.leave(event)

    def dropEvent(self, event) -> None:
        self._drop.drop(event)

    def node_at(self, pos: QPointF, exclude: QGraphicsItem | None = None) -> NodeItem | None:
        """The node under a point; a card counts as its stage."""
        for item in self.items(pos):
            if item is exclude:
                continue
            if isinstance(item, StepCardItem):
                item = item.parentItem()
            if isinstance(item, NodeItem) and item is not exclude:
                return item
        return None
