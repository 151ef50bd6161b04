"""The checks and messages about work items that every runtime gives alike.

Pure (no store, no I/O): the run core (`commands`), the local engine's SQL shell
(`workitems`, `queries`) and the Temporal client (`engine.temporal`) call these, so a user
hears the same refusal and sees the same stuck reasons whichever runtime holds the run.
"""

from __future__ import annotations

from typing import Any

from engine.errors import Conflict, NotFound

NOTHING_TO_WAIT_ON = "waits on nothing that can happen (no open item, event, timer or child run)"
"""The stuck reason of a run with no open item, event subscription, timer or running child."""

NO_ASSIGNEE = "has no assignee; reassign it with `baton work reassign ITEM --to ...`"
"""Why nobody can work an open item with no assignee, when the run does not say why."""


def refuse_closed(item_id: str, status: str, closed_by: str | None, closed_at: str | None) -> None:
    """Refuse to complete an item that is no longer open.

    Raises:
        Conflict: completed (naming who and when) or withdrawn (naming when).
    """
    if status == "completed":
        raise Conflict(f"work item {item_id} was already completed by {closed_by} at {closed_at}")
    if status == "withdrawn":
        raise Conflict(f"work item {item_id} was withdrawn at {closed_at}; nothing to do")


def refuse_not_open(item_id: str, status: str) -> None:
    """Refuse to reassign an item that is not open.

    Raises:
        Conflict: naming its status.
    """
    if status != "open":
        raise Conflict(f"work item {item_id} is {status}; only open items can be reassigned")


def refuse_unworkable(to: str, problem: str | None) -> None:
    """Refuse an assignee nobody can work for (`problem` says why; None: someone can).

    Raises:
        Conflict: naming why, with the way round it (`--force`).
    """
    if problem is not None:
        raise Conflict(
            f"{to}: {problem}, so nobody could work the item and its run would be stuck",
            hint="pick another assignee, or pass --force to reassign anyway",
        )


def assignees_of(name: str, user: Any) -> set[str] | None:
    """The assignees whose items `user` (a `directory.User`, or None when unknown) may
    complete: their own and their groups' and queues'; None for an admin (any item).

    Raises:
        NotFound: no such user.
    """
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return None if user.admin else {f"user:{name}", *user.groups}


def overdue_reason(item_id: str, step_id: str, due_at: str) -> str:
    """The stuck reason of an open item past its due date."""
    return f"work item {item_id} ({step_id}) is overdue since {due_at}"


def item_reason(item_id: str, step_id: str, why: str) -> str:
    """The stuck reason of an open item nobody can work (`why` names the assignee's problem)."""
    return f"work item {item_id} ({step_id}): {why}"


def failed_reason(error: str | None) -> str:
    """The stuck reason of a failed run."""
    return f"failed: {error}"
