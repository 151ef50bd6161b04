"""A run at any past moment, for the history scrubber and the canvas overlay (Qt-free).

The statuses come from the engine's own replay (`engine.runtime.replay`), so the scrubber
shows exactly what the engine would have shown after that event. This module only adds
what an overlay paints besides statuses, read from the same events: since when and until
when each open item waits, which step failed with what error, and the path taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.runtime.events import EventType
from engine.runtime.plan import Plan
from engine.runtime.replay import replay

Event = Mapping[str, Any]


@dataclass
class RunSnapshot:
    """A run right after event `seq` (0: before its first event).

    Attributes:
        seq: the last event folded in.
        time: that event's time.
        status: the run's status (`not_started` before its first event).
        current_stage: the stage the run is in, if any.
        stages: stage id -> status, for every stage entered so far.
        steps: step id -> status, for every step of the stages entered so far.
        items: open work item id -> {"step", "assignee", "created_at", "due_at", "overdue"}.
        errors: step id -> the error of its last failed attempt (while it is not redone).
        path: nodes passed, in order: stages, decisions and the end reached.
    """

    seq: int = 0
    time: str | None = None
    status: str = "not_started"
    current_stage: str | None = None
    stages: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)

    def element_states(self) -> dict[str, str]:
        """Element id -> status for every stage and step (what the overlay colours)."""
        return {**self.stages, **self.steps}


def snapshot_at(plan: Plan, events: Sequence[Event], seq: int | None = None) -> RunSnapshot:
    """The run after event `seq` (None: after the last one).

    Args:
        plan: the run's definition version (`Engine.plan`).
        events: the run's events in order, as `Engine.log` returns them.
        seq: the last event to fold in.
    """
    prefix = [e for e in events if seq is None or e["seq"] <= seq]
    state = replay(plan, prefix)
    snap = RunSnapshot(
        seq=prefix[-1]["seq"] if prefix else 0,
        time=prefix[-1]["time"] if prefix else None,
        status=state["status"],
        current_stage=state["stage"],
        stages={sid: st["status"] for sid, st in state["stages"].items()},
        steps={sid: st["status"] for sid, st in state["steps"].items()},
    )
    opened: dict[str, dict[str, Any]] = {}
    for event in prefix:
        kind, data = event["type"], event.get("payload") or {}
        if kind == EventType.ITEM_CREATED:
            opened[data["item"]] = {"created_at": event["time"], "due_at": data.get("due_at")}
        elif kind == EventType.ITEM_OVERDUE and data["item"] in opened:
            opened[data["item"]]["overdue"] = True
        elif kind in (EventType.STEP_FAILED, EventType.STEP_ATTEMPT_FAILED):
            snap.errors[data["step"]] = data.get("error", "")
        elif kind in (EventType.STEP_RETRIED, EventType.STEP_COMPLETED, EventType.STEP_SKIPPED):
            snap.errors.pop(data["step"], None)
        elif kind == EventType.STAGE_ENTERED:
            snap.path.append(data["stage"])
            for step in plan.stage_steps.get(data["stage"], []):
                snap.errors.pop(step.id, None)
        elif kind == EventType.DECISION_TAKEN:
            snap.path.append(data["decision"])
        elif kind == EventType.RUN_COMPLETED and data.get("end"):
            snap.path.append(data["end"])
    for item_id, item in state["items"].items():
        if item["status"] == "open":
            extra = opened.get(item_id, {})
            snap.items[item_id] = {
                "step": item["step"],
                "assignee": item["assignee"],
                "created_at": extra.get("created_at"),
                "due_at": extra.get("due_at"),
                "overdue": bool(extra.get("overdue")),
            }
    return snap


def state_at(plan: Plan, events: Sequence[Event], seq: int) -> dict[str, str]:
    """Element id -> status (stages and steps) right after event `seq`."""
    return snapshot_at(plan, events, seq).element_states()
