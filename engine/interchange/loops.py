"""Loops from other tools get a `max_visits` guard on import, so the definition validates."""

from __future__ import annotations

from typing import Any

import networkx as nx

from engine.interchange.report import Report

PROPOSED_MAX_VISITS = 10
"""The `max_visits` an import proposes for a stage where a loop is entered."""


def guard_loops(nodes: list[dict[str, Any]], flows: list[dict[str, Any]], report: Report) -> None:
    """Give each loop a `max_visits` on its entry stage so the definition validates.

    Salesforce and BPMN let a decision route back to an earlier stage without a bound;
    Baton needs one stage of every loop to say how often a run may enter it. The entry
    stage is the loop's stage nearest to the start; a Salesforce export writes the loop
    back unchanged.
    """
    stages = {n["id"]: n for n in nodes if n.get("type") == "stage" and "id" in n}
    graph = nx.DiGraph()
    graph.add_nodes_from(n["id"] for n in nodes if "id" in n)
    # Malformed flows are left for the definition's own checks to report.
    graph.add_edges_from(
        (f.get("from"), f.get("to")) for f in flows if f.get("from") and f.get("to")
    )
    start = next((n.get("id") for n in nodes if n.get("type") == "start"), None)
    distance = nx.single_source_shortest_path_length(graph, start) if start else {}
    while True:
        unguarded = graph.subgraph(n for n in graph if not stages.get(n, {}).get("max_visits"))
        loops = [
            c
            for c in nx.strongly_connected_components(unguarded)
            if len(c) > 1 or unguarded.has_edge(*(next(iter(c)),) * 2)
        ]
        candidates = [
            sorted(c & stages.keys(), key=lambda n: (distance.get(n, 1e9), n)) for c in loops
        ]
        candidates = [c for c in candidates if c]
        if not candidates:
            return
        entry = candidates[0][0]
        stages[entry]["max_visits"] = PROPOSED_MAX_VISITS
        report.add(
            entry,
            f"entered again by a loop, which Baton bounds: max_visits {PROPOSED_MAX_VISITS} is "
            "proposed (a run that would enter the stage more often fails); change it to suit",
        )
