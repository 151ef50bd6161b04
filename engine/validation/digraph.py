"""The little directed-graph toolkit validation needs: reachability and strong components.

Validation used networkx for this, which costs ~90 ms to import (a third of `baton
validate`'s start-up) and builds a dict-of-dicts per node. Here a graph is a plain
adjacency mapping `{node: [successor, ...]}` whose key order is the document order; every
function walks nodes and successors in that order, so the output is deterministic and
diagnostics keep their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

Graph = Mapping[str, list[str]]
"""Node -> its successors, each node a key (also those without successors)."""


def digraph(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """An adjacency mapping; nodes named only by an edge are added after `nodes`, in
    the order edges name them. A repeated edge counts once."""
    graph: dict[str, list[str]] = {node: [] for node in nodes}
    seen: set[tuple[str, str]] = set()
    for source, target in edges:
        graph.setdefault(source, [])
        graph.setdefault(target, [])
        if (source, target) not in seen:
            seen.add((source, target))
            graph[source].append(target)
    return graph


def reversed_graph(graph: Graph) -> dict[str, list[str]]:
    """The same nodes with every edge turned around."""
    back: dict[str, list[str]] = {node: [] for node in graph}
    for source, targets in graph.items():
        for target in targets:
            back[target].append(source)
    return back


def reachable_from(graph: Graph, sources: Iterable[str]) -> set[str]:
    """The sources and every node a path of edges leads to from one of them."""
    found = set(sources)
    pending = list(found)
    while pending:
        for target in graph[pending.pop()]:
            if target not in found:
                found.add(target)
                pending.append(target)
    return found


def subgraph(graph: Graph, keep: set[str]) -> dict[str, list[str]]:
    """The nodes in `keep` (in the graph's order) and the edges among them."""
    return {
        node: [target for target in targets if target in keep]
        for node, targets in graph.items()
        if node in keep
    }


def strong_components(graph: Graph) -> Iterator[list[str]]:
    """Tarjan's strongly connected components, each yielded once its depth-first search root
    finishes, which is also the order in which a component's successors come before it.

    Iterative (a deep chain of 50,000 steps would overflow Python's recursion limit).
    """
    order: dict[str, int] = {}  # discovery number
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph[root]))]
        while work:
            node, successors = work[-1]
            descended = False
            for target in successors:
                if target not in order:
                    order[target] = low[target] = len(order)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    descended = True
                    break
                if target in on_stack and order[target] < low[node]:
                    low[node] = order[target]
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == order[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component
