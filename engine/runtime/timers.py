"""Things that happen later: timers (retry, wait timeout, item due), events, schedules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update

from engine.definition import BackgroundStep
from engine.runtime import events as ev
from engine.runtime import interpreter, triggers, waiting
from engine.store.schema import schedules, timers, waits, work_items

if TYPE_CHECKING:
    from engine.runtime.unit import Unit


def next_due(unit: Unit) -> str | None:
    """The earliest time a timer or schedule is due, or None."""
    timer = unit.conn.execute(select(func.min(timers.c.due_at))).scalar()
    schedule = unit.conn.execute(select(func.min(schedules.c.next_at))).scalar()
    found = [t for t in (timer, schedule) if t]
    return min(found) if found else None


def due_timer_ids(unit: Unit, limit: int = 200) -> list[int]:
    """Ids of timers due now, oldest first."""
    return list(
        unit.conn.execute(
            select(timers.c.id)
            .where(timers.c.due_at <= unit.now)
            .order_by(timers.c.due_at, timers.c.id)
            .limit(limit)
        ).scalars()
    )


def due_schedule_ids(unit: Unit) -> list[str]:
    """Definition ids whose schedule is due now."""
    return list(
        unit.conn.execute(
            select(schedules.c.definition_id).where(schedules.c.next_at <= unit.now)
        ).scalars()
    )


def fire_timer(unit: Unit, timer_id: int) -> bool:
    """Fire one timer if it is still there (another worker may have fired it)."""
    row = unit.conn.execute(select(timers).where(timers.c.id == timer_id)).first()
    if row is None:
        return False
    # Claiming by delete: on databases without SQLite's single writer, two workers may read
    # the same timer; only the one whose delete removed the row fires it.
    if unit.conn.execute(delete(timers).where(timers.c.id == timer_id)).rowcount != 1:
        return False
    run = unit.run(row.run_id)
    st = run.steps.get(row.step_id)
    if st is None or run.status in ("completed", "canceled"):
        return False
    step = unit.plan(run).steps[row.step_id]
    if row.kind == "retry" and st["status"] == "waiting" and isinstance(step, BackgroundStep):
        run.touch_step(step.id)["status"] = "running"
        unit.emit(run, ev.TimerFired(step=step.id, kind="retry"))
        if run.status in ("waiting", "running"):
            run.status = "running"
        try:
            interpreter.run_action(unit, run, unit.plan(run), step)
        except interpreter.RunFailure as exc:
            interpreter.fail_run(unit, run, str(exc))
        interpreter.progress(unit, run)
    elif row.kind == "timeout" and st["status"] == "waiting":
        unit.emit(run, ev.TimerFired(step=step.id, kind="timeout"))
        waiting.clear_wait(unit, run, step.id)
        interpreter.complete_step(unit, run, step.id, {"timed_out": True})
        interpreter.progress(unit, run)
    elif row.kind == "due" and row.item_id:
        _item_due(unit, run, step, row.item_id)
    return True


def _item_due(unit: Unit, run: Any, step: Any, item_id: str) -> None:
    item = unit.conn.execute(select(work_items).where(work_items.c.id == item_id)).first()
    if item is None or item.status != "open":
        return
    unit.conn.execute(update(work_items).where(work_items.c.id == item_id).values(overdue=True))
    unit.emit(run, ev.ItemOverdue(item=item_id, step=step.id, assignee=item.assignee))
    unit.notify(run, item_id, item.assignee, "overdue")
    if step.escalate_to and step.escalate_to != item.assignee:
        unit.conn.execute(
            update(work_items).where(work_items.c.id == item_id).values(assignee=step.escalate_to)
        )
        unit.notify(run, item_id, step.escalate_to, "escalated")
        unit.emit(
            run,
            ev.ItemReassigned(
                item=item_id,
                step=step.id,
                from_=item.assignee,
                to=step.escalate_to,
                reason="escalated: overdue",
            ),
            "system",
        )


def fire_schedule(unit: Unit, definition_id: str) -> str | None:
    """Start a scheduled run if its slot is due, and book the next slot; returns the run id."""
    row = unit.conn.execute(
        select(schedules).where(schedules.c.definition_id == definition_id)
    ).first()
    if row is None or row.next_at > unit.now:
        return None
    following = triggers.next_fire_time(row.cron, max(row.next_at, unit.now))
    # Claim the slot: of two workers reading the same due slot, one moves it on.
    claimed = unit.conn.execute(
        update(schedules)
        .where(schedules.c.definition_id == definition_id, schedules.c.next_at == row.next_at)
        .values(next_at=following)
    )
    if claimed.rowcount != 1:
        return None
    run = triggers.start(unit, definition_id, {}, trigger="schedule", enforce_required=False)
    return run.id


def deliver_event(unit: Unit, name: str, key: Any, data: dict[str, Any]) -> list[str]:
    """Complete every wait step subscribed to this event and key; returns their run ids."""
    query = select(waits).where(waits.c.event == name)
    if key is None:
        query = query.where(waits.c.key.is_(None))
    else:
        query = query.where(or_(waits.c.key.is_(None), waits.c.key == str(key)))
    matched = unit.conn.execute(query.order_by(waits.c.run_id)).all()
    delivered = []
    for row in matched:
        run = unit.run(row.run_id)
        st = run.steps.get(row.step_id)
        waiting.clear_wait(unit, run, row.step_id)
        if st is None or st["status"] != "waiting":
            continue
        step = unit.plan(run).steps[row.step_id]
        if step.timeout:
            waiting.clear_timers(unit, run, step.id)
        unit.emit(run, ev.EventReceived(step=step.id, event=name, key=key))
        interpreter.complete_step(unit, run, step.id, {**data, "timed_out": False})
        interpreter.progress(unit, run)
        delivered.append(run.id)
    return delivered
