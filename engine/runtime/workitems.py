"""Work items: completing (with authorization and output checks) and reassigning."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update

from engine.errors import ConcurrentChange, Conflict, InvalidInput, NotFound, PermissionDenied
from engine.runtime import interpreter
from engine.runtime.values import check_outputs
from engine.store import directory
from engine.store.prepared import Prepared
from engine.store.schema import work_items

if TYPE_CHECKING:
    from engine.runtime.unit import Unit

_SELECT_ITEM = select(work_items).where(work_items.c.id == bindparam("id"))
# Only an item still open and still with the assignee the actor was checked against is
# completed: of two calls racing for one item (complete/complete, reassign/complete), the
# second's update finds it changed (after waiting for the first's row lock), changes
# nothing, and the call is redone on fresh state.
_COMPLETE_ITEM = Prepared(
    update(work_items)
    .where(
        work_items.c.id == bindparam("b_id"),
        work_items.c.status == "open",
        work_items.c.assignee == bindparam("b_assignee"),
    )
    .values(
        status="completed",
        completed_by=bindparam("completed_by"),
        completed_at=bindparam("completed_at"),
        outputs=bindparam("outputs"),
    )
)
_ASSIGNEE = re.compile(r"^(user|group|queue):[A-Za-z0-9_.@-]+$")


def check_assignee(assignee: str) -> str:
    """`user:NAME`, `group:NAME` or `queue:NAME`.

    Raises:
        InvalidInput: any other form.
    """
    if not _ASSIGNEE.match(assignee or ""):
        raise InvalidInput(
            f"{assignee!r} is not an assignee", hint="write user:NAME, group:NAME or queue:NAME"
        )
    return assignee


def _item(unit: Unit, item_id: str) -> Any:
    row = unit.conn.execute(_SELECT_ITEM, {"id": item_id}).first()
    if row is None:
        raise NotFound(f"no work item {item_id!r}", hint="list items with `baton work list`")
    return row


def authorize(unit: Unit, actor: str, assignee: str) -> None:
    """The actor is the assignee, a member of the assignee group/queue, or an admin.

    Raises:
        PermissionDenied: naming who may complete it.
    """
    found = directory.standing(unit.conn, actor, assignee)
    if found is None:
        raise PermissionDenied(
            f"{actor!r} is not a known user", hint="add them with `baton users add`"
        )
    active, role, member = found
    if not active:
        raise PermissionDenied(f"user {actor!r} is inactive")
    if role == "admin" or member:
        return
    kind, _, name = assignee.partition(":")
    what = "the assignee" if kind == "user" else f"a member of {kind} {name!r}"
    raise PermissionDenied(
        f"{actor!r} may not complete this item: it is assigned to {assignee}",
        hint=f"only {what} or an admin may complete it",
    )


def complete_item(unit: Unit, item_id: str, actor: str, outputs: dict[str, Any]) -> str:
    """Complete an open item with outputs; its step completes and the run moves on.

    Returns:
        The run id.
    """
    row = _item(unit, item_id)
    if row.status == "completed":
        raise Conflict(
            f"work item {item_id} was already completed by {row.completed_by} at {row.completed_at}"
        )
    if row.status == "withdrawn":
        raise Conflict(f"work item {item_id} was withdrawn at {row.completed_at}; nothing to do")
    authorize(unit, actor, row.assignee)
    run = unit.run(row.run_id)
    step = unit.plan(run).steps[row.step_id]
    clean = check_outputs(step, outputs)
    claimed = _COMPLETE_ITEM.run(
        unit.conn,
        {
            "b_id": item_id,
            "b_assignee": row.assignee,
            "completed_by": actor,
            "completed_at": unit.now,
            "outputs": json.dumps(clean, default=str),
        },
    )
    if claimed != 1:
        # Another process closed it after we read it: redo the call on fresh state, which
        # then reports who completed it and when.
        raise ConcurrentChange(f"work item {item_id} changed while completing it")
    unit.emit(
        run, "item_completed", {"item": item_id, "step": row.step_id, "outputs": clean}, actor
    )
    if step.due:
        from engine.runtime import waiting

        waiting.clear_timers(unit, run, step.id)
    interpreter.complete_step(unit, run, row.step_id, clean, actor)
    interpreter.progress(unit, run)
    return run.id


def check_workable(unit: Unit, to: str) -> None:
    """Refuse an assignee nobody can work for: unknown or inactive user, group with no
    active member (the run would be stuck at once).

    Raises:
        Conflict: naming why, with the way round it (`--force`).
    """
    problem = directory.assignee_state(unit.conn, to)
    if problem is not None:
        raise Conflict(
            f"{to}: {problem}, so nobody could work the item and its run would be stuck",
            hint="pick another assignee, or pass --force to reassign anyway",
        )


def reassign_item(
    unit: Unit,
    item_id: str,
    to: str,
    reason: str = "",
    actor: str | None = None,
    force: bool = False,
) -> None:
    """Give an open item to another assignee (logged with who and why).

    Args:
        force: reassign even to an assignee nobody can work for (see `check_workable`).
    """
    check_assignee(to)
    row = _item(unit, item_id)
    if row.status != "open":
        raise Conflict(f"work item {item_id} is {row.status}; only open items can be reassigned")
    if not force:
        check_workable(unit, to)
    run = unit.run(row.run_id)  # locks the run first, like every other call on it
    moved = unit.conn.execute(
        update(work_items)
        .where(
            work_items.c.id == item_id,
            work_items.c.status == "open",
            work_items.c.assignee == row.assignee,
        )
        .values(assignee=to)
    )
    if moved.rowcount != 1:
        raise ConcurrentChange(f"work item {item_id} changed while reassigning it")
    unit.notify(run, item_id, to, "reassigned")
    unit.emit(
        run,
        "item_reassigned",
        {"item": item_id, "step": row.step_id, "from": row.assignee, "to": to, "reason": reason},
        actor,
    )


def reassign_all(
    unit: Unit,
    source: str,
    to: str,
    reason: str = "",
    actor: str | None = None,
    force: bool = False,
) -> list[str]:
    """Reassign every open item of one assignee (someone left); returns the item ids."""
    check_assignee(source)
    check_assignee(to)
    if not force:
        check_workable(unit, to)
    ids = (
        unit.conn.execute(
            select(work_items.c.id)
            .where(work_items.c.assignee == source, work_items.c.status == "open")
            .order_by(work_items.c.created_at, work_items.c.id)
        )
        .scalars()
        .all()
    )
    for item_id in ids:
        reassign_item(
            unit, item_id, to, reason or f"all items of {source} reassigned", actor, force=True
        )
    return list(ids)
