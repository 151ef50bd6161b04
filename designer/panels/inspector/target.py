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


def follow_renames(key: SelectionKey, before: set[str], after: set[str]) -> SelectionKey | None:
    """The key after an id rename (one id gone, one new), or None when that cannot be told.

    Renames announce a reset; an undo of a rename does too. A selection that followed the
    element keeps the inspector on it instead of jumping to the orchestration.
    """
    gone, new = before - after, after - before
    if len(gone) != 1 or len(new) != 1:
        return None
    old_id, new_id = next(iter(gone)), next(iter(new))
    if isinstance(key, tuple):
        moved = tuple(new_id if end == old_id else end for end in key)
        return (moved[0], moved[1]) if moved != key else None
    return new_id if key == old_id else None
