"""Webhooks over HTTP: an admin registers, lists and removes them (engine.runtime.webhooks)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from engine.api import paging
from engine.api.deps import CallerDep, CursorQuery, EngineDep, LimitQuery
from engine.api.models import (
    DeliveryPageOut,
    WebhookCreatedOut,
    WebhookIn,
    WebhookPageOut,
)
from engine.api.strict_json import StrictJsonRoute
from engine.runtime import webhooks

router = APIRouter(prefix="/v1/webhooks", route_class=StrictJsonRoute, tags=["webhooks"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreatedOut)
def add_webhook(body: WebhookIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Register a webhook (admins); the answer holds its signing secret, shown once."""
    webhook_id, secret = webhooks.add_webhook(
        engine, body.orchestration, body.url, body.events, actor=caller.name
    )
    return {"id": webhook_id, "orchestration": body.orchestration, "secret": secret}


@router.get("", response_model=WebhookPageOut)
def list_webhooks(
    engine: EngineDep,
    caller: CallerDep,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Webhooks with their delivery counts, never a secret, oldest first (admins)."""
    rows, next_cursor = paging.page(
        lambda after, n: webhooks.list_webhooks(engine, actor=caller.name, after=after, limit=n),
        lambda w: (w["created_at"], w["id"]),
        cursor,
        limit,
    )
    return {"webhooks": rows, "next_cursor": next_cursor}


@router.get("/deliveries", response_model=DeliveryPageOut)
def list_deliveries(
    engine: EngineDep,
    caller: CallerDep,
    webhook: Annotated[str | None, Query(description="Only this webhook's.")] = None,
    limit: LimitQuery = paging.DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    """Deliveries, oldest first: sent, pending (with the next try) or given up on, with the
    last error (admins)."""

    def fetch(after: paging.Key | None, count: int) -> list[dict[str, Any]]:
        last = paging.number(after[1]) if after else None
        return webhooks.deliveries(engine, webhook, actor=caller.name, after=last, limit=count)

    rows, next_cursor = paging.page(fetch, lambda d: ("delivery", str(d["number"])), cursor, limit)
    return {"deliveries": rows, "next_cursor": next_cursor}


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_webhook(webhook_id: str, engine: EngineDep, caller: CallerDep) -> None:
    """Stop a webhook: nothing new is queued for it (admins)."""
    webhooks.remove_webhook(engine, webhook_id, actor=caller.name)
