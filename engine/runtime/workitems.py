"""Work items: completing (with authorization and output checks) and reassigning.

The SQL shell of `engine.runtime.commands.complete_item` and `reassign`: it finds the
item's run and checks who is acting; the decisions check the item and emit the events.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.runtime import commands, itemchecks, rows
from engine.store import directory
from engine.store.schema import work_items

if TYPE_CHECKING:
    from engine.runtime.unit import Unit

# Only an item still open and still with the assignee the actor was checked against is
# completed or reassigned: the core checks the run's state (read after the run's row lock)
# and `engine.runtime.writes` updates the item row only while it is as loaded, so of two
# calls racing for one item the second is redone on fresh state.
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
    row = rows.item_row(unit.conn, item_id)
    if row is None:
        raise NotFound(f"no work item {item_id!r}", hint="list items with `baton work list`")
    return row


def authorize(unit: Unit, actor: str, assignee: str) -> None:
    """The actor is the assignee, a member of the assignee group/queue, or an admin.

    Raises:
        PermissionDenied: naming who may complete it.
    """
    authorize_on(unit.conn, actor, assignee)


def authorize_on(conn: Connection, actor: str, assignee: str) -> None:
    """`authorize` on a connection to the directory (runs held elsewhere, e.g. Temporal)."""
    found = directory.standing(conn, actor, assignee)
    if found is None:
        raise PermissionDenied(
            f"{actor!r} is not a known user", hint="add them with `baton users add`"
        )
    active, role, member = found
    if not active:
        raise PermissionDenied(f"user {actor!r} is inactive")
    if role == "admin" or member:
        return
    if not assignee:
        raise PermissionDenied(
            f"{actor!r} may not complete this item: it has no assignee (its assignee_from "
            "named nobody)",
            hint="an operator reassigns it first (baton work reassign), or an admin completes it",
        )
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
    itemchecks.refuse_closed(item_id, row.status, row.completed_by, row.completed_at)
    authorize(unit, actor, row.assignee)
    run = unit.run(row.run_id)
    unit.drive(run, commands.complete_item(unit, run, item_id, actor, outputs, row.assignee))
    return run.id


def check_workable(unit: Unit, to: str) -> None:
    """Refuse an assignee nobody can work for: unknown or inactive user, group with no
    active member (the run would be stuck at once).

    Raises:
        Conflict: naming why, with the way round it (`--force`).
    """
    itemchecks.refuse_unworkable(to, directory.assignee_state(unit.conn, to))


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
    itemchecks.refuse_not_open(item_id, row.status)
    if not force:
        check_workable(unit, to)
    run = unit.run(row.run_id)  # locks the run first, like every other call on it
    commands.reassign(unit, run, item_id, to, reason, actor)


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
