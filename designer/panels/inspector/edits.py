"""Turning one committed field value into one undo command (or a reason to refuse it).

The reason comes from the document itself: each edit is first run as a dry run
(`Document.check_…`), so the inspector and the document cannot disagree about what is
valid, and a refused value never becomes a command on the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
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
from designer.panels.inspector.target import InspectorTarget
from engine.errors import InvalidInput


def command_for_edit(
    document: Document, target: InspectorTarget, field: str, value: Any
) -> tuple[str | None, QUndoCommand | None]:
    """(problem, command): a problem to show under the field, or the command to push.

    Both are None when there is nothing to do (an id "renamed" to itself).
    """
    kind, key = target.kind, target.key
    label = field.replace("_", " ")
    if kind == "orchestration":
        problem = _refusal(lambda: document.check_properties({field: value}), field)
        return problem, None if problem else SetPropertiesCommand(
            document, {field: value}, f"Change {label}"
        )
    if kind == "flow" and isinstance(key, tuple):
        flow = document.flow(*key)
        if flow is None:
            return "This flow no longer exists.", None
        problem = _refusal(lambda: document.check_flow_update(*key, {field: value}), field)
        return problem, None if problem else UpdateFlowCommand(
            document, *key, {field: value}, f"Change flow {label}"
        )
    if kind not in ("node", "step") or not isinstance(key, str):
        return "Select one element to edit it.", None
    if field == "id":
        problem = _refusal(lambda: document.check_rename(key, value), field)
        if problem or value == key:
            return problem, None
        return None, RenameIdCommand(document, key, value)
    check = document.check_step_update if kind == "step" else document.check_node_update
    problem = _refusal(lambda: check(key, {field: value}), field)
    if problem:
        return problem, None
    if field == "name" and isinstance(value, str):
        renamed = RenameCommand(document, key, value)
        if renamed.new_id != key:  # the id follows the name (the selection follows the id)
            return None, renamed
    command = UpdateStepCommand if kind == "step" else UpdateNodeCommand
    return None, command(document, key, {field: value}, f"Change {label} of {key}")


def _refusal(dry_run: Callable[[], None], field: str) -> str | None:
    """Why the document refuses an edit to `field`, in words for under that field, or None."""
    try:
        dry_run()
    except InvalidInput as refused:
        return _words(refused, field)
    return None


def _words(refused: InvalidInput, field: str) -> str:
    # The field path names rows by index (`outputs.1.name`); say "outputs (row 2).name", and
    # leave out the edited field itself: the message is shown right under it.
    parts = (refused.field or "").split(".")
    row = next((int(p) for p in parts if p.isdigit()), None)
    where = ".".join(p for p in parts if p and not p.isdigit())
    if row is not None:
        where += f" (row {row + 1})"
    place = f"{where}: " if where and where != field else ""
    text = place + refused.message
    return f"{text} ({refused.hint})" if refused.hint else text
