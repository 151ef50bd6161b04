"""Outgoing webhooks: an orchestration's runs tell other systems when they complete or fail
and when a work item is created.

* Queued with the run: the transaction that appends `run_completed`, `run_failed` or
  `item_created` also writes one `webhook_deliveries` row per subscribed webhook
  (`Unit.flush` -> `engine.store.webhooks.enqueue_for_events`). A call that rolls back
  queues nothing; no network I/O ever happens inside a run's transaction (DESIGN rule 10).
* Delivered after commit by `deliver_pending`, which every `Engine.tick` runs (so `baton
  worker` and `baton serve`): the due rows are claimed with the outbox protocol of
  `engine.store.outbox` in one transaction, POSTed outside any transaction, then recorded
  in one more: sent (any 2xx), or failed and tried again after 1, 2, 4... minutes on the
  engine clock, given up after `MAX_ATTEMPTS` (logged to `baton.webhooks`). At-least-once:
  `Baton-Delivery` names the delivery so receivers can drop repeats. A receiver that times
  out ends its webhook's share of the pass.
* Signed: `Baton-Signature: t=UNIX,v1=HEX` where HEX is HMAC-SHA256 of `"{t}." + body` with
  the webhook's secret; receivers recompute it and reject old `t` (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from engine.errors import InvalidInput, NotFound
from engine.runtime import permissions
from engine.store import audit as audit_rows
from engine.store import format_time
from engine.store import outbox as outbox_store
from engine.store import webhooks as webhook_rows
from engine.store.schema import webhook_deliveries

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.runtime.protocol import RunEngine

log = logging.getLogger("baton.webhooks")

MAX_ATTEMPTS = outbox_store.MAX_ATTEMPTS
TIMEOUT = 10.0
"""Seconds to connect and to wait for an answer."""
PASS_SECONDS = outbox_store.LEASE.total_seconds() / 2
"""How long one delivery pass posts before it gives the rest of its claims back."""


def add_webhook(
    engine: RunEngine,
    orchestration: str,
    url: str,
    events: list[str] | None = None,
    actor: str | None = None,
) -> tuple[str, str]:
    """Register a webhook for one orchestration (admins only when roles are enforced).

    Args:
        events: some of `run.completed`, `run.failed`, `item.created` (default: all).

    Returns:
        (webhook id, signing secret); the secret is shown to the admin once.

    Raises:
        InvalidInput: not an http(s) URL, or an unknown event.
        NotFound: no orchestration with that id was ever activated.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading it checks the port (urlsplit alone does not)
    except ValueError as exc:
        # urlsplit refuses a broken IPv6 host ("http://[::1"), .port one out of range.
        raise InvalidInput(f"{url!r} is not a URL: {exc}", field="url") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"{url!r} is not an http or https URL", field="url")
    chosen = list(events or webhook_rows.EVENTS)
    unknown = [e for e in chosen if e not in webhook_rows.EVENTS]
    if unknown:
        raise InvalidInput(
            f"unknown webhook event {unknown[0]!r}",
            field="events",
            hint="use " + ", ".join(webhook_rows.EVENTS),
        )
    if not any(d["id"] == orchestration for d in engine.definitions()):
        raise NotFound(
            f"no orchestration {orchestration!r}", hint="activate it first (`baton activate`)"
        )
    webhook_id, secret = secrets.token_hex(6), "whsec_" + secrets.token_urlsafe(32)
    with engine.store.transaction() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "manage webhooks")
        now = format_time(engine.clock.now())
        webhook_rows.insert(
            conn,
            webhook_id=webhook_id,
            orchestration=orchestration,
            url=url,
            secret=secret,
            events=chosen,
            created_at=now,
            created_by=actor,
        )
        audit_rows.record(
            conn,
            time=now,
            actor=actor,
            action="webhook.added",
            subject=webhook_id,
            details={"orchestration": orchestration, "url": url, "events": chosen},
        )
    permissions.audit.info("webhook %s for %s added by %s", webhook_id, orchestration, actor)
    return webhook_id, secret


def list_webhooks(
    engine: RunEngine,
    actor: str | None = None,
    *,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Webhooks with their delivery counts, never a secret, oldest first (admins only when
    roles are enforced: the URLs may be private): those after (created_at, id) `after`, at
    most `limit`."""
    with engine.store.read() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "list webhooks")
        return webhook_rows.list_all(conn, after=after, limit=limit)


def remove_webhook(engine: RunEngine, webhook_id: str, actor: str | None = None) -> None:
    """Stop a webhook: nothing new is queued for it (admins only when roles are enforced).

    Raises:
        NotFound: no active webhook with that id.
    """
    with engine.store.transaction() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "manage webhooks")
        if not webhook_rows.deactivate(conn, webhook_id):
            raise NotFound(f"no active webhook {webhook_id!r}", hint="see `baton webhooks list`")
        audit_rows.record(
            conn,
            time=format_time(engine.clock.now()),
            actor=actor,
            action="webhook.removed",
            subject=webhook_id,
        )
    permissions.audit.info("webhook %s removed by %s", webhook_id, actor)


def deliveries(
    engine: RunEngine,
    webhook_id: str | None = None,
    *,
    actor: str | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Delivery rows, oldest first: sent, pending (with the next try) or failed; those
    after delivery `number` `after`, at most `limit` (admins only when roles are enforced).

    Raises:
        NotFound: `webhook_id` names no webhook, active or removed (an empty list would
            read as "nothing delivered yet").
    """
    with engine.store.read() as conn:
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "list webhook deliveries")
        if webhook_id is not None and webhook_rows.target(conn, webhook_id) is None:
            raise NotFound(f"no webhook {webhook_id!r}", hint="see `baton webhooks list`")
        return webhook_rows.deliveries(conn, webhook_id, after=after, limit=limit)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Baton-Signature` header value for a body sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without the body: count it as a failure.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(url: str, secret: str, row: Any, timestamp: int, timeout: float) -> int:
    body = row.body.encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Baton-Webhooks",
            "Baton-Event": row.event,
            "Baton-Delivery": row.key,
            "Baton-Signature": signature(secret, timestamp, body),
        },
    )
    with _OPENER.open(request, timeout=timeout) as response:
        return response.status


def _timed_out(exc: BaseException) -> bool:
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(exc)


@dataclass
class _Claimed:
    """A delivery taken for this pass, with where it goes (None: the webhook is gone)."""

    row: Any
    target: Any


@dataclass
class _Outcomes:
    """What a pass did to its claimed rows, recorded together when it ends."""

    sent: list[int] = field(default_factory=list)
    # (row, when it failed, the error): the next try counts from the failure itself.
    failed: list[tuple[Any, datetime, str]] = field(default_factory=list)
    untried: list[int] = field(default_factory=list)


def deliver_pending(engine: Engine, limit: int = 100, timeout: float = TIMEOUT) -> int:
    """POST every due delivery; returns how many were delivered. Never raises for a
    receiver's failure (it is recorded and retried).

    In batches, as notices are: one transaction claims every due row and reads where it
    goes, the POSTs happen outside any transaction, one transaction records every outcome
    (sent; failed with its next try; given back untried). A receiver that times out ends
    its webhook's share of the pass, and a pass posts for at most half a claim's lease, so
    no claim runs out while its row waits its turn: the rows not reached are given back.
    """
    moment = engine.clock.now()
    with engine.store.read() as conn:
        ids = outbox_store.due(conn, webhook_deliveries, format_time(moment), limit)
    if not ids:
        return 0
    claimed = _claim(engine, ids, moment)
    outcomes = _post_all(engine, claimed, int(moment.timestamp()), timeout)
    if claimed:
        _record(engine, outcomes)
    return len(outcomes.sent)


def _claim(engine: Engine, ids: list[int], moment: datetime) -> list[_Claimed]:
    claimed: list[_Claimed] = []
    targets: dict[str, Any] = {}
    with engine.store.transaction() as conn:
        for row_id in ids:
            row = outbox_store.claim(conn, webhook_deliveries, row_id, moment)
            if row is None:
                continue  # another deliverer has it, or it is done
            if row.webhook_id not in targets:
                targets[row.webhook_id] = webhook_rows.target(conn, row.webhook_id)
            claimed.append(_Claimed(row, targets[row.webhook_id]))
    return claimed


def _post_all(engine: Engine, claimed: list[_Claimed], timestamp: int, timeout: float) -> _Outcomes:
    outcomes = _Outcomes()
    silent: set[str] = set()
    # Wall time, not the engine clock: a virtual clock stands still while receivers answer.
    stop_at = time.monotonic() + PASS_SECONDS
    for index, (row, found) in enumerate((c.row, c.target) for c in claimed):
        if index and time.monotonic() > stop_at:  # the first always goes: a pass moves on
            outcomes.untried += [c.row.id for c in claimed[index:]]
            break
        if row.webhook_id in silent:
            outcomes.untried.append(row.id)
            continue
        try:
            if found is None:
                raise NotFound(f"webhook {row.webhook_id} no longer exists")
            status = _post(found.url, found.secret, row, timestamp, timeout)
            if not 200 <= status < 300:
                raise RuntimeError(f"the receiver answered {status}")
        except Exception as exc:  # any failure of the receiver: recorded, never raised
            outcomes.failed.append((row, engine.clock.now(), _error_of(exc)))
            if _timed_out(exc):
                silent.add(row.webhook_id)
            continue
        outcomes.sent.append(row.id)
    return outcomes


def _record(engine: Engine, outcomes: _Outcomes) -> None:
    logged: list[tuple[str, int, str | None, str]] = []
    with engine.store.transaction() as conn:
        now = format_time(engine.clock.now())
        for row_id in outcomes.sent:
            outbox_store.mark_sent(conn, webhook_deliveries, row_id, now)
        for row, failed_at, error in outcomes.failed:
            attempts, retry_at = outbox_store.mark_failed(
                conn, webhook_deliveries, row.id, failed_at, error
            )
            logged.append((row.key, attempts, retry_at, error))
        for row_id in outcomes.untried:
            outbox_store.release(conn, webhook_deliveries, row_id)
    # Logged once recorded: a log line never claims a retry the database does not hold.
    for key, attempts, retry_at, error in logged:
        if retry_at is None:
            log.error("webhook delivery %s failed %d times, giving up: %s", key, attempts, error)
        else:
            log.warning(
                "webhook delivery %s failed (attempt %d), retrying at %s: %s",
                key,
                attempts,
                retry_at,
                error,
            )


def _error_of(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"the receiver answered {exc.code}"
    return f"{type(exc).__name__}: {exc}"
