"""Replaying a run's event log to the state of every stage, step and item at any moment.

The engine keeps the current state in the `runs.state` document and the query tables; this
module folds the log instead, so a history view can show the run as it was after any event.
At the last event the fold equals the engine's live state (tests check it after every kind
of engine call). Rules that are not spelled out by a single event:

* `stage_entered` resets every step of that stage to `not_started` (as the engine does on
  each visit); without the definition, only the steps seen so far in that stage are reset
  and never-started steps are simply absent.
* `step_started` means `running` for a background step and `waiting` for interactive and
  wait steps; without the definition a start reads `running` until an item, child run or
  retry timer shows that the step waits.
* The engine marks a run `running` only while one call moves it, and every call that moves
  a run ends by setting it back to `waiting` before the commit. So a replayed run reads
  `waiting` where the log shows it active.
* Canceling a run cancels its current stage (the engine writes no separate stage event).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.definition import BackgroundStep, Orchestration

_RUN_STATUS = {
    "run_started": "waiting",
    "run_resumed": "waiting",
    "run_recovered": "waiting",
    "run_paused": "paused",
    "run_completed": "completed",
    "run_failed": "failed",
    "run_canceled": "canceled",
}
_STEP_STATUS = {
    "step_completed": "completed",
    "step_skipped": "skipped",
    "step_canceled": "canceled",
    "step_failed": "failed",
    "step_retried": "running",
    "item_created": "waiting",
    "child_started": "waiting",
    "step_retry_scheduled": "waiting",
}


@dataclass
class RunSnapshot:
    """A run as it was right after the event `seq` (0: before its first event).

    Attributes:
        seq: the last event folded in.
        time: that event's time.
        status: the run's status.
        current_stage: the stage the run is in, if any.
        stages: stage id -> status, for every stage entered so far.
        steps: step id -> status, for every step of the stages entered so far.
        items: open work item id -> {"step", "assignee", "created_at", "due_at", "overdue"}.
        errors: step id -> the error of its last failed attempt.
        path: nodes the run passed through, in order (stages, decisions, the end node).
    """

    seq: int = 0
    time: str | None = None
    status: str | None = None
    current_stage: str | None = None
    stages: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)

    def element_states(self) -> dict[str, str]:
        """Element id -> status for every stage and step (the overlay's input)."""
        return {**self.stages, **self.steps}


class _Replayer:
    def __init__(self, definition: Orchestration | None) -> None:
        self.snapshot = RunSnapshot()
        self.stage_steps: dict[str, list[str]] = {}
        self.background: set[str] = set()
        self.known_steps = definition is not None
        if definition is not None:
            for stage in definition.stages():
                self.stage_steps[stage.id] = [s.id for s in stage.steps]
            self.background = {s.id for _, s in definition.steps() if isinstance(s, BackgroundStep)}

    def apply(self, event: Mapping[str, Any]) -> None:
        snap = self.snapshot
        kind = event["type"]
        data = event.get("payload") or {}
        snap.seq = event["seq"]
        snap.time = event.get("time")
        if kind in _RUN_STATUS:
            self._run_event(kind, data)
        elif kind == "stage_entered":
            self._enter_stage(data["stage"])
        elif kind == "stage_completed":
            snap.stages[data["stage"]] = "completed"
            snap.current_stage = None
        elif kind == "decision_taken":
            snap.path.append(data["decision"])
        elif kind == "step_started":
            step_id = data["step"]
            snap.steps[step_id] = self._started_status(step_id)
            if not self.known_steps and snap.current_stage:
                self.stage_steps.setdefault(snap.current_stage, []).append(step_id)
        elif kind == "timer_fired" and data.get("kind") == "retry":
            snap.steps[data["step"]] = "running"
        if kind in _STEP_STATUS:
            snap.steps[data["step"]] = _STEP_STATUS[kind]
        if kind in ("step_failed", "step_attempt_failed"):
            snap.errors[data["step"]] = data.get("error", "")
        elif kind in ("step_retried", "step_completed", "step_skipped"):
            snap.errors.pop(data["step"], None)
        self._item_event(kind, data, event)

    def _started_status(self, step_id: str) -> str:
        if not self.known_steps or step_id in self.background:
            return "running"
        return "waiting"

    def _run_event(self, kind: str, data: Mapping[str, Any]) -> None:
        snap = self.snapshot
        snap.status = _RUN_STATUS[kind]
        if kind == "run_canceled" and snap.current_stage:
            snap.stages[snap.current_stage] = "canceled"
        elif kind == "run_completed":
            snap.current_stage = None
            snap.path.append(data.get("end", ""))

    def _enter_stage(self, stage_id: str) -> None:
        snap = self.snapshot
        snap.stages[stage_id] = "running"
        snap.current_stage = stage_id
        snap.path.append(stage_id)
        for step_id in self.stage_steps.get(stage_id, []):
            if self.known_steps:
                snap.steps[step_id] = "not_started"
            else:
                snap.steps.pop(step_id, None)
            snap.errors.pop(step_id, None)
        if not self.known_steps:
            self.stage_steps[stage_id] = []

    def _item_event(self, kind: str, data: Mapping[str, Any], event: Mapping[str, Any]) -> None:
        items = self.snapshot.items
        if kind == "item_created":
            items[data["item"]] = {
                "step": data["step"],
                "assignee": data["assignee"],
                "created_at": event.get("time"),
                "due_at": data.get("due_at"),
                "overdue": False,
            }
        elif kind == "item_reassigned" and data["item"] in items:
            items[data["item"]]["assignee"] = data["to"]
        elif kind == "item_overdue" and data["item"] in items:
            items[data["item"]]["overdue"] = True
        elif kind in ("item_completed", "item_withdrawn"):
            items.pop(data["item"], None)


def replay(
    events: Iterable[Mapping[str, Any]],
    definition: Orchestration | None = None,
    upto: int | None = None,
) -> RunSnapshot:
    """Fold a run's events (as `Engine.log` returns them) up to and including seq `upto`.

    Args:
        events: the run's events in sequence order.
        definition: the run's definition version; gives exact step statuses.
        upto: the last seq to fold in (None: all of them).
    """
    replayer = _Replayer(definition)
    for event in events:
        if upto is not None and event["seq"] > upto:
            break
        replayer.apply(event)
    return replayer.snapshot


def state_at(
    events: Iterable[Mapping[str, Any]], seq: int, definition: Orchestration | None = None
) -> dict[str, str]:
    """Element id -> status (stages and steps) right after event `seq`."""
    return replay(events, definition, seq).element_states()
