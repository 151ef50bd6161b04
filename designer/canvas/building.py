"""Building without dragging: append a connected node, add a step, link the selection,
insert a node on a flow, add a palette entry after the selection.

Each function builds the one undo command a click or a key press stands for; the context
pad and the canvas keys push it. A new node goes to the right of the one it follows, on
the same flow line, and steps down past whatever already sits there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF

from designer.canvas import geometry
from designer.canvas.gestures import after_refusal, flow_refusal
from designer.canvas.items import NodeItem, StageItem, StepCardItem
from designer.commands import (
    AddFlowCommand,
    AddNodeCommand,
    AddStepCommand,
    LinkAfterCommand,
    MoveNodesCommand,
    RetargetFlowCommand,
)
from designer.commands.base import CompoundCommand
from designer.document.factory import NODE_KINDS, STEP_KINDS, new_node, new_step
from engine.definition import Flow, Position

if TYPE_CHECKING:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QUndoCommand

    from designer.canvas.scene import DiagramScene

APPEND_GAP = 120  # room for a condition label between a node and the one appended to it
INSERT_GAP = 60  # at least this much on both sides of a node inserted on a flow
ROW_GAP = 60


def append_node(scene: DiagramScene, source_id: str, kind: str) -> tuple[CompoundCommand, str]:
    """(command, new id): a `kind` node placed after `source_id` and connected from it."""
    document = scene.document
    source = scene.node_item(source_id)
    if source is None or not source.accepts_outgoing():
        raise ValueError(f"{source_id!r} cannot be followed by another node")
    node = new_node(document, kind)
    width, height = geometry.node_size(node)
    box = source.box()
    x = geometry.snap(box.right() + APPEND_GAP)
    y = box.top() + source.anchor_y - geometry.anchor_y(node)
    while _occupied(scene, QRectF(x, y, width, height)):
        y += ROW_GAP + max(height, geometry.STAGE_HEADER)
    macro = CompoundCommand(f"Append {node.type} {node.name}")
    AddNodeCommand(document, node, Position(x=x, y=round(y)), parent=macro)
    AddFlowCommand(document, Flow(source=source_id, target=node.id), parent=macro)
    return macro, node.id


def insert_on_flow(
    scene: DiagramScene, flow: tuple[str, str], kind: str
) -> tuple[CompoundCommand, str]:
    """(command, new id): a stage or decision put on a flow, between its two nodes.

    The flow keeps its condition and its place in the source's order but now leads to the
    new node, which flows on to the old target. When the two nodes are too close for it,
    the target and everything right of it move right to make room.
    """
    document = scene.document
    source_id, target_id = flow
    source, target = scene.node_item(source_id), scene.node_item(target_id)
    if source is None or target is None or document.flow(source_id, target_id) is None:
        raise ValueError(f"no flow {source_id} → {target_id}")
    node = new_node(document, kind)
    width, _ = geometry.node_size(node)
    start, end = source.box(), target.box()
    y = start.top() + source.anchor_y - geometry.anchor_y(node)
    room = end.left() - start.right()
    macro = CompoundCommand(f"Insert {node.type} {node.name}")
    if end.left() > start.right() and room >= width + 2 * INSERT_GAP:
        x = geometry.snap(start.right() + (room - width) / 2)
    else:
        # Make room: the target and every node starting at or right of it move right.
        x = geometry.snap(start.right() + INSERT_GAP) if room > 0 else geometry.snap(end.left())
        shift = geometry.snap(x + width + INSERT_GAP - end.left())
        moved = {
            item.node_id: Position(x=round(item.x() + shift), y=round(item.y()))
            for item in scene.node_items()
            if item.x() >= end.left() - 1 and item is not source
        }
        if moved:
            MoveNodesCommand(document, moved, parent=macro)
    AddNodeCommand(document, node, Position(x=x, y=round(y)), parent=macro)
    RetargetFlowCommand(document, source_id, target_id, node.id, parent=macro)
    AddFlowCommand(document, Flow(source=node.id, target=target_id), parent=macro)
    return macro, node.id


def add_after_selection(
    scene: DiagramScene, kind: str, free_spot: QPointF
) -> tuple[QUndoCommand, str]:
    """(command, new id): a palette entry added where the selection says, without a drop.

    A node kind after a selected node that may lead on is appended and connected; a step
    joins the selected stage (at the end) or the selected step's stage (after it). With
    nothing fitting selected, the element goes to `free_spot` (a step in a new stage).
    """
    document = scene.document
    keys = scene.selection.keys()
    key = keys[-1] if keys and isinstance(keys[-1], str) else None
    item = scene.item_for(key) if key else None
    if kind in NODE_KINDS and isinstance(item, NodeItem) and item.accepts_outgoing():
        return append_node(scene, item.node_id, kind)
    if kind in STEP_KINDS:
        step = new_step(document, kind)
        if isinstance(item, StageItem):
            return AddStepCommand(document, item.node_id, step), step.id
        if isinstance(item, StepCardItem):
            stage = document.stage_of(item.step_id)
            if stage is not None:
                index = next(i for i, s in enumerate(stage.steps) if s.id == item.step_id) + 1
                return AddStepCommand(document, stage.id, step, index), step.id
        node = new_node(document, "stage", taken={step.id})
        macro = CompoundCommand(f"Add {step.name}")
        AddNodeCommand(document, node, _free_position(scene, node, free_spot), parent=macro)
        AddStepCommand(document, node.id, step, parent=macro)
        return macro, step.id
    node = new_node(document, kind)
    return AddNodeCommand(document, node, _free_position(scene, node, free_spot)), node.id


def create_next(
    scene: DiagramScene, source_id: str, kind: str, at: QPointF
) -> tuple[CompoundCommand, str]:
    """(command, new id): a `kind` node created where a new flow was released, connected."""
    document = scene.document
    node = new_node(document, kind)
    position = Position(
        x=geometry.snap(at.x()), y=round(geometry.snap(at.y()) - geometry.anchor_y(node))
    )
    macro = CompoundCommand(f"Add {node.type} {node.name}")
    AddNodeCommand(document, node, position, parent=macro)
    AddFlowCommand(document, Flow(source=source_id, target=node.id), parent=macro)
    return macro, node.id


def _free_position(scene: DiagramScene, node: object, spot: QPointF) -> Position:
    width, height = geometry.node_size(node)  # type: ignore[arg-type]
    x, y = geometry.snap(spot.x() - width / 2), geometry.snap(spot.y() - height / 2)
    while _occupied(scene, QRectF(x, y, width, height)):
        y += ROW_GAP + max(height, geometry.STAGE_HEADER)
    return Position(x=x, y=round(y))


def add_step(scene: DiagramScene, stage_id: str, kind: str) -> tuple[AddStepCommand, str]:
    """(command, new id): a `kind` step added at the end of a stage."""
    step = new_step(scene.document, kind)
    return AddStepCommand(scene.document, stage_id, step), step.id


def link_selection(scene: DiagramScene) -> tuple[QUndoCommand | None, str]:
    """(command, message) linking the two selected elements, or (None, why not).

    Two nodes: a flow from the left one to the right one (the other way if only that is
    allowed). Two steps of one stage: the lower one waits for the upper one (`after`).
    """
    selected = scene.selection.keys()
    items = [scene.item_for(key) for key in selected]
    nodes = [i for i in items if isinstance(i, NodeItem)]
    cards = [i for i in items if isinstance(i, StepCardItem)]
    if len(nodes) == 2 and not cards:
        first, second = sorted(nodes, key=lambda n: (n.x(), n.y()))
        for source, target in ((first, second), (second, first)):
            if flow_refusal(scene, source, target) is None:
                flow = Flow(source=source.node_id, target=target.node_id)
                return AddFlowCommand(scene.document, flow), ""
        return None, flow_refusal(scene, first, second) or ""
    if len(cards) == 2 and not nodes:
        upper, lower = sorted(cards, key=lambda c: c.scenePos().y())
        why = after_refusal(scene, upper.step_id, lower.step_id)
        if why is None:
            return LinkAfterCommand(scene.document, upper.step_id, lower.step_id), ""
        return None, why
    return None, "select two nodes (or two steps of one stage) to link them"


def _occupied(scene: DiagramScene, rect: QRectF) -> bool:
    area = rect.adjusted(-20, -20, 20, 20)
    return any(
        isinstance(item, NodeItem) and item.box().intersects(area) for item in scene.items(area)
    )
