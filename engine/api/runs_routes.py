"""Runs: start one, list them, read one and its log, and the operator's actions on it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, status

from engine.api import paging
from engine.api.deps import CallerDep, CursorQuery, EngineDep, LimitQuery
from engine.api.models import (
    EventPageOut,
    NudgeOut,
    ReasonIn,
    RunDetailOut,
    RunPageOut,
    RunStatusOut,
    SkipIn,
    StartRunIn,
    VariablesIn,
    VariablesOut,
)
from engine.api.strict_json import StrictJsonRoute
from engine.runtime.protocol import RunEngine

router = APIRouter(prefix="/v1/runs", route_class=StrictJsonRoute, tags=["runs"])


def _status(engine: RunEngine, run_id: str) -> dict[str, Any]:
    return engine.run(run_id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RunStatusOut)
def start_run(body: StartRunIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Start a run of the orchestration's active version with these inputs."""
    run_id = engine.start(body.orchestration, body.inputs, actor=caller.name)
    return _status(engine, run_id)


@router.get("", response_model=RunPageOut)
def list_runs(
    engine: EngineDep,
    _caller: CallerDep,
    status: Annotated[str | None, Query(description="Only runs in this status.")] = None,
    stuck: Annotated[
        bool, Query(description="Only stuck runs (failed ones too), each with reasons.")
    ] = False,
    orchestration: Annotated[str | None, Query(description="Only runs of this id.")] = None,
    version: Annotated[int | None, Query(description="Only runs of this version.")] = None,
    stage: Annotated[str | None, Query(description="Only runs in this stage.")] = None,
    started_after: Annotated[
        datetime | None, Query(description="Started at or after this ISO time.")
    ] = None,
    started_before: Annotated[
        datetime | None, Query(description="Started before this ISO time.")
    ] = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    outcome: Annotated[
        str | None, Query(description="Only completed runs whose end has this outcome.")
    ] = None,
    assignee: Annotated[
        str | None,
        Query(description="Only runs with an open item of exactly this user:/group:/queue:."),
    ] = None,
) -> dict[str, Any]:
    """Runs, newest first, a page at a time."""
    # Given only when used, so a runtime without this filter is asked nothing new.
    extra = {"assignee": assignee} if assignee is not None else {}

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        return engine.runs(
            status=status,
            stuck=stuck,
            orchestration=orchestration,
            version=version,
            stage=stage,
            started_after=started_after,
            started_before=started_before,
            after=after,
            limit=count,
            outcome=outcome,
            **extra,
        )

    rows, next_cursor = paging.page(fetch, lambda r: (r["started_at"], r["id"]), cursor, limit)
    return {"runs": rows, "next_cursor": next_cursor}


@router.get("/{run_id}", response_model=RunDetailOut)
def get_run(run_id: str, engine: EngineDep, _caller: CallerDep) -> dict[str, Any]:
    """A run: status, stages, steps, open work items and variables."""
    return engine.run(run_id)


@router.get("/{run_id}/events", response_model=EventPageOut)
def run_log(
    run_id: str,
    engine: EngineDep,
    _caller: CallerDep,
    limit: LimitQuery = paging.MAX_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """The run's event log, in order (the audit trail), a page at a time."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        return engine.log(run_id, after=paging.number(after[1]) if after else None, limit=count)

    rows, next_cursor = paging.page(fetch, lambda e: (run_id, str(e["seq"])), cursor, limit)
    return {"events": rows, "next_cursor": next_cursor}


OptionalReason = Annotated[ReasonIn | None, Body()]


def _reason(body: ReasonIn | SkipIn | None) -> str:
    return body.reason if body is not None else ""


@router.post("/{run_id}/cancel", response_model=RunStatusOut)
def cancel_run(
    run_id: str, engine: EngineDep, caller: CallerDep, body: OptionalReason = None
) -> dict[str, Any]:
    """Cancel a run: open items withdrawn, waits dropped (operators)."""
    engine.cancel(run_id, _reason(body), actor=caller.name)
    return _status(engine, run_id)


@router.post("/{run_id}/pause", response_model=RunStatusOut)
def pause_run(
    run_id: str, engine: EngineDep, caller: CallerDep, body: OptionalReason = None
) -> dict[str, Any]:
    """Pause a run: no new step starts until it is resumed (operators)."""
    engine.pause(run_id, _reason(body), actor=caller.name)
    return _status(engine, run_id)


@router.post("/{run_id}/resume", response_model=RunStatusOut)
def resume_run(
    run_id: str, engine: EngineDep, caller: CallerDep, body: OptionalReason = None
) -> dict[str, Any]:
    """Resume a paused run (operators)."""
    engine.resume(run_id, actor=caller.name, reason=_reason(body))
    return _status(engine, run_id)


@router.post("/{run_id}/steps/{step_id}/retry", response_model=RunStatusOut)
def retry_step(
    run_id: str, step_id: str, engine: EngineDep, caller: CallerDep, body: OptionalReason = None
) -> dict[str, Any]:
    """Run a failed background step again (operators)."""
    engine.retry(run_id, step_id, actor=caller.name, reason=_reason(body))
    return _status(engine, run_id)


@router.post("/{run_id}/steps/{step_id}/skip", response_model=RunStatusOut)
def skip_step(
    run_id: str,
    step_id: str,
    engine: EngineDep,
    caller: CallerDep,
    body: Annotated[SkipIn | None, Body()] = None,
) -> dict[str, Any]:
    """Skip a step, giving the outputs later steps read, checked against the step's
    declared outputs (operators)."""
    outputs = body.outputs if body is not None else {}
    engine.skip(run_id, step_id, outputs, actor=caller.name, reason=_reason(body))
    return _status(engine, run_id)


@router.patch("/{run_id}/variables", response_model=VariablesOut)
def edit_variables(
    run_id: str, body: VariablesIn, engine: EngineDep, caller: CallerDep
) -> dict[str, Any]:
    """Change declared variables of a run, type-checked and logged with the old values and
    the reason; the run is re-checked at once (operators)."""
    variables = engine.edit_variables(run_id, body.values, body.reason, actor=caller.name)
    return {**_status(engine, run_id), "variables": variables}


@router.post("/{run_id}/nudge", response_model=NudgeOut)
def nudge_run(run_id: str, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Evaluate the run's conditions again, e.g. a stage exit condition that came to hold
    through a record changed outside the run (operators)."""
    moved = engine.nudge(run_id, actor=caller.name)
    return {**_status(engine, run_id), "moved": moved}
