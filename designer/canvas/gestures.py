"""Mouse gestures on the canvas, each a small class (not a mode inside the scene).

The scene picks a gesture on press (by what is under the pointer and the modifiers) and
forwards move and release to it. A gesture shows feedback with temporary items or item
states and, when it completes, pushes exactly one undo command. Cancel leaves no trace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

from designer.canvas import geometry, theme
from designer.canvas.items import NodeItem, StageItem, StepCardItem
from designer.canvas.items.flow import connector_path
from designer.commands import AddFlowCommand, LinkAfterCommand, MoveNodesCommand, MoveStepCommand
from engine.definition import Flow, Position

if TYPE_CHECKING:
    from designer.canvas.scene import DiagramScene

DRAG_THRESHOLD = 4.0


def pick_gesture(
    scene: DiagramScene, pos: QPointF, modifiers: Qt.KeyboardModifier
) -> Gesture | None:
    """The gesture a left press at `pos` starts, or None (Qt's selection / rubber band).

    An edge handle starts a new flow; a step card starts a step drag, or an `after` link
    with Alt; any other node starts a move.
    """
    area = QRectF(pos.x() - 12, pos.y() - 12, 24, 24)
    for item in scene.items(area):
        if isinstance(item, NodeItem) and item.accepts_outgoing() and item.handle_hit(pos):
            return NewFlowGesture(scene, item)
    item = scene.diagram_item_at(pos)
    if isinstance(item, StepCardItem):
        if modifiers & Qt.KeyboardModifier.AltModifier:
            return AfterLinkGesture(scene, item)
        return StepDragGesture(scene, item)
    if isinstance(item, NodeItem):
        return NodeMoveGesture(scene)
    return None


class Gesture:
    """A press-move-release interaction; subclasses override what they need."""

    def __init__(self, scene: DiagramScene) -> None:
        self.scene = scene
        self.origin = QPointF()

    def press(self, pos: QPointF) -> None:
        self.origin = pos

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        """Follow the pointer."""

    def release(self, pos: QPointF) -> None:
        """Finish: push a command if the gesture means an edit."""

    def cancel(self) -> None:
        """Abandon: undo any feedback."""

    def _set_cursor(self, shape: Qt.CursorShape | None) -> None:
        for view in self.scene.views():
            if shape is None:
                view.viewport().unsetCursor()
            else:
                view.viewport().setCursor(shape)


class NodeMoveGesture(Gesture):
    """Drag the selected nodes; snapped to the grid; one MoveNodesCommand on release."""

    def press(self, pos: QPointF) -> None:
        super().press(pos)
        self._start = {item.node_id: item.pos() for item in self.scene.selected_nodes()}
        self._moved = False

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        delta = pos - self.origin
        if not self._moved and delta.manhattanLength() < DRAG_THRESHOLD:
            return
        self._moved = True
        for node_id, start in self._start.items():
            target = start + delta
            # Alt frees a node from the grid for fine placement.
            free = modifiers & Qt.KeyboardModifier.AltModifier
            if self.scene.snap_to_grid and not free:
                # The flow line (not the top edge) goes on the grid, so a stage and a
                # decision beside it line up and the connector between them is straight.
                anchor = self.scene.node_item(node_id).anchor_y
                y = geometry.snap(target.y() + anchor) - anchor
                target = QPointF(geometry.snap(target.x()), y)
            self.scene.node_item(node_id).setPos(target)
            self.scene.update_flows_of(node_id)

    def release(self, pos: QPointF) -> None:
        if not self._moved:
            return
        positions = {}
        for node_id, start in self._start.items():
            now = self.scene.node_item(node_id).pos()
            if now != start:
                positions[node_id] = Position(x=round(now.x()), y=round(now.y()))
        if positions:
            self.scene.push(MoveNodesCommand(self.scene.document, positions))

    def cancel(self) -> None:
        for node_id, start in self._start.items():
            self.scene.node_item(node_id).setPos(start)
            self.scene.update_flows_of(node_id)


class _LinkGesture(Gesture):
    """Shared feedback of the two linking gestures: a dashed preview and target states."""

    def __init__(self, scene: DiagramScene) -> None:
        super().__init__(scene)
        self._preview = QGraphicsPathItem()
        self._preview.setPen(theme.PREVIEW_PEN)
        self._preview.setZValue(100)
        self._target: NodeItem | StepCardItem | None = None
        self._valid = False

    def _show(self, start: QPointF, end: QPointF) -> None:
        if self._preview.scene() is None:
            self.scene.addItem(self._preview)
        self._preview.setPath(connector_path(start, end))

    def _offer(self, target: NodeItem | StepCardItem | None, valid: bool) -> None:
        if self._target is not None and self._target is not target:
            self._target.drop_state = None
            self._target.update()
        self._target, self._valid = target, valid and target is not None
        if target is not None:
            target.drop_state = "accept" if valid else "refuse"
            target.update()
        self._preview.setPen(theme.PREVIEW_PEN if valid or target is None else theme.REFUSED_PEN)
        self._set_cursor(None if valid or target is None else Qt.CursorShape.ForbiddenCursor)

    def cancel(self) -> None:
        self._offer(None, False)
        if self._preview.scene() is not None:
            self.scene.removeItem(self._preview)


class NewFlowGesture(_LinkGesture):
    """Drag from a node's edge handle to another node to connect them."""

    def __init__(self, scene: DiagramScene, source: NodeItem) -> None:
        super().__init__(scene)
        self.source = source

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._show(self.source.anchor_out(), pos)
        target = self.scene.node_at(pos, exclude=self._preview)
        if target is self.source:
            target = None  # still over the source: no verdict yet
        self._offer(target, target is not None and self.refusal(target) is None)

    def refusal(self, target: NodeItem) -> str | None:
        """Why a flow to `target` is not allowed, or None when it is."""
        return flow_refusal(self.scene, self.source, target)

    def release(self, pos: QPointF) -> None:
        target, valid = self._target, self._valid
        self.cancel()
        if valid and isinstance(target, NodeItem):
            flow = Flow(source=self.source.node_id, target=target.node_id)
            self.scene.push(AddFlowCommand(self.scene.document, flow))
        elif target is None and self.scene.node_at(pos) is None and self._away(pos):
            # Let go on empty canvas: offer to create the next node right there.
            self.scene.next_node_offered.emit(self.source.node_id, pos)

    def _away(self, pos: QPointF) -> bool:
        # A click on the handle (no drag) is not a wish for a new node.
        start = self.source.anchor_out()
        return abs(pos.x() - start.x()) + abs(pos.y() - start.y()) > 30


class AfterLinkGesture(_LinkGesture):
    """Alt+drag from one step card to another of the same stage: the second waits."""

    def __init__(self, scene: DiagramScene, source: StepCardItem) -> None:
        super().__init__(scene)
        self.source = source

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        start = self.source.mapToScene(QPointF(0, geometry.CARD_HEIGHT / 2))
        path = QPainterPath(start)
        path.quadTo(QPointF(start.x() - 30, (start.y() + pos.y()) / 2), pos)
        if self._preview.scene() is None:
            self.scene.addItem(self._preview)
        self._preview.setPath(path)
        target = next(
            (
                i
                for i in self.scene.items(pos)
                if isinstance(i, StepCardItem) and i is not self.source
            ),
            None,
        )
        self._offer(target, target is not None and self.refusal(target) is None)

    def refusal(self, target: StepCardItem) -> str | None:
        """Why `target` cannot wait for the source step, or None when it can."""
        return after_refusal(self.scene, self.source.step_id, target.step_id)

    def release(self, pos: QPointF) -> None:
        target, valid = self._target, self._valid
        self.cancel()
        if valid and isinstance(target, StepCardItem):
            command = LinkAfterCommand(self.scene.document, self.source.step_id, target.step_id)
            self.scene.push(command)


class PickOnClick(Gesture):
    """A link gesture driven by clicks instead of a drag (the context pad's "Connect to…",
    "Runs after…"): the pointer shows the preview, the next click picks the target.

    The scene completes it on the next press; Escape cancels it like any gesture.
    """

    completes_on_press = True

    def __init__(self, scene: DiagramScene, link: NewFlowGesture | AfterLinkGesture) -> None:
        super().__init__(scene)
        self._link = link

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self._link.move(pos, modifiers)

    def release(self, pos: QPointF) -> None:
        self._link.move(pos, Qt.KeyboardModifier.NoModifier)
        self._link.release(pos)

    def cancel(self) -> None:
        self._link.cancel()


def flow_refusal(scene: DiagramScene, source: NodeItem, target: NodeItem) -> str | None:
    """Why a flow from `source` to `target` is not allowed, or None when it is."""
    if target is source:
        return "a node cannot flow into itself"
    if not source.accepts_outgoing():
        return "nothing flows out of an end"
    if not target.accepts_incoming():
        return "nothing flows into the start"
    if scene.document.flow(source.node_id, target.node_id) is not None:
        return "these nodes are already connected"
    return None


def after_refusal(scene: DiagramScene, predecessor: str, step_id: str) -> str | None:
    """Why `step_id` cannot wait for `predecessor`, or None when it can."""
    document = scene.document
    stage = document.stage_of(predecessor)
    if stage is None or document.stage_of(step_id) is not stage or predecessor == step_id:
        return "after links join two steps of one stage"
    waits_for = {s.id: set(s.after) for s in stage.steps}
    if predecessor in waits_for[step_id]:
        return "already linked"
    # Refuse a cycle: the predecessor must not (transitively) wait for the step.
    pending, seen = [predecessor], set()
    while pending:
        current = pending.pop()
        if current == step_id:
            return "this would make the steps wait for each other"
        if current not in seen:
            seen.add(current)
            pending.extend(waits_for.get(current, ()))
    return None


class StepDragGesture(Gesture):
    """Drag a step card to reorder it or to move it into another stage."""

    def __init__(self, scene: DiagramScene, card: StepCardItem) -> None:
        super().__init__(scene)
        self.card = card
        self._lifted = False
        self._stage: StageItem | None = None
        self._home = card.parentItem()

    def press(self, pos: QPointF) -> None:
        super().press(pos)
        self._grab = self.card.mapFromScene(pos)
        self._start = self.card.pos()

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if not self._lifted:
            if QLineF(pos, self.origin).length() < DRAG_THRESHOLD:
                return
            self._lifted = True
            self._home.setZValue(10)
            self.card.lifted = True
            self.card.update()
        self.card.setPos(self._home.mapFromScene(pos) - self._grab)
        target = self.scene.node_at(pos, exclude=self.card)
        self._mark(target if isinstance(target, StageItem) else None, pos)

    def _mark(self, stage: StageItem | None, pos: QPointF) -> None:
        if self._stage is not None and self._stage is not stage:
            self._stage.insert_marker = None
            self._stage.update()
        self._stage = stage
        if stage is not None:
            stage.insert_marker = stage.card_index_at(pos)
            stage.update()

    def release(self, pos: QPointF) -> None:
        stage = self._stage
        index = stage.insert_marker if stage is not None else None
        self.cancel()
        if not self._lifted or stage is None or index is None:
            return
        document = self.scene.document
        current = document.stage_of(self.card.step_id)
        old_index = next(i for i, s in enumerate(current.steps) if s.id == self.card.step_id)
        if current.id == stage.node_id:
            if index > old_index:
                index -= 1  # the card leaves its slot before it is inserted
            if index == old_index:
                return
        self.scene.push(MoveStepCommand(document, self.card.step_id, stage.node_id, index))

    def cancel(self) -> None:
        self._mark(None, QPointF())
        self.card.lifted = False
        self.card.setPos(self._start)
        self._home.setZValue(1)
