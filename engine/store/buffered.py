"""Events kept for wait steps that have not opened yet (`buffer:` on a wait step).

An event that reaches no waiting run is kept here when some active orchestration has a
wait step for that name with a `buffer`; a wait step that opens later within its buffer
takes the oldest match, which is then gone (a kept event is delivered once).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Select, delete, select, update

from engine.store.schema import buffered_events

_to_json = json.JSONEncoder(separators=(",", ":"), default=str).encode


def keep(
    conn: Connection,
    event: str,
    key: Any,
    data: dict[str, Any],
    sent_at: str,
    expires_at: str,
    actor: str | None,
) -> None:
    """Keep an event until `expires_at`."""
    conn.execute(
        buffered_events.insert().values(
            event=event,
            key=None if key is None else str(key),
            data=_to_json(data),
            sent_at=sent_at,
            expires_at=expires_at,
            actor=actor,
        )
    )


def oldest(conn: Connection, event: str, key: str | None, since: str) -> dict[str, Any] | None:
    """The oldest kept event of this name sent at or after `since`: with exactly this key,
    or any key when `key` is None (as a live event reaches a wait without a key)."""
    row = conn.execute(_oldest_free(event, key, since)).first()
    return None if row is None else _entry(row)


def _oldest_free(event: str, key: str | None, since: str) -> Select[Any]:
    # A claimed event (`claim`) is a Temporal run's already: it reaches no other wait.
    query = select(buffered_events).where(
        buffered_events.c.event == event,
        buffered_events.c.sent_at >= since,
        buffered_events.c.claimed_by.is_(None),
    )
    if key is not None:
        query = query.where(buffered_events.c.key == key)
    return query.order_by(buffered_events.c.sent_at, buffered_events.c.id).limit(1)


def _entry(row: Any) -> dict[str, Any]:
    return {"id": row.id, "key": row.key, "data": json.loads(row.data), "sent_at": row.sent_at}


def claim(
    conn: Connection, event: str, key: str | None, since: str, token: str
) -> dict[str, Any] | None:
    """Claim the oldest free kept event for a wait that opens (as `oldest` finds it) under
    `token`; a call again with the same token returns the event it claimed before. The
    claim is one conditional UPDATE, so of two runs claiming one event exactly one gets it;
    the loser tries the next oldest."""
    mine = select(buffered_events).where(buffered_events.c.claimed_by == token)
    while True:
        row = conn.execute(mine).first()
        if row is not None:
            return _entry(row)
        free = conn.execute(_oldest_free(event, key, since)).first()
        if free is None:
            return None
        conn.execute(
            update(buffered_events)
            .where(buffered_events.c.id == free.id, buffered_events.c.claimed_by.is_(None))
            .values(claimed_by=token)
        )


def take(conn: Connection, entry_id: int) -> bool:
    """Remove a kept event that a wait took; False when another call took it first."""
    return (
        conn.execute(delete(buffered_events).where(buffered_events.c.id == entry_id)).rowcount == 1
    )


def consume(conn: Connection, token: str) -> int:
    """Remove the kept event claimed under `token` once its run has taken it (a Temporal
    run, whose claim keeps the event only so that an attempt run again finds it); returns
    how many rows went (0 when an earlier call removed it)."""
    gone = conn.execute(delete(buffered_events).where(buffered_events.c.claimed_by == token))
    return gone.rowcount


def prune(conn: Connection, now: str) -> int:
    """Drop kept events whose time is over; returns how many."""
    return conn.execute(delete(buffered_events).where(buffered_events.c.expires_at <= now)).rowcount


def listing(conn: Connection, event: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Kept events, oldest first (of one name, or all)."""
    query = select(buffered_events)
    if event is not None:
        query = query.where(buffered_events.c.event == event)
    rows = conn.execute(
        query.order_by(buffered_events.c.sent_at, buffered_events.c.id).limit(limit)
    )
    return [
        {
            "id": r.id,
            "event": r.event,
            "key": r.key,
            "sent_at": r.sent_at,
            "expires_at": r.expires_at,
            "actor": r.actor,
        }
        for r in rows
    ]
