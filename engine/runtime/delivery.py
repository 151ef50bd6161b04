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
    message: bytes | None
    """The `.eml` bytes (see `mail.message_bytes`)."""
    done_values: dict[str, Any] = field(default_factory=dict)


def queue_message(unit: Unit, key: str, run_id: str, message: dict[str, Any]) -> Path:
    """Add an email to the outbox in the unit's transaction; returns its future `.eml` file.

    Args:
        message: `to`, `subject`, `body`, optional `cc` and `sender`.
    """
    if outbox_store.enqueue(unit.conn, key, run_id, message, unit.now):
        unit.messages.append(key)
    return mail.message_file(unit.engine.outbox, key)


def _message_of(row: Row) -> bytes:
    data = json.loads(row.message)
    return mail.message_bytes(
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
        written = mail.write_messages(engine.outbox, [(row.key, _message_of(row)) for row in rows])
        failed = [result for result in written if isinstance(result, OSError)]
        if failed:
            raise failed[0]
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


def deliver_pending(engine: Engine, limit: int = 200, kinds: set[str] | None = None) -> int:
    """Deliver the due outbox messages and notices; returns how many were delivered.

    Each kind is delivered in batches: one transaction claims every due row and builds its
    message, the messages leave outside any transaction (all files first, synced together,
    then SMTP), and one more transaction records those delivered (a failure is recorded on
    its own). Stops early (the rest stay due) when the mail server times out or the database
    fails.

    Neither the claim nor, without a mail server, the record waits for the disk: a claim
    lost in a power cut only makes its row due again, and a record is written after its
    file is on the disk, so a row whose record was lost finds its file there and is
    recorded without being written again (see docs/admin/durability.md). With a mail
    server the record is durable, since a lost one would send the email twice.

    Args:
        kinds: the tables known to hold due rows (see `outbox_store.pending_kinds`); None:
            look first.
    """
    host = mail.smtp_host()
    delivered = 0
    try:
        if kinds is None:
            with engine.store.read() as conn:
                kinds = outbox_store.pending_kinds(conn, format_time(engine.clock.now()))
    except StoreFault as exc:
        log.warning("delivery paused, the database failed: %s", exc)
        return delivered
    for table, prepare in _KINDS:
        if table.name not in kinds:
            continue
        try:
            claimed = _claim(engine, table, prepare, limit)
            if not claimed:
                continue
            sent, silent = _send(engine, table, claimed, host)
            if sent:
                with engine.store.transaction(durable=host is not None) as conn:
                    for row_id, outgoing in sent:
                        outbox_store.mark_sent(
                            conn,
                            table,
                            row_id,
                            format_time(engine.clock.now()),
                            **outgoing.done_values,
                        )
            delivered += len(sent)
            if silent:
                return delivered
        except StoreFault as exc:
            log.warning("delivery paused, the database failed: %s", exc)
            return delivered
    return delivered


def _claim(
    engine: Engine, table: Table, prepare: Any, limit: int
) -> list[tuple[int, Outgoing | Exception]]:
    """Claim the due rows and build their messages, in one transaction; a row with nothing
    to send (an item closed meanwhile, no address) is recorded as done there and then."""
    moment = engine.clock.now()
    claimed: list[tuple[int, Outgoing | Exception]] = []
    # A lost claim only makes its rows due again: no need to wait for the disk.
    with engine.store.transaction(durable=False) as conn:
        for row in outbox_store.claim_due(conn, table, moment, limit):
            row_id = row.id
            try:
                outgoing: Outgoing | Exception = prepare(engine, conn, row)
            except Exception as exc:  # a message that cannot be built is a failed delivery
                outgoing = exc
            if isinstance(outgoing, Outgoing) and outgoing.message is None:
                outbox_store.mark_sent(
                    conn, table, row_id, format_time(moment), **outgoing.done_values
                )
                continue
            claimed.append((row_id, outgoing))
    return claimed


def _send(
    engine: Engine, table: Table, claimed: list[tuple[int, Outgoing | Exception]], host: str | None
) -> tuple[list[tuple[int, Outgoing]], bool]:
    """Deliver claimed messages outside any transaction; returns those delivered, and
    whether the mail server fell silent.

    Every file is written first (synced together); a failure is recorded for its row at
    once; a mail server that times out ends the batch, and the rows not tried yet are given
    back for the next pass.
    """
    ready: list[tuple[int, Outgoing]] = []
    for row_id, outgoing in claimed:
        if isinstance(outgoing, Exception):
            _record_failure(engine, table, row_id, outgoing)
        else:
            ready.append((row_id, outgoing))
    written = mail.write_messages(
        engine.outbox,
        [(outgoing.key, outgoing.message) for _, outgoing in ready],  # type: ignore[misc]
    )
    sent: list[tuple[int, Outgoing]] = []
    for index, ((row_id, outgoing), file) in enumerate(zip(ready, written, strict=True)):
        try:
            if isinstance(file, OSError):
                raise file
            if host:
                message = mail.parse_message(outgoing.message)  # type: ignore[arg-type]
                mail.send_once(engine.outbox, outgoing.key, message, host)
        except Exception as exc:  # any delivery failure: record it, never raise into a run
            _record_failure(engine, table, row_id, exc)
            if _timed_out(exc):
                untried = [r for r, _ in ready[index + 1 :]]
                if untried:
                    with engine.store.transaction() as conn:
                        for other in untried:
                            outbox_store.release(conn, table, other)
                return sent, True
            continue
        sent.append((row_id, outgoing))
    return sent, False


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
