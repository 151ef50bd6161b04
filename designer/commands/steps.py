"""Undo commands for steps: add, remove, move (reorder or change stage), `after` links.

`after` may only name steps of the same stage, so removing a step or moving it to another
stage also drops the links that would dangle, as child commands of the same undo entry.
"""

from __future__ import annotations

from designer.commands.base import CompoundCommand
from designer.document import Document
from engine.definition import AnyStep


class AddStepCommand(CompoundCommand):
    """Insert a step into a stage at an index (default last)."""

    def __init__(
        self,
        document: Document,
        stage_id: str,
        step: AnyStep,
        index: int | None = None,
        parent: CompoundCommand | None = None,
    ) -> None:
        super().__init__(f"Add step {step.name or step.id}", parent)
        self._document, self._stage_id, self._step, self._index = document, stage_id, step, index

    def redo(self) -> None:
        self._document.add_step(self._stage_id, self._step.model_copy(deep=True), self._index)

    def undo(self) -> None:
        self._document.remove_step(self._step.id)


class RemoveStepCommand(CompoundCommand):
    """Remove a step and the `after` links of its siblings that pointed at it."""

    def __init__(
        self, document: Document, step_id: str, parent: CompoundCommand | None = None
    ) -> None:
        super().__init__(f"Delete step {step_id}", parent)
        self._document, self._step_id = document, step_id
        self._removed: tuple[str, AnyStep, int] | None = None

    def prepare_parts(self) -> None:
        _unlink_dependants(self._document, self._step_id, self)

    def redo(self) -> None:
        super().redo()
        self._removed = self._document.remove_step(self._step_id)

    def undo(self) -> None:
        assert self._removed is not None
        stage_id, step, index = self._removed
        self._document.add_step(stage_id, step, index)
        super().undo()


class MoveStepCommand(CompoundCommand):
    """Reorder a step inside its stage or move it into another stage at an index."""

    def __init__(
        self,
        document: Document,
        step_id: str,
        stage_id: str,
        index: int,
        parent: CompoundCommand | None = None,
    ) -> None:
        super().__init__(f"Move step {step_id}", parent)
        self._document, self._step_id = document, step_id
        self._stage_id, self._index = stage_id, index
        self._old: tuple[str, int] | None = None

    def prepare_parts(self) -> None:
        document, step_id = self._document, self._step_id
        source = document.stage_of(step_id)
        if source is not None and source.id != self._stage_id:
            step = document.element(step_id)
            if step is not None and getattr(step, "after", None):
                SetAfterCommand(document, step_id, [], parent=self)
            _unlink_dependants(document, step_id, self)

    def redo(self) -> None:
        super().redo()
        self._old = self._document.move_step(self._step_id, self._stage_id, self._index)

    def undo(self) -> None:
        assert self._old is not None
        self._document.move_step(self._step_id, *self._old)
        super().undo()


class SetAfterCommand(CompoundCommand):
    """Replace a step's `after` list (a child of removals and moves that would dangle)."""

    def __init__(
        self,
        document: Document,
        step_id: str,
        after: list[str],
        parent: CompoundCommand | None = None,
    ) -> None:
        super().__init__(f"Change after of {step_id}", parent)
        self._document, self._step_id, self._after = document, step_id, after
        self._old: list[str] = []

    def redo(self) -> None:
        self._old = self._document.update_step(self._step_id, {"after": self._after})["after"]

    def undo(self) -> None:
        self._document.update_step(self._step_id, {"after": self._old})


class LinkAfterCommand(CompoundCommand):
    """Make `step_id` start only after `predecessor` completed (both in one stage)."""

    def __init__(self, document: Document, predecessor: str, step_id: str) -> None:
        super().__init__(f"{step_id} after {predecessor}")
        self._document, self._predecessor, self._step_id = document, predecessor, step_id
        self._old: list[str] = []

    def redo(self) -> None:
        step = self._document.element(self._step_id)
        self._old = list(getattr(step, "after", []))
        self._document.update_step(self._step_id, {"after": [*self._old, self._predecessor]})

    def undo(self) -> None:
        self._document.update_step(self._step_id, {"after": self._old})


def _unlink_dependants(document: Document, step_id: str, parent: CompoundCommand) -> None:
    stage = document.stage_of(step_id)
    for sibling in stage.steps if stage else []:
        if step_id in sibling.after:
            remaining = [a for a in sibling.after if a != step_id]
            SetAfterCommand(document, sibling.id, remaining, parent=parent)
