"""Operator actions on runs: pause, resume, cancel, retry a step, skip a step.

Each is one engine call, logged with who did it and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.definition import BackgroundStep, InteractiveStep
from engine.errors import Conflict, NotFound
from engine.runtime import interpreter
from engine.runtime.state import RUN_ACTIVE, RUN_TERMINAL, STEP_FINISHED, STEP_OPEN
from engine.runtime.values import check_outputs
from engine.store.schema import runs

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


def cancel_run(unit: Unit, run: RunState, reason: str) -> None:
    """Cancel a run: open steps canceled, items withdrawn, waits dropped, children canceled."""
    if run.status in RUN_TERMINAL and run.status != "failed":
        raise Conflict(f"run {run.id} is already {run.status}; nothing to cancel")
    plan = unit.plan(run)
    for step_id, st in run.steps.items():
        if st["status"] in STEP_OPEN or st["status"] == "failed":
            step = plan.steps[step_id]
            run.touch_step(step_id).update(status="canceled", ended_at=unit.now)
            unit.emit(run, "step_canceled", {"step": step_id, "reason": "run canceled"})
            interpreter.release_step(unit, run, step, f"run canceled: {reason}")
    if run.current_stage:
        run.touch_stage(run.current_stage).update(status="canceled", exited_at=unit.now)
    run.status = "canceled"
    run.ended_at = unit.now
    run.error = reason
    unit.emit(run, "run_canceled", {"reason": reason})
    for child_id in unit.conn.execute(
        select(runs.c.id).where(
            runs.c.parent_run_id == run.id, runs.c.status.in_(RUN_ACTIVE | {"paused"})
        )
    ).scalars():
        child = unit.run(child_id)
        if child.status in RUN_TERMINAL:  # already canceled with its parent step
            continue
        child.notify_parent = False
        cancel_run(unit, child, f"parent run {run.id} canceled")
    if run.parent_run_id and run.notify_parent:
        from engine.runtime import triggers

        unit.queue.append(lambda: triggers.child_finished(unit, run))


def pause_run(unit: Unit, run: RunState, reason: str = "") -> None:
    """Pause: no new step starts; work already open may still be done."""
    if run.status not in RUN_ACTIVE:
        raise Conflict(f"run {run.id} is {run.status}; only a running or waiting run can pause")
    run.status = "paused"
    unit.emit(run, "run_paused", {"reason": reason} if reason else {})


def resume_run(unit: Unit, run: RunState, reason: str = "") -> None:
    """Resume a paused run, or a failed one whose failure was not a step's.

    A run that failed on an expression (a decision or condition reading a value that was
    missing, say) is resumed where it stopped, after the data was fixed. A failed step is
    retried or skipped instead.
    """
    failed_steps = [s for s, st in run.steps.items() if st["status"] == "failed"]
    if run.status == "failed" and failed_steps:
        raise Conflict(
            f"run {run.id} failed at step {failed_steps[0]}",
            hint=f"use `baton retry {run.id} {failed_steps[0]}` or `baton skip`",
        )
    if run.status not in ("paused", "failed"):
        raise Conflict(f"run {run.id} is {run.status}, not paused or failed")
    run.status = "running"
    run.error = None
    unit.emit(run, "run_resumed", {"reason": reason} if reason else {})
    if run.resume_from:
        plan = unit.plan(run)
        try:
            interpreter.follow(unit, run, plan, run.resume_from)
        except interpreter.RunFailure as exc:
            interpreter.fail_run(unit, run, str(exc))
            return
    interpreter.progress(unit, run)


def _step(unit: Unit, run: RunState, step_id: str) -> Any:
    step = unit.plan(run).steps.get(step_id)
    if step is None or step_id not in run.steps:
        raise NotFound(f"run {run.id} has no started stage with step {step_id!r}")
    return step


def _reopen_if_failed(unit: Unit, run: RunState) -> None:
    if run.status == "failed" and not any(st["status"] == "failed" for st in run.steps.values()):
        run.status = "waiting"
        run.error = None
        unit.emit(run, "run_recovered", {})


def retry_step(unit: Unit, run: RunState, step_id: str, reason: str = "") -> None:
    """Run a failed background step again (a fresh set of attempts)."""
    step = _step(unit, run, step_id)
    st = run.steps[step_id]
    if st["status"] != "failed":
        raise Conflict(
            f"step {step_id} of run {run.id} is {st['status']}; only a failed step can be retried"
        )
    if not isinstance(step, BackgroundStep):
        raise Conflict(f"step {step_id} is not a background step")
    run.touch_step(step_id).update(status="running", attempts=0, error=None)
    unit.emit(run, "step_retried", {"step": step_id, **({"reason": reason} if reason else {})})
    _reopen_if_failed(unit, run)
    if run.status not in RUN_ACTIVE:
        return
    run.status = "running"
    try:
        interpreter.run_action(unit, run, unit.plan(run), step)
    except interpreter.RunFailure as exc:
        interpreter.fail_run(unit, run, str(exc))
        return
    interpreter.progress(unit, run)


def skip_step(
    unit: Unit,
    run: RunState,
    step_id: str,
    outputs: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Mark a step skipped (with outputs for later expressions) and move on.

    Outputs given for an interactive step are checked like a completion's (declared,
    type, choices; none is demanded); other steps declare no outputs, so theirs are kept
    as given.

    Raises:
        InvalidInput: an output that is not declared or not of its type; nothing changed.
    """
    step = _step(unit, run, step_id)
    if outputs and isinstance(step, InteractiveStep):
        outputs = check_outputs(
            step, outputs, require=False, hint="nothing was changed; skip it with valid outputs"
        )
    st = run.steps[step_id]
    if st["status"] in STEP_FINISHED:
        raise Conflict(f"step {step_id} of run {run.id} is already {st['status']}")
    if run.status in ("completed", "canceled"):
        raise Conflict(f"run {run.id} is {run.status}")
    was_open = st["status"] in STEP_OPEN
    run.touch_step(step_id).update(
        status="skipped", outputs=dict(outputs or {}), ended_at=unit.now, error=None
    )
    unit.emit(
        run,
        "step_skipped",
        {"step": step_id, "reason": reason or "skipped by operator", "outputs": outputs or {}},
    )
    if was_open:
        interpreter.release_step(unit, run, step, "step skipped by operator")
    _reopen_if_failed(unit, run)
    interpreter.progress(unit, run)
