"""New elements as the palette creates them: sensible names, ids made from them, unique."""

from __future__ import annotations

from designer.document.document import Document
from designer.document.naming import slug
from engine.definition import (
    AnyNode,
    AnyStep,
    BackgroundStep,
    DecisionNode,
    EndNode,
    InteractiveStep,
    StageNode,
    StartNode,
    WaitStep,
)

STEP_KINDS: frozenset[str] = frozenset({"interactive", "background", "wait"})
NODE_KINDS: frozenset[str] = frozenset({"stage", "decision", "end", "failed_end", "start"})

_DEFAULT_NAMES = {
    "stage": "Stage",  # numbered: Stage 1, Stage 2...
    "interactive": "Review",
    "background": "Automated action",
    "wait": "Wait for event",
    "decision": "Decision",
    "end": "End",
    "failed_end": "Failed",  # an end with outcome "failed": where fault routes often lead
    "start": "Start",
}


def new_node(document: Document, kind: str, taken: set[str] | None = None) -> AnyNode:
    """A fresh node of `kind`, its id made from its name and unused (also avoiding `taken`)."""
    name = _stage_name(document) if kind == "stage" else _DEFAULT_NAMES[kind]
    node_id = _fresh_id(document, slug(name), taken)
    if kind == "stage":
        return StageNode(id=node_id, type="stage", name=name)
    if kind == "decision":
        return DecisionNode(id=node_id, type="decision", name=name)
    if kind == "end":
        return EndNode(id=node_id, type="end", name=name)
    if kind == "failed_end":
        return EndNode(id=node_id, type="end", name=name, outcome="failed")
    if kind == "start":
        return StartNode(id=node_id, type="start", name=name)
    raise ValueError(f"{kind!r} is not a node kind")


def new_step(document: Document, kind: str, taken: set[str] | None = None) -> AnyStep:
    """A fresh step of `kind`, its id made from its name and unused (also avoiding `taken`)."""
    name = _DEFAULT_NAMES[kind]
    step_id = _fresh_id(document, slug(name), taken)
    if kind == "interactive":
        return InteractiveStep(id=step_id, type="interactive", name=name)
    if kind == "background":
        return BackgroundStep(id=step_id, type="background", name=name)
    if kind == "wait":
        return WaitStep(id=step_id, type="wait", name=name)
    raise ValueError(f"{kind!r} is not a step kind")


def _stage_name(document: Document) -> str:
    """`Stage N`, the first number no stage is named with yet."""
    names = {node.name for node in document.definition.stages()}
    number = len(document.definition.stages()) + 1
    while f"Stage {number}" in names:
        number += 1
    return f"Stage {number}"


def _fresh_id(document: Document, base: str, taken: set[str] | None) -> str:
    candidate = document.unique_id(base)
    if not taken or candidate not in taken:
        return candidate
    n = 2
    while f"{candidate}_{n}" in taken or document.element(f"{candidate}_{n}") is not None:
        n += 1
    return f"{candidate}_{n}"
