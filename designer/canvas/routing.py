"""Routing connectors: forward flows as curves, backward flows along a clear lane.

A flow going back (a rework loop, a wrap to the next row) must not cut through the nodes
it passes, so its lane depends on other nodes' places. The router remembers those flows
and, after any change of geometry near them (a move, a stage growing, a whole
auto-layout), routes them again once, after the change is complete.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from PySide6.QtCore import QObject, QPointF, QRectF, QTimer
from PySide6.QtGui import QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QGraphicsScene

from designer.canvas.items import FlowItem, NodeItem, StageItem
from designer.canvas.items.flow import ARROW, rounded_path, route
from designer.document import Change, ChangeKind

LANE = 36.0  # how far below the nodes it passes a backward flow runs
CELL = 400.0  # size of the coarse grid cells used to find nodes near a connector
BIG = 1e7  # "unbounded" for vertical searches
BAND = 1600.0  # height searched at a time for a clear lane


class FlowRouter(QObject):
    """Routes the connectors of one scene (it reads the scene's id -> item maps)."""

    def __init__(
        self,
        scene: QGraphicsScene,
        nodes: dict[str, NodeItem],
        flows: dict[tuple[str, str], FlowItem],
        attached: dict[str, set[tuple[str, str]]],
    ) -> None:
        super().__init__(scene)
        self._nodes, self._flows = nodes, flows
        self._attached = attached  # node id -> keys of the flows leaving or entering it
        self._scene = weakref.proxy(scene)  # the scene owns the router: no cycle
        self._columns: _Grid | None = None  # see _nodes_in
        self._loops: set[tuple[str, str]] = set()
        self._dirty_loops: set[tuple[str, str]] = set()
        self._moves = 0  # node moves since routes were last brought up to date
        self._loop_timer = QTimer(self, singleShot=True, interval=0)
        self._loop_timer.timeout.connect(self._reroute_loops)

    def flows_from(self, source: str) -> list[tuple[tuple[str, str], FlowItem]]:
        """The flows leaving `source`, read from the scene's map of attached flows (kept
        up to date as flows come and go, so building a diagram flow by flow stays linear)."""
        return [
            (key, self._flows[key])
            for key in self._attached.get(source, ())
            if key[0] == source and key in self._flows
        ]

    def nodes_moved(self) -> None:
        """Node boxes changed (a move, a resize, a node added or removed)."""
        self._columns = None

    def clear(self) -> None:
        """Forget every flow (the scene is rebuilt)."""
        self._columns = None
        self._loops.clear()
        self._dirty_loops.clear()

    def route(self, item: FlowItem) -> None:
        """Lay out a connector between its two nodes' current boxes."""
        source, target = self._nodes[item.source], self._nodes[item.target]
        source_rect, target_rect = source.box(), target.box()
        floor = None
        self._loops.discard(item.key)  # type: ignore[arg-type]
        # Going back (or straight down to a node in the same column, a wrap to the next
        # row): find a clear lane below.
        if target.anchor_in().x() < source.anchor_out().x() + 2 * ARROW:
            self._loops.add((item.source, item.target))
            floor = self._clear_below(source_rect.bottom(), target_rect.left(), source_rect.right())
            if floor + 2 * LANE > target_rect.top() > source_rect.bottom():
                # No room between the rows (a wrap to the next row is not possible):
                # run under both instead.
                floor = self._clear_below(
                    max(source_rect.bottom(), target_rect.bottom()),
                    target_rect.left(),
                    source_rect.right(),
                )
        side_exit = not isinstance(source, StageItem)
        if side_exit and floor is not None and self._node_below(source, floor + LANE):
            side_exit = False  # dropping from the bottom point would cut through that node
        path = route(
            source_rect,
            source.anchor_out(),
            target_rect,
            target.anchor_in(),
            side_exit=side_exit,
            floor=floor,
        )
        if floor is None and self._blocked(path, source, target):
            # A forward flow skipping past a node (a default branch around a stage): run
            # in a lane above what is in the way, and re-route when things move nearby.
            path = self._over(source, target)
            self._loops.add((item.source, item.target))
        item.label_is_free = _LabelSpace(self, source, target)
        item.set_path(path)

    def _nodes_in(self, area: QRectF) -> list[NodeItem]:
        """Nodes whose box meets `area` (see `_boxes_in`)."""
        return [box[4] for box in self._boxes_in(area)]

    def _boxes_in(self, area: QRectF) -> list[_Box]:
        """Boxes `(left, top, right, bottom, node)` of the nodes meeting `area`, found
        through a coarse grid of the node boxes.

        The scene's own index is not used: while the scene is being built it would scan
        every card and connector for each query. An area reaching far out (a lane search
        "everything above") is first cut to the cells that hold nodes, so a narrow but
        tall query reads one strip of cells, never every node of the diagram.
        """
        grid = self._grid()
        if grid.empty:
            return []
        left, right = area.left(), area.right()
        top, bottom = max(area.top(), -BIG), min(area.bottom(), BIG)
        x0, x1 = max(int(left // CELL), grid.x0), min(int(right // CELL), grid.x1)
        y0, y1 = max(int(top // CELL), grid.y0), min(int(bottom // CELL), grid.y1)
        if x0 > x1 or y0 > y1:
            return []
        if (x1 - x0 + 1) * (y1 - y0 + 1) > len(grid.cells):
            buckets = grid.cells.values()  # more cells asked than hold nodes: read those
        else:
            cells = grid.cells
            buckets = [
                cells[(cx, cy)]
                for cx in range(x0, x1 + 1)
                for cy in range(y0, y1 + 1)
                if (cx, cy) in cells
            ]
        found: dict[int, _Box] = {}
        for bucket in buckets:
            for box in bucket:
                x, y, x_end, y_end, node = box
                if x <= right and x_end >= left and y <= bottom and y_end >= top:
                    found[id(node)] = box
        return list(found.values())

    def _grid(self) -> _Grid:
        if self._columns is None:
            self._columns = _Grid(self._nodes.values())
        return self._columns

    def _blocked(self, path: QPainterPath, source: NodeItem, target: NodeItem) -> bool:
        """Whether a connector's line crosses a node other than its own two ends."""
        candidates = [
            node
            for node in self._nodes_in(path.boundingRect())
            if node is not source and node is not target
        ]
        if not candidates:
            return False
        stroker = QPainterPathStroker()
        stroker.setWidth(1.0)
        line = stroker.createStroke(path)  # an open path would count as its enclosed area
        return any(line.intersects(node.box().adjusted(2, 2, -2, -2)) for node in candidates)

    def _over(self, source: NodeItem, target: NodeItem) -> QPainterPath:
        start, end = source.anchor_out(), target.anchor_in()
        left, right = start.x() + 24, end.x() - 24
        ceiling = min(start.y(), end.y())
        # Climb above every node in the span that the lane would cut, nearest first.
        above = self._boxes_in(QRectF(left, -BIG, right - left, ceiling + BIG))
        for _, top, _, bottom, node in sorted(above, key=_bottom, reverse=True):
            if node is source or node is target:
                continue
            if bottom <= ceiling - LANE:
                break
            ceiling = min(ceiling, top)
        lane = ceiling - LANE
        return rounded_path(
            [
                start,
                QPointF(left, start.y()),
                QPointF(left, lane),
                QPointF(right, lane),
                QPointF(right, end.y()),
                end,
            ],
            radius=14,
        )

    def note(self, change: Change) -> None:
        """Queue the flows whose route a change of geometry may have spoiled.

        Those are the flows that go around something near the change (their lane may now
        be blocked, or no longer needed) and the flows now running under the changed node.
        """
        kind = change.kind
        if kind is ChangeKind.RESET:
            self._dirty_loops.clear()  # the rebuild has just routed every flow
        elif kind is ChangeKind.NODE_REMOVED:
            self._dirty_loops |= self._loops
        elif kind in (ChangeKind.NODE_MOVED, ChangeKind.NODE_ADDED):
            self._moves += 1
            if self._moves > 1:
                # Several nodes moved at once (auto-layout, a multi-node drag): routes made
                # between two of those moves saw a half-moved diagram; redo them all, once.
                self._dirty_loops |= set(self._flows)
            else:
                self._dirty_loops |= self._around(change.element)
            self._loop_timer.start()  # also ends the batch of moves
        elif kind in (ChangeKind.STEP_ADDED, ChangeKind.STEP_REMOVED) or (
            kind is ChangeKind.STEP_MOVED and change.stage != change.old_stage
        ):  # stages grew or shrank (a reorder inside a stage changes no size)
            for stage_id in {change.stage, change.old_stage} - {None}:
                self._dirty_loops |= self._around(stage_id)
        elif kind is ChangeKind.ELEMENT_RENAMED:  # the scene re-keyed its flows alike
            self._loops = {change.renamed_flow(key) for key in self._loops}
            self._dirty_loops = {change.renamed_flow(key) for key in self._dirty_loops}
        if self._dirty_loops:
            self._loop_timer.start()

    def _around(self, node_id: str | None) -> set[tuple[str, str]]:
        node = self._nodes.get(node_id) if node_id else None
        if node is None:
            return set()
        under = {
            item.key
            for item in self._scene.items(node.box())
            if isinstance(item, FlowItem) and node_id not in item.key
        }
        return under | self._loops_across(node_id)  # type: ignore[return-value]

    def _loops_across(self, node_id: str | None) -> set[tuple[str, str]]:
        node = self._nodes.get(node_id) if node_id else None
        if node is None:
            return set()
        left, right = node.x(), node.x() + node.width
        found = set()
        for key in self._loops:
            item = self._flows.get(key)
            if item is None:
                found.add(key)
                continue
            # The span a detour covers: from the leftmost to the rightmost end, either way.
            a, b = self._nodes[key[0]], self._nodes[key[1]]
            if min(a.x(), b.x()) <= right and left <= max(a.x() + a.width, b.x() + b.width):
                found.add(key)
        return found

    def _reroute_loops(self) -> None:
        self._moves = 0
        dirty, self._dirty_loops = self._dirty_loops, set()
        for key in dirty:
            item = self._flows.get(key)
            if item is None:
                self._loops.discard(key)
            else:
                self.route(item)

    def _node_below(self, source: NodeItem, down_to: float) -> bool:
        """Whether another node sits straight under `source`, above `down_to`."""
        column = source.x() + source.width / 2
        top = source.y() + source.height
        return any(
            node is not source and node.x() <= column <= node.x() + node.width
            for node in self._nodes_in(QRectF(column, top, 1, down_to - top))
        )

    def _clear_below(self, floor: float, left: float, right: float) -> float:
        """The lowest node bottom, from `floor` down, that a lane at floor + LANE would cut.

        Only nodes spanning [left, right] count; each one found may push the lane under
        the next, so they are taken from the top down.
        """
        while True:  # look a band at a time: most lanes are found in the first one
            band = QRectF(left, floor, right - left, BAND)
            for _, top, _, bottom, _ in sorted(self._boxes_in(band), key=_top):
                if top > floor + LANE:
                    return floor
                floor = max(floor, bottom)
            if floor + LANE < band.bottom():
                return floor


_Box = tuple[float, float, float, float, NodeItem]  # left, top, right, bottom, node


def _top(box: _Box) -> float:
    return box[1]


def _bottom(box: _Box) -> float:
    return box[3]


class _Grid:
    """The node boxes bucketed by CELL-sized cells, with the extent of the occupied cells.

    Each entry keeps the box as plain floats (left, top, right, bottom, node): reading
    them back from Qt for every candidate of every query is what made routing slow. The
    router rebuilds the grid after any change of geometry (`FlowRouter.nodes_moved`).
    """

    __slots__ = ("cells", "empty", "x0", "x1", "y0", "y1")

    def __init__(self, nodes: Iterable[NodeItem]) -> None:
        self.cells: dict[tuple[int, int], list[_Box]] = {}
        for node in nodes:
            x, y = node.x(), node.y()
            entry: _Box = (x, y, x + node.width, y + node.height, node)
            for cx in range(int(x // CELL), int(entry[2] // CELL) + 1):
                for cy in range(int(y // CELL), int(entry[3] // CELL) + 1):
                    self.cells.setdefault((cx, cy), []).append(entry)
        self.empty = not self.cells
        xs = [cx for cx, _ in self.cells] or [0]
        ys = [cy for _, cy in self.cells] or [0]
        self.x0, self.x1, self.y0, self.y1 = min(xs), max(xs), min(ys), max(ys)


class _LabelSpace:
    """Answers a flow item whether a label rectangle is clear of other nodes.

    Holds the router and the flow's ends weakly, so items, router and scene form no
    reference cycle that only the garbage collector could free.
    """

    __slots__ = ("_router", "_source", "_target")

    def __init__(self, router: FlowRouter, source: NodeItem, target: NodeItem) -> None:
        self._router = weakref.ref(router)
        self._source, self._target = source.node_id, target.node_id

    def __call__(self, rect: QRectF) -> bool:
        router = self._router()
        if router is None:
            return True
        # Nodes are drawn above flows: a label meeting one is partly hidden. Its own ends
        # are allowed (a label near a small source touches it), but not a stage: a fault
        # route leaving a stage and turning down had its label half under the stage.
        ends = (self._source, self._target)
        if any(
            node.node_id not in ends or isinstance(node, StageItem)
            for node in router._nodes_in(rect)
        ):
            return False
        # Names of diamonds and circles sit outside their box (above, below): keep clear.
        near = rect.adjusted(-80, -30, 80, 30)
        if any(node.name_area().intersects(rect) for node in router._nodes_in(near)):
            return False
        # Branches of one decision start at the same point: their labels, all placed near
        # that point, would cover each other. Only siblings are checked (cheap, and the
        # labels of unrelated flows rarely meet near a source).
        return not any(
            key != (self._source, self._target) and flow.label_rect().intersects(rect)
            for key, flow in router.flows_from(self._source)
        )
