"""Which decision of the run core (`engine.runtime.commands`, `engine.migration.decide`) a
command reaching a `BatonRun` makes, with the local engine's rules for matching events and
re-checking a record's runs; and how a refusal travels back to the client.

Pure: everything here reads and changes only the `RunState` it is given, so a workflow's
validator can try a command on a copy of the state before it enters the history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from engine.errors import BatonError, Conflict
    from engine.migration.decide import Assessment, assess
    from engine.runtime import commands
    from engine.runtime.plan import Plan, reads_record
    from engine.runtime.state import RunState
    from engine.temporal import shapes

Decision = Callable[[Any, RunState], Any]
"""A decision of the core: `(turn, run)` to a result, or a generator asking for actions."""


def refusal(exc: BatonError) -> ApplicationError:
    """A BatonError as a Temporal failure the client turns back into the same error."""
    return ApplicationError(exc.message, exc.hint, type=type(exc).__name__, non_retryable=True)


def record_for(cmd: shapes.Command, record: dict[str, Any] | None) -> dict[str, Any] | None:
    """The record as a command sees it: the new fields for `record_changed`, else the
    run's copy `record`."""
    if cmd.kind == "record_changed":
        return dict(cmd.args.get("fields") or {})
    return record


def decision(cmd: shapes.Command) -> Decision:
    """The core's decision for one command (see `shapes.Command` for the kinds)."""
    a = cmd.args
    kind = cmd.kind
    if kind == "complete_item":
        return lambda t, r: commands.complete_item(
            t, r, a["item"], cmd.actor or "", a.get("outputs") or {}, a["assignee"]
        )
    if kind == "reassign":
        return lambda t, r: commands.reassign(
            t, r, a["item"], a["to"], a.get("reason") or "", cmd.actor
        )
    if kind == "event":
        return lambda t, r: deliver(t, r, a["name"], a.get("key"), a.get("data") or {})
    if kind == "cancel":
        return lambda t, r: commands.cancel(t, r, a.get("reason") or "canceled by operator")
    if kind == "pause":
        return lambda t, r: commands.pause(t, r, a.get("reason") or "")
    if kind == "resume":
        return lambda t, r: commands.resume(t, r, a.get("reason") or "")
    if kind == "retry":
        return lambda t, r: commands.retry_step(t, r, a["step"], a.get("reason") or "")
    if kind == "skip":
        return lambda t, r: commands.skip_step(
            t, r, a["step"], a.get("outputs"), a.get("reason") or ""
        )
    if kind == "record_changed":
        return recheck_record
    if kind == "edit_variables":
        return lambda t, r: edit_variables(t, r, a.get("values") or {}, a["reason"])
    if kind == "nudge":
        return commands.recheck
    raise ApplicationError(f"unknown command {kind!r}", type="InvalidInput")


def recheck_record(turn: Any, run: RunState) -> Any:
    """Evaluate the current stage's exit condition again after the run's record changed."""
    # As the local engine (`recheck.queue_record_runs`): only a run whose current
    # stage's exit condition reads the record is evaluated again.
    stage = run.plan.nodes.get(run.current_stage or "") if run.plan else None
    condition = getattr(stage, "exit_condition", None)
    if not condition or not reads_record(condition):
        return False
    return (yield from commands.recheck(turn, run))


def edit_variables(turn: Any, run: RunState, values: dict[str, Any], reason: str) -> Any:
    """Edit the run's variables; the result is the run's variables after the edit, as the
    local engine's call returns them."""
    yield from commands.edit_variables(turn, run, values, reason)
    return dict(run.variables)


def deliver(turn: Any, run: RunState, name: str, key: Any, data: dict[str, Any]) -> Any:
    """Deliver an event to every wait of the run it reaches; the result says whether any."""

    # The local engine's matching: a keyed event reaches waits on that key or on any
    # key; an event without a key reaches only waits without one.
    def matches(wait: dict[str, Any]) -> bool:
        if wait.get("event") != name:
            return False
        return wait["key"] is None or (key is not None and wait["key"] == str(key))

    delivered = False
    for step_id in sorted(s for s, w in run.waits.items() if matches(w)):
        moved = yield from commands.deliver_event(turn, run, step_id, name, key, data)
        delivered = delivered or bool(moved)
    return delivered


def assess_move(run: RunState, move: shapes.Migration, target: Plan) -> Assessment:
    """Whether and how `move` can take the run to `target` (migration's pure assessment);
    a run no longer on the version the plan was made for is a conflict."""
    if run.definition_version != move.from_version:
        raise Conflict(f"run {run.id} is on version {run.definition_version} now")
    return assess(run, run.plan, target, move.mapping)  # type: ignore[arg-type]


def check_move(run: RunState, move: shapes.Migration, target: Plan) -> None:
    """Refuse a move that cannot happen (the plan's first reason, in the local engine's
    words)."""
    found = assess_move(run, move, target)
    if not found.possible:
        raise Conflict(f"run {run.id} cannot move to version {move.to_version}: {found.reasons[0]}")
