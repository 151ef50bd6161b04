"""A definition version prepared for execution: lookups computed once, shared by all runs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from engine.definition import (
    AnyNode,
    AnyStep,
    Flow,
    Orchestration,
    StageNode,
    StartNode,
    parse_duration,
)
from engine.expressions import names_read


@dataclass
class Plan:
    """Fast lookups over one immutable definition version."""

    definition: Orchestration
    nodes: dict[str, AnyNode] = field(default_factory=dict)
    outgoing: dict[str, list[Flow]] = field(default_factory=dict)
    # stage id -> its fault flow (kept out of `outgoing`, which is the ordinary way on)
    fault_flows: dict[str, Flow] = field(default_factory=dict)
    stage_steps: dict[str, list[AnyStep]] = field(default_factory=dict)
    steps: dict[str, AnyStep] = field(default_factory=dict)
    step_stage: dict[str, str] = field(default_factory=dict)
    start_id: str | None = None
    # Other versions of the same orchestration by number, when the holder of this plan
    # can find them (the engine's cache): replaying a run migrated between versions
    # needs the plan each part of its log was written against.
    versions: Callable[[int], Plan] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, definition: Orchestration) -> Plan:
        """Index a definition's nodes, flows and steps."""
        plan = cls(definition=definition)
        for node in definition.nodes:
            plan.nodes[node.id] = node
            plan.outgoing[node.id] = []
            if isinstance(node, StartNode) and plan.start_id is None:
                plan.start_id = node.id
            if isinstance(node, StageNode):
                plan.stage_steps[node.id] = list(node.steps)
                for step in node.steps:
                    plan.steps[step.id] = step
                    plan.step_stage[step.id] = node.id
        for flow in definition.flows:
            if flow.fault:
                plan.fault_flows.setdefault(flow.source, flow)
            else:
                plan.outgoing.setdefault(flow.source, []).append(flow)
        return plan

    @property
    def id(self) -> str:
        """The orchestration id."""
        return self.definition.id

    @property
    def version(self) -> int:
        """The definition version."""
        return self.definition.version


@functools.lru_cache(maxsize=4096)
def reads(text: str) -> frozenset[str]:
    """The names an expression reads (cached: definitions repeat their expressions)."""
    return frozenset(names_read(text))


def reads_record(text: str) -> bool:
    """Whether an expression reads `record` (so the record store must be consulted)."""
    return "record" in reads(text)


@functools.lru_cache(maxsize=1024)
def duration(text: str) -> timedelta:
    """A cached `parse_duration`."""
    return parse_duration(text)
