"""Building without dragging: append a connected node, add a step, link the selection.

Each function builds the one undo command a click or a key press stands for; the context
pad and the canvas keys push it. A new node goes to the right of the one it follows, on
the same flow line, and steps down past whatever already sits there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF

from designer.canvas import geometry
from designer.canvas.gestures import after_refusal, flow_refusal
from designer.canvas.items import NodeItem, StepCardItem
from designer.commands import AddFlowCommand, AddNodeCommand, AddStepCommand, LinkAfterCommand
from designer.commands.base import CompoundCommand
from designer.document.factory import new_node, new_step
from engine.definition import Flow, Position

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoCommand

    from designer.canvas.scene import DiagramScene

APPEND_GAP = 120  # room for a condition label between a node and the one appended to it
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
