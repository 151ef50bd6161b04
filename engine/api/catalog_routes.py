"""Health and readiness probes, the caller's identity, and the stored definitions."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import text

from engine.api import paging
from engine.api.deps import CallerDep, CursorQuery, EngineDep, LimitQuery
from engine.api.models import (
    AuditPageOut,
    CallerOut,
    DefinitionPageOut,
    ErrorOut,
    HealthOut,
    ReadyOut,
)
from engine.api.strict_json import StrictJsonRoute
from engine.errors import InvalidInput, NotFound
from engine.runtime import audit

probes = APIRouter(tags=["probes"])
router = APIRouter(prefix="/v1", route_class=StrictJsonRoute)


def server_version() -> str:
    try:
        return version("baton-studio")
    except PackageNotFoundError:
        return "0+unknown"


@probes.get("/health", response_model=HealthOut)
async def health() -> dict[str, Any]:
    """The process answers (no token needed; touches no database, so it never waits)."""
    return {"status": "ok", "version": server_version()}


@probes.get("/ready", response_model=ReadyOut, responses={503: {"model": ErrorOut}})
def ready(engine: EngineDep) -> Any:
    """The database answers, and on a Temporal runtime the Temporal frontend too (no token
    needed): send traffic here only when this is 200."""
    dialect = "sqlite" if engine.store.is_sqlite else engine.store.engine.dialect.name
    try:
        with engine.store.read() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse(
            {"error": "DatabaseUnavailable", "message": f"the {dialect} database: {exc}"},
            status_code=503,
        )
    address = getattr(engine, "address", None)
    if address is None:
        return {"status": "ready", "database": dialect, "runtime": "local"}
    from engine.temporal.health import temporal_problem

    problem = temporal_problem(engine)
    if problem is not None:
        return JSONResponse(
            {"error": "TemporalUnavailable", "message": f"Temporal at {address}: {problem}"},
            status_code=503,
        )
    return {"status": "ready", "database": dialect, "runtime": str(address)}


@router.get("/me", response_model=CallerOut, tags=["tokens"])
def me(caller: CallerDep) -> dict[str, Any]:
    """Who this token acts as, and their role."""
    return {"name": caller.name, "role": caller.role, "token": caller.token_id}


@router.get("/definitions", response_model=DefinitionPageOut, tags=["definitions"])
def list_definitions(
    engine: EngineDep,
    _caller: CallerDep,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Every stored version of every orchestration, by id, newest version first per id, a
    page at a time."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        last = (after[0], int(after[1])) if after and after[1].isdigit() else None
        if after and last is None:
            raise InvalidInput("the cursor is not one this server gave out", field="cursor")
        return engine.definitions(after=last, limit=count)

    rows, next_cursor = paging.page(fetch, lambda d: (d["id"], str(d["version"])), cursor, limit)
    return {"definitions": rows, "next_cursor": next_cursor}


@router.get("/definitions/{definition_id}", response_model=DefinitionPageOut, tags=["definitions"])
def definition_versions(
    definition_id: str,
    engine: EngineDep,
    _caller: CallerDep,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """The stored versions of one orchestration, newest first (`active` marks the live
    one), a page at a time."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        # Versions are listed newest first per id, so the first page starts "after" a
        # version higher than any; rows of the next id end the list.
        last = paging.number(after[1]) if after else _PAST_EVERY_VERSION
        rows = engine.definitions(after=(definition_id, last), limit=count)
        return [d for d in rows if d["id"] == definition_id]

    rows, next_cursor = paging.page(fetch, lambda d: (d["id"], str(d["version"])), cursor, limit)
    if not rows and cursor is None:
        raise NotFound(f"no orchestration {definition_id!r}", hint="list them: GET /v1/definitions")
    return {"definitions": rows, "next_cursor": next_cursor}


_PAST_EVERY_VERSION = 2**31 - 1  # the largest version an INTEGER column holds


@router.get("/audit", response_model=AuditPageOut, tags=["audit"])
def audit_log(
    engine: EngineDep,
    caller: CallerDep,
    action: Annotated[str | None, Query(description="One action, or a prefix: user.")] = None,
    by: Annotated[str | None, Query(description="Only what this user did.")] = None,
    subject: Annotated[str | None, Query(description="Only about this id or name.")] = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Admin actions outside runs, newest first (admins), a page at a time."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        before = paging.number(after[1]) if after else None
        return audit.entries(
            engine, caller.name, action=action, by=by, subject=subject, before=before, limit=count
        )

    rows, next_cursor = paging.page(fetch, lambda e: ("audit", str(e["id"])), cursor, limit)
    return {"entries": rows, "next_cursor": next_cursor}
