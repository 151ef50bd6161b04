"""Undo commands that connect and disconnect nodes."""

from __future__ import annotations

from designer.commands.base import CompoundCommand
from designer.document import Document
from engine.definition import Flow


class AddFlowCommand(CompoundCommand):
    """Connect two nodes (appended last: decisions evaluate flows in document order)."""

    def __init__(self, document: Document, flow: Flow, parent: CompoundCommand | None = None):
        super().__init__(f"Connect {flow.source} → {flow.target}", parent)
        self._document, self._flow = document, flow

    def redo(self) -> None:
        self._document.add_flow(self._flow.model_copy(deep=True))

    def undo(self) -> None:
        self._document.remove_flow(self._flow.source, self._flow.target)


class RemoveFlowCommand(CompoundCommand):
    """Disconnect two nodes, restoring the flow at its old place on undo."""

    def __init__(
        self, document: Document, source: str, target: str, parent: CompoundCommand | None = None
    ) -> None:
        super().__init__(f"Delete flow {source} → {target}", parent)
        self._document, self._key = document, (source, target)
        self._removed: tuple[Flow, int] | None = None

    def redo(self) -> None:
        self._removed = self._document.remove_flow(*self._key)

    def undo(self) -> None:
        assert self._removed is not None
        self._document.add_flow(*self._removed)


class RetargetFlowCommand(CompoundCommand):
    """Point a flow at another node, keeping its condition, default mark and place in the
    order (a decision evaluates its flows in order: inserting a node must not reorder)."""

    def __init__(
        self,
        document: Document,
        source: str,
        target: str,
        new_target: str,
        parent: CompoundCommand | None = None,
    ) -> None:
        super().__init__(f"Redirect flow {source} → {new_target}", parent)
        self._document = document
        self._source, self._target, self._new_target = source, target, new_target
        self._removed: tuple[Flow, int] | None = None

    def redo(self) -> None:
        flow, index = self._document.remove_flow(self._source, self._target)
        self._removed = (flow, index)
        self._document.add_flow(flow.model_copy(update={"target": self._new_target}), index)

    def undo(self) -> None:
        assert self._removed is not None
        self._document.remove_flow(self._source, self._new_target)
        self._document.add_flow(*self._removed)
