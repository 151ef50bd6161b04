"""Rows of `audit_log`: admin actions outside runs, appended in the transaction that does
them (so a refused or rolled-back action leaves no entry)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from engine.store.schema import audit_log


def record(
    conn: Connection,
    *,
    time: str,
    actor: str | None,
    action: str,
    subject: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry."""
    conn.execute(
        audit_log.insert().values(
            time=time, actor=actor, action=action, subject=subject, details=details or {}
        )
    )


def entries(
    conn: Connection,
    *,
    action: str | None = None,
    actor: str | None = None,
    subject: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Entries newest first, at most `limit`, older than entry id `before` when given.

    `action` matches a whole action or a prefix ending in a dot (`user.`).
    """
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action is not None:
        if action.endswith("."):
            query = query.where(audit_log.c.action.startswith(action))
        else:
            query = query.where(audit_log.c.action == action)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    return [dict(r._mapping) for r in conn.execute(query)]
