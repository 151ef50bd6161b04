"""Re-checking runs when data outside them changes (a record update).

A stage's exit condition is evaluated as the run moves; a condition that reads `record`
may come to hold because someone updated the record, while the run itself sits waiting
on a person or an event. Updating a record therefore re-checks, in the same transaction,
every active run that record started whose current stage's exit condition reads it.
`Engine.nudge` (`baton nudge RUN`) does the same for one run by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.runtime import commands
from engine.runtime.plan import reads_record
from engine.runtime.state import RUN_ACTIVE
from engine.store.schema import runs

if TYPE_CHECKING:
    from engine.runtime.plan import Plan
    from engine.runtime.unit import Unit


def queue_record_runs(unit: Unit, object_name: str, record_id: str) -> None:
    """Queue a re-check of the active runs of a record whose exit condition reads it."""
    rows = unit.conn.execute(
        select(
            runs.c.id, runs.c.definition_id, runs.c.definition_version, runs.c.current_stage
        ).where(
            runs.c.record_object == object_name,
            runs.c.record_id == record_id,
            runs.c.status.in_(RUN_ACTIVE),
        )
    ).all()
    for row in rows:
        if not row.current_stage:
            continue
        plan = unit.engine.plan(row.definition_id, row.definition_version, unit.conn)
        if exit_reads_record(plan, row.current_stage):
            unit.queue.append(lambda run_id=row.id: _recheck(unit, run_id))


def exit_reads_record(plan: Plan, stage_id: str) -> bool:
    """Whether the exit condition of a stage reads `record` (a run there is re-checked
    when its record changes)."""
    condition = getattr(plan.nodes.get(stage_id), "exit_condition", None)
    return bool(condition) and reads_record(condition)


def _recheck(unit: Unit, run_id: str) -> None:
    run = unit.run(run_id)
    unit.drive(run, commands.recheck(unit, run))
