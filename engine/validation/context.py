"""What every rule needs: lookups built once per `validate` call, and diagnostic builders."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.definition import (
    AnyNode,
    AnyStep,
    BackgroundStep,
    InteractiveStep,
    Orchestration,
    StageNode,
    Variable,
    WaitStep,
)
from engine.validation.diagnostics import Diagnostic

RESERVED_NAMES = frozenset({"record", "run"})
"""Names expressions use for the triggering record and the run; no id or variable may take them."""


@dataclass(frozen=True, slots=True)
class Index:
    """Lookups over one definition; for a repeated id, the first element in document order wins.

    Attributes:
        definition: the definition being checked.
        nodes: node by id.
        steps: (stage, step) by step id.
        variables: variable by name.
        stages: the stage nodes, in document order.
        step_list: every step (also one with a repeated id), in document order.
        owners: the stage of each step of `step_list`, at the same place.
        interactive, background, wait: the steps of each kind, in document order (a rule
            about one kind walks only those, not all steps with a type test each).
        conditions: the text of every step condition, in document order.
        waiting: the places in `step_list` of the steps with an `after`.
        unique_ids: no node or step id is used twice, not even one as a node and a step
            (then `nodes` and `steps` hold every element).
        memo: what one rule module works out and another reads again in the same call
            (e.g. every expression in the definition), keyed by the module that fills it.
    """

    definition: Orchestration
    nodes: dict[str, AnyNode]
    steps: dict[str, tuple[StageNode, AnyStep]]
    variables: dict[str, Variable]
    stages: list[StageNode] = field(default_factory=list)
    step_list: list[AnyStep] = field(default_factory=list)
    owners: list[StageNode] = field(default_factory=list)
    interactive: list[InteractiveStep] = field(default_factory=list)
    background: list[BackgroundStep] = field(default_factory=list)
    wait: list[WaitStep] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    unique_ids: bool = False
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, definition: Orchestration) -> Index:
        """Index a definition (one pass over nodes, steps and variables)."""
        # Comprehensions first (a clean definition has no repeated id), and the first-wins
        # loops only when a length shows a repeat: a comprehension keeps the last one.
        node_list = definition.nodes
        nodes: dict[str, AnyNode] = {node.id: node for node in node_list}
        if len(nodes) != len(node_list):
            nodes = {}
            for node in node_list:
                nodes.setdefault(node.id, node)
        stages = [node for node in node_list if isinstance(node, StageNode)]
        step_list = [step for stage in stages for step in stage.steps]
        owners = [stage for stage in stages for _ in stage.steps]
        # One pass over the steps reads every field several rules walk all steps for: a
        # step read again later costs a cache miss, a field read now next to others hardly.
        kinds: dict[type, list[Any]] = {InteractiveStep: [], BackgroundStep: [], WaitStep: []}
        ids: list[str] = []
        conditions: list[str] = []
        waiting: list[int] = []
        for number, step in enumerate(step_list):
            kinds[type(step)].append(step)
            ids.append(step.id)
            if step.condition is not None:
                conditions.append(step.condition)
            if step.after:
                waiting.append(number)
        steps = dict(zip(ids, zip(owners, step_list, strict=True), strict=True))
        if len(steps) != len(step_list):
            steps = {}
            for stage, step in zip(owners, step_list, strict=True):
                steps.setdefault(step.id, (stage, step))
        variables: dict[str, Variable] = {}
        for variable in definition.variables:
            variables.setdefault(variable.name, variable)
        unique = (
            len(nodes) == len(node_list)
            and len(steps) == len(step_list)
            and nodes.keys().isdisjoint(steps.keys())  # views: walks the smaller side
        )
        return cls(
            definition,
            nodes,
            steps,
            variables,
            stages,
            step_list,
            owners,
            kinds[InteractiveStep],
            kinds[BackgroundStep],
            kinds[WaitStep],
            conditions,
            waiting,
            unique,
        )

    def first_background(self) -> list[BackgroundStep]:
        """The background steps `steps` holds (for a repeated id only the first one)."""
        if self.unique_ids:
            return self.background
        return [step for _, step in self.steps.values() if isinstance(step, BackgroundStep)]

    def describe(self, element_id: str) -> str:
        """`stage 'review'`, `step 'contract' of stage 'paperwork'`, `variable 'amount'`."""
        node = self.nodes.get(element_id)
        if node is not None:
            return f"{node.type} {element_id!r}"
        if element_id in self.steps:
            stage, _ = self.steps[element_id]
            return f"step {element_id!r} of stage {stage.id!r}"
        if element_id in self.variables:
            return f"variable {element_id!r}"
        return repr(element_id)


def error(code: str, element: str | None, field: str | None, message: str) -> Diagnostic:
    """An error diagnostic (blocks activation)."""
    return Diagnostic("error", code, element, field, message)


def warning(code: str, element: str | None, field: str | None, message: str) -> Diagnostic:
    """A warning diagnostic (shown, does not block activation)."""
    return Diagnostic("warning", code, element, field, message)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'amount'?)` when a close candidate exists, else an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def quote_list(names: Iterable[str], limit: int = 6) -> str:
    """`'a', 'b', 'c'` with at most `limit` names, then `and N more`."""
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def flow_field(target: str, attribute: str) -> str:
    """The field naming one outgoing flow of a node, e.g. `flows[equipment].condition`."""
    return f"flows[{target}].{attribute}"
