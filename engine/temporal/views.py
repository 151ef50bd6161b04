"""A run held by a workflow, shown the way the local engine's read models show it
(`engine.runtime.queries`): the same field names, so the CLI and designer need no branch.
"""

from __future__ import annotations

import json
from typing import Any

from engine.runtime.state import RunState
from engine.temporal import shapes

_ROW_FIELDS = ("run", "orchestration", "version")


def summary(run: RunState) -> dict[str, Any]:
    """The `baton runs` row of a run."""
    return {
        "id": run.id,
        "orchestration": run.definition_id,
        "version": run.definition_version,
        "status": run.status,
        "stage": run.current_stage,
        "started_at": run.started_at,
        "ended_at": run.ended_at,
        "error": run.error,
        "outcome": run.outcome,
    }


def item(run: RunState, item_id: str, it: dict[str, Any]) -> dict[str, Any]:
    """A work item as `Engine.work_items` lists it (title and guidance from its step)."""
    step = run.plan.steps.get(it["step"]) if run.plan else None
    return {
        "id": item_id,
        "run": run.id,
        "step": it["step"],
        "title": (step.name if step else "") or it["step"],
        "guidance": getattr(step, "guidance", "") or "",
        "assignee": it["assignee"],
        "status": it["status"],
        "created_at": it.get("created_at"),
        "due_at": it.get("due_at"),
        "overdue": bool(it.get("overdue")),
        "completed_by": it.get("completed_by"),
        "completed_at": it.get("completed_at"),
        "outputs": it.get("outputs"),
        "orchestration": run.definition_id,
        "version": run.definition_version,
    }


def open_items(run: RunState) -> list[dict[str, Any]]:
    """The run's open items, oldest first."""
    found = [item(run, i, it) for i, it in run.items.items() if it["status"] == "open"]
    return sorted(found, key=lambda i: (i["created_at"] or "", i["id"]))


def all_items(run: RunState) -> list[dict[str, Any]]:
    """Every item the run has opened (open, completed, withdrawn), oldest first."""
    found = [item(run, i, it) for i, it in run.items.items()]
    return sorted(found, key=lambda i: (i["created_at"] or "", i["id"]))


def remembered_items(run: RunState) -> list[dict[str, Any]] | None:
    """The run's items for its closing memo (`shapes.ITEMS_MEMO`): `all_items` without the
    fields its row has, or None when they take more than `shapes.ITEMS_MEMO_CHARS` of JSON
    (every listing that reaches the run carries its memo)."""
    found = [{k: v for k, v in it.items() if k not in _ROW_FIELDS} for it in all_items(run)]
    size = len(json.dumps(found, separators=(",", ":"), default=str))
    return found if size <= shapes.ITEMS_MEMO_CHARS else None


def detail(run: RunState) -> dict[str, Any]:
    """What `baton show` prints: `Engine.run`'s shape."""
    return {
        **summary(run),
        "parent_run": run.parent_run_id,
        "record": {"object": run.record_object, "id": run.record_id} if run.record_id else None,
        "stages": [{"id": sid, **st} for sid, st in run.stages.items()],
        "steps": [
            {
                "id": sid,
                "stage": st.get("stage"),
                "status": st["status"],
                "attempts": st.get("attempts", 0),
                "started_at": st.get("started_at"),
                "ended_at": st.get("ended_at"),
                "error": st.get("error"),
                "outputs": st.get("outputs"),
            }
            for sid, st in run.steps.items()
        ],
        "open_items": open_items(run),
        "variables": run.variables,
        "fault": run.fault,
    }


def waits(run: RunState) -> list[dict[str, Any]]:
    """The run's open event subscriptions (`Engine.waits`' shape)."""
    return [
        {"run": run.id, "step": sid, "event": w["event"], "key": w["key"]}
        for sid, w in sorted(run.waits.items())
        if w.get("event")
    ]
