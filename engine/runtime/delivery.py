"""Outside effects, after commit: emails from `send_email` and assignment notices.

No network or file I/O happens inside an engine transaction (DESIGN rule 10). An action's
email is a row of the `outbox` table written in the run's transaction (`queue_message`);
a notice is a row of `notifications`. After the transaction commits:

* the process that made the call writes each new message's `.eml` file to the outbox
  folder at once (`after_commit`; local and quick, and a failure only leaves the row for
  the worker); with a mail server it does so only when `BATON_OUTBOX_COPY` asks for a copy;
* `deliver_pending`, run by every `Engine.tick` (so by `baton worker`), delivers every
  pending row. Without a mail server it writes the row's file if missing: the rows are read
  (no claim: a file's name is the message's key, so two workers that meet write it once),
  their files written and synced, and one transaction records them all. With
  `BATON_SMTP_HOST` set it claims the rows (a lease, so a second worker skips them), sends
  them on one SMTP session (`engine.actions.smtp`: kept between passes while fresh), notes
  each in the sent journal, syncs the journal once and records them. A failure is logged to
  `baton.notify` and retried after 1, 2, 4... minutes on the engine clock, then marked
  failed after `MAX_ATTEMPTS`. A failure never touches a run.
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

from engine.actions import mail, smtp
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
    """What one due row turned into: a message to deliver, or nothing to send."""

    key: str
    message: bytes | None
    """The `.eml` bytes (see `mail.message_bytes`)."""
    done_values: dict[str, Any] = field(default_factory=dict)
    sender: str = ""
    """The SMTP envelope: who sends, and to whom (To and Cc)."""
    recipients: list[str] = field(default_factory=list)
    tried: bool = True
    """Whether a deliverer may have sent it before (then the sent journal is asked)."""
    entry: str = ""
    """Its line in the sent journal: the key and its row's creation time (a pruned
    notice's id can be given again; the time tells the two apart)."""


def queue_message(unit: Unit, key: str, run_id: str, message: dict[str, Any]) -> Path:
    """Add an email to the outbox in the unit's transaction; returns its future `.eml` file.

    Args:
        message: `to`, `subject`, `body`, optional `cc` and `sender`.
    """
    if outbox_store.enqueue(unit.conn, key, run_id, message, unit.now):
        unit.messages.append(key)
    return mail.message_file(unit.engine.outbox, key)


def _outgoing_of(row: Row) -> Outgoing:
    data = json.loads(row.message)
    sender = data.get("sender") or mail.default_sender()
    data_bytes = mail.message_bytes(
        row.key,
        to=data["to"],
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        cc=data.get("cc"),
        sender=sender,
        now=parse_time(row.created_at),
    )
    sender, recipients = smtp.envelope(sender, data["to"], data.get("cc"))
    return Outgoing(row.key, data_bytes, sender=sender, recipients=recipients)


def after_commit(engine: Engine, keys: list[str]) -> None:
    """Write the `.eml` files of messages a call just committed (never raises)."""
    try:
        if mail.smtp_host() and not mail.outbox_copy():
            return  # the worker sends them; no copy is kept
        with engine.store.read() as conn:
            rows = outbox_store.messages(conn, keys)
        written = mail.write_messages(
            engine.outbox, [(row.key, _outgoing_of(row).message or b"") for row in rows]
        )
        failed = [result for result in written if isinstance(result, OSError)]
        if failed:
            raise failed[0]
    except (OSError, StoreFault, ValueError) as exc:
        log.warning("outbox files not written yet (%s); the worker will write them", exc)


def _prepare_action_message(engine: Engine, conn: Connection, row: Row) -> Outgoing:
    return _outgoing_of(row)


def _prepare_notice(engine: Engine, conn: Connection, row: Row) -> Outgoing:
    from engine.runtime import notify

    return notify.prepare(engine, conn, row)


_KINDS: tuple[tuple[Table, Any], ...] = (
    (outbox, _prepare_action_message),
    (notifications, _prepare_notice),
)

Batch = list[tuple[int, "Outgoing | Exception"]]
"""Due rows of one table: (row id, its message or why it cannot be built)."""


def read_due(
    engine: Engine, conn: Connection, kinds: set[str], limit: int = 200
) -> dict[str, Batch]:
    """The due rows of the given kinds and their messages, read on the caller's connection
    (a worker's pass reads them with its probe), when no mail server is set: then nothing
    is claimed (see the module). With a mail server: nothing (rows are claimed instead).
    """
    if mail.smtp_host():
        return {}
    moment = engine.clock.now()
    return {
        table.name: _prepare_rows(
            engine, conn, prepare, outbox_store.due_now(conn, table, moment, limit)
        )
        for table, prepare in _KINDS
        if table.name in kinds
    }


def _prepare_rows(engine: Engine, conn: Connection, prepare: Any, rows: list[Any]) -> Batch:
    prepared: Batch = []
    for row in rows:
        try:
            outgoing: Outgoing | Exception = prepare(engine, conn, row)
        except Exception as exc:  # a message that cannot be built is a failed delivery
            outgoing = exc
        else:
            outgoing.tried = bool(row.attempts or row.claimed_until)
            outgoing.entry = f"{outgoing.key} {row.created_at}"
        prepared.append((row.id, outgoing))
    return prepared


@dataclass
class _Outcome:
    """What a delivery of one table's batch came to, recorded in one transaction."""

    sent: list[tuple[int, Outgoing]] = field(default_factory=list)
    failed: list[tuple[int, BaseException]] = field(default_factory=list)
    untried: list[int] = field(default_factory=list)
    silent: bool = False
    durable: bool = False
    """Whether the record must wait for the disk (the sent journal could not be synced)."""


def deliver_pending(
    engine: Engine,
    limit: int = 200,
    kinds: set[str] | None = None,
    due: dict[str, Batch] | None = None,
) -> int:
    """Deliver the due outbox messages and notices; returns how many were delivered.

    Per kind, one batch: without a mail server the rows are read (or taken from `due`, read
    by `read_due`) and their files written and synced together; with one they are claimed in
    one transaction and sent on one SMTP session, each noted in the sent journal, which is
    synced once. Then one transaction records the batch: delivered, failed (with the next
    try) or given back untried. Stops early (the rest stay due) when the mail server times
    out or the database fails.

    No transaction waits for the disk: a claim lost in a power cut only makes its row due
    again, and a record is written after its file or its journal line is on the disk, so a
    row whose record was lost is found there and recorded without being written or sent
    again (see docs/admin/durability.md).

    Args:
        kinds: the tables known to hold due rows (see `outbox_store.pending_kinds`); None:
            look first.
        due: the rows `read_due` read for these kinds (without a mail server).
    """
    host = mail.smtp_host()
    delivered = 0
    try:
        copy = mail.outbox_copy() if host else True
    except ValueError as exc:
        log.error("delivery paused: %s", exc)
        return delivered
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
            if host is None:
                batch = (due or {}).get(table.name)
                if batch is None:
                    with engine.store.read() as conn:
                        batch = read_due(engine, conn, {table.name}, limit)[table.name]
                outcome = _write_files(engine, batch)
            else:
                batch = _claim(engine, table, prepare, limit)
                outcome = _send(engine, batch, copy)
            if batch:
                _record(engine, table, outcome)
            delivered += len(outcome.sent)
            if outcome.silent:
                return delivered
        except StoreFault as exc:
            log.warning("delivery paused, the database failed: %s", exc)
            return delivered
    return delivered


def _claim(engine: Engine, table: Table, prepare: Any, limit: int) -> Batch:
    """Claim the due rows and build their messages, in one transaction."""
    moment = engine.clock.now()
    # A lost claim only makes its rows due again: no need to wait for the disk.
    with engine.store.transaction(durable=False) as conn:
        rows = outbox_store.claim_due(conn, table, moment, limit)
        return _prepare_rows(engine, conn, prepare, rows)


def _write_files(engine: Engine, batch: Batch) -> _Outcome:
    """Write the batch's files (synced together); nothing to send counts as delivered."""
    outcome = _Outcome()
    ready = _split(batch, outcome)
    written = mail.write_messages(
        engine.outbox,
        [(outgoing.key, outgoing.message) for _, outgoing in ready],  # type: ignore[misc]
    )
    for (row_id, outgoing), file in zip(ready, written, strict=True):
        if isinstance(file, OSError):
            outcome.failed.append((row_id, file))
        else:
            outcome.sent.append((row_id, outgoing))
    return outcome


def _split(batch: Batch, outcome: _Outcome) -> list[tuple[int, Outgoing]]:
    """The batch's messages to deliver; those that cannot be built are failed, and those
    with nothing to send (an item closed meanwhile, no address) delivered."""
    ready: list[tuple[int, Outgoing]] = []
    for row_id, outgoing in batch:
        if isinstance(outgoing, Exception):
            outcome.failed.append((row_id, outgoing))
        elif outgoing.message is None:
            outcome.sent.append((row_id, outgoing))
        else:
            ready.append((row_id, outgoing))
    return ready


def _send(engine: Engine, batch: Batch, copy: bool) -> _Outcome:
    """Send the claimed messages on this thread's SMTP session, outside any transaction.

    With a copy the files are written first (a message whose file fails is not sent). A
    mail server that times out ends the batch: the rows not tried yet are given back.
    """
    if copy:
        written = _write_files(engine, batch)
        outcome = _Outcome(failed=written.failed)
        batch = list(written.sent)  # type: ignore[arg-type]
    else:
        outcome = _Outcome()
    ready = _split(batch, outcome)
    journal = smtp.SentJournal(engine.outbox)
    try:
        session = smtp.kept_session()
    except ValueError as exc:  # a setting that cannot be used: every message fails with it
        outcome.failed += [(row_id, exc) for row_id, _ in ready]
        return outcome
    try:
        if ready:
            session.fresh()
        for index, (row_id, outgoing) in enumerate(ready):
            try:
                entry = outgoing.entry or outgoing.key
                if not (outgoing.tried and journal.contains(entry, outgoing.key)):
                    session.send(outgoing.message, outgoing.sender, outgoing.recipients)  # type: ignore[arg-type]
                    journal.add(entry)
            except Exception as exc:  # any delivery failure: record it, never raise into a run
                outcome.failed.append((row_id, exc))
                if _timed_out(exc):
                    session.close()
                    outcome.untried = [other for other, _ in ready[index + 1 :]]
                    outcome.silent = True
                    break
                continue
            outcome.sent.append((row_id, outgoing))
    finally:
        try:
            journal.sync()
        except OSError as exc:
            # Unsynced, a power cut could lose the lines: the record itself must be durable.
            log.warning("sent journal not synced (%s); these sends are recorded durably", exc)
            outcome.durable = True
    return outcome


def _record(engine: Engine, table: Table, outcome: _Outcome) -> None:
    """Record a batch's outcome in one transaction that does not wait for the disk (see
    `deliver_pending`); then log its failures."""
    moment = engine.clock.now()
    now = format_time(moment)
    given_up: list[tuple[int, int, str | None, str]] = []
    with engine.store.transaction(durable=outcome.durable) as conn:
        for row_id, outgoing in outcome.sent:
            outbox_store.mark_sent(conn, table, row_id, now, **outgoing.done_values)
        for row_id, exc in outcome.failed:
            error = f"{type(exc).__name__}: {exc}"
            attempts, retry_at = outbox_store.mark_failed(conn, table, row_id, moment, error)
            given_up.append((row_id, attempts, retry_at, error))
        for row_id in outcome.untried:
            outbox_store.release(conn, table, row_id)
    what = "notice" if table is notifications else "message"
    for row_id, attempts, retry_at, error in given_up:
        if retry_at is None:
            log.error("%s %s failed %d times, giving up: %s", what, row_id, attempts, error)
        else:
            log.warning(
                "%s %s failed (attempt %d), retrying at %s: %s",
                what,
                row_id,
                attempts,
                retry_at,
                error,
            )


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc)
