"""Work items: a person's list, completing one, reassigning one or all of someone's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from engine.api import paging
from engine.api.deps import CallerDep, CursorQuery, EngineDep, LimitQuery
from engine.api.models import (
    CompletedOut,
    CompleteIn,
    ReassignAllIn,
    ReassignedOut,
    ReassignIn,
    WorkPageOut,
)
from engine.api.strict_json import StrictJsonRoute

router = APIRouter(prefix="/v1/work", route_class=StrictJsonRoute, tags=["work"])


@router.get("", response_model=WorkPageOut)
def list_work(
    engine: EngineDep,
    caller: CallerDep,
    user: Annotated[
        str | None, Query(description="Whose items (default: the token's user).")
    ] = None,
    include_closed: Annotated[bool, Query(description="Completed and withdrawn too.")] = False,
    assignee: Annotated[
        str | None, Query(description="Only items assigned to exactly this user:/group:/queue:.")
    ] = None,
    orchestration: Annotated[
        str | None, Query(description="Only items of runs of this orchestration.")
    ] = None,
    version: Annotated[int | None, Query(description="Only items of runs of this version.")] = None,
    stage: Annotated[str | None, Query(description="Only items of runs in this stage.")] = None,
    created_after: Annotated[
        datetime | None, Query(description="Created at or after this ISO time.")
    ] = None,
    created_before: Annotated[
        datetime | None, Query(description="Created before this ISO time.")
    ] = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Open items a user may complete (their own, their groups' and queues'), oldest first."""
    # Only the filters given are passed, so a runtime without one is asked nothing new.
    given = {
        "orchestration": orchestration,
        "version": version,
        "stage": stage,
        "created_after": created_after,
        "created_before": created_before,
    }
    filters = {k: v for k, v in given.items() if v is not None}

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        return engine.work_items(
            user or caller.name,
            include_closed=include_closed,
            assignee=assignee,
            after=after,
            limit=count,
            **filters,
        )

    items, next_cursor = paging.page(fetch, lambda i: (i["created_at"], i["id"]), cursor, limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/{item_id}/complete", response_model=CompletedOut)
def complete_item(
    item_id: str, body: CompleteIn, engine: EngineDep, caller: CallerDep
) -> dict[str, Any]:
    """Complete an item as the token's user (the assignee, a member, or an admin)."""
    run_id = engine.complete_item(item_id, caller.name, body.outputs)
    run = engine.run(run_id)
    return {"item": item_id, "run": run_id, "status": run["status"], "stage": run["stage"]}


@router.post("/{item_id}/reassign", response_model=ReassignedOut)
def reassign_item(
    item_id: str, body: ReassignIn, engine: EngineDep, caller: CallerDep
) -> dict[str, Any]:
    """Give one open item to someone else (operators; logged with the reason)."""
    engine.reassign(item_id, body.to, body.reason, actor=caller.name, force=body.force)
    return {"to": body.to, "items": [item_id]}


@router.post("/reassign-all", response_model=ReassignedOut)
def reassign_all(body: ReassignAllIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Move every open item of one assignee to another (operators)."""
    moved = engine.reassign_all(
        body.source, body.to, body.reason, actor=caller.name, force=body.force
    )
    return {"to": body.to, "items": moved}
