"""Changing a step's type (interactive, background, wait) as one undoable edit.

The document has no method for it because a type change swaps the whole step model; the
command removes the step and inserts its converted twin at the same place. What every step
type shares (id, name, `after`, start condition) is kept, so references to the id stay valid.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from designer.document import Document
from engine.definition import AnyStep, parse_step
from engine.errors import InvalidInput

STEP_TYPES = ("interactive", "background", "wait")
_SHARED = ("id", "name", "after", "condition")


def converted_step(step: AnyStep, step_type: str) -> AnyStep:
    """A new step of `step_type` carrying the fields every step type shares."""
    if step_type not in STEP_TYPES:
        raise InvalidInput(f"{step_type!r} is not a step type", element=step.id, field="type")
    shared = {name: getattr(step, name) for name in _SHARED}
    return parse_step({**shared, "type": step_type})


class ChangeStepTypeCommand(QUndoCommand):
    """Turn a step into another type in place; undo brings back the original step."""

    def __init__(self, document: Document, step_id: str, step_type: str) -> None:
        super().__init__(f"Make {step_id} a {step_type} step")
        self._document, self._step_id, self._step_type = document, step_id, step_type
        self._original: AnyStep | None = None

    def redo(self) -> None:
        stage_id, step, index = self._document.remove_step(self._step_id)
        self._original = step
        self._document.add_step(stage_id, converted_step(step, self._step_type), index)

    def undo(self) -> None:
        assert self._original is not None
        stage_id, _converted, index = self._document.remove_step(self._step_id)
        self._document.add_step(stage_id, self._original, index)
