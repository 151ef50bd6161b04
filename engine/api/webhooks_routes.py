"""Webhooks over HTTP: an admin registers, lists and removes them (engine.runtime.webhooks)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from engine.api.deps import CallerDep, EngineDep
from engine.api.models import WebhookCreatedOut, WebhookIn, WebhookOut
from engine.runtime import webhooks

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreatedOut)
def add_webhook(body: WebhookIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Register a webhook (admins); the answer holds its signing secret, shown once."""
    webhook_id, secret = webhooks.add_webhook(
        engine, body.orchestration, body.url, body.events, actor=caller.name
    )
    return {"id": webhook_id, "orchestration": body.orchestration, "secret": secret}


@router.get("", response_model=list[WebhookOut])
def list_webhooks(engine: EngineDep, caller: CallerDep) -> list[dict[str, Any]]:
    """Every webhook with its delivery counts, never a secret (admins)."""
    return webhooks.list_webhooks(engine, actor=caller.name)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_webhook(webhook_id: str, engine: EngineDep, caller: CallerDep) -> None:
    """Stop a webhook: nothing new is queued for it (admins)."""
    webhooks.remove_webhook(engine, webhook_id, actor=caller.name)
