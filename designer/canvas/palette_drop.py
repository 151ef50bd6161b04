"""Dropping a palette entry on the canvas (the palette-drop gesture).

Nodes land where they are dropped (snapped). A step dropped on a stage joins it at the slot
under the pointer; a step dropped on empty canvas creates a stage holding it, as one undo.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsSceneDragDropEvent

from designer.canvas import geometry
from designer.canvas.items import StageItem
from designer.canvas.palette import PALETTE_MIME
from designer.commands import AddNodeCommand, AddStepCommand
from designer.commands.base import CompoundCommand
from designer.document.factory import NODE_KINDS, STEP_KINDS, new_node, new_step
from engine.definition import Position

if TYPE_CHECKING:
    from designer.canvas.scene import DiagramScene


class PaletteDropGesture:
    """Feedback while a palette drag hovers the canvas, and the command on drop."""

    def __init__(self, scene: DiagramScene) -> None:
        self.scene = weakref.proxy(scene)  # the scene owns this gesture: no cycle
        self._stage: StageItem | None = None

    @staticmethod
    def kind_of(event: QGraphicsSceneDragDropEvent) -> str | None:
        """The element kind a drag carries, if it is a palette drag."""
        mime = event.mimeData()
        if not mime.hasFormat(PALETTE_MIME):
            return None
        kind = bytes(mime.data(PALETTE_MIME).data()).decode()
        return kind if kind in STEP_KINDS | NODE_KINDS else None

    def enter(self, event: QGraphicsSceneDragDropEvent) -> None:
        if self.kind_of(event) is None:
            event.ignore()
            return
        event.acceptProposedAction()

    def move(self, event: QGraphicsSceneDragDropEvent) -> None:
        kind = self.kind_of(event)
        if kind is None:
            event.ignore()
            return
        stage = self._stage_at(event.scenePos()) if kind in STEP_KINDS else None
        self._mark(stage, event.scenePos())
        event.acceptProposedAction()

    def leave(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._mark(None, QPointF())

    def drop(self, event: QGraphicsSceneDragDropEvent) -> None:
        kind = self.kind_of(event)
        self._mark(None, QPointF())
        if kind is None:
            event.ignore()
            return
        created = self.create(kind, event.scenePos())
        event.acceptProposedAction()
        self.scene.select_keys([created])

    def create(self, kind: str, pos: QPointF) -> str:
        """Push the command creating a `kind` element dropped at `pos`; returns its id."""
        document = self.scene.document
        if kind in STEP_KINDS:
            step = new_step(document, kind)
            stage = self._stage_at(pos)
            if stage is not None:
                index = stage.card_index_at(pos)
                self.scene.push(AddStepCommand(document, stage.node_id, step, index))
                return step.id
            node = new_node(document, "stage", taken={step.id})  # "Stage N", not the step's name
            macro = CompoundCommand(f"Add {step.name}")
            AddNodeCommand(document, node, self._place(node, pos), parent=macro)
            AddStepCommand(document, node.id, step, parent=macro)
            self.scene.push(macro)
            return step.id
        node = new_node(document, kind)
        self.scene.push(AddNodeCommand(document, node, self._place(node, pos)))
        return node.id

    def _place(self, node: object, pos: QPointF) -> Position:
        width, _ = geometry.node_size(node)  # type: ignore[arg-type]
        anchor = geometry.anchor_y(node)  # type: ignore[arg-type]
        # The flow line goes on the grid (see NodeMoveGesture), not the top edge.
        return Position(x=geometry.snap(pos.x() - width / 2), y=geometry.snap(pos.y()) - anchor)

    def _stage_at(self, pos: QPointF) -> StageItem | None:
        node = self.scene.node_at(pos)
        return node if isinstance(node, StageItem) else None

    def _mark(self, stage: StageItem | None, pos: QPointF) -> None:
        if self._stage is not None and self._stage is not stage:
            self._stage.insert_marker = None
            self._stage.update()
        self._stage = stage
        if stage is not None:
            stage.insert_marker = stage.card_index_at(pos)
            stage.update()
