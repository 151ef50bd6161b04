"""Telling people that a run failed: the orchestration's owner and the admins get an email.

A run fails when it cannot go on and nothing in the definition says where to go instead
(no fault route on the stage, an expression error, a dead end). Someone must then retry,
skip, resume or cancel it, so the call that appends `run_failed` also queues one message
to the orchestration's owner (whoever activated its newest version) and every active
admin with an email address. The message is a row of the `outbox` table written in the
run's transaction and delivered after commit like every other (`engine.runtime.delivery`):
no I/O inside the transaction, and a call that rolls back queues nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from engine.runtime import delivery
from engine.store import directory
from engine.store.schema import audit_log, users

if TYPE_CHECKING:
    from engine.runtime.state import RunState
    from engine.runtime.unit import Unit


def queue(unit: Unit, run: RunState, reason: str) -> None:
    """Queue the failure notice of `run` (nothing when nobody has an address)."""
    recipients = recipients_for(unit.conn, run.definition_id)
    if not recipients:
        return
    subject, body = text(
        run.id, run.definition_id, run.definition_version, run.current_stage, unit.now, reason
    )
    message = {"to": recipients, "subject": subject, "body": body}
    delivery.queue_message(unit, key(run.id, run.seq), run.id, message)


def text(
    run_id: str, definition_id: str, version: int, stage: str | None, now: str, reason: str
) -> tuple[str, str]:
    """The subject and body of a failure notice (every runtime sends the same words)."""
    subject = f"Run failed: {definition_id} run {run_id}"
    body = "\n".join(
        [
            f"Run {run_id} of {definition_id} (version {version}) failed "
            f"at {now}{f' in stage {stage}' if stage else ''}.",
            "",
            f"Reason: {reason}",
            "",
            f"See it with: baton show {run_id}",
            "Then retry the failed step (baton retry), skip it (baton skip), resume the run "
            "(baton resume) or cancel it (baton cancel). To route such failures in future, "
            "draw a fault route from the stage.",
        ]
    )
    return subject, body


def key(run_id: str, seq: int) -> str:
    """The notice's outbox key: one per failure (a resumed run that fails again is a new
    event, a new key)."""
    return f"run-failed-{run_id}-{seq}"


def recipients_for(conn: Connection, definition_id: str) -> list[str]:
    """Addresses of the orchestration's owner and the active admins, each once, in order."""
    owner = conn.execute(
        select(audit_log.c.actor)
        .where(audit_log.c.action == "definition.activated", audit_log.c.subject == definition_id)
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).scalar()
    found = directory.emails_for(conn, f"user:{owner}") if owner else []
    admins = conn.execute(
        select(users.c.email)
        .where(users.c.role == "admin", users.c.active.is_(True), users.c.email.is_not(None))
        .order_by(users.c.name)
    ).scalars()
    found += [e for e in admins if e]
    return list(dict.fromkeys(found))
