"""Compound edits built from the structural commands: delete a selection, paste a fragment.

A fragment is the clipboard's JSON form of some nodes (stages carry their steps), loose
steps, the flows between copied nodes and their layout. Pasting gives every element a new
unique id and rewires flows and `after` links to the new ids, so a fragment pastes any number
of times, into the same window or another one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from designer.commands.base import CompoundCommand
from designer.commands.flows import AddFlowCommand, RemoveFlowCommand
from designer.commands.nodes import AddNodeCommand, RemoveNodeCommand
from designer.commands.steps import AddStepCommand, RemoveStepCommand
from designer.document import Document
from designer.document.factory import new_node
from engine.definition import AnyStep, Flow, Position, StageNode, parse_node, parse_step

FRAGMENT_MIME = "application/x-baton-fragment+json"

Key = str | tuple[str, str]


def delete_command(document: Document, keys: Iterable[Key]) -> CompoundCommand | None:
    """One undo entry removing the selected flows, steps and nodes (None if nothing)."""
    keys = list(keys)
    node_ids = [k for k in keys if isinstance(k, str) and document.definition.node(k)]
    step_ids = [
        k
        for k in keys
        if isinstance(k, str) and document.is_step(k) and document.stage_of(k).id not in node_ids  # type: ignore[union-attr]
    ]
    flows = [
        k
        for k in keys
        if isinstance(k, tuple)
        and document.flow(*k)
        and k[0] not in node_ids
        and k[1] not in node_ids
    ]
    # The start node is not deletable from the canvas: every orchestration keeps one.
    node_ids = [n for n in node_ids if document.definition.node(n).type != "start"]  # type: ignore[union-attr]
    count = len(node_ids) + len(step_ids) + len(flows)
    if count == 0:
        return None
    macro = CompoundCommand("Delete" if count == 1 else f"Delete {count} elements")
    for source, target in flows:
        RemoveFlowCommand(document, source, target, parent=macro)
    for step_id in step_ids:
        RemoveStepCommand(document, step_id, parent=macro)
    for node_id in node_ids:
        RemoveNodeCommand(document, node_id, parent=macro)
    return macro


def copy_fragment(document: Document, keys: Iterable[Key]) -> str | None:
    """The JSON fragment of the selected elements, or None when nothing copyable."""
    keys = [k for k in keys if isinstance(k, str)]
    definition = document.definition
    nodes = [n for k in keys if (n := definition.node(k)) is not None and n.type != "start"]
    node_ids = {n.id for n in nodes}
    steps = [
        {
            "stage": document.stage_of(k).id,
            "step": document.element(k).model_dump(by_alias=True, exclude_defaults=True),
        }  # type: ignore[union-attr]
        for k in keys
        if document.is_step(k) and document.stage_of(k).id not in node_ids  # type: ignore[union-attr]
    ]
    if not nodes and not steps:
        return None
    flows = [
        f.model_dump(by_alias=True, exclude_defaults=True)
        for f in definition.flows
        if f.source in node_ids and f.target in node_ids
    ]
    layout = {
        n.id: definition.layout[n.id].model_dump() for n in nodes if n.id in definition.layout
    }
    return json.dumps(
        {
            "baton_fragment": 1,
            "nodes": [n.model_dump(by_alias=True, exclude_defaults=True) for n in nodes],
            "steps": steps,
            "flows": flows,
            "layout": layout,
        }
    )


def paste_command(
    document: Document,
    text: str,
    *,
    offset: tuple[float, float] = (40, 40),
    target_stage: str | None = None,
) -> tuple[CompoundCommand, list[str]] | None:
    """One undo entry adding a copy of a fragment; also returns the new top-level ids.

    Loose steps go into `target_stage`, else back into their original stage when it still
    exists, else into a new stage.
    """
    try:
        data: dict[str, Any] = json.loads(text)
        nodes = [parse_node(n) for n in data.get("nodes", [])]
        loose = [(s["stage"], parse_step(s["step"])) for s in data["steps"]]
        flows = [Flow.model_validate(f) for f in data.get("flows", [])]
        layout = {k: Position.model_validate(v) for k, v in data.get("layout", {}).items()}
    except (ValueError, KeyError, TypeError):
        return None  # not our fragment (pydantic's ValidationError is a ValueError)
    if not nodes and not loose:
        return None
    taken: set[str] = set()
    new_ids: dict[str, str] = {}

    def fresh(old: str) -> str:
        new = document.unique_id(old)
        n = 2
        while new in taken:
            new = document.unique_id(f"{old}_{n}")
            n += 1
        taken.add(new)
        new_ids[old] = new
        return new

    macro = CompoundCommand("Paste")
    created: list[str] = []
    for node in nodes:
        copy = node.model_copy(deep=True, update={"id": fresh(node.id)})
        if isinstance(copy, StageNode):
            copy.steps = [s.model_copy(update={"id": fresh(s.id)}) for s in copy.steps]
            for step in copy.steps:
                step.after = [new_ids.get(a, a) for a in step.after]
        old_pos = layout.get(node.id)
        position = Position(x=old_pos.x + offset[0], y=old_pos.y + offset[1]) if old_pos else None
        AddNodeCommand(document, copy, position, parent=macro)
        created.append(copy.id)
    by_stage: dict[str, list[AnyStep]] = {}
    for stage_id, step in loose:
        home = target_stage or (
            stage_id if isinstance(document.definition.node(stage_id), StageNode) else None
        )
        by_stage.setdefault(home or "", []).append(step.model_copy(update={"id": fresh(step.id)}))
    for home, steps in by_stage.items():
        if not home:
            stage = new_node(document, "stage", taken)
            taken.add(stage.id)
            AddNodeCommand(document, stage, None, parent=macro)
            created.append(stage.id)
            home = stage.id
        for step in steps:
            # Links to siblings left behind would dangle in the new place.
            step.after = [new_ids[a] for a in step.after if a in new_ids]
            AddStepCommand(document, home, step, parent=macro)
            created.append(step.id)
    for flow in flows:
        rewired = Flow(
            source=new_ids[flow.source],
            target=new_ids[flow.target],
            condition=flow.condition,
            default=flow.default,
        )
        AddFlowCommand(document, rewired, parent=macro)
    return macro, created
