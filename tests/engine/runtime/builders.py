"""Small builders for definitions in runtime tests (instead of long JSON literals)."""

from __future__ import annotations

import itertools
from typing import Any

from engine.definition import Orchestration, from_dict


def interactive(step_id: str, assignee: str = "user:alice", **extra: Any) -> dict[str, Any]:
    """An interactive step."""
    return {
        "id": step_id,
        "name": step_id.title(),
        "type": "interactive",
        "assignee": assignee,
        **extra,
    }


def background(step_id: str, action: str = "log", **extra: Any) -> dict[str, Any]:
    """A background step."""
    return {"id": step_id, "name": step_id.title(), "type": "background", "action": action, **extra}


def wait(step_id: str, **extra: Any) -> dict[str, Any]:
    """A wait step (give `event`, `key`, `timeout`)."""
    return {"id": step_id, "name": step_id.title(), "type": "wait", **extra}


def stage(stage_id: str, *steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A stage node."""
    return {
        "id": stage_id,
        "type": "stage",
        "name": stage_id.title(),
        "steps": list(steps),
        **extra,
    }


def decision(node_id: str) -> dict[str, Any]:
    """A decision node."""
    return {"id": node_id, "type": "decision", "name": node_id}


def flow(
    source: str, target: str, condition: str | None = None, default: bool = False
) -> dict[str, Any]:
    """A flow; `condition`/`default` only from decisions."""
    out: dict[str, Any] = {"from": source, "to": target}
    if condition:
        out["condition"] = condition
    if default:
        out["default"] = True
    return out


def orchestration(
    orchestration_id: str,
    *nodes: dict[str, Any],
    flows: list[dict[str, Any]] | None = None,
    variables: list[dict[str, Any]] | None = None,
    trigger: dict[str, Any] | None = None,
) -> Orchestration:
    """A definition; without `flows`, the nodes are chained start -> nodes... -> end."""
    all_nodes = [{"id": "start", "type": "start"}, *nodes, {"id": "end", "type": "end"}]
    if flows is None:
        flows = [flow(a["id"], b["id"]) for a, b in itertools.pairwise(all_nodes)]
    return from_dict(
        {
            "schema": "baton/1",
            "id": orchestration_id,
            "name": orchestration_id.replace("_", " ").title(),
            "trigger": trigger or {"type": "manual"},
            "variables": variables or [],
            "nodes": all_nodes,
            "flows": flows,
        }
    )


def var(name: str, type_: str = "text", **extra: Any) -> dict[str, Any]:
    """A variable declaration."""
    return {"name": name, "type": type_, **extra}


def items_of(engine: Any, run_id: str) -> list[dict]:
    """Open work items of one run."""
    return engine.run(run_id)["open_items"]


def step_status(engine: Any, run_id: str) -> dict[str, str]:
    """step id -> status for a run."""
    return {s["id"]: s["status"] for s in engine.run(run_id)["steps"]}
