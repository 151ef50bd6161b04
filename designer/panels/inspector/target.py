"""What the inspector is showing: the orchestration, a node, a step, a flow, or a message."""

from __future__ import annotations

from dataclasses import dataclass

from designer.document import Document
from designer.selection import SelectionKey


@dataclass(frozen=True)
class InspectorTarget:
    """The edited thing. `kind` is orchestration, node, step, flow, several or missing."""

    kind: str
    key: SelectionKey | None = None

    @staticmethod
    def of(document: Document, keys: tuple[SelectionKey, ...]) -> InspectorTarget:
        """The target for a selection: nothing selected means the orchestration itself."""
        if not keys:
            return InspectorTarget("orchestration")
        if len(keys) > 1:
            return InspectorTarget("several", None)
        key = keys[0]
        if isinstance(key, tuple):
            found = document.flow(*key) is not None
            return InspectorTarget("flow" if found else "missing", key)
        if document.element(key) is None:
            return InspectorTarget("missing", key)
        return InspectorTarget("step" if document.is_step(key) else "node", key)
