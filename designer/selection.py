"""What the user has selected, shared by the canvas, the inspector and the panels.

A selection key is an element id (node or step) or a flow as a (source, target) pair.
The canvas writes it from its own selection; other views read it and listen to `changed`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from designer.document import Change

SelectionKey = str | tuple[str, str]


class Selection(QObject):
    """The current selection, announcing every change once."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: tuple[SelectionKey, ...] = ()

    def keys(self) -> tuple[SelectionKey, ...]:
        """Selected keys in selection order."""
        return self._keys

    def single(self) -> SelectionKey | None:
        """The one selected key, or None when zero or several are selected."""
        return self._keys[0] if len(self._keys) == 1 else None

    def set(self, keys: Iterable[SelectionKey]) -> None:
        """Replace the selection; announces only when it differs."""
        keys = tuple(dict.fromkeys(keys))
        if keys != self._keys:
            self._keys = keys
            self.changed.emit()

    def rename(self, change: Change) -> None:
        """Follow an element's new id (and the flows at its ends) after ELEMENT_RENAMED.

        Every view that writes the selection calls this; the second call changes nothing.
        """
        self.set(change.renamed(key) for key in self._keys)

    def clear(self) -> None:
        """Select nothing (the inspector then shows the orchestration's properties)."""
        self.set(())
