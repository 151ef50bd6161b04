"""The diagram scene: one item per model object, kept in step with the document.

The scene subscribes to the document's `Change` events and refreshes only what changed,
through id → item maps (nodes, step cards, flows, and each node's attached flows):
designer/canvas/scene_sync.py. It never edits the model: mouse presses are routed to small
gesture objects (designer/canvas/scene_input.py, designer/canvas/gestures.py) that build
undo commands and push them on the shared undo stack. This module holds the scene's state,
lookups, zoom level of detail, diagnostics badges, selection and background.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable

from PySide6.QtCore import QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QPainter, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QGraphicsScene

from designer.canvas import geometry, theme
from designer.canvas.gestures import Gesture
from designer.canvas.items import (
    DiagramItem,
    FlowItem,
    NodeItem,
    StageItem,
    StepCardItem,
)
from designer.canvas.palette_drop import PaletteDropGesture
from designer.canvas.routing import FlowRouter
from designer.canvas.scene_input import SceneInput
from designer.canvas.scene_sync import SCENE_MARGIN, SceneSync
from designer.document import Change, Document
from designer.selection import Selection, SelectionKey
from engine.validation import Diagnostic

__all__ = ["CARD_LOD", "SCENE_MARGIN", "DiagramScene"]

CARD_LOD = 0.2  # below this a card is under ten pixels high: drawn as a bar


class DiagramScene(SceneSync, SceneInput, QGraphicsScene):
    """The orchestration drawn as items; gestures turn mouse input into commands."""

    rename_requested = Signal(object)  # a selection key to rename in place
    document_changed = Signal()  # after the items caught up with a document change
    # A new flow from a node was let go on empty canvas: (source id, scene point).
    next_node_offered = Signal(str, QPointF)

    def __init__(
        self,
        document: Document,
        undo_stack: QUndoStack,
        selection: Selection,
        parent: object | None = None,
    ) -> None:
        super().__init__(parent)
        self.document, self.undo_stack, self.selection = document, undo_stack, selection
        self.snap_to_grid = True
        self.show_grid = True
        self.cards_shown = True  # False when zoomed out so far that stages draw card bars
        self._nodes: dict[str, NodeItem] = {}
        self._cards: dict[str, StepCardItem] = {}
        self._flows: dict[tuple[str, str], FlowItem] = {}
        self._attached: dict[str, set[tuple[str, str]]] = {}
        self._badged: list[DiagramItem] = []
        self._bounds: QRectF | None = None
        self._gesture: Gesture | None = None
        self._drop = PaletteDropGesture(self)
        self._syncing_selection = False
        self._grid_brush = theme.grid_brush(geometry.GRID)
        self._bounds_timer = QTimer(self, singleShot=True, interval=0)
        self._bounds_timer.timeout.connect(self._update_scene_rect)
        self._router = FlowRouter(self, self._nodes, self._flows, self._attached)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._unsubscribe = document.subscribe(_weak_listener(self))
        self.selectionChanged.connect(self._publish_selection)
        selection.changed.connect(self._follow_selection)
        self.rebuild()

    def detach(self) -> None:
        """Stop listening to the document (the window is closing)."""
        self._unsubscribe()

    # --- lookups ----------------------------------------------------------------------------

    def node_item(self, node_id: str) -> NodeItem | None:
        """The item drawing a node."""
        return self._nodes.get(node_id)

    def node_items(self) -> list[NodeItem]:
        """Every node's item."""
        return list(self._nodes.values())

    def flow_items(self) -> list[FlowItem]:
        """Every flow's connector."""
        return list(self._flows.values())

    def card_item(self, step_id: str) -> StepCardItem | None:
        """The card drawing a step."""
        return self._cards.get(step_id)

    def flow_item(self, source: str, target: str) -> FlowItem | None:
        """The connector drawing a flow."""
        return self._flows.get((source, target))

    def item_for(self, key: SelectionKey) -> DiagramItem | None:
        """The item for a selection key (element id or flow pair)."""
        if isinstance(key, tuple):
            return self._flows.get(key)
        return self._nodes.get(key) or self._cards.get(key)

    def counts(self) -> tuple[int, int, int]:
        """(nodes, step cards, flows) currently drawn."""
        return len(self._nodes), len(self._cards), len(self._flows)

    def push(self, command: QUndoCommand) -> None:
        """Run a command through the undo stack (the only way the scene edits)."""
        self.undo_stack.push(command)

    def restyle(self) -> None:
        """Repaint everything after the palette changed (light/dark)."""
        self._grid_brush = theme.grid_brush(geometry.GRID)
        self.update()

    def set_zoom_level(self, zoom: float) -> None:
        """Hide step cards when zoomed far out: stages then draw them as plain bars.

        Hidden items are skipped by the painter without a call into Python, which is what
        keeps a fitted 2,000-step diagram well under one frame.
        """
        shown = zoom >= CARD_LOD
        if shown == self.cards_shown:
            return
        self.cards_shown = shown
        for card in self._cards.values():
            card.setVisible(shown)
        for item in self._nodes.values():
            if isinstance(item, StageItem):
                item.update()

    # --- diagnostics ------------------------------------------------------------------------

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Badge each offending element; the badge's tooltip lists its messages."""
        by_element: dict[str, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            if diagnostic.element:
                by_element.setdefault(diagnostic.element, []).append(diagnostic)
        for item in self._badged:
            if item.scene() is self and item.key not in by_element:
                item.set_diagnostics([])
        self._badged = []
        for element, found in by_element.items():
            item = self.item_for(element)
            if item is not None:
                item.set_diagnostics(found)
                self._badged.append(item)

    # --- selection --------------------------------------------------------------------------

    def _publish_selection(self) -> None:
        if self._syncing_selection:
            return
        self.selection.set(
            item.key for item in self.selectedItems() if isinstance(item, DiagramItem)
        )

    def _follow_selection(self, keys: Iterable[SelectionKey] | None = None) -> None:
        wanted = set(self.selection.keys() if keys is None else keys)
        self._syncing_selection = True
        try:
            for item in self.selectedItems():
                if isinstance(item, DiagramItem) and item.key not in wanted:
                    item.setSelected(False)
            for key in wanted:
                item = self.item_for(key)
                if item is not None and not item.isSelected():
                    item.setSelected(True)
        finally:
            self._syncing_selection = False
        self._publish_selection()

    def select_keys(self, keys: Iterable[SelectionKey]) -> None:
        """Select exactly these elements (and tell the shared selection)."""
        self.selection.set(keys)

    def select_all(self) -> None:
        """Select every node, step and flow."""
        self.select_keys([*self._nodes, *self._cards, *self._flows])

    # --- background -------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, theme.BACKGROUND)
        scale = painter.worldTransform().m11()
        if self.show_grid and scale >= 0.5:
            painter.fillRect(rect, self._grid_brush)

    def selected_nodes(self) -> list[NodeItem]:
        """Selected node items (not cards or flows)."""
        return [i for i in self.selectedItems() if isinstance(i, NodeItem)]


def _weak_listener(scene: DiagramScene) -> Callable[[Change], None]:
    # The document must not keep the scene alive: a scene without a Qt parent (image
    # export, tests) is then freed as soon as it is dropped, while Qt is still running,
    # instead of by the garbage collector at exit, after Qt, which crashes the process.
    ref = weakref.ref(scene)

    def listener(change: Change) -> None:
        alive = ref()
        if alive is not None:
            alive._on_change(change)

    return listener
