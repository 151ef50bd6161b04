"""Telling assignees about their work: emails when an item is assigned, reassigned, overdue
or escalated.

A notice row is written in the same transaction that changes the item (a transactional
outbox); `send_pending` (run by every `Engine.tick`, so by `baton worker`) turns pending rows
into messages through `engine.actions.mail` (the outbox folder, and SMTP when configured).

* Exactly once across workers: a notice is claimed by a conditional update inside the
  transaction that delivers it, so a second worker skips it; delivery is keyed by the
  notice id, so a crash between sending and committing repeats nothing.
* A failure never touches the run: it is logged, the notice is tried again after a growing
  pause (1, 2, 4... minutes on the engine clock) and given up after `MAX_ATTEMPTS`, marked
  `failed` with the last error, which `notices` reports.
* Text: the step's `notice` template when it has one, else a default naming the run, the
  step, the guidance and the due time.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, and_, or_, select, update

from engine.actions.mail import deliver
from engine.definition import InteractiveStep
from engine.store import directory, format_time
from engine.store.schema import notifications, runs, work_items

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

log = logging.getLogger("baton.notify")

MAX_ATTEMPTS = 6

_SUBJECTS = {
    "assigned": "New work item: {title}",
    "reassigned": "Work item passed to you: {title}",
    "overdue": "Overdue work item: {title}",
    "escalated": "Overdue work item escalated to you: {title}",
}


def send_pending(engine: Engine, limit: int = 200) -> int:
    """Deliver the notices due now, each in its own transaction; returns how many were sent."""
    now = format_time(engine.clock.now())
    with engine.store.read() as conn:
        pending = (
            conn.execute(
                select(notifications.c.id)
                .where(
                    notifications.c.sent_at.is_(None),
                    notifications.c.failed.is_(False),
                    or_(notifications.c.next_try_at.is_(None), notifications.c.next_try_at <= now),
                )
                .order_by(notifications.c.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    delivered = 0
    for notice_id in pending:
        try:
            delivered += _send_one(engine, notice_id)
        except Exception as exc:  # any delivery failure: record it, never raise into a run
            _record_failure(engine, notice_id, exc)
    return delivered


def _send_one(engine: Engine, notice_id: int) -> int:
    with engine.unit() as unit:
        conn = unit.conn
        # Claim: of two workers, the second waits for this row and then finds it sent.
        claimed = conn.execute(
            update(notifications)
            .where(and_(notifications.c.id == notice_id, notifications.c.sent_at.is_(None)))
            .values(sent_at=unit.now)
        )
        if claimed.rowcount != 1:
            return 0
        notice = conn.execute(select(notifications).where(notifications.c.id == notice_id)).one()
        item = conn.execute(select(work_items).where(work_items.c.id == notice.item_id)).first()
        recipients = directory.emails_for(conn, notice.assignee)
        sent = 0
        if item is not None and item.status == "open" and recipients:
            run = conn.execute(
                select(runs.c.definition_id, runs.c.definition_version).where(
                    runs.c.id == item.run_id
                )
            ).one()
            plan = engine.plan(run.definition_id, run.definition_version, conn)
            step = plan.steps.get(item.step_id)
            subject, body = render(item, notice, step, run.definition_id)
            deliver(
                engine.outbox,
                f"notice-{notice.id}",
                to=recipients,
                subject=subject,
                body=body,
                now=unit.moment,
            )
            sent = 1
        conn.execute(
            update(notifications)
            .where(notifications.c.id == notice_id)
            .values(recipients=", ".join(recipients), last_error=None)
        )
        return sent


def _record_failure(engine: Engine, notice_id: int, exc: Exception) -> None:
    with engine.unit() as unit:
        row = unit.conn.execute(
            select(notifications.c.attempts).where(notifications.c.id == notice_id)
        ).first()
        attempts = (row.attempts if row else 0) + 1
        gave_up = attempts >= MAX_ATTEMPTS
        retry_at = format_time(unit.moment + timedelta(minutes=2 ** (attempts - 1)))
        unit.conn.execute(
            update(notifications)
            .where(notifications.c.id == notice_id)
            .values(
                attempts=attempts,
                last_error=f"{type(exc).__name__}: {exc}",
                next_try_at=None if gave_up else retry_at,
                failed=gave_up,
            )
        )
    if gave_up:
        log.error("notice %s failed %d times, giving up: %s", notice_id, attempts, exc)
    else:
        log.warning(
            "notice %s failed (attempt %d), retrying at %s: %s", notice_id, attempts, retry_at, exc
        )


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # an unknown placeholder stays visible instead of failing


def render(item: Row, notice: Row, step: Any, orchestration: str) -> tuple[str, str]:
    """The subject and body for one notice: the step's template, else the default text."""
    fields = _Fields(
        run=item.run_id,
        orchestration=orchestration,
        step=item.step_id,
        title=item.title,
        guidance=item.guidance or "",
        due=item.due_at or "no due time",
        assignee=notice.assignee,
        item=item.id,
        reason=notice.reason,
    )
    template = step.notice if isinstance(step, InteractiveStep) else None
    subject = (template and template.subject) or _SUBJECTS.get(notice.reason, "{title}")
    try:
        rendered = subject.format_map(fields)
        if template and template.body:
            return rendered, template.body.format_map(fields)
        return rendered, _default_body(item, notice.assignee, orchestration)
    except (ValueError, IndexError, AttributeError, KeyError) as exc:
        log.warning("notice template of step %s is malformed (%s); default used", item.step_id, exc)
        default = _SUBJECTS.get(notice.reason, "{title}").format_map(fields)
        return default, _default_body(item, notice.assignee, orchestration)


def _default_body(item: Row, assignee: str, orchestration: str) -> str:
    lines = [
        f"{item.title} (step {item.step_id} of {orchestration} run {item.run_id}) "
        f"is assigned to {assignee}.",
        "",
    ]
    if item.guidance:
        lines += [item.guidance, ""]
    if item.due_at:
        lines += [f"Due: {item.due_at}", ""]
    lines.append(f"Complete it with: baton work complete {item.id} --as YOUR_NAME")
    return "\n".join(lines)
