"""Typed change events the document announces; views refresh from them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChangeKind(StrEnum):
    """What changed. Views map each kind to the smallest refresh that reflects it."""

    RESET = "reset"  # a whole new definition (open, new, revert): rebuild everything
    NODE_ADDED = "node-added"
    NODE_REMOVED = "node-removed"
    NODE_CHANGED = "node-changed"  # fields of a node (name, exit condition, ...)
    NODE_MOVED = "node-moved"  # layout only
    STEP_ADDED = "step-added"
    STEP_REMOVED = "step-removed"
    STEP_CHANGED = "step-changed"
    STEP_MOVED = "step-moved"  # reordered inside a stage or moved to another stage
    FLOW_ADDED = "flow-added"
    FLOW_REMOVED = "flow-removed"
    FLOW_CHANGED = "flow-changed"
    # A node or step got a new id; flows, `after` links and layout now use it. Views re-key
    # what they hold for `old_id` instead of rebuilding.
    ELEMENT_RENAMED = "element-renamed"
    PROPERTIES_CHANGED = "properties-changed"  # orchestration-level: name, trigger, variables


@dataclass(frozen=True, slots=True)
class Change:
    """One change to the document.

    Attributes:
        kind: what happened.
        element: the node or step id concerned (for flows: the source node id).
        stage: for step changes, the stage holding the step (after the change).
        old_stage: for STEP_MOVED/STEP_REMOVED, the stage the step was in before.
        flow: for flow changes, the (source, target) pair.
        old_id: for ELEMENT_RENAMED, the id `element` had before.
    """

    kind: ChangeKind
    element: str | None = None
    stage: str | None = None
    old_stage: str | None = None
    flow: tuple[str, str] | None = None
    old_id: str | None = None

    def renamed(self, key: str | tuple[str, str]) -> str | tuple[str, str]:
        """A selection key (element id or flow pair) as it reads after this rename."""
        if isinstance(key, tuple):
            return self.renamed_flow(key)
        return self._renamed_id(key)

    def renamed_flow(self, pair: tuple[str, str]) -> tuple[str, str]:
        """A flow's (source, target) as it reads after this rename."""
        return (self._renamed_id(pair[0]), self._renamed_id(pair[1]))

    def _renamed_id(self, element_id: str) -> str:
        if self.kind is ChangeKind.ELEMENT_RENAMED and self.element and element_id == self.old_id:
            return self.element
        return element_id
