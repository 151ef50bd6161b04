"""Small builders for definitions in tests: write the shape, not the JSON.

`linear(stage("review", interactive("approve")))` is start -> review -> end, clean.
Every builder takes keyword overrides for any model field.
"""

from __future__ import annotations

import itertools
from typing import Any

from engine.definition import (
    BackgroundStep,
    DecisionNode,
    EndNode,
    Flow,
    InteractiveStep,
    ManualTrigger,
    Orchestration,
    StageNode,
    StartNode,
    Variable,
    WaitStep,
)
from engine.validation import Diagnostic, validate


def interactive(step_id: str, **fields: Any) -> InteractiveStep:
    """An interactive step assigned to user:ana unless told otherwise."""
    return InteractiveStep(
        **{"id": step_id, "type": "interactive", "assignee": "user:ana"} | fields
    )


def background(step_id: str, **fields: Any) -> BackgroundStep:
    """A background step running the built-in `log` action unless told otherwise."""
    return BackgroundStep(
        **{"id": step_id, "type": "background", "action": "log", "inputs": {}} | fields
    )


def wait(step_id: str, **fields: Any) -> WaitStep:
    """A wait step with a one-day timeout unless told otherwise."""
    return WaitStep(**{"id": step_id, "type": "wait", "timeout": "P1D"} | fields)


def stage(stage_id: str, *steps: Any, **fields: Any) -> StageNode:
    """A stage holding the given steps (one interactive step when none are given)."""
    chosen = list(steps) if steps else [interactive(f"{stage_id}_task")]
    return StageNode(**{"id": stage_id, "type": "stage", "steps": chosen} | fields)


def empty_stage(stage_id: str, **fields: Any) -> StageNode:
    """A stage without steps."""
    return StageNode(**{"id": stage_id, "type": "stage", "steps": []} | fields)


def decision(decision_id: str) -> DecisionNode:
    """A decision node."""
    return DecisionNode(id=decision_id, type="decision")


def start(node_id: str = "start") -> StartNode:
    """A start node."""
    return StartNode(id=node_id, type="start")


def end(node_id: str = "end") -> EndNode:
    """An end node."""
    return EndNode(id=node_id, type="end")


def flow(source: str, target: str, **fields: Any) -> Flow:
    """A flow from `source` to `target`."""
    return Flow(source=source, target=target, **fields)


def variable(name: str, **fields: Any) -> Variable:
    """A text input variable unless told otherwise."""
    return Variable(**{"name": name, "input": True} | fields)


def orchestration(
    nodes: list[Any],
    flows: list[Flow],
    *,
    variables: list[Variable] | None = None,
    trigger: Any = None,
    **fields: Any,
) -> Orchestration:
    """A definition made of exactly these nodes and flows."""
    return Orchestration(
        id=fields.pop("id", "test_process"),
        name="Test process",
        trigger=trigger or ManualTrigger(type="manual"),
        variables=variables or [],
        nodes=nodes,
        flows=flows,
        **fields,
    )


def linear(*stages: StageNode, **fields: Any) -> Orchestration:
    """start -> each stage in turn -> end."""
    ids = ["start", *(s.id for s in stages), "end"]
    return orchestration(
        [start(), *stages, end()],
        [flow(a, b) for a, b in itertools.pairwise(ids)],
        **fields,
    )


def with_decision(condition: str = "amount > 1000", **fields: Any) -> Orchestration:
    """start -> intake -> check -> (condition) big_deal -> end, (default) -> end."""
    return orchestration(
        [start(), stage("intake"), decision("check"), stage("big_deal"), end()],
        [
            flow("start", "intake"),
            flow("intake", "check"),
            flow("check", "big_deal", condition=condition),
            flow("check", "end", default=True),
            flow("big_deal", "end"),
        ],
        variables=fields.pop("variables", [variable("amount", type="number")]),
        **fields,
    )


def problems(definition: Orchestration, code: str) -> list[Diagnostic]:
    """The diagnostics of one code that validation reports for a definition."""
    return [d for d in validate(definition) if d.code == code]


def codes(definition: Orchestration) -> list[str]:
    """Every diagnostic code validation reports, in order."""
    return [d.code for d in validate(definition)]
