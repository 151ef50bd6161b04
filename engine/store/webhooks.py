"""Rows of `webhooks` (who wants to hear about an orchestration) and `webhook_deliveries`
(one outbox row per message, written in the run's transaction; see engine.runtime.webhooks).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Connection, select, update

from engine.store import keyset
from engine.store.prepared import Prepared
from engine.store.schema import webhook_deliveries, webhooks

TRIGGERS = {
    "run_completed": "run.completed",
    "run_failed": "run.failed",
    "item_created": "item.created",
}
"""Run event type -> the webhook event it raises."""

EVENTS = tuple(TRIGGERS.values())


def insert(
    conn: Connection,
    *,
    webhook_id: str,
    orchestration: str,
    url: str,
    secret: str,
    events: list[str],
    created_at: str,
    created_by: str | None,
) -> None:
    """Register a webhook."""
    conn.execute(
        webhooks.insert().values(
            id=webhook_id,
            orchestration=orchestration,
            url=url,
            secret=secret,
            events=",".join(events),
            created_at=created_at,
            created_by=created_by,
            active=True,
        )
    )


def list_all(
    conn: Connection, *, after: tuple[str, str] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Webhooks (never their secret) with their delivery counts, oldest first: those
    after (created_at, id) `after`, at most `limit`."""
    query = select(
        webhooks.c.id,
        webhooks.c.orchestration,
        webhooks.c.url,
        webhooks.c.events,
        webhooks.c.created_at,
        webhooks.c.created_by,
        webhooks.c.active,
    ).order_by(webhooks.c.created_at, webhooks.c.id)
    query = keyset.after(query, webhooks.c.created_at, webhooks.c.id, after)
    rows = conn.execute(keyset.limited(query, limit))
    result = []
    for r in rows:
        counts = conn.execute(
            select(
                webhook_deliveries.c.sent_at.is_not(None).label("sent"),
                webhook_deliveries.c.failed,
            ).where(webhook_deliveries.c.webhook_id == r.id)
        ).all()
        result.append(
            {
                **r._mapping,
                "events": r.events.split(","),
                "active": bool(r.active),
                "sent": sum(1 for c in counts if c.sent),
                "failed": sum(1 for c in counts if c.failed),
                "pending": sum(1 for c in counts if not c.sent and not c.failed),
            }
        )
    return result


def deactivate(conn: Connection, webhook_id: str) -> bool:
    """Stop a webhook (pending deliveries are still tried); False when none is active."""
    changed = conn.execute(
        update(webhooks)
        .where(webhooks.c.id == webhook_id, webhooks.c.active.is_(True))
        .values(active=False)
    )
    return bool(changed.rowcount)


class _Hook(NamedTuple):
    id: str
    orchestration: str
    events: str


_ACTIVE_HOOKS = Prepared(
    select(webhooks.c.id, webhooks.c.orchestration, webhooks.c.events).where(
        webhooks.c.active.is_(True)
    )
)


def enqueue_for_events(
    conn: Connection,
    events: Iterable[dict[str, Any]],
    orchestration_of: dict[str, tuple[str, int]],
    now: str,
) -> int:
    """Queue a delivery for every active webhook that wants one of these run events.

    Called inside the transaction that appends the events, so a rolled-back call queues
    nothing; a delivery's key (webhook, run, event seq) makes queueing twice harmless.

    Args:
        events: the event rows being written (`run_id`, `seq`, `time`, `type`, `payload`).
        orchestration_of: run id -> (orchestration id, version).
        now: the call's time.
    """
    wanted = [e for e in events if e["type"] in TRIGGERS]
    if not wanted:
        return 0
    ids = {orchestration_of[e["run_id"]][0] for e in wanted}
    # Nearly every call asks, and there are few webhooks: one prepared query for all the
    # active ones, filtered here, costs far less than building an `IN` query each time.
    hooks = [_Hook(*row) for row in _ACTIVE_HOOKS.rows(conn) if row[1] in ids]
    if not hooks:
        return 0
    queued = 0
    for event in wanted:
        definition_id, version = orchestration_of[event["run_id"]]
        name = TRIGGERS[event["type"]]
        payload = event["payload"]
        data = json.loads(payload) if isinstance(payload, str) else payload
        for hook in hooks:
            if hook.orchestration != definition_id or name not in hook.events.split(","):
                continue
            key = f"{hook.id}:{event['run_id']}:{event['seq']}"
            found = conn.execute(
                select(webhook_deliveries.c.id).where(webhook_deliveries.c.key == key)
            ).first()
            if found is not None:
                continue
            body = {
                "id": key,
                "event": name,
                "time": event["time"],
                "orchestration": definition_id,
                "version": version,
                "run": event["run_id"],
                "data": data,
            }
            conn.execute(
                webhook_deliveries.insert().values(
                    key=key,
                    webhook_id=hook.id,
                    run_id=event["run_id"],
                    event=name,
                    body=json.dumps(body, sort_keys=True, separators=(",", ":"), default=str),
                    created_at=now,
                    attempts=0,
                    failed=False,
                )
            )
            queued += 1
    return queued


def target(conn: Connection, webhook_id: str) -> Any:
    """The url and secret a delivery goes to (even for a webhook deactivated since)."""
    return conn.execute(
        select(webhooks.c.url, webhooks.c.secret).where(webhooks.c.id == webhook_id)
    ).first()


def deliveries(
    conn: Connection,
    webhook_id: str | None = None,
    *,
    after: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Delivery rows, oldest first (for `baton webhooks deliveries` and tests): those
    after delivery number `after`, at most `limit`."""
    query = select(
        webhook_deliveries.c.id.label("number"),
        webhook_deliveries.c.key,
        webhook_deliveries.c.webhook_id,
        webhook_deliveries.c.run_id,
        webhook_deliveries.c.event,
        webhook_deliveries.c.created_at,
        webhook_deliveries.c.sent_at,
        webhook_deliveries.c.attempts,
        webhook_deliveries.c.next_try_at,
        webhook_deliveries.c.last_error,
        webhook_deliveries.c.failed,
    ).order_by(webhook_deliveries.c.id)
    if webhook_id is not None:
        query = query.where(webhook_deliveries.c.webhook_id == webhook_id)
    if after is not None:
        query = query.where(webhook_deliveries.c.id > after)
    rows = conn.execute(keyset.limited(query, limit))
    return [{**r._mapping, "failed": bool(r.failed)} for r in rows]
