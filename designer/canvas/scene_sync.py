"""Keeping the diagram scene's items in step with the document (part of DiagramScene).

On every `Change` the document announces, the smallest refresh that shows it: one stage's
cards, one connector, a re-keying after a rename; the whole scene is drawn again only when
a new definition arrives (open, new). The id → item maps this keeps are the scene's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem

from designer.canvas import geometry
from designer.canvas.auto_layout import auto_layout
from designer.canvas.items import (
    DecisionItem,
    DiagramItem,
    EventItem,
    FlowItem,
    NodeItem,
    StageItem,
    StepCardItem,
)
from designer.document import Change, ChangeKind, Document
from designer.selection import Selection
from engine.definition import AnyNode, Flow, Position, StageNode

if TYPE_CHECKING:
    from designer.canvas.routing import FlowRouter

SCENE_MARGIN = 1600.0
# Changes that leave every node's box where it was: a step's fields change its card's text
# only (its stage keeps its size), orchestration properties change nothing drawn. The
# extent (walked over every node and flow) and the router's node grid stay valid.
_SAME_GEOMETRY = frozenset({ChangeKind.STEP_CHANGED, ChangeKind.PROPERTIES_CHANGED})


class SceneSync:
    """The scene's items built from the document and refreshed from its changes."""

    # Set up by DiagramScene.__init__ (or inherited from QGraphicsScene).
    document: Document
    selection: Selection
    cards_shown: bool
    document_changed: Signal
    _nodes: dict[str, NodeItem]
    _cards: dict[str, StepCardItem]
    _flows: dict[tuple[str, str], FlowItem]
    _attached: dict[str, set[tuple[str, str]]]
    _badged: list[DiagramItem]
    _bounds: QRectF | None
    _bounds_timer: QTimer
    _router: FlowRouter
    _gesture: object | None
    _syncing_selection: bool
    addItem: Callable[[QGraphicsItem], None]
    removeItem: Callable[[QGraphicsItem], None]

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
        if kind not in _SAME_GEOMETRY:
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
