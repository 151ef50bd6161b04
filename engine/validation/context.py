"""What every rule needs: lookups built once per `validate` call, and diagnostic builders."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.definition import AnyNode, AnyStep, Orchestration, StageNode, Variable
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
        memo: what one rule module works out and another reads again in the same call
            (e.g. every expression in the definition), keyed by the module that fills it.
    """

    definition: Orchestration
    nodes: dict[str, AnyNode]
    steps: dict[str, tuple[StageNode, AnyStep]]
    variables: dict[str, Variable]
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, definition: Orchestration) -> Index:
        """Index a definition (one pass over nodes, steps and variables)."""
        nodes: dict[str, AnyNode] = {}
        steps: dict[str, tuple[StageNode, AnyStep]] = {}
        for node in definition.nodes:
            nodes.setdefault(node.id, node)
            if isinstance(node, StageNode):
                for step in node.steps:
                    steps.setdefault(step.id, (node, step))
        variables: dict[str, Variable] = {}
        for variable in definition.variables:
            variables.setdefault(variable.name, variable)
        return cls(definition, nodes, steps, variables)

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
