"""Rules on the node graph as a whole: `unreachable`, `dead-end` and `unguarded-cycle`.

The graph (an adjacency mapping, see `digraph`) has the start, stages, decisions and ends as
nodes in document order; edges are flows between known nodes. Flows leaving an end node are
left out, because a run is complete when it reaches an end and never follows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from engine.definition import EndNode, StageNode, StartNode
from engine.validation.context import Index, error, quote_list
from engine.validation.diagnostics import Diagnostic
from engine.validation.digraph import (
    Graph,
    digraph,
    reachable_from,
    reversed_graph,
    strong_components,
    subgraph,
)


def node_graph(index: Index) -> dict[str, list[str]]:
    """The graph of nodes (by id) and the flows a run can follow."""
    return digraph(
        index.nodes,
        (
            (flow.source, flow.target)
            for flow in index.definition.flows
            if flow.source in index.nodes
            and flow.target in index.nodes
            and not isinstance(index.nodes[flow.source], EndNode)
        ),
    )


def check_graph(index: Index) -> Iterator[Diagnostic]:
    """Report nodes runs never reach, loops runs never leave, and loops without a guard."""
    graph = node_graph(index)
    reachable = yield from _check_reachable(index, graph)
    yield from _check_dead_ends(index, graph, reachable)
    yield from _check_cycles(index, graph)


def _check_reachable(index: Index, graph: Graph) -> Iterator[Diagnostic]:
    """Yield `unreachable` diagnostics; return the reachable ids (all of them without a start)."""
    start = next((n for n in index.definition.nodes if isinstance(n, StartNode)), None)
    if start is None:
        return set(graph)  # start-flow reports the missing start; nothing more to say here
    reachable = reachable_from(graph, [start.id])
    for node_id in index.nodes:
        node = index.nodes[node_id]
        if node_id in reachable or isinstance(node, StartNode):
            continue  # extra start nodes are reported by start-flow
        yield error(
            "unreachable",
            node_id,
            None,
            f"no path of flows from start {start.id!r} reaches {node.type} {node_id!r}; "
            "connect a flow into it, or delete it",
        )
    return reachable


def _check_dead_ends(index: Index, graph: Graph, reachable: set[str]) -> Iterator[Diagnostic]:
    ends = [node_id for node_id, node in index.nodes.items() if isinstance(node, EndNode)]
    if not ends:
        yield error(
            "dead-end",
            None,
            None,
            "the orchestration has no end node, so no run can complete; add an end node "
            "and connect the last stage to it",
        )
        return
    alive = reachable_from(reversed_graph(graph), ends)
    dead = [n for n in index.nodes if n in reachable and n not in alive]
    if not dead:
        return
    # Every successor of a dead node is dead, so the dead subgraph's terminal components are
    # where runs get stuck; fixing those fixes every node upstream of them. A lone node with
    # no outgoing flow at all is already reported by start-flow, stage-flow or
    # decision-default (or unknown-reference), which say what to connect.
    dead_graph = subgraph(graph, set(dead))
    for component in strong_components(dead_graph):
        inside = set(component)
        if any(t not in inside for member in component for t in dead_graph[member]):
            continue  # runs can leave it for another dead component further on
        members = _in_document_order(index, component)
        if len(members) == 1 and not graph[members[0]]:
            continue
        how = (
            "its only flow leads back to itself"
            if len(members) == 1
            else "the flows only lead around among them"
        )
        yield error(
            "dead-end",
            members[0],
            None,
            f"runs that reach {_describe_group(index, members)} can never reach an end: "
            f"{how}; add a way out (e.g. a decision with a flow towards an end)",
        )


def _check_cycles(index: Index, graph: Graph) -> Iterator[Diagnostic]:
    # Every loop is guarded iff removing the stages with max_visits leaves no loop at all.
    guarded = [
        n for n, node in index.nodes.items() if isinstance(node, StageNode) and node.max_visits
    ]
    unguarded = subgraph(graph, set(graph) - set(guarded))
    for component in strong_components(unguarded):
        if len(component) == 1:
            (only,) = component
            if only not in unguarded[only]:
                continue
        members = _in_document_order(index, component)
        stages = [m for m in members if isinstance(index.nodes[m], StageNode)]
        fix = (
            f"set max_visits on one of the stages ({quote_list(stages)})"
            if stages
            else "put a stage with max_visits in the loop"
        )
        yield error(
            "unguarded-cycle",
            stages[0] if stages else members[0],
            "max_visits" if stages else None,
            f"{_describe_group(index, members)} "
            f"{'loops back to itself' if len(members) == 1 else 'form a loop'}, which runs "
            f"could follow forever; {fix} so the loop is bounded",
        )


def _in_document_order(index: Index, ids: Iterable[str]) -> list[str]:
    wanted = set(ids)
    return [n for n in index.nodes if n in wanted]


def _describe_group(index: Index, members: list[str]) -> str:
    if len(members) == 1:
        return index.describe(members[0])
    return "the nodes " + quote_list(members, limit=8)
