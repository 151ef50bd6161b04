"""Operator actions on runs: pause, resume, cancel, retry or skip a step, edit variables,
re-check conditions.

Each is one engine call, logged with who did it and why. The decisions are
`engine.runtime.commands`; this shell drives them and cancels child runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.runtime import commands
from engine.runtime.state import RUN_ACTIVE, RUN_TERMINAL
from engine.store.schema import runs

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


def cancel_run(unit: Unit, run: RunState, reason: str) -> None:
    """Cancel a run: open steps canceled, items withdrawn, waits dropped, children canceled."""
    commands.cancel(unit, run, reason)
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


def pause_run(unit: Unit, run: RunState, reason: str = "") -> None:
    """Pause: no new step starts; work already open may still be done."""
    commands.pause(unit, run, reason)


def resume_run(unit: Unit, run: RunState, reason: str = "") -> None:
    """Resume a paused run, or a failed one whose failure was not a step's."""
    unit.drive(run, commands.resume(unit, run, reason))


def retry_step(unit: Unit, run: RunState, step_id: str, reason: str = "") -> None:
    """Run a failed background step again (a fresh set of attempts)."""
    unit.drive(run, commands.retry_step(unit, run, step_id, reason))


def skip_step(
    unit: Unit,
    run: RunState,
    step_id: str,
    outputs: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Mark a step skipped (with outputs for later expressions) and move on."""
    unit.drive(run, commands.skip_step(unit, run, step_id, outputs, reason))


def edit_variables(unit: Unit, run: RunState, values: dict[str, Any], reason: str) -> None:
    """Change declared variables (type-checked, logged with old values) and move on."""
    unit.drive(run, commands.edit_variables(unit, run, values, reason))


def recheck(unit: Unit, run: RunState) -> bool:
    """Evaluate the run's conditions again; returns whether it moved."""
    return bool(unit.drive(run, commands.recheck(unit, run)))
