"""Auto-layout: stages left to right in flow order, decisions between, branches spread.

Nodes are ranked with networkx topological generations after dropping the edges that close
cycles (rework loops), so a loop back to an earlier stage does not pull it forward. Each
generation is a column; a column's nodes are ordered by where their predecessors sit (fewer
crossings) and stacked around one horizontal spine, so a straight chain is a straight line.
Qt-free: it needs only node sizes from `geometry`.
"""

from __future__ import annotations

import networkx as nx

from designer.canvas import geometry
from engine.definition import Orchestration, Position

COLUMN_GAP = 150  # room for a condition label between columns
ROW_GAP = 60
ORIGIN = (40, 40)


def auto_layout(definition: Orchestration) -> dict[str, Position]:
    """Positions (top-left corners) for every node of the definition."""
    nodes = {n.id: n for n in definition.nodes}
    if not nodes:
        return {}
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(
        (f.source, f.target) for f in definition.flows if f.source in nodes and f.target in nodes
    )
    starts = [n.id for n in definition.nodes if n.type == "start"]
    dag = _without_back_edges(graph, starts + list(nodes))
    order = {node_id: i for i, node_id in enumerate(nodes)}
    row_of: dict[str, float] = {}
    positions: dict[str, Position] = {}
    x = 0.0
    for generation in nx.topological_generations(dag):
        column = sorted(generation, key=lambda n: (_barycentre(dag, n, row_of), order[n]))
        sizes = [geometry.node_size(nodes[n]) for n in column]
        width = max(w for w, _ in sizes)
        total = sum(h for _, h in sizes) + ROW_GAP * (len(column) - 1)
        y = -geometry.anchor_y(nodes[column[0]]) if len(column) == 1 else -total / 2
        for row, (node_id, (w, h)) in enumerate(zip(column, sizes, strict=True)):
            row_of[node_id] = row - (len(column) - 1) / 2
            positions[node_id] = Position(x=x + (width - w) / 2, y=y)
            y += h + ROW_GAP
        x += width + COLUMN_GAP
    min_y = min(p.y for p in positions.values())
    placed = {}
    for node_id, p in positions.items():
        # Snap the flow line, not the top edge, so neighbours' connectors stay straight.
        anchor = geometry.anchor_y(nodes[node_id])
        y = geometry.snap(p.y - min_y + ORIGIN[1] + anchor, 10) - anchor
        placed[node_id] = Position(x=geometry.snap(p.x + ORIGIN[0], 10), y=y)
    return placed


def _without_back_edges(graph: nx.DiGraph, roots: list[str]) -> nx.DiGraph:
    """A copy of `graph` without the edges that point back up the DFS tree (cycle closers)."""
    dag = graph.copy()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(graph.successors(root)))]
        state[root] = 1
        while stack:
            node, successors = stack[-1]
            nxt = next(successors, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                dag.remove_edge(node, nxt)
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(graph.successors(nxt))))
    return dag


def _barycentre(dag: nx.DiGraph, node_id: str, row_of: dict[str, float]) -> float:
    rows = [row_of[p] for p in dag.predecessors(node_id) if p in row_of]
    return sum(rows) / len(rows) if rows else 0.0
