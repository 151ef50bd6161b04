"""The diagram scene: one item per model object, kept in step with the document.

The scene subscribes to the document's `Change` events and refreshes only what changed,
through id → item maps (nodes, step cards, flows, and each node's attached flows). It never
edits the model: gestures build undo commands and push them on the shared undo stack.
Mouse presses are routed to small gesture objects (designer/canvas/gestures.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
    QMenu,
)

from designer.canvas import geometry, theme
from designer.canvas.auto_layout import auto_layout
from designer.canvas.gestures import Gesture, NewFlowGesture, pick_gesture
from designer.canvas.items import (
    DecisionItem,
    DiagramItem,
    EventItem,
    FlowItem,
    NodeItem,
    StageItem,
    StepCardItem,
)
from designer.canvas.palette_drop import PaletteDropGesture
from designer.canvas.routing import FlowRouter
from designer.document import Change, ChangeKind, Document
from designer.selection import Selection, SelectionKey
from engine.definition import AnyNode, Flow, Position, StageNode
from engine.validation import Diagnostic

SCENE_MARGIN = 1600.0
CARD_LOD = 0.2  # below this a card is under ten pixels high: drawn as a bar


class DiagramScene(QGraphicsScene):
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
        self._router = FlowRouter(self, self._nodes, self._flows)
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

    # --- building from the document ---------------------------------------------------------

    def rebuild(self) -> None:
        """Drop every item and draw the whole definition again (open, new, rename id)."""
        keep = self.selection.keys()
        self._gesture = None
        self._syncing_selection = True
        self.clear()
        self._nodes.clear()
        self._cards.clear()
        self._flows.clear()
        self._attached.clear()
        self._badged.clear()
        self._router.clear()
        self._bounds = None
        definition = self.document.definition
        fallback = (
            auto_layout(definition)
            if any(n.id not in definition.layout for n in definition.nodes)
            else {}
        )
        for node in definition.nodes:
            self._add_node_item(node, definition.layout.get(node.id) or fallback.get(node.id))
        for flow in definition.flows:
            self._add_flow_item(flow.source, flow.target, flow)
        self._syncing_selection = False
        self._update_scene_rect()
        self._follow_selection(keep)
        self.document_changed.emit()

    def _on_change(self, change: Change) -> None:
        kind, element = change.kind, change.element
        self._bounds = None
        self._router.nodes_moved()
        # A change from elsewhere (undo by shortcut, the inspector) while a drag is under way
        # may remove what the drag holds: drop the drag rather than act on stale items.
        self.cancel_gesture()
        if kind is ChangeKind.RESET:
            self.rebuild()
        elif kind is ChangeKind.NODE_ADDED:
            node = self.document.definition.node(element)
            self._add_node_item(node, self.document.position(element) or self._free_spot())
        elif kind is ChangeKind.NODE_REMOVED:
            self._remove_node_item(element)
        elif kind is ChangeKind.NODE_CHANGED:
            item = self._nodes[element]
            if isinstance(item, StageItem):
                self._sync_stage(element)
            else:
                item.refresh(self.document)
        elif kind is ChangeKind.NODE_MOVED:
            item = self._nodes.get(element)
            position = self.document.position(element)
            if item is not None and position is not None:
                item.setPos(position.x, position.y)
                self.update_flows_of(element)
        elif kind in (ChangeKind.STEP_ADDED, ChangeKind.STEP_REMOVED, ChangeKind.STEP_MOVED):
            for stage_id in {change.stage, change.old_stage} - {None}:
                self._sync_stage(stage_id)
        elif kind is ChangeKind.STEP_CHANGED:
            self._cards[element].refresh(self.document)
            self._nodes[change.stage].refresh(self.document)  # `after` arrows may differ
        elif kind is ChangeKind.FLOW_ADDED:
            self._add_flow_item(*change.flow)
        elif kind is ChangeKind.FLOW_REMOVED:
            self._remove_flow_item(change.flow)
        elif kind is ChangeKind.FLOW_CHANGED:
            self._flows[change.flow].refresh(self.document)
        elif kind is ChangeKind.ELEMENT_RENAMED:
            self._rekey(change)
        if kind is not ChangeKind.PROPERTIES_CHANGED:
            self._bounds_timer.start()
        self._router.note(change)
        self.document_changed.emit()

    def _rekey(self, change: Change) -> None:
        """Move the items of a renamed element (and its flows) to the new id; no rebuild."""
        old, new = change.old_id, change.element
        if old is None or new is None or old == new:
            return
        if old in self._nodes:
            item = self._nodes[new] = self._nodes.pop(old)
            item.key = item.node_id = new
            self._attached[new] = set()
            for key in self._attached.pop(old, set()):
                flow = self._flows.pop(key)
                flow.source, flow.target = new_key = change.renamed_flow(key)
                flow.key = new_key
                self._flows[new_key] = flow
                for end in set(key):
                    self._attached.get(end, set()).discard(key)
                for end in new_key:
                    self._attached[end].add(new_key)
                flow.refresh(self.document)
            if isinstance(item, StageItem):
                self._sync_stage(new)
            else:
                item.refresh(self.document)
        elif old in self._cards:
            card = self._cards[new] = self._cards.pop(old)
            card.key = card.step_id = new
            if change.stage is not None:
                self._sync_stage(change.stage)  # other cards' `after` links name the new id
        self.selection.rename(change)

    def _add_node_item(self, node: AnyNode, position: Position | None) -> None:
        if isinstance(node, StageNode):
            item: NodeItem = StageItem(node.id)
        elif node.type == "decision":
            item = DecisionItem(node.id)
        else:
            item = EventItem(node.id, node.type)
        self._nodes[node.id] = item
        self._attached.setdefault(node.id, set())
        if position is not None:
            item.setPos(position.x, position.y)
        self.addItem(item)
        if isinstance(node, StageNode):
            self._sync_stage(node.id, node)
        else:
            item.refresh(self.document)

    def _remove_node_item(self, node_id: str) -> None:
        item = self._nodes.pop(node_id)
        if isinstance(item, StageItem):
            for card in item.cards:
                self._cards.pop(card.step_id, None)
                # Unparent before removing: a card left inside a stage that Python then frees
                # is freed twice (by the stage's C++ destructor and by its own wrapper).
                card.setParentItem(None)
                self.removeItem(card)
            item.cards = []
        for key in list(self._attached.pop(node_id, ())):
            self._remove_flow_item(key)
        self.removeItem(item)

    def _sync_stage(self, stage_id: str, stage: AnyNode | None = None) -> None:
        """Match a stage's cards to its steps (order, membership) and resize it."""
        stage = stage or self.document.element(stage_id)
        item = self._nodes.get(stage_id)
        if not isinstance(stage, StageNode) or not isinstance(item, StageItem):
            return
        cards = []
        for step in stage.steps:
            card = self._cards.get(step.id)
            if card is None:
                card = self._cards[step.id] = StepCardItem(step.id)
                card.setVisible(self.cards_shown)
            card.refresh(self.document, step)
            cards.append(card)
        wanted = {step.id for step in stage.steps}
        for card in item.cards:
            if card.step_id not in wanted and self.document.stage_of(card.step_id) is None:
                self._cards.pop(card.step_id, None)
                self.removeItem(card)
        item.set_cards(cards)
        item.refresh(self.document)
        self.update_flows_of(stage_id)

    def _add_flow_item(self, source: str, target: str, flow: Flow | None = None) -> None:
        if source not in self._nodes or target not in self._nodes:
            return  # a flow naming a missing node: validation reports it; nothing to draw
        item = FlowItem(source, target)
        self._flows[(source, target)] = item
        self._attached[source].add((source, target))
        self._attached[target].add((source, target))
        self.addItem(item)
        item.refresh(self.document, flow)
        self._router.route(item)

    def _remove_flow_item(self, key: tuple[str, str] | None) -> None:
        item = self._flows.pop(key, None) if key else None
        if item is None:
            return
        for end in key:
            self._attached.get(end, set()).discard(key)
        self.removeItem(item)

    def update_flows_of(self, node_id: str) -> None:
        """Re-route every connector attached to a node (it moved or changed size)."""
        self._bounds = None
        self._router.nodes_moved()
        for key in self._attached.get(node_id, ()):
            self._router.route(self._flows[key])

    def diagram_bounds(self) -> QRectF:
        """The diagram's extent: every node (with its cards) and every connector.

        The same rectangle as `itemsBoundingRect()` (fit, minimap and image export agree
        with it), but computed from one rectangle per node and flow instead of asking
        every card; cached until the document changes or a node moves.
        """
        if self._bounds is None:
            bounds = QRectF()
            for item in self._nodes.values():
                bounds = bounds.united(item.sceneBoundingRect())
            for flow in self._flows.values():
                bounds = bounds.united(flow.sceneBoundingRect())
            self._bounds = bounds
        return self._bounds

    def _free_spot(self) -> Position:
        bounds = self.diagram_bounds()
        return Position(x=geometry.snap(bounds.right() + 80), y=geometry.snap(bounds.top()))

    def _update_scene_rect(self) -> None:
        bounds = self.diagram_bounds()
        if bounds.isNull():
            bounds = QRectF(0, 0, 800, 600)
        margin = SCENE_MARGIN
        self.setSceneRect(bounds.adjusted(-margin, -margin, margin, margin))

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

    # --- mouse: route to gestures ----------------------------------------------------------

    def diagram_item_at(self, pos: QPointF) -> DiagramItem | None:
        """The topmost diagram item under a scene point."""
        for item in self.items(pos):
            if isinstance(item, DiagramItem):
                return item
        return None

    def start_gesture(self, gesture: Gesture) -> None:
        """Run a gesture begun elsewhere (the context pad's pick-a-target modes)."""
        self.cancel_gesture()
        self._gesture = gesture

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if getattr(self._gesture, "completes_on_press", False):
            if event.button() == Qt.MouseButton.LeftButton:
                gesture, self._gesture = self._gesture, None
                gesture.release(event.scenePos())  # type: ignore[union-attr]
            else:
                self.cancel_gesture()
            event.accept()
            return
        gesture = None
        if event.button() == Qt.MouseButton.LeftButton and self._gesture is None:
            gesture = pick_gesture(self, event.scenePos(), event.modifiers())
        if gesture is None:
            super().mousePressEvent(event)  # flows and empty canvas: Qt selection, rubber band
            return
        if not isinstance(gesture, NewFlowGesture):
            item = self.diagram_item_at(event.scenePos())
            if item is not None:
                self._click_select(item, event.modifiers())
        self._gesture = gesture
        gesture.press(event.scenePos())
        event.accept()

    def _click_select(self, item: DiagramItem, modifiers: Qt.KeyboardModifier) -> None:
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            item.setSelected(not item.isSelected())
        elif not item.isSelected():
            self.clearSelection()
            item.setSelected(True)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None:
            self._gesture.move(event.scenePos(), event.modifiers())
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._gesture is not None and event.button() == Qt.MouseButton.LeftButton:
            gesture, self._gesture = self._gesture, None
            gesture.release(event.scenePos())
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.diagram_item_at(event.scenePos())
        if item is not None and not isinstance(item, FlowItem):
            self.rename_requested.emit(item.key)
            event.accept()
        else:
            super().mouseDoubleClickEvent(event)

    def gesture_active(self) -> bool:
        """Whether a drag gesture is under way."""
        return self._gesture is not None

    def follow_pointer(self, pos: QPointF) -> None:
        """Tell the gesture in progress the pointer is at `pos` (the view auto-scrolled)."""
        if self._gesture is not None:
            self._gesture.move(pos, Qt.KeyboardModifier.NoModifier)

    def cancel_gesture(self) -> None:
        """Abandon the gesture in progress (Escape); nothing is pushed."""
        if self._gesture is not None:
            gesture, self._gesture = self._gesture, None
            gesture.cancel()

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        # Right-click acts on what is under the pointer: select it first, like a file manager.
        item = self.diagram_item_at(event.scenePos())
        if item is not None and not item.isSelected():
            self.clearSelection()
            item.setSelected(True)
        views = self.views()
        if not views or not views[0].actions():
            return
        menu = QMenu(views[0])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions(views[0].actions())
        menu.popup(event.screenPos())  # not exec(): no nested event loop inside a scene event
        event.accept()

    # --- palette drops ----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        self._drop.enter(event)

    def dragMoveEvent(self, event) -> None:
        self._drop.move(event)

    def dragLeaveEvent(self, event) -> None:
        self._drop.leave(event)

    def dropEvent(self, event) -> None:
        self._drop.drop(event)

    # --- background -------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, theme.BACKGROUND)
        scale = painter.worldTransform().m11()
        if self.show_grid and scale >= 0.5:
            painter.fillRect(rect, self._grid_brush)

    def selected_nodes(self) -> list[NodeItem]:
        """Selected node items (not cards or flows)."""
        return [i for i in self.selectedItems() if isinstance(i, NodeItem)]

    def node_at(self, pos: QPointF, exclude: QGraphicsItem | None = None) -> NodeItem | None:
        """The node under a point; a card counts as its stage."""
        for item in self.items(pos):
            if item is exclude:
                continue
            if isinstance(item, StepCardItem):
                item = item.parentItem()
            if isinstance(item, NodeItem) and item is not exclude:
                return item
        return None


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
