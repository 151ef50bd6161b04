"""`apply(state, event)`: the only place a run's state changes (DESIGN rule 5).

The live engine applies each event as its decisions emit it; `fold` applies a stored log
from the start; both are this code, so live state and history cannot disagree. `apply`
mutates the state it is given (a copy per event would cost more than the engine's own
logic) and returns it. Besides the change itself it notes which stage, step, item, timer
and wait changed, so a shell writes back only those rows.

Invariants kept here: a step that ends (completed, skipped, canceled, failed) holds no
timers or waits; a completed, withdrawn or overdue item holds no due timer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.runtime import events as ev
from engine.runtime.events import Event, EventType
from engine.runtime.state import RunState, timer_key

if TYPE_CHECKING:
    # Annotations only: callers build the plan (and the definition models it wraps).
    from engine.runtime.plan import Plan

Handler = Callable[[RunState, Event, Any], None]


def apply(state: RunState, event: Event) -> RunState:
    """Fold one event into a run's state (in place) and return the state."""
    data = event.data
    _BY_CLASS[type(data)](state, event, data)
    state.seq = event.seq
    return state


def fold(
    plan: Plan,
    run_id: str,
    log: Iterable[Mapping[str, Any]],
    plans: Callable[[int], Plan] | None = None,
) -> RunState:
    """A run's state from its stored events (`Engine.log`'s shape), in order.

    Events of types this version does not know are passed over.

    Args:
        plans: other versions of the same orchestration by number (default: the plan's
            own `versions`); with it the fold follows the run across versions (it started
            on one, `run_migrated` moved it to another). Without either, every event is
            read against `plan`.
    """
    state = RunState(
        id=run_id,
        definition_id=plan.id,
        definition_version=plan.version,
        status="not_started",
        started_at="",
        plan=plan,
    )
    resolve = plans or plan.versions
    for entry in log:
        event = Event.from_log(entry)
        if event is not None:
            apply(state, event)
            if resolve is not None and state.definition_version != state.plan.version:  # type: ignore[union-attr]
                state.plan = resolve(state.definition_version)
    return state


# --- bookkeeping -----------------------------------------------------------------------


def _step(state: RunState, step_id: str) -> dict[str, Any]:
    if step_id not in state.new_steps:
        state.dirty_steps[step_id] = None
    return state.steps[step_id]


def _stage(state: RunState, stage_id: str) -> dict[str, Any]:
    if stage_id not in state.new_stages:
        state.dirty_stages[stage_id] = None
    return state.stages[stage_id]


def _item(state: RunState, item_id: str) -> dict[str, Any]:
    item = state.items[item_id]
    if item_id not in state.new_items and item_id not in state.dirty_items:
        state.dirty_items[item_id] = (item["status"], item["assignee"])
    return item


def _set_timer(state: RunState, step_id: str, kind: str, due_at: str, item: str | None) -> None:
    key = timer_key(kind, step_id)
    state.timers[key] = {"step": step_id, "kind": kind, "due_at": due_at, "item": item}
    state.dirty_timers[key] = (step_id, kind)


def _drop_timer(state: RunState, step_id: str, kind: str) -> None:
    key = timer_key(kind, step_id)
    if state.timers.pop(key, None) is not None:
        state.dirty_timers[key] = (step_id, kind)


def _drop_step_holds(state: RunState, step_id: str) -> None:
    # A step that ended waits for nothing any more.
    if state.timers:
        for kind in ("retry", "timeout", "due"):
            _drop_timer(state, step_id, kind)
    if state.waits and state.waits.pop(step_id, None) is not None:
        state.dirty_waits[step_id] = None


def _ended(state: RunState, step_id: str) -> dict[str, Any]:
    _drop_step_holds(state, step_id)
    return _step(state, step_id)


# --- the run ---------------------------------------------------------------------------


def _run_started(state: RunState, event: Event, data: ev.RunStarted) -> None:
    if data.version is not None:
        state.definition_version = data.version
    state.status = "waiting"
    state.started_at = event.time
    state.variables = dict(data.variables or {})
    state.chain = list(data.chain or [])
    if data.record:
        state.record_object, state.record_id = data.record
    if data.parent:
        state.parent_run_id, state.parent_step_id = data.parent


def _run_completed(state: RunState, event: Event, data: ev.RunCompleted) -> None:
    state.status = "completed"
    state.outcome = data.outcome or "completed"
    state.ended_at = event.time
    state.current_stage = None
    state.resume_from = None


def _run_failed(state: RunState, event: Event, data: ev.RunFailed) -> None:
    state.status = "failed"
    state.error = data.reason
    state.resume_from = data.resume_from


def _run_canceled(state: RunState, event: Event, data: ev.RunCanceled) -> None:
    if state.current_stage:
        stage = _stage(state, state.current_stage)
        stage["status"] = "canceled"
        stage["exited_at"] = event.time
    state.status = "canceled"
    state.ended_at = event.time
    state.error = data.reason


def _run_paused(state: RunState, event: Event, data: ev.RunPaused) -> None:
    state.status = "paused"


def _run_reopened(state: RunState, event: Event, data: Any) -> None:
    state.status = "waiting"
    state.error = None


def _run_migrated(state: RunState, event: Event, data: ev.RunMigrated) -> None:
    # Open work of dropped steps was canceled by the events before this one; here the
    # records are renamed, dropped and added as the payload says (the shell then reads
    # the run against the new version's plan).
    state.definition_version = data.to_version
    stages, renamed = data.stages or {}, data.steps or {}
    moved = {sid: st for sid, st in state.stages.items() if sid in stages}
    for sid in moved:
        _forget(state.stages, sid, state.new_stages, state.dirty_stages, state.removed_stages)
    for sid, st in moved.items():
        state.stages[stages[sid]] = st
        state.new_stages[stages[sid]] = None
    for sid in data.dropped or ():
        if sid in state.steps:
            _drop_step_holds(state, sid)
            _forget(state.steps, sid, state.new_steps, state.dirty_steps, state.removed_steps)
    rewritten = {
        sid: st for sid, st in state.steps.items() if sid in renamed or st["stage"] in stages
    }
    for sid in rewritten:
        _forget(state.steps, sid, state.new_steps, state.dirty_steps, state.removed_steps)
    for sid, st in rewritten.items():
        st["stage"] = stages.get(st["stage"], st["stage"])
        state.steps[renamed.get(sid, sid)] = st
        state.new_steps[renamed.get(sid, sid)] = None
    for sid, stage_id in (data.added or {}).items():
        state.steps[sid] = {"status": "not_started", "stage": stage_id, "attempts": 0}
        state.new_steps[sid] = None
    # Only open items follow a renamed step: closed ones are history, as their rows are.
    for item_id, item in state.items.items():
        if item["status"] == "open" and item["step"] in renamed:
            _item(state, item_id)["step"] = renamed[item["step"]]
            state.moved_items[item_id] = None
    for timer in list(state.timers.values()):
        if timer["step"] in renamed:
            _drop_timer(state, timer["step"], timer["kind"])
            _set_timer(state, renamed[timer["step"]], timer["kind"], timer["due_at"], timer["item"])
    for sid in [s for s in state.waits if s in renamed]:
        state.waits[renamed[sid]] = state.waits.pop(sid)
        state.dirty_waits[sid] = None
        state.dirty_waits[renamed[sid]] = None
    for name, value in (data.variables or {}).items():
        state.variables.setdefault(name, value)
    if state.current_stage is not None:
        state.current_stage = stages.get(state.current_stage, state.current_stage)
    if state.resume_from is not None:
        state.resume_from = stages.get(state.resume_from, state.resume_from)


def _forget(
    records: dict[str, Any],
    key: str,
    new: dict[str, None],
    dirty: dict[str, None],
    removed: dict[str, None],
) -> None:
    # A record created in this call has no row yet; any other one's row is deleted.
    del records[key]
    dirty.pop(key, None)
    if new.pop(key, "stored") == "stored":
        removed[key] = None


# --- stages and decisions --------------------------------------------------------------


def _stage_entered(state: RunState, event: Event, data: ev.StageEntered) -> None:
    stage_id = data.stage
    if stage_id in state.stages:
        _stage(state, stage_id).update(
            status="running", visits=data.visit, entered_at=event.time, exited_at=None
        )
    else:
        state.stages[stage_id] = {
            "status": "running",
            "visits": data.visit,
            "entered_at": event.time,
        }
        state.new_stages[stage_id] = None
    state.current_stage = stage_id
    state.resume_from = None
    steps = state.steps
    for step in state.plan.stage_steps[stage_id]:  # type: ignore[union-attr]
        sid = step.id
        if sid not in steps:
            state.new_steps[sid] = None
        elif sid not in state.new_steps:
            state.dirty_steps[sid] = None
        steps[sid] = {"status": "not_started", "stage": stage_id, "attempts": 0}


def _stage_completed(state: RunState, event: Event, data: ev.StageCompleted) -> None:
    stage = _stage(state, data.stage)
    stage["status"] = "completed"
    stage["exited_at"] = event.time
    state.current_stage = None


def _stage_faulted(state: RunState, event: Event, data: ev.StageFaulted) -> None:
    state.fault = {
        "stage": data.stage,
        "step": data.step,
        "error": data.error,
        "attempts": data.attempts,
    }
    # A step's failure ends the current stage; a max_visits fault never entered it.
    if state.current_stage == data.stage:
        stage = _stage(state, data.stage)
        stage["status"] = "failed"
        stage["exited_at"] = event.time
        state.current_stage = None


def _nothing(state: RunState, event: Event, data: Any) -> None:
    return None


# --- steps -----------------------------------------------------------------------------


def _step_started(state: RunState, event: Event, data: ev.StepStarted) -> None:
    step_id = data.step
    st = _step(state, step_id)
    st["started_at"] = event.time
    kind = state.plan.steps[step_id].type  # type: ignore[union-attr]
    if kind == "background":
        st["status"] = "running"
        st["attempts"] = 1
        return
    st["status"] = "waiting"
    if kind == "wait":
        event_name = state.plan.steps[step_id].event  # type: ignore[union-attr]
        if event_name:
            key = data.key
            state.waits[step_id] = {"event": event_name, "key": None if key is None else str(key)}
            state.dirty_waits[step_id] = None
        if data.timeout_at:
            _set_timer(state, step_id, "timeout", data.timeout_at, None)


def _step_completed(state: RunState, event: Event, data: ev.StepCompleted) -> None:
    st = _ended(state, data.step)
    st["status"] = "completed"
    st["outputs"] = data.outputs
    st["ended_at"] = event.time
    st["error"] = None
    if data.attempt is not None:
        st["attempts"] = data.attempt


def _step_skipped(state: RunState, event: Event, data: ev.StepSkipped) -> None:
    st = _ended(state, data.step)
    st.update(status="skipped", outputs=data.outputs, ended_at=event.time, error=None)


def _step_canceled(state: RunState, event: Event, data: ev.StepCanceled) -> None:
    st = _ended(state, data.step)
    st["status"] = "canceled"
    st["ended_at"] = event.time


def _step_failed(state: RunState, event: Event, data: ev.StepFailed) -> None:
    st = _ended(state, data.step)
    st.update(status="failed", error=data.error, ended_at=event.time)
    if data.attempt is not None:
        st["attempts"] = data.attempt


def _step_attempt_failed(state: RunState, event: Event, data: ev.StepAttemptFailed) -> None:
    _step(state, data.step)["attempts"] = data.attempt


def _step_retry_scheduled(state: RunState, event: Event, data: ev.StepRetryScheduled) -> None:
    _step(state, data.step)["status"] = "waiting"
    _set_timer(state, data.step, "retry", data.at, None)


def _step_retried(state: RunState, event: Event, data: ev.StepRetried) -> None:
    _step(state, data.step).update(status="running", attempts=0, error=None)


def _child_started(state: RunState, event: Event, data: ev.ChildStarted) -> None:
    st = _step(state, data.step)
    st["status"] = "waiting"
    st["child_run_id"] = data.child
    if data.attempt is not None:
        st["attempts"] = data.attempt


def _variables_set(state: RunState, event: Event, data: ev.VariablesSet) -> None:
    state.variables.update(data.values)


def _variables_edited(state: RunState, event: Event, data: ev.VariablesEdited) -> None:
    state.variables.update(data.values)


def _timer_fired(state: RunState, event: Event, data: ev.TimerFired) -> None:
    _drop_timer(state, data.step, data.kind)
    if data.kind == "retry":
        st = _step(state, data.step)
        st["status"] = "running"
        st["attempts"] = st.get("attempts", 0) + 1
    elif data.kind == "timeout" and state.waits.pop(data.step, None) is not None:
        state.dirty_waits[data.step] = None


def _event_received(state: RunState, event: Event, data: ev.EventReceived) -> None:
    _drop_step_holds(state, data.step)


# --- work items ------------------------------------------------------------------------


def _item_created(state: RunState, event: Event, data: ev.ItemCreated) -> None:
    state.items[data.item] = {
        "step": data.step,
        "assignee": data.assignee,
        "status": "open",
        "created_at": event.time,
        "due_at": data.due_at,
        "overdue": False,
        "completed_by": None,
        "completed_at": None,
        "outputs": None,
    }
    state.new_items[data.item] = None
    if data.due_at:
        _set_timer(state, data.step, "due", data.due_at, data.item)


def _item_completed(state: RunState, event: Event, data: ev.ItemCompleted) -> None:
    item = _item(state, data.item)
    item.update(
        status="completed", completed_by=event.actor, completed_at=event.time, outputs=data.outputs
    )
    _drop_timer(state, data.step, "due")


def _item_withdrawn(state: RunState, event: Event, data: ev.ItemWithdrawn) -> None:
    item = _item(state, data.item)
    item.update(status="withdrawn", completed_at=event.time)
    _drop_timer(state, data.step, "due")


def _item_reassigned(state: RunState, event: Event, data: ev.ItemReassigned) -> None:
    _item(state, data.item)["assignee"] = data.to


def _item_overdue(state: RunState, event: Event, data: ev.ItemOverdue) -> None:
    _item(state, data.item)["overdue"] = True
    _drop_timer(state, data.step, "due")


_HANDLERS: dict[EventType, Handler] = {
    EventType.RUN_STARTED: _run_started,
    EventType.RUN_COMPLETED: _run_completed,
    EventType.RUN_FAILED: _run_failed,
    EventType.RUN_CANCELED: _run_canceled,
    EventType.RUN_PAUSED: _run_paused,
    EventType.RUN_RESUMED: _run_reopened,
    EventType.RUN_RECOVERED: _run_reopened,
    EventType.RUN_MIGRATED: _run_migrated,
    EventType.STAGE_ENTERED: _stage_entered,
    EventType.STAGE_COMPLETED: _stage_completed,
    EventType.STAGE_FAULTED: _stage_faulted,
    EventType.DECISION_TAKEN: _nothing,
    EventType.STEP_STARTED: _step_started,
    EventType.STEP_COMPLETED: _step_completed,
    EventType.STEP_SKIPPED: _step_skipped,
    EventType.STEP_CANCELED: _step_canceled,
    EventType.STEP_FAILED: _step_failed,
    EventType.STEP_ATTEMPT_FAILED: _step_attempt_failed,
    EventType.STEP_RETRY_SCHEDULED: _step_retry_scheduled,
    EventType.STEP_RETRIED: _step_retried,
    EventType.CHILD_STARTED: _child_started,
    EventType.VARIABLES_SET: _variables_set,
    EventType.ITEM_CREATED: _item_created,
    EventType.ITEM_COMPLETED: _item_completed,
    EventType.ITEM_WITHDRAWN: _item_withdrawn,
    EventType.ITEM_REASSIGNED: _item_reassigned,
    EventType.ITEM_OVERDUE: _item_overdue,
    EventType.EVENT_RECEIVED: _event_received,
    EventType.TIMER_FIRED: _timer_fired,
    EventType.LOG: _nothing,
    EventType.VARIABLES_EDITED: _variables_edited,
}
# Looked up by payload class: an enum member hashes in Python, a class in C (per event).
_BY_CLASS: dict[type, Handler] = {ev.PAYLOADS[kind]: handler for kind, handler in _HANDLERS.items()}
