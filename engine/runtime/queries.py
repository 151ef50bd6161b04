"""Read models for the CLI and designer: runs, a run's detail, its log, work items, stuck runs.

Field names here are the stable `--format json` contract.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, and_, bindparam, or_, select, text

from engine.errors import NotFound
from engine.runtime import eventrows, itemchecks, writes
from engine.runtime.events import EventType
from engine.runtime.selection import RunSelection, WorkSelection, run_summary, runs_sql
from engine.store import directory
from engine.store.prepared import Prepared
from engine.store.schema import events, runs, timers, waits, work_items

if TYPE_CHECKING:
    # Annotations only: callers build the plan (and the definition models it wraps).
    from engine.runtime.plan import Plan

_RUN_COLUMNS = (
    runs.c.id,
    runs.c.definition_id,
    runs.c.definition_version,
    runs.c.status,
    runs.c.current_stage,
    runs.c.started_at,
    runs.c.ended_at,
    runs.c.error,
    runs.c.outcome,
)


def _run_summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "orchestration": row.definition_id,
        "version": row.definition_version,
        "status": row.status,
        "stage": row.current_stage,
        "started_at": row.started_at,
        "ended_at": row.ended_at,
        "error": row.error,
        "outcome": row.outcome,
    }


def _item(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "run": row.run_id,
        "step": row.step_id,
        "title": row.title,
        "guidance": row.guidance,
        "assignee": row.assignee,
        "status": row.status,
        "created_at": row.created_at,
        "due_at": row.due_at,
        "overdue": bool(row.overdue),
        "completed_by": row.completed_by,
        "completed_at": row.completed_at,
        "outputs": row.outputs,
    }


def list_runs(conn: Connection, selection: RunSelection | None = None) -> list[dict[str, Any]]:
    """Run summaries, newest first, of a selection (all runs when None).

    The statement is `selection.runs_sql`'s, the one the SQLite read path without
    SQLAlchemy (`engine.runtime.lite`) runs too.
    """
    statement, params = runs_sql(selection or RunSelection())
    return [run_summary(tuple(r)) for r in conn.execute(text(statement), params)]


def _selected(query: Select, chosen: RunSelection) -> Select:
    """`query` narrowed to the runs `chosen` describes (every filter but `limit`)."""
    for column, value in (
        (runs.c.status, chosen.status),
        (runs.c.definition_id, chosen.orchestration),
        (runs.c.definition_version, chosen.version),
        (runs.c.current_stage, chosen.stage),
        (runs.c.outcome, chosen.outcome),
    ):
        if value is not None:
            query = query.where(column == value)
    if chosen.started_after is not None:
        query = query.where(runs.c.started_at >= chosen.started_after)
    if chosen.started_before is not None:
        query = query.where(runs.c.started_at < chosen.started_before)
    if chosen.assignee is not None:
        query = query.where(runs.c.id.in_(_runs_with_open_items(chosen.assignee)))
    if chosen.after is not None:
        last_time, last_id = chosen.after
        query = query.where(
            or_(
                runs.c.started_at < last_time,
                and_(runs.c.started_at == last_time, runs.c.id > last_id),
            )
        )
    return query


def run_detail(
    conn: Connection, run_id: str, plan_of: Callable[[str, int], Plan]
) -> dict[str, Any]:
    """Status, current stage, every step's status, open items, variables.

    `plan_of(definition id, version)` gives the plan a finished run is folded with (its
    state is not stored; see `engine.runtime.state.STATE_FROM_LOG`).
    """
    row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
    if row is None:
        raise NotFound(f"no run with id {run_id!r}", hint="list runs with `baton runs`")
    if row.state:
        state = json.loads(row.state)
    else:
        state = writes.state_from_log(
            conn, row, plan_of(row.definition_id, row.definition_version)
        ).document()
    # From the state, not the step rows: a finished run keeps none (its log has them).
    steps = [
        {
            "id": sid,
            "stage": s["stage"],
            "status": s["status"],
            "attempts": s.get("attempts", 0),
            "started_at": s.get("started_at"),
            "ended_at": s.get("ended_at"),
            "error": s.get("error"),
            "outputs": s.get("outputs"),
        }
        for sid, s in state["steps"].items()
    ]
    items = conn.execute(
        select(work_items)
        .where(work_items.c.run_id == run_id, work_items.c.status == "open")
        .order_by(work_items.c.created_at, work_items.c.id)
    ).all()
    return {
        **_run_summary(row),
        "parent_run": row.parent_run_id,
        "record": {"object": row.record_object, "id": row.record_id} if row.record_id else None,
        "stages": [{"id": sid, **st} for sid, st in state["stages"].items()],
        "steps": steps,
        "open_items": [{**_item(i), "problem": item_problem(conn, _item(i))} for i in items],
        "variables": state["variables"],
        "fault": state.get("fault"),
    }


def run_events(
    conn: Connection, run_id: str, after: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """A run's events in sequence (after event `after`, at most `limit` of them)."""
    if conn.execute(select(runs.c.id).where(runs.c.id == run_id)).first() is None:
        raise NotFound(f"no run with id {run_id!r}")
    query = select(events).where(events.c.run_id == run_id).order_by(events.c.seq)
    if after is not None:
        query = query.where(events.c.seq > after)
    if limit is not None:
        query = query.limit(limit)
    return eventrows.shown(conn.execute(query))


def _runs_with_open_items(assignee: str) -> Any:
    return select(work_items.c.run_id).where(
        work_items.c.status == "open", work_items.c.assignee == assignee
    )


def runs_with_open_items(conn: Connection, assignee: str) -> list[str]:
    """Ids of the runs with an open item of exactly this assignee."""
    return list(conn.execute(_runs_with_open_items(assignee).distinct()).scalars())


def list_work_items(
    conn: Connection,
    user: str | None = None,
    include_closed: bool = False,
    *,
    assignee: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
    selection: WorkSelection | None = None,
) -> list[dict[str, Any]]:
    """Open items, all or those a user may complete (own, group/queue, or any if admin),
    oldest first; `assignee` keeps one assignee's, `selection` filters further, `after`
    (created_at, id) and `limit` give a page."""
    chosen = selection or WorkSelection(assignee=assignee)
    query = select(work_items).order_by(work_items.c.created_at, work_items.c.id)
    if not include_closed:
        query = query.where(work_items.c.status == "open")
    if chosen.assignee is not None:
        query = query.where(work_items.c.assignee == chosen.assignee)
    if chosen.created_after is not None:
        query = query.where(work_items.c.created_at >= chosen.created_after)
    if chosen.created_before is not None:
        query = query.where(work_items.c.created_at < chosen.created_before)
    of_runs = [
        column == value
        for column, value in (
            (runs.c.definition_id, chosen.orchestration),
            (runs.c.definition_version, chosen.version),
            (runs.c.current_stage, chosen.stage),
        )
        if value is not None
    ]
    if of_runs:
        query = query.where(work_items.c.run_id.in_(select(runs.c.id).where(*of_runs)))
    if after is not None:
        query = query.where(
            or_(
                work_items.c.created_at > after[0],
                and_(work_items.c.created_at == after[0], work_items.c.id > after[1]),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    if user:
        allowed = itemchecks.assignees_of(user, directory.get_user(conn, user))
        if allowed is not None:
            query = query.where(work_items.c.assignee.in_(sorted(allowed)))
    found_items = [_item(r) for r in conn.execute(query)]
    with_problems(conn, found_items)
    return found_items


def with_problems(conn: Connection, items: list[dict[str, Any]]) -> None:
    """Set each open item's `problem`: why nobody can complete it (as `baton show` says
    STUCK), or None. One directory look-up per assignee, not per item."""
    known: dict[str, str | None] = {}
    for item in items:
        if item["status"] != "open":
            item["problem"] = None
        elif not item["assignee"]:
            item["problem"] = item_problem(conn, item)
        else:
            if item["assignee"] not in known:
                known[item["assignee"]] = directory.assignee_state(conn, item["assignee"])
            item["problem"] = known[item["assignee"]]


def unassigned_reasons(conn: Connection, run_id: str) -> dict[str, str]:
    """Why items of a run were opened with no assignee (their step's `assignee_from` named
    nobody), by item id, from the run's log: rare, so not worth a column."""
    found = conn.execute(
        select(events.c.payload).where(
            events.c.run_id == run_id,
            events.c.type == eventrows.code(EventType.ITEM_CREATED),
        )
    ).scalars()
    reasons = {}
    for stored in found:
        data = eventrows.payload(EventType.ITEM_CREATED, stored)
        if data.get("unassigned"):
            reasons[data["item"]] = itemchecks.unassigned_reason(data["unassigned"])
    return reasons


def item_problem(conn: Connection, item: dict[str, Any]) -> str | None:
    """Why nobody can work an open item (no, unknown or inactive assignee), or None."""
    if not item["assignee"]:
        return unassigned_reasons(conn, item["run"]).get(item["id"], itemchecks.NO_ASSIGNEE)
    return directory.assignee_state(conn, item["assignee"])


def stuck_runs(
    conn: Connection, now: str, selection: RunSelection | None = None
) -> list[dict[str, Any]]:
    """Runs that need a person's attention, newest first, each with the reasons why;
    only among the runs `selection` describes (its `limit` aside), so that asking about one
    orchestration or the newest runs checks those alone, not every waiting run.

    Stuck means: the run failed (an operator must retry, skip or cancel it); an open item
    is overdue; an open item's assignee is unknown, inactive or an empty group; or the run
    waits on nothing that can ever happen (no open item, event subscription, timer or
    running child).
    """
    result = []
    candidates = (
        select(*_RUN_COLUMNS)
        .where(runs.c.status.in_(("waiting", "running", "failed")))
        .order_by(runs.c.started_at.desc(), runs.c.id)
    )
    waiting = conn.execute(_selected(candidates, selection or RunSelection())).all()
    assignee_reasons: dict[str, str | None] = {}
    for row in waiting:
        if row.status == "failed":
            result.append({**_run_summary(row), "reasons": [itemchecks.failed_reason(row.error)]})
            continue
        reasons = []
        items = conn.execute(
            select(work_items).where(work_items.c.run_id == row.id, work_items.c.status == "open")
        ).all()
        for item in items:
            if item.overdue or (item.due_at and item.due_at <= now):
                reasons.append(itemchecks.overdue_reason(item.id, item.step_id, item.due_at))
            if not item.assignee:
                why = unassigned_reasons(conn, row.id).get(item.id, itemchecks.NO_ASSIGNEE)
            else:
                if item.assignee not in assignee_reasons:
                    assignee_reasons[item.assignee] = directory.assignee_state(conn, item.assignee)
                why = assignee_reasons[item.assignee]
            if why:
                reasons.append(itemchecks.item_reason(item.id, item.step_id, why))
        if not items:
            has_wait = conn.execute(select(waits.c.step_id).where(waits.c.run_id == row.id)).first()
            has_timer = conn.execute(select(timers.c.id).where(timers.c.run_id == row.id)).first()
            has_child = conn.execute(
                select(runs.c.id).where(
                    runs.c.parent_run_id == row.id,
                    runs.c.status.in_(("waiting", "running", "paused")),
                )
            ).first()
            if not (has_wait or has_timer or has_child):
                reasons.append(itemchecks.NOTHING_TO_WAIT_ON)
        if reasons:
            result.append({**_run_summary(row), "reasons": reasons})
    return result


# Scripts and workers ask this after every call: prepared (see engine.store.prepared).
_OPEN_ITEM_IDS = Prepared(
    select(work_items.c.id)
    .where(work_items.c.run_id == bindparam("run_id"), work_items.c.status == "open")
    .order_by(work_items.c.created_at, work_items.c.id)
)


def open_item_ids(conn: Connection, run_id: str) -> list[str]:
    """Ids of a run's open items, oldest first."""
    return [row[0] for row in _OPEN_ITEM_IDS.rows(conn, {"run_id": run_id})]


def run_version(conn: Connection, run_id: str) -> tuple[str, int]:
    """(definition id, version) a run executes."""
    row = conn.execute(
        select(runs.c.definition_id, runs.c.definition_version).where(runs.c.id == run_id)
    ).first()
    if row is None:
        raise NotFound(f"no run with id {run_id!r}")
    return row.definition_id, row.definition_version


def list_waits(
    conn: Connection,
    run_id: str | None = None,
    event: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Wait steps holding for an event: run, step, event name and key (None: any key);
    at most `limit` (None: all)."""
    query = select(waits).order_by(waits.c.run_id, waits.c.step_id)
    if limit is not None:
        query = query.limit(limit)
    if run_id is not None:
        query = query.where(waits.c.run_id == run_id)
    if event is not None:
        query = query.where(waits.c.event == event)
    return [
        {"run": r.run_id, "step": r.step_id, "event": r.event, "key": r.key}
        for r in conn.execute(query)
    ]


def runs_of_record(conn: Connection, object_name: str, record_id: str) -> list[dict[str, Any]]:
    """Summaries of the runs a record started, oldest first."""
    query = (
        select(*_RUN_COLUMNS)
        .where(runs.c.record_object == object_name, runs.c.record_id == record_id)
        .order_by(runs.c.started_at, runs.c.id)
    )
    return [_run_summary(r) for r in conn.execute(query)]


def open_waits(conn: Connection) -> list[dict[str, Any]]:
    """Every event subscription of a waiting step: run, step, event name and key."""
    rows = conn.execute(
        select(waits.c.run_id, waits.c.step_id, waits.c.event, waits.c.key).order_by(
            waits.c.event, waits.c.key, waits.c.run_id
        )
    )
    return [{"run": r.run_id, "step": r.step_id, "event": r.event, "key": r.key} for r in rows]
