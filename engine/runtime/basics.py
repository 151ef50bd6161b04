"""The small decisions every other one uses: reading expressions in a run, ending a step,
failing a run. Pure, like every decision (see `engine.runtime.turn`).
"""

from __future__ import annotations

from typing import Any

from engine.errors import ExpressionError
from engine.expressions import Namespace, evaluate
from engine.runtime import events as ev
from engine.runtime.plan import Plan, reads
from engine.runtime.state import RunState
from engine.runtime.turn import RunFailure, Turn


def names_for(turn: Turn, run: RunState, text: str) -> dict[str, Any]:
    """The names an expression reads, from this run: `run`, `record`, a step's outputs
    (`step.field`), else a variable (in that order when names collide).

    Only the names the expression reads are looked up, so a run with many steps does not
    build a namespace per step for every expression.
    """
    names: dict[str, Any] = {}
    steps, variables = run.steps, run.variables
    for name in reads(text):
        if name == "run":
            names[name] = Namespace({"id": run.id, "started_at": run.started_at})
        elif name == "record":
            names[name] = Namespace(turn.record(run.record_object, run.record_id) or {})
        elif name in steps:
            names[name] = Namespace(steps[name].get("outputs") or {})
        elif name in variables:
            names[name] = variables[name]
        elif name == "fault":
            # After steps and variables: a definition that named one `fault` keeps it.
            names[name] = Namespace(run.fault or {})
    return names


def evaluate_in(turn: Turn, run: RunState, text: str, element: str) -> Any:
    """Evaluate an expression for a run; an error fails the run naming the element."""
    try:
        return evaluate(text, names_for(turn, run, text))
    except ExpressionError as exc:
        raise RunFailure(f"[{element}] {exc.message}") from None


def plan_of(run: RunState) -> Plan:
    """The definition version a run executes (set by the shell that loaded it)."""
    assert run.plan is not None, "a run's plan is set when it is loaded"
    return run.plan


# --- endings ---------------------------------------------------------------------------


def complete_step(
    turn: Turn,
    run: RunState,
    step_id: str,
    outputs: dict[str, Any],
    actor: str | None = None,
    attempt: int | None = None,
) -> None:
    """Mark a step completed with its outputs (the caller then calls `progress`)."""
    turn.emit(run, ev.StepCompleted(step=step_id, outputs=outputs, attempt=attempt), actor)


def fail_step(
    turn: Turn, run: RunState, step_id: str, error: str, attempt: int | None = None
) -> None:
    """A step failed for good. Without a fault route on its stage the run fails with the
    error (an operator may retry/skip); with one, the run stays active and the caller's
    `progress` leaves the stage along the route (`interpreter.take_fault_route`)."""
    turn.emit(run, ev.StepFailed(step=step_id, error=error, attempt=attempt))
    plan = plan_of(run)
    if plan.step_stage.get(step_id) not in plan.fault_flows:
        fail_run(turn, run, f"[{step_id}] {error}")


def fail_run(turn: Turn, run: RunState, reason: str, resume_from: str | None = None) -> None:
    """The run cannot go on: record why; an operator may retry, skip or cancel."""
    turn.emit(run, ev.RunFailed(reason=reason, resume_from=resume_from))
