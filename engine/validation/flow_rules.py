"""Rules on each node's flows: `unknown-reference` (flow ends), `start-flow`, `stage-flow`,
`decision-default` and `flow-condition`.

These look at one node and its own ordinary flows; rules about the graph as a whole
(reachability, loops) live in `graph_rules`, and fault flows are `fault_rules`' concern.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from engine.definition import DecisionNode, Flow, StageNode, StartNode
from engine.validation.context import Index, error, flow_field, quote_list
from engine.validation.diagnostics import Diagnostic


def check_flows(index: Index) -> Iterator[Diagnostic]:
    """Report flows to nothing, and nodes whose outgoing flows break their node type's rule."""
    outgoing: dict[str, list[Flow]] = defaultdict(list)
    incoming: dict[str, list[Flow]] = defaultdict(list)
    for flow in index.definition.flows:
        yield from _check_ends(index, flow)
        if flow.fault:
            continue  # fault routes have their own rules (fault_rules)
        outgoing[flow.source].append(flow)
        incoming[flow.target].append(flow)
    yield from _check_start(index, outgoing, incoming)
    for node in index.definition.nodes:
        if index.nodes[node.id] is not node:
            continue  # a duplicate id; its flows cannot be told apart from the first one's
        flows = outgoing.get(node.id, [])
        if isinstance(node, StageNode):
            yield from _check_stage(node, flows)
        elif isinstance(node, DecisionNode):
            yield from _check_decision(node, flows)
        if not isinstance(node, DecisionNode):
            yield from _check_plain_flows(node.id, node.type, flows)


def _check_ends(index: Index, flow: Flow) -> Iterator[Diagnostic]:
    for end, name in (("from", flow.source), ("to", flow.target)):
        if name in index.nodes:
            continue
        other = flow.target if end == "from" else flow.source
        element = other if other in index.nodes else None
        what = (
            f"{name!r} is a step; flows connect the start, stages, decisions and ends"
            if name in index.steps
            else f"{name!r} names no node"
        )
        yield error(
            "unknown-reference",
            element,
            end,
            f"the flow from {flow.source!r} to {flow.target!r} has '{end}': {what}; "
            "point it at an existing node or delete the flow",
        )


def _check_start(
    index: Index, outgoing: dict[str, list[Flow]], incoming: dict[str, list[Flow]]
) -> Iterator[Diagnostic]:
    starts = [n for n in index.definition.nodes if isinstance(n, StartNode)]
    if not starts:
        yield error(
            "start-flow",
            None,
            None,
            "the orchestration has no start node; add one and connect it to the first stage",
        )
        return
    for extra in starts[1:]:
        yield error(
            "start-flow",
            extra.id,
            None,
            f"start {extra.id!r} is a second start node ({starts[0].id!r} is the first); "
            "a run has one beginning: delete this one",
        )
    start = starts[0]
    count = len(outgoing.get(start.id, []))
    if count == 0:
        yield error(
            "start-flow",
            start.id,
            None,
            f"start {start.id!r} has no outgoing flow; connect it to the first stage",
        )
    elif count > 1:
        yield error(
            "start-flow",
            start.id,
            None,
            f"start {start.id!r} has {count} outgoing flows; keep exactly one, to the first "
            "stage (branch later with a decision)",
        )
    sources = [f.source for f in incoming.get(start.id, [])]
    if sources:
        yield error(
            "start-flow",
            start.id,
            None,
            f"flows from {quote_list(sources)} lead back into start {start.id!r}; "
            "point them at a stage instead (a loop needs a stage with max_visits)",
        )


def _check_stage(stage: StageNode, flows: list[Flow]) -> Iterator[Diagnostic]:
    if not flows:
        yield error(
            "stage-flow",
            stage.id,
            None,
            f"stage {stage.id!r} has no outgoing flow, so runs would stop there; connect it "
            "to the next stage, a decision or an end",
        )
    elif len(flows) > 1:
        yield error(
            "stage-flow",
            stage.id,
            None,
            f"stage {stage.id!r} has {len(flows)} outgoing flows (to "
            f"{quote_list(f.target for f in flows)}); keep one, and route through a "
            "decision to choose between them",
        )


def _check_decision(decision: DecisionNode, flows: list[Flow]) -> Iterator[Diagnostic]:
    defaults = [f for f in flows if f.default]
    conditional = [f for f in flows if not f.default and f.condition is not None]
    if not defaults:
        yield error(
            "decision-default",
            decision.id,
            None,
            f"decision {decision.id!r} has no default flow; mark one outgoing flow as "
            "default so runs always have a way on when no condition holds",
        )
    for extra in defaults[1:]:
        yield error(
            "decision-default",
            decision.id,
            flow_field(extra.target, "default"),
            f"decision {decision.id!r} has several default flows (to "
            f"{quote_list(f.target for f in defaults)}); keep one default and give the "
            "others conditions",
        )
    if not conditional:
        yield error(
            "decision-default",
            decision.id,
            None,
            f"decision {decision.id!r} has no conditional flow, so it always takes the "
            "default; add a flow with a condition, or remove the decision",
        )
    for flow in flows:
        if flow.default and flow.condition is not None:
            yield error(
                "decision-default",
                decision.id,
                flow_field(flow.target, "condition"),
                f"the default flow from decision {decision.id!r} to {flow.target!r} has a "
                "condition; the default is taken when no condition holds: remove it",
            )
        elif not flow.default and flow.condition is None:
            yield error(
                "decision-default",
                decision.id,
                flow_field(flow.target, "condition"),
                f"the flow from decision {decision.id!r} to {flow.target!r} has no "
                "condition and is not the default; give it a condition or mark it default",
            )


def _check_plain_flows(node_id: str, node_type: str, flows: list[Flow]) -> Iterator[Diagnostic]:
    for flow in flows:
        if flow.condition is not None:
            yield error(
                "flow-condition",
                node_id,
                flow_field(flow.target, "condition"),
                f"the flow from {node_type} {node_id!r} to {flow.target!r} has a condition, "
                "but only flows leaving a decision are conditional; remove the condition "
                "or insert a decision",
            )
        if flow.default:
            yield error(
                "flow-condition",
                node_id,
                flow_field(flow.target, "default"),
                f"the flow from {node_type} {node_id!r} to {flow.target!r} is marked default, "
                "but only flows leaving a decision have a default; unmark it",
            )
