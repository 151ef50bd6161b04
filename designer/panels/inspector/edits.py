"""Turning one committed field value into one undo command (or a reason to refuse it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.commands import (
    RenameCommand,
    RenameIdCommand,
    SetPropertiesCommand,
    UpdateFlowCommand,
    UpdateNodeCommand,
    UpdateStepCommand,
)
from designer.document import Document
from designer.panels.inspector import checks
from designer.panels.inspector.target import InspectorTarget
from designer.selection import Selection


def command_for_edit(
    document: Document, target: InspectorTarget, field: str, value: Any, selection: Selection
) -> tuple[str | None, QUndoCommand | None]:
    """(problem, command): a problem to show under the field, or the command to push.

    Both are None when there is nothing to do (an id "renamed" to itself).
    """
    kind, key = target.kind, target.key
    label = field.replace("_", " ")
    if kind == "orchestration":
        problem = checks.check_properties_change(document, field, value)
        return problem, None if problem else SetPropertiesCommand(
            document, {field: value}, f"Change {label}"
        )
    if kind == "flow" and isinstance(key, tuple):
        flow = document.flow(*key)
        if flow is None:
            return "This flow no longer exists.", None
        problem = checks.check_flow_change(flow, field, value)
        return problem, None if problem else UpdateFlowCommand(
            document, *key, {field: value}, f"Change flow {label}"
        )
    if kind not in ("node", "step") or not isinstance(key, str):
        return "Select one element to edit it.", None
    if field == "id":
        problem = checks.check_rename(document, key, value)
        if problem or value == key:
            return problem, None
        return None, RenameAndFollowCommand(document, key, value, selection)
    problem = checks.check_element_change(document, key, field, value)
    if problem:
        return problem, None
    if field == "name" and isinstance(value, str):
        renamed = RenameNameAndFollowCommand(document, key, value, selection)
        if renamed.new_id != key:  # the id follows the name: keep the element selected
            return None, renamed
    command = UpdateStepCommand if kind == "step" else UpdateNodeCommand
    return None, command(document, key, {field: value}, f"Change {label} of {key}")


class RenameAndFollowCommand(RenameIdCommand):
    """An id rename from the inspector, after which the element stays selected.

    A rename announces a document reset, and views that rebuild on a reset (the canvas) drop
    their selection; the old id is gone by then anyway. Re-selecting the element under its
    new id (or its old one, on undo) after the document call keeps the admin where they were.
    """

    def __init__(self, document: Document, old_id: str, new_id: str, selection: Selection):
        super().__init__(document, old_id, new_id)
        self._ids, self._selection = (old_id, new_id), selection

    def redo(self) -> None:
        super().redo()
        self._selection.set([self._ids[1]])

    def undo(self) -> None:
        super().undo()
        self._selection.set([self._ids[0]])


class RenameNameAndFollowCommand(RenameCommand):
    """A name change whose id follows the name (see `designer.document.naming`), after
    which the element stays selected under its new id (or its old one, on undo)."""

    def __init__(self, document: Document, key: str, name: str, selection: Selection):
        super().__init__(document, key, name)
        self._ids, self._selection = (key, self.new_id), selection

    def redo(self) -> None:
        super().redo()
        self._selection.set([self._ids[1]])

    def undo(self) -> None:
        super().undo()
        self._selection.set([self._ids[0]])
