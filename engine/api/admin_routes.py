"""The directory, API tokens and the outbox over HTTP: lists an operator or admin reads,
each a page at a time (keyset cursors, see `engine.api.paging`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import Connection

from engine.api import paging, tokens
from engine.api.deps import CallerDep, CursorQuery, EngineDep, LimitQuery
from engine.api.models import OutboxPageOut, TokenPageOut, UserPageOut
from engine.api.strict_json import StrictJsonRoute
from engine.runtime import permissions
from engine.runtime.protocol import RunEngine
from engine.store import directory, outbox

router = APIRouter(prefix="/v1", route_class=StrictJsonRoute)


@contextmanager
def _read_as_operator(engine: RunEngine, name: str, doing: str) -> Iterator[Connection]:
    # A read transaction, refused first unless `name` is an operator (roles enforced).
    with engine.store.read() as conn:
        if engine.enforce_roles:
            permissions.require(conn, name, "operator", doing)
        yield conn


@router.get("/users", response_model=UserPageOut, tags=["directory"])
def list_users(
    engine: EngineDep,
    caller: CallerDep,
    group: Annotated[
        str | None, Query(description="Only members of this group:/queue: (or bare name).")
    ] = None,
    role: Annotated[str | None, Query(description="Only users with this role.")] = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Users by name, with role, groups and queues (operators: whom to reassign work to)."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        with _read_as_operator(engine, caller.name, "list users") as conn:
            found = directory.list_users(
                conn, after=after[1] if after else None, limit=count, group=group, role=role
            )
        return [
            {
                "name": u.name,
                "role": u.role,
                "active": u.active,
                "groups": list(u.groups),
                "email": u.email,
            }
            for u in found
        ]

    rows, next_cursor = paging.page(fetch, lambda u: ("user", u["name"]), cursor, limit)
    return {"users": rows, "next_cursor": next_cursor}


@router.get("/tokens", response_model=TokenPageOut, tags=["tokens"])
def list_tokens(
    engine: EngineDep,
    caller: CallerDep,
    user: Annotated[
        str | None, Query(description="Only this user's (admins may ask for anyone's).")
    ] = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """API tokens, oldest first, never a secret: everyone's for admins, else one's own
    (pass `user` = your name)."""
    rows, next_cursor = paging.page(
        lambda after, n: tokens.list_tokens(engine, user, actor=caller.name, after=after, limit=n),
        lambda t: (t["created_at"], t["id"]),
        cursor,
        limit,
    )
    return {"tokens": rows, "next_cursor": next_cursor}


@router.get("/outbox", response_model=OutboxPageOut, tags=["operator"])
def list_outbox(
    engine: EngineDep,
    caller: CallerDep,
    failed: Annotated[bool, Query(description="Only those given up on.")] = False,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Emails and notices not delivered yet, or given up on, oldest first (operators)."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        with _read_as_operator(engine, caller.name, "read the outbox") as conn:
            return outbox.undelivered(
                conn, failed=True if failed else None, after=after, limit=count
            )

    rows, next_cursor = paging.page(
        fetch, lambda m: (m["created_at"], m["position"]), cursor, limit
    )
    return {"messages": rows, "next_cursor": next_cursor}
