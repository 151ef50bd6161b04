"""Decisions for what reaches a run from outside: an item completed or reassigned, an
event, a timer, a child run ending, and the operator's cancel, pause, resume, retry, skip.

Each checks the command against the run's state (refusing with a clear error, before any
event), emits the events that record it, and moves the run on. The shells
(`engine.runtime.workitems`, `timers`, `operations`, `triggers`) find the run, authorize
the actor and drive these. Pure, like every decision (see `engine.runtime.turn`).
"""

from __future__ import annotations

from typing import Any

from engine.errors import ConcurrentChange, Conflict, InvalidInput, NotFound
from engine.runtime import events as ev
from engine.runtime import itemchecks
from engine.runtime import steps as behaviours
from engine.runtime.basics import complete_step, fail_run, fail_step, plan_of
from engine.runtime.interpreter import follow, progress
from engine.runtime.state import RUN_ACTIVE, RUN_TERMINAL, STEP_FINISHED, STEP_OPEN, RunState
from engine.runtime.steps import reassign, run_action
from engine.runtime.turn import Moves, RunFailure, Turn
from engine.runtime.values import check_outputs, coerce

__all__ = [
    "cancel",
    "child_finished",
    "complete_item",
    "deliver_event",
    "edit_variables",
    "fire_timer",
    "pause",
    "reassign",
    "recheck",
    "resume",
    "retry_step",
    "skip_step",
]


# --- people and the outside world ------------------------------------------------------


def complete_item(
    turn: Turn,
    run: RunState,
    item_id: str,
    actor: str,
    outputs: dict[str, Any],
    assignee: str,
) -> Moves:
    """Complete an open item as `actor` (already authorized against `assignee`).

    Raises:
        Conflict: the item is completed or withdrawn (naming who and when).
        ConcurrentChange: it moved to another assignee since the actor was checked.
        InvalidInput: the outputs do not fit the step (nothing changes).
    """
    item = run.items.get(item_id)
    if item is None:
        # Closed after the shell read it (the state keeps open items only): redo the call,
        # which then reports who closed it and when.
        raise ConcurrentChange(f"work item {item_id} changed while completing it")
    itemchecks.refuse_closed(item_id, item["status"], item["completed_by"], item["completed_at"])
    if item["assignee"] != assignee:
        raise ConcurrentChange(f"work item {item_id} changed while completing it")
    step = plan_of(run).steps[item["step"]]
    clean = check_outputs(step, outputs)
    behaviours.of(step).on_item_completed(turn, run, step, item_id, clean, actor)
    yield from progress(turn, run)


def deliver_event(
    turn: Turn, run: RunState, step_id: str, name: str, key: Any, data: dict[str, Any]
) -> Moves:
    """A named event reached a wait step of the run; returns whether it moved the step."""
    step = plan_of(run).steps.get(step_id)
    if step is None or step_id not in run.steps:
        return False
    if not behaviours.of(step).on_event(turn, run, step, name, key, data):
        return False
    yield from progress(turn, run)
    return True


def fire_timer(turn: Turn, run: RunState, step_id: str, kind: str, item_id: str | None) -> Moves:
    """A timer of one of the run's steps fired; returns whether it changed anything."""
    step = plan_of(run).steps.get(step_id)
    if step is None or step_id not in run.steps or run.status in ("completed", "canceled"):
        return False
    fired = yield from behaviours.of(step).on_timer(turn, run, step, kind, item_id)
    if fired and kind != "due":
        yield from progress(turn, run)
    return fired


def child_finished(turn: Turn, parent: RunState, step_id: str, child: RunState) -> Moves:
    """A child run ended: its parent's step completes (or fails) and the parent moves on."""
    st = parent.steps.get(step_id)
    if st is None or st.get("child_run_id") != child.id or st["status"] != "waiting":
        return
    if child.status == "completed":
        complete_step(turn, parent, step_id, dict(child.variables))
    else:
        why = child.error or child.status
        fail_step(turn, parent, step_id, f"child run {child.id} {child.status}: {why}")
    yield from progress(turn, parent)


# --- operators -------------------------------------------------------------------------


def cancel(turn: Turn, run: RunState, reason: str) -> None:
    """Cancel a run: open steps canceled, items withdrawn, waits and timers dropped.

    The shell cancels the run's child runs (it owns other runs).
    """
    if run.status in RUN_TERMINAL and run.status != "failed":
        raise Conflict(f"run {run.id} is already {run.status}; nothing to cancel")
    plan = plan_of(run)
    for step_id, st in list(run.steps.items()):
        if st["status"] in STEP_OPEN or st["status"] == "failed":
            step = plan.steps[step_id]
            turn.emit(run, ev.StepCanceled(step=step_id, reason="run canceled"))
            behaviours.of(step).on_release(turn, run, step, f"run canceled: {reason}")
    turn.emit(run, ev.RunCanceled(reason=reason))


def pause(turn: Turn, run: RunState, reason: str = "") -> None:
    """Pause: no new step starts; work already open may still be done."""
    if run.status not in RUN_ACTIVE:
        raise Conflict(f"run {run.id} is {run.status}; only a running or waiting run can pause")
    turn.emit(run, ev.RunPaused(reason=reason or None))


def resume(turn: Turn, run: RunState, reason: str = "") -> Moves:
    """Resume a paused run, or a failed one whose failure was not a step's.

    A run that failed on an expression (a decision or condition reading a value that was
    missing, say) is resumed where it stopped, after the data was fixed. A failed step is
    retried or skipped instead.
    """
    # Steps of stages the run left along a fault route stay failed: they do not count.
    failed_steps = [
        s
        for s, st in run.steps.items()
        if st["status"] == "failed" and st["stage"] == run.current_stage
    ]
    if run.status == "failed" and failed_steps:
        raise Conflict(
            f"run {run.id} failed at step {failed_steps[0]}",
            hint=f"use `baton retry {run.id} {failed_steps[0]}` or `baton skip`",
        )
    if run.status not in ("paused", "failed"):
        raise Conflict(f"run {run.id} is {run.status}, not paused or failed")
    resume_from = run.resume_from
    turn.emit(run, ev.RunResumed(reason=reason or None))
    if resume_from:
        try:
            follow(turn, run, resume_from)
        except RunFailure as exc:
            fail_run(turn, run, str(exc), exc.resume_from)
            return
    yield from progress(turn, run)


def _step(run: RunState, step_id: str) -> Any:
    step = plan_of(run).steps.get(step_id)
    if step is None or step_id not in run.steps:
        raise NotFound(f"run {run.id} has no started stage with step {step_id!r}")
    return step


def _reopen_if_failed(turn: Turn, run: RunState) -> None:
    if run.status == "failed" and not any(
        st["status"] == "failed" and st["stage"] == run.current_stage for st in run.steps.values()
    ):
        turn.emit(run, ev.RunRecovered())


def retry_step(turn: Turn, run: RunState, step_id: str, reason: str = "") -> Moves:
    """Run a failed background step again (a fresh set of attempts)."""
    step = _step(run, step_id)
    status = run.steps[step_id]["status"]
    if status != "failed":
        raise Conflict(
            f"step {step_id} of run {run.id} is {status}; only a failed step can be retried"
        )
    if step.type != "background":
        raise Conflict(f"step {step_id} is not a background step")
    if run.steps[step_id]["stage"] != run.current_stage:
        raise Conflict(
            f"step {step_id} of run {run.id} failed in stage {run.steps[step_id]['stage']}, "
            "which the run left along its fault route; there is nothing to retry"
        )
    turn.emit(run, ev.StepRetried(step=step_id, reason=reason or None))
    _reopen_if_failed(turn, run)
    if run.status not in RUN_ACTIVE:
        return
    yield from run_action(turn, run, step, 1)
    yield from progress(turn, run)


def skip_step(
    turn: Turn,
    run: RunState,
    step_id: str,
    outputs: dict[str, Any] | None = None,
    reason: str = "",
) -> Moves:
    """Mark a step skipped (with outputs for later expressions) and move on.

    Outputs given for an interactive step are checked like a completion's (declared,
    type, choices; none is demanded); other steps declare no outputs, so theirs are kept
    as given.

    Raises:
        InvalidInput: an output that is not declared or not of its type; nothing changed.
    """
    step = _step(run, step_id)
    if outputs and step.type == "interactive":
        outputs = check_outputs(
            step, outputs, require=False, hint="nothing was changed; skip it with valid outputs"
        )
    status = run.steps[step_id]["status"]
    if status in STEP_FINISHED:
        raise Conflict(f"step {step_id} of run {run.id} is already {status}")
    if run.status in ("completed", "canceled"):
        raise Conflict(f"run {run.id} is {run.status}")
    if status == "failed" and run.steps[step_id]["stage"] != run.current_stage:
        raise Conflict(
            f"step {step_id} of run {run.id} failed in stage {run.steps[step_id]['stage']}, "
            "which the run left along its fault route; there is nothing to skip"
        )
    turn.emit(
        run,
        ev.StepSkipped(
            step=step_id, reason=reason or "skipped by operator", outputs=dict(outputs or {})
        ),
    )
    if status in STEP_OPEN:
        behaviours.of(step).on_release(turn, run, step, "step skipped by operator")
    _reopen_if_failed(turn, run)
    yield from progress(turn, run)


def edit_variables(turn: Turn, run: RunState, values: dict[str, Any], reason: str) -> Moves:
    """Change declared run variables by hand (logged with the old values and why), then
    re-check the run: an exit condition reading them may hold now.

    A failed or paused run may be edited too (fix the data, then retry or resume it).

    Raises:
        InvalidInput: a name that is not a declared variable, or a value not of its type;
            one message names each, and nothing changes.
        Conflict: the run is completed or canceled.
    """
    if run.status in ("completed", "canceled"):
        raise Conflict(f"run {run.id} is {run.status}; its variables can no longer change")
    if not values:
        raise InvalidInput("no variables given", hint="give at least one NAME=VALUE")
    if not reason.strip():
        raise InvalidInput(
            "editing variables needs a reason", field="reason", hint="say why (it is logged)"
        )
    declared = {v.name: v for v in plan_of(run).definition.variables}
    problems: list[str] = []
    clean: dict[str, Any] = {}
    for name, value in values.items():
        var = declared.get(name)
        if var is None:
            names = ", ".join(declared) or "none"
            problems.append(f"{name}: not a variable of this orchestration (variables: {names})")
            continue
        try:
            clean[name] = coerce(value, var.type)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise InvalidInput(
            "variables refused: " + "; ".join(problems),
            hint="nothing was changed; give declared names with values of their types",
        )
    previous = {name: run.variables.get(name) for name in clean}
    turn.emit(run, ev.VariablesEdited(values=clean, previous=previous, reason=reason))
    yield from progress(turn, run)


def recheck(turn: Turn, run: RunState) -> Moves:
    """Evaluate the run's conditions again (its stage's exit condition reads data that may
    have changed outside it, such as its record); returns whether the run moved."""
    if run.status not in RUN_ACTIVE:
        return False
    seq = run.seq
    yield from progress(turn, run)
    return run.seq != seq
