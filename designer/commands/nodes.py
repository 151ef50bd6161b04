"""Undo commands that add, remove and place nodes.

Removing a node first removes its flows as child commands, so a single undo restores the
node and every connection it had (children redo in order and undo in reverse).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from designer.commands.base import CompoundCommand
from designer.commands.flows import RemoveFlowCommand
from designer.document import Document
from engine.definition import AnyNode, Position


class AddNodeCommand(CompoundCommand):
    """Insert a node, optionally at a canvas position."""

    def __init__(
        self,
        document: Document,
        node: AnyNode,
        position: Position | None = None,
        parent: CompoundCommand | None = None,
    ) -> None:
        super().__init__(f"Add {node.type} {node.name or node.id}", parent)
        self._document, self._node, self._position = document, node, position

    @property
    def node_id(self) -> str:
        """The id of the node this command adds."""
        return self._node.id

    def redo(self) -> None:
        super().redo()
        self._document.add_node(self._node.model_copy(deep=True), self._position)

    def undo(self) -> None:
        self._document.remove_node(self._node.id)
        super().undo()


class RemoveNodeCommand(CompoundCommand):
    """Remove a node together with its flows."""

    def __init__(
        self, document: Document, node_id: str, parent: CompoundCommand | None = None
    ) -> None:
        super().__init__(f"Delete {node_id}", parent)
        self._document, self._node_id = document, node_id
        self._removed: tuple[AnyNode, int, Position | None] | None = None

    def prepare_parts(self) -> None:
        for flow in list(self._document.definition.flows):
            if self._node_id in (flow.source, flow.target):
                RemoveFlowCommand(self._document, flow.source, flow.target, parent=self)

    def redo(self) -> None:
        super().redo()  # the flows first: the document refuses to drop a connected node
        self._removed = self._document.remove_node(self._node_id)

    def undo(self) -> None:
        assert self._removed is not None
        node, index, position = self._removed
        self._document.add_node(node, position, index)
        super().undo()


class MoveNodesCommand(CompoundCommand):
    """Place one or more nodes; pushed once when a drag ends."""

    def __init__(
        self,
        document: Document,
        positions: dict[str, Position],
        parent: CompoundCommand | None = None,
    ) -> None:
        count = len(positions)
        super().__init__("Move node" if count == 1 else f"Move {count} nodes", parent)
        self._document, self._positions = document, positions
        self._old: dict[str, Position | None] = {}

    def redo(self) -> None:
        self._old = {
            node_id: self._document.move_node(node_id, position)
            for node_id, position in self._positions.items()
        }

    def undo(self) -> None:
        for node_id, position in self._old.items():
            self._document.move_node(node_id, position)


class SetLayoutCommand(CompoundCommand):
    """Replace the whole layout at once (auto-layout)."""

    def __init__(
        self, document: Document, positions: dict[str, Position], text: str = "Auto-layout"
    ) -> None:
        super().__init__(text)
        self._document, self._positions = document, positions
        self._old: dict[str, Position] = {}

    def redo(self) -> None:
        self._old = self._document.set_layout(dict(self._positions))

    def undo(self) -> None:
        self._document.set_layout(self._old)


class NudgeNodesCommand(MoveNodesCommand):
    """Arrow-key moves; consecutive nudges of the same nodes merge into one undo entry."""

    MERGE_ID = 4101

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NudgeNodesCommand) or set(other._positions) != set(
            self._positions
        ):
            return False
        self._positions = other._positions  # keep our own "before" for undo
        return True
