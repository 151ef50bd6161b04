"""Writing the query tables from folded run states, with the events, in one transaction.

Every row here is a projection of a `RunState` that `apply` produced: the `runs` row
(guarded by its `rev`), its stage and step rows (while it can still move: a finished run
keeps none, like no snapshot), work items, timers and event waits. Only
what `apply` noted as changed is written. A work item row is updated only while it is
still as it was loaded (status and assignee): of two calls racing for one item, the
second finds it changed and is redone on fresh state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, delete, select, update

from engine.errors import ConcurrentChange
from engine.runtime import eventrows, jsontext, kept
from engine.runtime.fold import fold
from engine.runtime.state import STATE_FROM_LOG, RunState, timer_key
from engine.store.prepared import Prepared
from engine.store.schema import (
    events,
    notifications,
    runs,
    stage_instances,
    step_instances,
    timers,
    waits,
    work_items,
)

if TYPE_CHECKING:
    # Annotations only: callers build the plan (and the definition models it wraps).
    from engine.runtime.plan import Plan

_STEP_UPDATE = Prepared(
    update(step_instances)
    .where(
        and_(
            step_instances.c.run_id == bindparam("b_run"),
            step_instances.c.step_id == bindparam("b_id"),
        )
    )
    .values(
        status=bindparam("status"),
        attempts=bindparam("attempts"),
        started_at=bindparam("started_at"),
        ended_at=bindparam("ended_at"),
        error=bindparam("error"),
    )
)
_STAGE_UPDATE = Prepared(
    update(stage_instances)
    .where(
        and_(
            stage_instances.c.run_id == bindparam("b_run"),
            stage_instances.c.stage_id == bindparam("b_id"),
        )
    )
    .values(
        status=bindparam("status"),
        visits=bindparam("visits"),
        entered_at=bindparam("entered_at"),
        exited_at=bindparam("exited_at"),
    )
)
_INSERT_RUN = Prepared(runs.insert())
_INSERT_STAGE = Prepared(stage_instances.insert())
_INSERT_STEP = Prepared(step_instances.insert())
_INSERT_EVENT = Prepared(events.insert())
_INSERT_ITEM = Prepared(work_items.insert())
_UPDATE_ITEM = Prepared(
    update(work_items)
    .where(
        work_items.c.id == bindparam("b_id"),
        work_items.c.status == bindparam("b_status"),
        work_items.c.assignee == bindparam("b_assignee"),
    )
    .values(
        assignee=bindparam("assignee"),
        status=bindparam("status"),
        overdue=bindparam("overdue"),
        completed_by=bindparam("completed_by"),
        completed_at=bindparam("completed_at"),
        outputs=bindparam("outputs"),
    )
)
_INSERT_TIMER = Prepared(
    timers.insert().values(
        due_at=bindparam("due_at"),
        kind=bindparam("kind"),
        run_id=bindparam("run_id"),
        step_id=bindparam("step_id"),
        item_id=bindparam("item_id"),
    )
)
_DELETE_TIMER = Prepared(
    delete(timers).where(
        timers.c.run_id == bindparam("b_run"),
        timers.c.step_id == bindparam("b_step"),
        timers.c.kind == bindparam("b_kind"),
    )
)
_DELETE_STEP = Prepared(
    delete(step_instances).where(
        step_instances.c.run_id == bindparam("b_run"),
        step_instances.c.step_id == bindparam("b_id"),
    )
)
_DELETE_STAGE = Prepared(
    delete(stage_instances).where(
        stage_instances.c.run_id == bindparam("b_run"),
        stage_instances.c.stage_id == bindparam("b_id"),
    )
)
# A finished run keeps no stage or step rows (its log rebuilds them, as its state).
_DELETE_RUN_STEPS = Prepared(
    delete(step_instances).where(step_instances.c.run_id == bindparam("b_run"))
)
_DELETE_RUN_STAGES = Prepared(
    delete(stage_instances).where(stage_instances.c.run_id == bindparam("b_run"))
)
_MOVE_ITEM = Prepared(
    update(work_items)
    .where(work_items.c.id == bindparam("b_id"))
    .values(step_id=bindparam("step_id"), title=bindparam("title"), guidance=bindparam("guidance"))
)
_INSERT_WAIT = Prepared(waits.insert())
_DELETE_WAIT = Prepared(
    delete(waits).where(
        waits.c.run_id == bindparam("b_run"), waits.c.step_id == bindparam("b_step")
    )
)
_INSERT_NOTICE = Prepared(
    notifications.insert().values(
        run_id=bindparam("run_id"),
        item_id=bindparam("item_id"),
        assignee=bindparam("assignee"),
        reason=bindparam("reason"),
        created_at=bindparam("created_at"),
        attempts=0,
        failed=False,
    )
)
# The columns of `runs` besides id, rev, seq and state (those three change with every
# move). An update names only the ones whose value changed: SQLite rewrites an index entry
# for every column the SET clause names, changed or not, and naming them all rewrote five
# index pages of `runs` per call (each a page more for the commit to write and sync).
_RUN_COLUMNS = (
    "definition_id",
    "definition_version",
    "status",
    "current_stage",
    "started_at",
    "ended_at",
    "parent_run_id",
    "parent_step_id",
    "record_object",
    "record_id",
    "error",
    "outcome",
)
_RUN_UPDATES: dict[tuple[str, ...], Prepared] = {}
_UNKNOWN = object()


def _run_update(columns: tuple[str, ...]) -> Prepared:
    """The guarded update of a run's row writing rev, seq, state and `columns` (one
    prepared statement per set of columns; a handful ever occur)."""
    found = _RUN_UPDATES.get(columns)
    if found is None:
        found = _RUN_UPDATES[columns] = Prepared(
            update(runs)
            .where(and_(runs.c.id == bindparam("b_id"), runs.c.rev == bindparam("b_rev")))
            .values(
                rev=bindparam("rev"),
                seq=bindparam("seq"),
                state=bindparam("state"),
                **{c: bindparam(c) for c in columns},
            )
        )
    return found


def _update_run(conn: Connection, run: RunState, values: dict[str, Any]) -> int:
    """Write a loaded run's row as `values` (if it is still at the rev it was loaded at);
    returns the number of rows changed (0: another call changed it meanwhile)."""
    before = run.loaded
    if before is None:
        columns = _RUN_COLUMNS
    else:
        columns = tuple(c for c in _RUN_COLUMNS if getattr(before, c, _UNKNOWN) != values[c])
    return _run_update(columns).run(conn, {"b_id": run.id, "b_rev": run.rev, **values})


def flush(
    conn: Connection,
    touched: Iterable[RunState],
    new_events: list[dict[str, Any]],
    notices: list[dict[str, Any]],
) -> None:
    """Write every touched run, its changed rows, the new events and notices.

    Raises:
        ConcurrentChange: a run or work item was changed by another call meanwhile.
    """
    new_runs, stage_rows, step_rows = [], [], []
    stage_updates, step_updates = [], []
    item_rows, timer_rows, wait_rows = [], [], []
    finished: list[dict[str, Any]] = []
    for run in touched:
        if run.is_new:
            row = {"id": run.id, "rev": 1, **run.row_values()}
            new_runs.append(row)
        else:
            row = {"id": run.id, "rev": run.rev + 1, **run.row_values()}
            if _update_run(conn, run, row) != 1:
                raise ConcurrentChange(
                    f"run {run.id} was changed by another process at the same time",
                    hint="repeat the command",
                )
        if run.status not in STATE_FROM_LOG:
            # What the row holds once this commits (the next call may take the state as
            # is: engine.runtime.kept; a finished run's state is never kept).
            run.loaded = kept.written_row(row)
        if run.removed_steps or run.removed_stages or run.moved_items:
            _rewrite_moved(conn, run)
        if run.status in STATE_FROM_LOG:
            # Its stage and step rows would only repeat its log: none are kept (a run
            # finishing within the call that started it never writes any).
            if not run.is_new:
                finished.append({"b_run": run.id})
        else:
            _stage_and_step_rows(run, stage_rows, stage_updates, step_rows, step_updates)
        for item_id in run.new_items:
            item_rows.append(item_row(run, item_id))
        for item_id, (status, assignee) in run.dirty_items.items():
            if item_id in run.new_items:
                continue
            item = run.items[item_id]
            moved = _UPDATE_ITEM.run(
                conn,
                {
                    "b_id": item_id,
                    "b_status": status,
                    "b_assignee": assignee,
                    "assignee": item["assignee"],
                    "status": item["status"],
                    "overdue": item["overdue"],
                    "completed_by": item["completed_by"],
                    "completed_at": item["completed_at"],
                    "outputs": _json(item["outputs"]),
                },
            )
            if moved != 1:
                raise ConcurrentChange(f"work item {item_id} changed while this call ran")
        for key, (step_id, kind) in run.dirty_timers.items():
            if not run.is_new:
                _DELETE_TIMER.run(conn, {"b_run": run.id, "b_step": step_id, "b_kind": kind})
            timer = run.timers.get(key)
            if timer is not None:
                timer_rows.append(timer_row(run.id, timer))
        for step_id in run.dirty_waits:
            if not run.is_new:
                _DELETE_WAIT.run(conn, {"b_run": run.id, "b_step": step_id})
            wait = run.waits.get(step_id)
            if wait is not None:
                wait_rows.append({"run_id": run.id, "step_id": step_id, **wait})
    _INSERT_RUN.run_many(conn, new_runs)
    _DELETE_RUN_STAGES.run_many(conn, finished)
    _DELETE_RUN_STEPS.run_many(conn, finished)
    _INSERT_STAGE.run_many(conn, stage_rows)
    _STAGE_UPDATE.run_many(conn, stage_updates)
    _INSERT_STEP.run_many(conn, step_rows)
    _STEP_UPDATE.run_many(conn, step_updates)
    _INSERT_ITEM.run_many(conn, item_rows)
    _INSERT_TIMER.run_many(conn, timer_rows)
    _INSERT_WAIT.run_many(conn, wait_rows)
    _INSERT_EVENT.run_many(conn, eventrows.stored(new_events))
    _INSERT_NOTICE.run_many(conn, notices)


def _stage_and_step_rows(
    run: RunState,
    stage_rows: list[dict[str, Any]],
    stage_updates: list[dict[str, Any]],
    step_rows: list[dict[str, Any]],
    step_updates: list[dict[str, Any]],
) -> None:
    for sid in run.new_stages:
        stage_rows.append({"run_id": run.id, "stage_id": sid, **stage_values(run.stages[sid])})
    for sid in run.dirty_stages:
        stage_updates.append({"b_run": run.id, "b_id": sid, **stage_values(run.stages[sid])})
    for sid in run.new_steps:
        st = run.steps[sid]
        step_rows.append(
            {"run_id": run.id, "step_id": sid, "stage_id": st["stage"], **step_values(st)}
        )
    for sid in run.dirty_steps:
        step_updates.append({"b_run": run.id, "b_id": sid, **step_values(run.steps[sid])})


def _rewrite_moved(conn: Connection, run: RunState) -> None:
    # Only a migration renames or drops records: their old rows go before the new ones
    # are inserted (an id may be both, when two are swapped).
    for sid in run.removed_steps:
        _DELETE_STEP.run(conn, {"b_run": run.id, "b_id": sid})
    for sid in run.removed_stages:
        _DELETE_STAGE.run(conn, {"b_run": run.id, "b_id": sid})
    for item_id in run.moved_items:
        if item_id in run.new_items:  # inserted below, already with its new step
            continue
        row = item_row(run, item_id)
        _MOVE_ITEM.run(
            conn,
            {
                "b_id": item_id,
                "step_id": row["step_id"],
                "title": row["title"],
                "guidance": row["guidance"],
            },
        )


def _json(value: Any) -> str | None:
    return None if value is None else jsontext.spaced(value)


def stage_values(stage: dict[str, Any]) -> dict[str, Any]:
    """The stage columns an insert and an update both write."""
    return {
        "status": stage["status"],
        "visits": stage["visits"],
        "entered_at": stage.get("entered_at"),
        "exited_at": stage.get("exited_at"),
    }


def step_values(step: dict[str, Any]) -> dict[str, Any]:
    """The step columns an insert and an update both write."""
    return {
        "status": step["status"],
        "attempts": step.get("attempts", 0),
        "started_at": step.get("started_at"),
        "ended_at": step.get("ended_at"),
        "error": step.get("error"),
    }


def item_row(run: RunState, item_id: str) -> dict[str, Any]:
    """A `work_items` row from a run's item (title and guidance from its step)."""
    item = run.items[item_id]
    step = run.plan.steps.get(item["step"]) if run.plan else None
    return {
        "id": item_id,
        "run_id": run.id,
        "step_id": item["step"],
        "title": (step.name if step else "") or item["step"],
        "guidance": getattr(step, "guidance", "") or "",
        "assignee": item["assignee"],
        "status": item["status"],
        "created_at": item["created_at"],
        "due_at": item["due_at"],
        "overdue": item["overdue"],
        "completed_by": item["completed_by"],
        "completed_at": item["completed_at"],
        "outputs": _json(item["outputs"]),
    }


def timer_row(run_id: str, timer: dict[str, Any]) -> dict[str, Any]:
    """A `timers` row from a run's timer."""
    return {
        "due_at": timer["due_at"],
        "kind": timer["kind"],
        "run_id": run_id,
        "step_id": timer["step"],
        "item_id": timer["item"],
    }


def state_from_log(conn: Connection, row: Any, plan: Plan) -> RunState:
    """The state of a finished run (stored without a snapshot), folded from its events.

    `row` is its `runs` row; the fold is the one that kept the live state, so the result
    is the state the run had when it finished.
    """
    log = conn.execute(
        select(events.c.seq, events.c.time, events.c.type, events.c.actor, events.c.payload)
        .where(events.c.run_id == row.id)
        .order_by(events.c.seq)
    )
    run = fold(plan, row.id, eventrows.shown(log))
    run.rev, run.seq, run.loaded = row.rev, row.seq, row
    run.forget_changes()
    return run


def load_older_parts(conn: Connection, run: RunState) -> None:
    """Fill items, timers and waits of a run stored before they were kept in its state
    (they were only in their tables then)."""
    for row in conn.execute(
        select(work_items).where(work_items.c.run_id == run.id, work_items.c.status == "open")
    ):
        outputs = row.outputs
        run.items[row.id] = {
            "step": row.step_id,
            "assignee": row.assignee,
            "status": row.status,
            "created_at": row.created_at,
            "due_at": row.due_at,
            "overdue": bool(row.overdue),
            "completed_by": row.completed_by,
            "completed_at": row.completed_at,
            "outputs": json.loads(outputs) if isinstance(outputs, str) else outputs,
        }
    for row in conn.execute(select(timers).where(timers.c.run_id == run.id).order_by(timers.c.id)):
        run.timers[timer_key(row.kind, row.step_id)] = {
            "step": row.step_id,
            "kind": row.kind,
            "due_at": row.due_at,
            "item": row.item_id,
        }
    for row in conn.execute(select(waits).where(waits.c.run_id == run.id)):
        run.waits[row.step_id] = {"event": row.event, "key": row.key}
