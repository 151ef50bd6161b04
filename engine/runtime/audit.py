"""The audit log of admin actions outside runs: activations, users and roles, API tokens,
webhooks, prunes of old runs. Each entry is written in the transaction of the action it records
(`engine.store.audit.record`); `entries` reads them for `baton audit` and `GET /v1/audit`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from engine.runtime import permissions
from engine.store import audit as audit_rows
from engine.store.directory import User

if TYPE_CHECKING:
    from engine.runtime.protocol import RunEngine

ACTIONS = (
    "definition.activated",
    "definition.deactivated",
    "user.added",
    "user.changed",
    "user.deactivated",
    "token.created",
    "token.revoked",
    "webhook.added",
    "webhook.removed",
    "runs.pruned",
)


def entries(
    engine: RunEngine,
    actor: str | None = None,
    *,
    action: str | None = None,
    by: str | None = None,
    subject: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Entries newest first (admins only when roles are enforced).

    Args:
        actor: who is reading (checked).
        action: one action, or a prefix such as `user.`.
        by: only entries of this acting user.
        subject: only entries about this orchestration, user, token or webhook.
        before: only entries older than this entry id (the next page).
        limit: at most this many.
    """
    with engine.store.read() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "read the audit log")
        return audit_rows.entries(
            conn, action=action, actor=by, subject=subject, before=before, limit=limit
        )


def _user_facts(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "role": user.role,
        "active": user.active,
        "groups": sorted(user.groups),
        "email": user.email,
    }


def record_user(
    conn: Connection, now: str, actor: str | None, before: User | None, after: User | None
) -> None:
    """Log a directory change (added, changed with old and new, or deactivated); nothing
    when nothing changed."""
    old, new = _user_facts(before), _user_facts(after)
    if after is None or old == new:
        return
    if before is None:
        action, details = "user.added", new
    elif before.active and not after.active:
        action, details = "user.deactivated", {}
    else:
        changed = {k for k in new if old[k] != new[k]}  # type: ignore[index]
        action = "user.changed"
        details = {
            "before": {k: old[k] for k in sorted(changed)},  # type: ignore[index]
            "after": {k: new[k] for k in sorted(changed)},
        }
    audit_rows.record(
        conn, time=now, actor=actor, action=action, subject=after.name, details=details
    )


def record_definition(
    conn: Connection, now: str, actor: str | None, definition_id: str, version: int | None
) -> None:
    """Log an activation (with the version stored) or a deactivation (`version` None)."""
    audit_rows.record(
        conn,
        time=now,
        actor=actor,
        action="definition.activated" if version is not None else "definition.deactivated",
        subject=definition_id,
        details={"version": version} if version is not None else {},
    )
