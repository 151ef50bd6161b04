"""Outside effects, after commit: emails from `send_email` and assignment notices.

No network or file I/O happens inside an engine transaction (DESIGN rule 10). An action's
email is a row of the `outbox` table written in the run's transaction (`queue_message`);
a notice is a row of `notifications`. After the transaction commits:

* the process that made the call writes each new message's `.eml` file to the outbox
  folder at once (`after_commit`; local and quick, and a failure only leaves the row for
  the worker);
* `deliver_pending`, run by every `Engine.tick` (so by `baton worker`), delivers every
  pending row: writes its file if missing and, when `BATON_SMTP_HOST` is set, sends it by
  SMTP with connect and read timeouts. Each row is claimed, delivered outside any
  transaction and recorded in the store's outbox protocol (`engine.store.outbox`): a
  failure is logged to `baton.notify` and retried after 1, 2, 4... minutes on the engine
  clock, then marked failed after `MAX_ATTEMPTS`. A failure never touches a run.
* A mail server that accepts and never answers costs one timeout per pass: the first
  timed-out message ends the pass, the rest wait for the next one.
"""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, Table

from engine.actions import mail
from engine.errors import StoreFault
from engine.store import format_time, parse_time
from engine.store import outbox as outbox_store
from engine.store.schema import notifications, outbox

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.runtime.unit import Unit

log = logging.getLogger("baton.notify")

MAX_ATTEMPTS = outbox_store.MAX_ATTEMPTS


@dataclass
class Outgoing:
    """What one claimed row turned into: a message to deliver, or nothing to send."""

    key: str
    message: EmailMessage | None
    done_values: dict[str, Any] = field(default_factory=dict)


def queue_message(unit: Unit, key: str, run_id: str, message: dict[str, Any]) -> Path:
    """Add an email to the outbox in the unit's transaction; returns its future `.eml` file.

    Args:
        message: `to`, `subject`, `body`, optional `cc` and `sender`.
    """
    if outbox_store.enqueue(unit.conn, key, run_id, message, unit.now):
        unit.messages.append(key)
    return mail.message_file(unit.engine.outbox, key)


def _message_of(row: Row) -> EmailMessage:
    data = json.loads(row.message)
    return mail.build_message(
        row.key,
        to=data["to"],
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        cc=data.get("cc"),
        sender=data.get("sender"),
        now=parse_time(row.created_at),
    )


def after_commit(engine: Engine, keys: list[str]) -> None:
    """Write the `.eml` files of messages a call just committed (never raises)."""
    try:
        with engine.store.read() as conn:
            rows = outbox_store.messages(conn, keys)
        for row in rows:
            mail.write_message(engine.outbox, row.key, _message_of(row))
    except (OSError, StoreFault) as exc:
        log.warning("outbox files not written yet (%s); the worker will write them", exc)


def _prepare_action_message(engine: Engine, conn: Connection, row: Row) -> Outgoing:
    return Outgoing(row.key, _message_of(row))


def _prepare_notice(engine: Engine, conn: Connection, row: Row) -> Outgoing:
    from engine.runtime import notify

    return notify.prepare(engine, conn, row)


_KINDS: tuple[tuple[Table, Any], ...] = (
    (outbox, _prepare_action_message),
    (notifications, _prepare_notice),
)


class _ServerSilent(Exception):
    """The mail server timed out: leave the rest of this pass for later."""


def deliver_pending(engine: Engine, limit: int = 200) -> int:
    """Deliver the due outbox messages and notices; returns how many were delivered.

    Stops early (the rest stay due) when the mail server times out or the database fails.
    """
    host = mail.smtp_host()
    delivered = 0
    for table, prepare in _KINDS:
        with engine.store.read() as conn:
            ids = outbox_store.due(conn, table, format_time(engine.clock.now()), limit)
        for row_id in ids:
            try:
                delivered += _deliver_one(engine, table, prepare, row_id, host)
            except _ServerSilent:
                return delivered
            except StoreFault as exc:
                log.warning("delivery paused, the database failed: %s", exc)
                return delivered
    return delivered


def _deliver_one(engine: Engine, table: Table, prepare: Any, row_id: int, host: str | None) -> int:
    moment = engine.clock.now()
    with engine.store.transaction() as conn:
        row = outbox_store.claim(conn, table, row_id, moment)
        if row is None:
            return 0
        try:
            outgoing = prepare(engine, conn, row)
        except Exception as exc:  # a message that cannot be built is a failed delivery
            outgoing = exc
        if isinstance(outgoing, Outgoing) and outgoing.message is None:
            outbox_store.mark_sent(conn, table, row_id, format_time(moment), **outgoing.done_values)
            return 0
    try:
        if isinstance(outgoing, Exception):
            raise outgoing
        mail.write_message(engine.outbox, outgoing.key, outgoing.message)
        if host:
            mail.send_once(engine.outbox, outgoing.key, outgoing.message, host)
    except Exception as exc:  # any delivery failure: record it, never raise into a run
        _record_failure(engine, table, row_id, exc)
        if _timed_out(exc):
            raise _ServerSilent from exc
        return 0
    with engine.store.transaction() as conn:
        outbox_store.mark_sent(
            conn, table, row_id, format_time(engine.clock.now()), **outgoing.done_values
        )
    return 1


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc)


def _record_failure(engine: Engine, table: Table, row_id: int, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"
    with engine.store.transaction() as conn:
        attempts, retry_at = outbox_store.mark_failed(
            conn, table, row_id, engine.clock.now(), error
        )
    what = "notice" if table is notifications else "message"
    if retry_at is None:
        log.error("%s %s failed %d times, giving up: %s", what, row_id, attempts, error)
    else:
        log.warning(
            "%s %s failed (attempt %d), retrying at %s: %s", what, row_id, attempts, retry_at, error
        )
