"""Bulk operator actions over HTTP: cancel or retry every run a filter matches."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from engine.api.deps import CallerDep, EngineDep
from engine.api.models import BulkIn, BulkOut
from engine.api.strict_json import StrictJsonRoute
from engine.runtime.bulk import RunFilter, bulk_cancel, bulk_retry

router = APIRouter(prefix="/v1/bulk", route_class=StrictJsonRoute, tags=["operator"])


@router.post("/cancel", response_model=BulkOut)
def cancel_matching(body: BulkIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Cancel every matching running, waiting, paused or failed run (operators).

    By default a dry run: the answer lists the runs it would cancel; send `"dry_run": false`
    to cancel them, each in its own transaction, logged with the caller and the reason.
    """
    run_filter = RunFilter(**body.filter.model_dump())
    return bulk_cancel(engine, run_filter, body.reason, caller.name, body.dry_run).to_json()


@router.post("/retry", response_model=BulkOut)
def retry_matching(body: BulkIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Retry the failed steps of every matching failed run (operators); dry run by default."""
    run_filter = RunFilter(**body.filter.model_dump())
    return bulk_retry(engine, run_filter, body.reason, caller.name, body.dry_run).to_json()
