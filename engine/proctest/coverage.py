"""Which parts of a definition the scenarios reached, read from the runs' logs.

The elements counted: every stage (entered), every step (started), every end (reached),
every branch: each outcome of a decision (its flow taken) and, for a step with a start
condition, both ways of it (started, skipped because the condition was false), and every
fault route (a stage left along it after a step failed for good or `max_visits` ran out). An element
no scenario reached is listed by id with words a reader of the diagram recognises, so a
designer can highlight it and an admin can write the scenario that is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.definition import DecisionNode, EndNode, Orchestration
from engine.runtime.events import EventType

Kind = Literal["stage", "step", "branch", "fault", "end"]
KINDS: tuple[Kind, ...] = ("stage", "step", "branch", "fault", "end")
PLURALS: dict[Kind, str] = {
    "stage": "stages",
    "step": "steps",
    "branch": "branches",
    "fault": "fault_routes",
    "end": "ends",
}
BRANCHING: tuple[Kind, ...] = ("branch", "fault")
"""The kinds that count as branches in `Coverage.branch_percent` (`--min-branches`)."""
CONDITION_FALSE = "condition is false"


@dataclass(frozen=True)
class Element:
    """One thing a scenario can reach.

    Attributes:
        kind: stage, step, branch, fault (route) or end.
        id: stable within the definition: a node or step id; a decision outcome is
            `DECISION->TARGET` (with `#2`... when a decision has two flows to one target); a
            step condition's two ways are `STEP?true` and `STEP?false`; a stage's fault
            route is `STAGE!fault`.
        label: how a person reads it.
        node: the node or step to highlight on the diagram.
        flow: (source, target) of a decision outcome or fault route, to highlight the flow.
    """

    kind: Kind
    id: str
    label: str
    node: str
    flow: tuple[str, str] | None = None


def elements_of(definition: Orchestration) -> list[Element]:
    """Every element of a definition that coverage counts, in document order."""
    found: list[Element] = []
    for stage in definition.stages():
        found.append(Element("stage", stage.id, f"stage {stage.name or stage.id}", stage.id))
    for stage in definition.stages():
        fault = definition.fault_flow(stage.id)
        if fault is not None:
            target = definition.node(fault.target)
            found.append(
                Element(
                    "fault",
                    f"{stage.id}!fault",
                    f"fault route of stage {stage.name or stage.id} -> "
                    f"{(target.name if target else '') or fault.target}",
                    stage.id,
                    (stage.id, fault.target),
                )
            )
    for _stage, step in definition.steps():
        found.append(Element("step", step.id, f"step {step.name or step.id}", step.id))
        if step.condition:
            for way, words in (("true", "starts"), ("false", "is skipped")):
                found.append(
                    Element(
                        "branch",
                        f"{step.id}?{way}",
                        f"step {step.name or step.id} {words} ({step.condition})",
                        step.id,
                    )
                )
    for node in definition.nodes:
        if isinstance(node, DecisionNode):
            found.extend(_outcomes(definition, node))
        elif isinstance(node, EndNode):
            found.append(Element("end", node.id, f"end {node.name or node.id}", node.id))
    return found


def _outcomes(definition: Orchestration, decision: DecisionNode) -> list[Element]:
    outcomes: list[Element] = []
    seen: dict[str, int] = {}
    for flow in definition.outgoing(decision.id):
        seen[flow.target] = seen.get(flow.target, 0) + 1
        suffix = f"#{seen[flow.target]}" if seen[flow.target] > 1 else ""
        target = definition.node(flow.target)
        when = "otherwise" if flow.default else (flow.condition or "always")
        outcomes.append(
            Element(
                "branch",
                f"{decision.id}->{flow.target}{suffix}",
                f"decision {decision.name or decision.id} -> "
                f"{(target.name if target else '') or flow.target} ({when})",
                decision.id,
                (decision.id, flow.target),
            )
        )
    return outcomes


def _decision_outcome(definition: Orchestration, data: Mapping[str, Any]) -> str | None:
    """The outcome id of a `decision_taken` payload (matched on target and condition)."""
    seen: dict[str, int] = {}
    for flow in definition.outgoing(str(data.get("decision"))):
        seen[flow.target] = seen.get(flow.target, 0) + 1
        same_way = bool(flow.default) == bool(data.get("default")) and (
            flow.default or flow.condition == data.get("condition")
        )
        if flow.target == data.get("to") and same_way:
            suffix = f"#{seen[flow.target]}" if seen[flow.target] > 1 else ""
            return f"{data['decision']}->{flow.target}{suffix}"
    return None


def reached_by(definition: Orchestration, log: Iterable[Mapping[str, Any]]) -> set[str]:
    """The element ids one run's log reached."""
    conditional = {step.id for _, step in definition.steps() if step.condition}
    reached: set[str] = set()
    for entry in log:
        kind, data = entry["type"], entry.get("payload") or {}
        if kind == EventType.STAGE_ENTERED:
            reached.add(data["stage"])
        elif kind == EventType.STEP_STARTED:
            reached.add(data["step"])
            if data["step"] in conditional:
                reached.add(f"{data['step']}?true")
        elif kind == EventType.STEP_SKIPPED and data.get("reason") == CONDITION_FALSE:
            reached.add(f"{data['step']}?false")
        elif kind == EventType.DECISION_TAKEN:
            outcome = _decision_outcome(definition, data)
            if outcome is not None:
                reached.add(outcome)
        elif kind == EventType.STAGE_FAULTED:
            reached.add(f"{data['stage']}!fault")
        elif kind == EventType.RUN_COMPLETED and data.get("end"):
            reached.add(data["end"])
    return reached


@dataclass
class Coverage:
    """The elements of one definition and which of them the scenarios reached."""

    definition: str
    elements: list[Element]
    reached: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, definition: Orchestration) -> Coverage:
        """Nothing reached yet."""
        return cls(definition.id, elements_of(definition))

    def add(self, ids: Iterable[str]) -> None:
        """Count elements as reached."""
        self.reached.update(ids)

    def missing(self, kind: Kind | None = None) -> list[Element]:
        """Elements no scenario reached (of one kind, or all), in document order."""
        return [
            e
            for e in self.elements
            if e.id not in self.reached and (kind is None or e.kind == kind)
        ]

    def counts(self, kind: Kind) -> tuple[int, int]:
        """(reached, total) for one kind."""
        of_kind = [e for e in self.elements if e.kind == kind]
        return sum(e.id in self.reached for e in of_kind), len(of_kind)

    def branch_percent(self) -> float:
        """Share of decision outcomes, step-condition ways and fault routes reached."""
        reached = sum(self.counts(kind)[0] for kind in BRANCHING)
        total = sum(self.counts(kind)[1] for kind in BRANCHING)
        return 100.0 if total == 0 else 100.0 * reached / total

    def to_json(self) -> dict[str, Any]:
        """Counts per kind and the elements not reached."""
        return {
            "definition": self.definition,
            **{
                PLURALS[kind]: dict(zip(("reached", "total"), self.counts(kind), strict=True))
                for kind in KINDS
            },
            "missing": [
                {"kind": e.kind, "id": e.id, "label": e.label, "node": e.node}
                for e in self.missing()
            ],
        }
