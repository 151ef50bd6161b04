"""Undo commands that change fields: orchestration properties, nodes, steps, flows, ids.

Each `redo()` calls one document method and keeps what it returns; `undo()` applies the
inverse, so undo then redo gives back the identical document.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.document import Document
from designer.document.naming import id_follows_name, id_for_name


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


class RenameCommand(QUndoCommand):
    """Give an element a new name; its id follows while it is still made from the name.

    See `designer.document.naming`: a new element's id tracks its name until an
    expression refers to it or the user gave it an id of their own.
    """

    def __init__(self, document: Document, element_id: str, name: str) -> None:
        element = document.element(element_id)
        if element is None:
            raise KeyError(element_id)
        super().__init__(f"Rename {element.name or element_id} to {name}")
        self._document, self._old_id, self._name = document, element_id, name
        self._is_step = document.is_step(element_id)
        self._new_id = element_id
        if id_follows_name(document, element):
            self._new_id = id_for_name(document, element_id, name)
        self._old: dict[str, Any] = {}

    @property
    def new_id(self) -> str:
        """The element's id once renamed (its old id when the id stays put)."""
        return self._new_id

    def redo(self) -> None:
        update = self._document.update_step if self._is_step else self._document.update_node
        self._old = update(self._old_id, {"name": self._name})
        if self._new_id != self._old_id:
            self._document.rename_id(self._old_id, self._new_id)

    def undo(self) -> None:
        if self._new_id != self._old_id:
            self._document.rename_id(self._new_id, self._old_id)
        update = self._document.update_step if self._is_step else self._document.update_node
        update(self._old_id, self._old)
