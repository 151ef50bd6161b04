"""Timers and event subscriptions that a waiting step leaves behind, and their clean-up."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from engine.runtime import events as ev
from engine.store import format_time
from engine.store.prepared import Prepared
from engine.store.schema import timers, waits, work_items

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


_INSERT_ITEM = Prepared(work_items.insert())


def add_timer(
    unit: Unit, run: RunState, step_id: str, kind: str, after: timedelta, item_id: str | None = None
) -> str:
    """Schedule a timer `after` from now; returns its due time."""
    due = format_time(unit.moment + after)
    unit.conn.execute(
        timers.insert().values(
            due_at=due, kind=kind, run_id=run.id, step_id=step_id, item_id=item_id
        )
    )
    return due


def clear_timers(unit: Unit, run: RunState, step_id: str) -> None:
    """Drop every timer of a step (it finished or was canceled)."""
    unit.conn.execute(delete(timers).where(timers.c.run_id == run.id, timers.c.step_id == step_id))


def add_wait(unit: Unit, run: RunState, step_id: str, event: str, key: Any) -> None:
    """Subscribe a wait step to an event name (and correlation key)."""
    unit.conn.execute(
        waits.insert().values(
            run_id=run.id, step_id=step_id, event=event, key=None if key is None else str(key)
        )
    )


def clear_wait(unit: Unit, run: RunState, step_id: str) -> None:
    """Drop a wait step's subscription."""
    unit.conn.execute(delete(waits).where(waits.c.run_id == run.id, waits.c.step_id == step_id))


def new_item_id() -> str:
    """A short random work item id."""
    return "wi-" + uuid.uuid4().hex[:10]


def create_item(unit: Unit, run: RunState, step: Any, assignee: str) -> str:
    """Open a work item for an interactive step; its `due` sets an overdue timer."""
    item_id = new_item_id()
    due_at = None
    if step.due:
        from engine.runtime.plan import duration

        due_at = add_timer(unit, run, step.id, "due", duration(step.due), item_id)
    _INSERT_ITEM.run(
        unit.conn,
        {
            "id": item_id,
            "run_id": run.id,
            "step_id": step.id,
            "title": step.name or step.id,
            "guidance": step.guidance,
            "assignee": assignee,
            "status": "open",
            "created_at": unit.now,
            "due_at": due_at,
            "overdue": False,
            "completed_by": None,
            "completed_at": None,
            "outputs": None,
        },
    )
    unit.notify(run, item_id, assignee, "assigned")
    unit.emit(run, ev.ItemCreated(item=item_id, step=step.id, assignee=assignee, due_at=due_at))
    return item_id


def withdraw_items(unit: Unit, run: RunState, step_id: str, reason: str) -> None:
    """Withdraw the open work items of a step (its stage ended or the run was canceled)."""
    open_ids = (
        unit.conn.execute(
            select(work_items.c.id).where(
                work_items.c.run_id == run.id,
                work_items.c.step_id == step_id,
                work_items.c.status == "open",
            )
        )
        .scalars()
        .all()
    )
    if not open_ids:
        return
    unit.conn.execute(
        update(work_items)
        .where(work_items.c.id.in_(open_ids), work_items.c.status == "open")
        .values(status="withdrawn", completed_at=unit.now)
    )
    for item_id in open_ids:
        unit.emit(run, ev.ItemWithdrawn(item=item_id, step=step_id, reason=reason))
