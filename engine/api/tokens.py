"""API tokens: created for a user, shown once, stored as a SHA-256, revocable.

A token reads `bt_<id>_<secret>`: `id` (12 hex digits) is public and names the row, `secret`
is 32 random bytes (256 bits). The table keeps only SHA-256 of the whole token, compared in
constant time. A slow password hash (bcrypt, scrypt, argon2) exists to make guessing a
*human-chosen* password from a stolen hash expensive; a 256-bit random secret cannot be
guessed at any speed, so a fast hash protects it just as well and costs microseconds per
request instead of the ~100 ms of CPU a password hash would add to every API call.

This module imports no web framework: the CLI (`baton tokens ...`) uses it too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from engine.runtime import permissions
from engine.runtime.protocol import RunEngine
from engine.store import audit as audit_rows
from engine.store import directory, format_time
from engine.store import tokens as token_rows

audit = logging.getLogger("baton.audit")

PREFIX = "bt_"
_SHAPE = re.compile(r"^bt_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$")
_HINT = "send `Authorization: Bearer TOKEN`; an admin creates one with `baton tokens create`"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token just created: `secret` is the whole token, shown this once and never stored."""

    id: str
    user: str
    secret: str


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request acts as: the token's user and their role."""

    name: str
    role: str
    token_id: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    engine: RunEngine, user: str, label: str = "", actor: str | None = None
) -> IssuedToken:
    """Create a token acting as `user` (admins only when roles are enforced).

    Raises:
        NotFound: no such user.
        InvalidInput: the user is inactive.
        PermissionDenied: `actor` is not an admin.
    """
    token_id = secrets.token_hex(6)
    secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    with engine.store.transaction() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "create API tokens")
        found = directory.role_of(conn, user)
        if found is None:
            raise NotFound(f"no user named {user!r}", hint="add them with `baton users add`")
        if not found[0]:
            raise InvalidInput(f"user {user!r} is inactive; no token was created")
        now = format_time(engine.clock.now())
        token_rows.insert(
            conn,
            token_id=token_id,
            user=user,
            label=label,
            secret_hash=_digest(secret),
            created_at=now,
            created_by=actor,
        )
        audit_rows.record(
            conn,
            time=now,
            actor=actor,
            action="token.created",
            subject=token_id,
            details={"user": user, "label": label},
        )
    audit.info("token %s created for %s by %s", token_id, user, actor)
    return IssuedToken(token_id, user, secret)


def list_tokens(
    engine: RunEngine,
    user: str | None = None,
    *,
    actor: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Tokens' ids, users, labels and dates (never a secret or hash), oldest first: those
    after (created_at, id) `after`, at most `limit`. When roles are enforced, only an admin
    lists other users' tokens (`actor` is who asks)."""
    with engine.store.read() as conn:
        if engine.enforce_roles and user != actor:
            permissions.require(conn, actor, "admin", "list other users' API tokens")
        return token_rows.list_all(conn, user, after=after, limit=limit)


def revoke_token(engine: RunEngine, token_id: str, actor: str | None = None) -> None:
    """Revoke a token at once (admins only when roles are enforced).

    Raises:
        NotFound: no live token with that id.
    """
    with engine.store.transaction() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "revoke API tokens")
        now = format_time(engine.clock.now())
        if not token_rows.revoke(conn, token_id, now, actor):
            if token_rows.exists(conn, token_id):
                raise NotFound(f"token {token_id} is already revoked")
            raise NotFound(f"no token with id {token_id!r}", hint="list them: `baton tokens list`")
        audit_rows.record(conn, time=now, actor=actor, action="token.revoked", subject=token_id)
    audit.info("token %s revoked by %s", token_id, actor)


def authenticate(engine: RunEngine, presented: str | None) -> Caller:
    """The caller a bearer token stands for.

    Raises:
        Unauthenticated: no token, a malformed, unknown or revoked one.
        PermissionDenied: the token's user is inactive or no longer in the directory.
    """
    if not presented:
        raise Unauthenticated("this request has no API token", hint=_HINT)
    shape = _SHAPE.match(presented)
    if shape is None:
        raise Unauthenticated("the API token is malformed", hint=_HINT)
    with engine.store.read() as conn:
        row = token_rows.find(conn, shape.group(1))
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(presented)):
        raise Unauthenticated("the API token is not valid", hint=_HINT)
    if row.revoked_at is not None:
        raise Unauthenticated(
            f"the API token {row.id} was revoked at {row.revoked_at}",
            hint="ask an admin for a new one",
        )
    if row.role is None:
        raise PermissionDenied(f"the token's user {row.user_name!r} is not in the directory")
    if not row.active:
        raise PermissionDenied(
            f"user {row.user_name!r} is inactive", hint="ask an admin to reactivate you"
        )
    return Caller(row.user_name, row.role, row.id)
