"""`DecorationLayer`: looks painted over a scene's items, kept apart from the document.

The layer maps element ids (and flow pairs) to looks and keeps one decoration child on
each decorated item. Setting new looks only touches items whose look changed, so a live
update repaints a card or two, not the scene. Nothing here reads or writes the document
or the undo stack (STYLE rule 5): clearing the layer leaves the canvas exactly as designed.

The scene may drop and rebuild its items (opening a file, renaming an id); the layer
notices through `document_changed` and puts the decorations back on the new items.
"""

from __future__ import annotations

from collections.abc import Mapping

import shiboken6
from PySide6.QtCore import QObject

from designer.canvas.items import DiagramItem, FlowItem, NodeItem, StageItem, StepCardItem
from designer.canvas.overlay.decorations import (
    CardDecorationItem,
    DecorationItem,
    FlowDecorationItem,
    NodeDecorationItem,
    StageDecorationItem,
)
from designer.canvas.overlay.looks import Look
from designer.canvas.scene import DiagramScene
from designer.selection import SelectionKey


class DecorationLayer(QObject):
    """Decorations on a scene's items, keyed like the scene (element id or flow pair)."""

    def __init__(self, scene: DiagramScene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.looks: dict[SelectionKey, Look] = {}
        self._items: dict[SelectionKey, tuple[DiagramItem, DecorationItem]] = {}
        self.repaints = 0  # decorations whose look changed (tests check updates stay small)
        scene.document_changed.connect(self._follow_scene)

    @property
    def active(self) -> bool:
        """Whether anything is decorated."""
        return bool(self.looks)

    def decoration(self, key: SelectionKey) -> DecorationItem | None:
        """The decoration currently drawn on an element, if any."""
        found = self._items.get(key)
        return found[1] if found else None

    def set_looks(self, looks: Mapping[SelectionKey, Look]) -> int:
        """Show exactly these looks; returns how many decorations changed."""
        changed = 0
        for key in [k for k in self._items if k not in looks]:
            self._drop(key)
            changed += 1
        for key, look in looks.items():
            decoration = self._decoration_for(key)
            if decoration is not None and decoration.set_look(look):
                changed += 1
        self.looks = dict(looks)
        self.repaints += changed
        return changed

    def clear(self) -> None:
        """Remove every decoration (back to design mode)."""
        for key in list(self._items):
            self._drop(key)
        self.looks = {}

    # --- keeping decorations on the scene's items -------------------------------------------

    def _decoration_for(self, key: SelectionKey) -> DecorationItem | None:
        target = self.scene.item_for(key)
        found = self._items.get(key)
        if found is not None and _alive_on(found[1], target):
            return found[1]
        if found is not None:
            self._items.pop(key)
        if target is None:
            return None
        decoration = _make_decoration(target)
        if decoration is None:
            return None
        self._items[key] = (target, decoration)
        return decoration

    def _drop(self, key: SelectionKey) -> None:
        target, decoration = self._items.pop(key)
        if _alive_on(decoration, target) and target is self.scene.item_for(key):
            if isinstance(target, FlowItem):
                target.set_emphasized(False)
            decoration.setParentItem(None)
            self.scene.removeItem(decoration)

    def _follow_scene(self) -> None:
        """After any document change: re-home decorations and re-route bold flows."""
        if not self.looks:
            return
        for key, look in self.looks.items():
            decoration = self._decoration_for(key)
            if decoration is None:
                continue
            decoration.set_look(look)
            target = self._items[key][0]
            if isinstance(decoration, FlowDecorationItem) and isinstance(target, FlowItem):
                decoration.follow_path(target.line())


def _alive_on(decoration: DecorationItem, target: DiagramItem | None) -> bool:
    # A scene rebuild deletes the old items (and their children) on the C++ side.
    return (
        target is not None
        and shiboken6.isValid(decoration)
        and shiboken6.isValid(target)
        and decoration.parentItem() is target
    )


def _make_decoration(target: DiagramItem) -> DecorationItem | None:
    if isinstance(target, StepCardItem):
        return CardDecorationItem(target)
    if isinstance(target, StageItem):
        return StageDecorationItem(target)
    if isinstance(target, FlowItem):
        return FlowDecorationItem(target)
    if isinstance(target, NodeItem):
        return NodeDecorationItem(target)
    return None
