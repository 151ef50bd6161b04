"""Validation's own graph helpers agree with networkx, including the order of components.

The order matters: `unguarded-cycle`, `dead-end` and `step-cycle` diagnostics come out in
the order the strong components are found, and that order must not change with the helper.
"""

from __future__ import annotations

import random
from itertools import pairwise

import networkx as nx

from engine.validation.digraph import (
    digraph,
    reachable_from,
    reversed_graph,
    strong_components,
    subgraph,
)


def _random_graph(seed: int) -> tuple[list[str], list[tuple[str, str]]]:
    rng = random.Random(seed)
    nodes = [f"n{i}" for i in range(rng.randint(1, 40))]
    edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(0, 80))]
    return nodes, edges


def test_strong_components_come_in_the_same_order_as_networkx_finds_them():
    for seed in range(300):
        nodes, edges = _random_graph(seed)
        reference = nx.DiGraph()
        reference.add_nodes_from(nodes)
        reference.add_edges_from(edges)

        ours = [set(c) for c in strong_components(digraph(nodes, edges))]

        assert ours == list(nx.strongly_connected_components(reference)), seed


def test_reachability_both_ways_matches_descendants_and_ancestors():
    for seed in range(100):
        nodes, edges = _random_graph(seed)
        reference = nx.DiGraph(edges)
        reference.add_nodes_from(nodes)
        graph = digraph(nodes, edges)

        assert reachable_from(graph, [nodes[0]]) == nx.descendants(reference, nodes[0]) | {nodes[0]}
        back = reversed_graph(graph)
        assert reachable_from(back, [nodes[-1]]) == nx.ancestors(reference, nodes[-1]) | {nodes[-1]}


def test_a_subgraph_keeps_the_node_order_and_only_the_edges_inside():
    graph = digraph(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a"), ("a", "b")])

    assert graph == {"a": ["b"], "b": ["c"], "c": ["a"]}
    assert subgraph(graph, {"c", "a"}) == {"a": [], "c": ["a"]}


def test_a_chain_of_fifty_thousand_nodes_needs_no_recursion():
    nodes = [str(i) for i in range(50_000)]
    chain = digraph(nodes, pairwise(nodes))

    assert sum(1 for _ in strong_components(chain)) == 50_000
