"""Turning one committed field value into one undo command (or a reason to refuse it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.commands import (
    RenameIdCommand,
    SetPropertiesCommand,
    UpdateFlowCommand,
    UpdateNodeCommand,
    UpdateStepCommand,
)
from designer.document import Document
from designer.panels.inspector import checks
from designer.panels.inspector.target import InspectorTarget


def command_for_edit(
    document: Document, target: InspectorTarget, field: str, value: Any
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
        return None, RenameIdCommand(document, key, value)
    problem = checks.check_element_change(document, key, field, value)
    if problem:
        return problem, None
    command = UpdateStepCommand if kind == "step" else UpdateNodeCommand
    return None, command(document, key, {field: value}, f"Change {label} of {key}")

