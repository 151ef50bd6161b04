"""Rows of the `api_tokens` table: insert, find, list, revoke (see `engine.api.tokens`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from engine.store import keyset
from engine.store.schema import api_tokens, users

# One query per request: the token's row and its user's standing, by primary key.
_FIND = (
    select(
        api_tokens.c.id,
        api_tokens.c.user_name,
        api_tokens.c.secret_hash,
        api_tokens.c.revoked_at,
        users.c.active,
        users.c.role,
    )
    .select_from(api_tokens.outerjoin(users, users.c.name == api_tokens.c.user_name))
    .where(api_tokens.c.id == bindparam("id"))
)


def insert(
    conn: Connection,
    *,
    token_id: str,
    user: str,
    label: str,
    secret_hash: str,
    created_at: str,
    created_by: str | None,
) -> None:
    """Store a new token's hash."""
    conn.execute(
        api_tokens.insert().values(
            id=token_id,
            user_name=user,
            label=label,
            secret_hash=secret_hash,
            created_at=created_at,
            created_by=created_by,
        )
    )


def find(conn: Connection, token_id: str) -> Any:
    """The token's row joined with its user (`active`, `role` None if the user is gone)."""
    return conn.execute(_FIND, {"id": token_id}).first()


def list_all(
    conn: Connection,
    user: str | None = None,
    *,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Tokens (never their hash), oldest first; only one user's when `user` is given;
    those after (created_at, id) `after`, at most `limit`."""
    query = select(
        api_tokens.c.id,
        api_tokens.c.user_name.label("user"),
        api_tokens.c.label,
        api_tokens.c.created_at,
        api_tokens.c.created_by,
        api_tokens.c.revoked_at,
        api_tokens.c.revoked_by,
    ).order_by(api_tokens.c.created_at, api_tokens.c.id)
    if user is not None:
        query = query.where(api_tokens.c.user_name == user)
    query = keyset.after(query, api_tokens.c.created_at, api_tokens.c.id, after)
    return [dict(r._mapping) for r in conn.execute(keyset.limited(query, limit))]


def revoke(conn: Connection, token_id: str, at: str, by: str | None) -> bool:
    """Mark a live token revoked; False when there is no such live token."""
    changed = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at, revoked_by=by)
    )
    return bool(changed.rowcount)


def exists(conn: Connection, token_id: str) -> bool:
    """Whether a token with this id was ever created."""
    found = conn.execute(select(api_tokens.c.id).where(api_tokens.c.id == token_id)).first()
    return found is not None
