"""Rules on fault routes and end outcomes: `fault-route` and `end-outcome`.

A fault flow (`"fault": true`) leaves a stage when one of its steps fails for good or its
`max_visits` would be exceeded. Only stages have one, at most one each, unconditional, and
it must lead (through any stages and decisions) to an end, or the failure it catches would
have nowhere to go. The per-node flow rules (`flow_rules`) leave fault flows to this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from engine.definition import BackgroundStep, EndNode, Flow, StageNode
from engine.validation.context import Index, error, flow_field, quote_list, warning
from engine.validation.diagnostics import Diagnostic
from engine.validation.digraph import reachable_from, reversed_graph
from engine.validation.graph_rules import node_graph

OUTCOME_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
"""An end's outcome: a short name (letters, digits, `_`, `-`), such as `rejected`."""


def check_faults(index: Index) -> Iterator[Diagnostic]:
    """Report misplaced or dead-end fault flows, and ends with an unusable outcome."""
    by_stage: dict[str, list[Flow]] = defaultdict(list)
    for flow in index.definition.flows:
        if not flow.fault:
            continue
        source = index.nodes.get(flow.source)
        if source is None or flow.target not in index.nodes:
            continue  # unknown-reference says which end is wrong
        if not isinstance(source, StageNode):
            yield error(
                "fault-route",
                flow.source,
                flow_field(flow.target, "fault"),
                f"the flow from {source.type} {flow.source!r} to {flow.target!r} is a fault "
                "flow, but only stages have fault routes; unmark it, or start it at a stage",
            )
            continue
        if flow.condition is not None or flow.default:
            yield error(
                "fault-route",
                flow.source,
                flow_field(flow.target, "condition" if flow.condition else "default"),
                f"the fault flow from stage {flow.source!r} to {flow.target!r} has a "
                f"{'condition' if flow.condition else 'default mark'}; a fault route is "
                "taken whenever the stage fails: remove it (route through a decision)",
            )
        by_stage[flow.source].append(flow)
    yield from _check_per_stage(index, by_stage)
    yield from _check_leads_to_end(index, by_stage)
    yield from _check_outcomes(index)


def _check_per_stage(index: Index, by_stage: dict[str, list[Flow]]) -> Iterator[Diagnostic]:
    for stage_id, flows in by_stage.items():
        stage = index.nodes[stage_id]
        assert isinstance(stage, StageNode)
        if len(flows) > 1:
            yield error(
                "fault-route",
                stage_id,
                None,
                f"stage {stage_id!r} has {len(flows)} fault flows (to "
                f"{quote_list(f.target for f in flows)}); keep one, and route through a "
                "decision reading fault.step or fault.error to choose between them",
            )
        ordinary = {
            f.target for f in index.definition.flows if f.source == stage_id and not f.fault
        }
        for flow in flows:
            if flow.target in ordinary:
                yield error(
                    "fault-route",
                    stage_id,
                    flow_field(flow.target, "fault"),
                    f"stage {stage_id!r} has both its flow and its fault flow to "
                    f"{flow.target!r}; a failure would then look like success: point the "
                    "fault route elsewhere (a remedy stage or an end with outcome 'failed')",
                )
        if any(f.target == stage_id for f in flows):
            yield error(
                "fault-route",
                stage_id,
                None,
                f"the fault flow of stage {stage_id!r} leads back to the stage itself, so a "
                "failure would repeat; point it at a remedy stage, a decision or an end",
            )
        can_fail = stage.max_visits is not None or any(
            isinstance(step, BackgroundStep) for step in stage.steps
        )
        if not can_fail:
            yield warning(
                "fault-route",
                stage_id,
                None,
                f"stage {stage_id!r} has a fault flow but can never fail: it has no "
                "background step and no max_visits; delete the flow or add what can fail",
            )


def _check_leads_to_end(index: Index, by_stage: dict[str, list[Flow]]) -> Iterator[Diagnostic]:
    if not by_stage:
        return
    ends = [node_id for node_id, node in index.nodes.items() if isinstance(node, EndNode)]
    alive = reachable_from(reversed_graph(node_graph(index)), ends) if ends else set()
    for stage_id, flows in by_stage.items():
        for flow in flows:
            if flow.target in alive:
                continue
            yield error(
                "fault-route",
                stage_id,
                flow_field(flow.target, "fault"),
                f"the fault route of stage {stage_id!r} leads to {index.describe(flow.target)}, "
                "from which no path of flows reaches an end; connect it onwards to an end "
                "(e.g. one with outcome 'failed')",
            )


def _check_outcomes(index: Index) -> Iterator[Diagnostic]:
    for node_id, node in index.nodes.items():
        if isinstance(node, EndNode) and not OUTCOME_NAME.fullmatch(node.outcome):
            yield error(
                "end-outcome",
                node_id,
                "outcome",
                f"end {node_id!r} has outcome {node.outcome[:70]!r}; an outcome is a short "
                "name of letters, digits, _ and - (completed, rejected, failed, or your own)",
            )
