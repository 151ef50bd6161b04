"""Rebuilding a run's state from its event log alone (DESIGN rule 5: the log is the truth).

`replay(plan, events)` folds events into the state the query tables hold: status, current
stage, each step's status and outputs, variables and work items. The designer's history
view replays a prefix of the log to show the run as it was at any event; tests replay whole
logs to check that the log and the query tables never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.definition import BackgroundStep
from engine.runtime.events import EventType
from engine.runtime.plan import Plan


def replay(plan: Plan, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The run state after `events` (as returned by `Engine.log`), in order.

    Returns:
        `{"status", "stage", "error", "stages", "steps", "variables", "items"}` where
        `steps` maps step id to `{"status", "outputs"}` and `items` maps item id to
        `{"step", "assignee", "status"}`.
    """
    state: dict[str, Any] = {
        "status": "not_started",
        "stage": None,
        "error": None,
        "stages": {},
        "steps": {},
        "variables": {},
        "items": {},
    }
    steps, items = state["steps"], state["items"]
    for event in events:
        kind, data = event["type"], event["payload"]
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(state, plan, data)
        elif kind.startswith("step_"):
            _step_event(steps, plan, kind, data)
        elif kind.startswith("item_"):
            _item_event(items, kind, data)
    if state["status"] == "running":
        state["status"] = "waiting"
    return state


def _step_event(steps: dict[str, Any], plan: Plan, kind: str, data: dict[str, Any]) -> None:
    step = steps.setdefault(data["step"], {"status": "not_started", "outputs": None})
    if kind == EventType.STEP_STARTED:
        is_background = isinstance(plan.steps.get(data["step"]), BackgroundStep)
        step["status"] = "running" if is_background else "waiting"
    elif kind == EventType.STEP_COMPLETED:
        step.update(status="completed", outputs=data.get("outputs", {}))
    elif kind == EventType.STEP_SKIPPED:
        step.update(status="skipped", outputs=data.get("outputs"))
    elif kind == EventType.STEP_CANCELED:
        step["status"] = "canceled"
    elif kind == EventType.STEP_FAILED:
        step["status"] = "failed"
    elif kind == EventType.STEP_RETRIED:
        step["status"] = "running"
    elif kind == EventType.STEP_RETRY_SCHEDULED:
        step["status"] = "waiting"


def _item_event(items: dict[str, Any], kind: str, data: dict[str, Any]) -> None:
    if kind == EventType.ITEM_CREATED:
        items[data["item"]] = {"step": data["step"], "assignee": data["assignee"], "status": "open"}
    elif kind == EventType.ITEM_COMPLETED:
        items[data["item"]]["status"] = "completed"
    elif kind == EventType.ITEM_WITHDRAWN:
        items[data["item"]]["status"] = "withdrawn"
    elif kind == EventType.ITEM_REASSIGNED:
        items[data["item"]]["assignee"] = data["to"]


def _run_started(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    state["status"] = "running"
    state["variables"] = dict(data.get("variables") or {})


def _stage_entered(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    stage_id = data["stage"]
    state["stage"] = stage_id
    state["stages"][stage_id] = {"status": "running", "visits": data["visit"]}
    for step in plan.stage_steps.get(stage_id, []):
        state["steps"][step.id] = {"status": "not_started", "outputs": None}


def _stage_completed(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    state["stages"][data["stage"]]["status"] = "completed"
    state["stage"] = None


def _variables_set(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    state["variables"].update(data["values"])


def _child_started(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    state["steps"][data["step"]]["status"] = "waiting"


def _timer_fired(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    if data.get("kind") == "retry":
        state["steps"][data["step"]]["status"] = "running"


Handler = Callable[[dict[str, Any], Plan, dict[str, Any]], None]


def _status(status: str, clears_stage: bool = False, clears_error: bool = False) -> Handler:
    def handler(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
        state["status"] = status
        if clears_stage:
            state["stage"] = None
        if clears_error:
            state["error"] = None
        if "reason" in data and status in ("failed", "canceled"):
            state["error"] = data["reason"]

    return handler


def _run_canceled(state: dict[str, Any], plan: Plan, data: dict[str, Any]) -> None:
    if state["stage"]:
        state["stages"][state["stage"]]["status"] = "canceled"
    state["status"] = "canceled"
    state["error"] = data.get("reason")


_HANDLERS: dict[str, Handler] = {
    EventType.RUN_STARTED: _run_started,
    EventType.STAGE_ENTERED: _stage_entered,
    EventType.STAGE_COMPLETED: _stage_completed,
    EventType.VARIABLES_SET: _variables_set,
    EventType.CHILD_STARTED: _child_started,
    EventType.TIMER_FIRED: _timer_fired,
    EventType.RUN_COMPLETED: _status("completed", clears_stage=True),
    EventType.RUN_FAILED: _status("failed"),
    EventType.RUN_CANCELED: _run_canceled,
    EventType.RUN_PAUSED: _status("paused"),
    EventType.RUN_RESUMED: _status("waiting", clears_error=True),
    EventType.RUN_RECOVERED: _status("waiting", clears_error=True),
}
