"""Undo commands that change fields: orchestration properties, nodes, steps, flows, ids.

Each `redo()` calls one document method and keeps what it returns; `undo()` applies the
inverse, so undo then redo gives back the identical document.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.document import Document


class SetPropertiesCommand(QUndoCommand):
    """Change orchestration-level fields (name, description, trigger, variables...)."""

    def __init__(self, document: Document, changes: dict[str, Any], text: str = "") -> None:
        super().__init__(text or f"Change {', '.join(changes)}")
        self._document = document
        self._changes = changes
        self._old: dict[str, Any] = {}

    def redo(self) -> None:
        self._old = self._document.set_properties(self._changes)

    def undo(self) -> None:
        self._document.set_properties(self._old)


class UpdateNodeCommand(QUndoCommand):
    """Change fields of a start, stage, decision or end node."""

    def __init__(
        self, document: Document, node_id: str, changes: dict[str, Any], text: str = ""
    ) -> None:
        super().__init__(text or f"Change {', '.join(changes)} of {node_id}")
        self._document, self._node_id, self._changes = document, node_id, changes
        self._old: dict[str, Any] = {}

    def redo(self) -> None:
        self._old = self._document.update_node(self._node_id, self._changes)

    def undo(self) -> None:
        self._document.update_node(self._node_id, self._old)


class UpdateStepCommand(QUndoCommand):
    """Change fields of a step."""

    def __init__(
        self, document: Document, step_id: str, changes: dict[str, Any], text: str = ""
    ) -> None:
        super().__init__(text or f"Change {', '.join(changes)} of {step_id}")
        self._document, self._step_id, self._changes = document, step_id, changes
        self._old: dict[str, Any] = {}

    def redo(self) -> None:
        self._old = self._document.update_step(self._step_id, self._changes)

    def undo(self) -> None:
        self._document.update_step(self._step_id, self._old)


class UpdateFlowCommand(QUndoCommand):
    """Change a flow's condition or default flag."""

    def __init__(
        self, document: Document, source: str, target: str, changes: dict[str, Any], text: str = ""
    ) -> None:
        super().__init__(text or f"Change flow {source} → {target}")
        self._document, self._key, self._changes = document, (source, target), changes
        self._old: dict[str, Any] = {}

    def redo(self) -> None:
        self._old = self._document.update_flow(*self._key, self._changes)

    def undo(self) -> None:
        self._document.update_flow(*self._key, self._old)


class RenameIdCommand(QUndoCommand):
    """Give an element a new id, updating every reference to it."""

    def __init__(self, document: Document, old_id: str, new_id: str) -> None:
        super().__init__(f"Rename {old_id} to {new_id}")
        self._document, self._old_id, self._new_id = document, old_id, new_id

    def redo(self) -> None:
        self._document.rename_id(self._old_id, self._new_id)

    def undo(self) -> None:
        self._document.rename_id(self._new_id, self._old_id)
