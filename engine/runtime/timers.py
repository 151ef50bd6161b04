"""Things that happen later: timers (retry, wait timeout, item due), events, schedules.

The SQL shell: it finds what is due or subscribed and claims it; the decisions are
`engine.runtime.commands.fire_timer` and `deliver_event`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, or_, select, update

from engine.runtime import buffering, commands, triggers
from engine.store.prepared import Prepared
from engine.store.schema import schedules, timers, waits

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
    return [row[0] for row in _DUE_TIMERS.rows(unit.conn, {"now": unit.now, "limit": limit})]


def due_schedule_ids(unit: Unit) -> list[str]:
    """Definition ids whose schedule is due now."""
    return [row[0] for row in _DUE_SCHEDULES.rows(unit.conn, {"now": unit.now})]


# Every worker pass asks both: prepared (see engine.store.prepared).
_DUE_TIMERS = Prepared(
    select(timers.c.id)
    .where(timers.c.due_at <= bindparam("now"))
    .order_by(timers.c.due_at, timers.c.id)
    .limit(bindparam("limit"))
)
_DUE_SCHEDULES = Prepared(
    select(schedules.c.definition_id).where(schedules.c.next_at <= bindparam("now"))
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
    return bool(unit.drive(run, commands.fire_timer(unit, run, row.step_id, row.kind, row.item_id)))


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
        if unit.drive(run, commands.deliver_event(unit, run, row.step_id, name, key, data)):
            delivered.append(run.id)
    if not delivered:
        # Nobody waits yet: kept if a wait step for it has a `buffer` (else it is gone).
        unit.kept_until = buffering.keep_unclaimed(unit, name, key, data)
    return delivered
