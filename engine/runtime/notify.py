"""Telling assignees about their work: emails when an item is assigned, reassigned, overdue
or escalated.

A notice row is written in the same transaction that changes the item (a transactional
outbox); after commit, `engine.runtime.delivery` (run by every `Engine.tick`, so by
`baton worker`) reads (or, with a mail server, claims) each pending row and asks `prepare`
for its message, then writes it to the outbox folder or sends it by SMTP, outside any
transaction.

* Once across workers: a notice's file is named by the notice id, so two workers that meet
  write it once; by SMTP a notice is claimed (a lease on the row) before it is sent, so a
  second worker skips it, and the sent journal (`engine.actions.smtp`) keeps a crash
  between sending and recording from sending it again from the same machine.
* A failure never touches the run: it is logged, the notice is tried again after a growing
  pause (1, 2, 4... minutes on the engine clock) and given up after `MAX_ATTEMPTS`, marked
  `failed` with the last error (kept in the `notifications` table).
* Text: the step's `notice` template when it has one (filled by `engine.templates`:
  named placeholders only, bounded output), else a default naming the run, the step, the
  guidance and the due time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, bindparam, select

from engine import templates
from engine.actions import mail
from engine.definition import InteractiveStep
from engine.runtime import rows
from engine.runtime.delivery import MAX_ATTEMPTS, Outgoing
from engine.store import directory
from engine.store.prepared import Prepared
from engine.store.schema import runs
from engine.templates import TemplateError

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

log = logging.getLogger("baton.notify")

__all__ = ["MAX_ATTEMPTS", "prepare", "render"]

_SUBJECTS = {
    "assigned": "New work item: {title}",
    "reassigned": "Work item passed to you: {title}",
    "overdue": "Overdue work item: {title}",
    "escalated": "Overdue work item escalated to you: {title}",
}


# A worker asks this for every notice it delivers: prepared (see engine.store.prepared).
_RUN_VERSION = Prepared(
    select(runs.c.definition_id, runs.c.definition_version).where(runs.c.id == bindparam("id"))
)


def prepare(engine: Engine, conn: Connection, notice: Row) -> Outgoing:
    """The message for a claimed notice, or nothing to send (item closed, no address)."""
    item = rows.item_row(conn, notice.item_id)
    recipients = directory.emails_for(conn, notice.assignee)
    done = {"recipients": ", ".join(recipients)}
    key = f"notice-{notice.id}"
    if item is None or item.status != "open" or not recipients:
        return Outgoing(key, None, done)
    run = _RUN_VERSION.first(conn, {"id": item.run_id})
    plan = engine.plan(run.definition_id, run.definition_version, conn)
    subject, body = render(item, notice, plan.steps.get(item.step_id), run.definition_id)
    sender = mail.default_sender()
    message = mail.message_bytes(
        key, to=recipients, subject=subject, body=body, now=engine.clock.now(), sender=sender
    )
    return Outgoing(key, message, done, sender=sender, recipients=recipients)


def render(item: Row, notice: Row, step: Any, orchestration: str) -> tuple[str, str]:
    """The subject and body for one notice: the step's template, else the default text.

    Templates are filled by `engine.templates` (named placeholders only, bounded output); an
    unknown placeholder stays visible, and a template that breaks the rules falls back to
    the default text with a warning.
    """
    fields = {
        "run": item.run_id,
        "orchestration": orchestration,
        "step": item.step_id,
        "title": item.title,
        "guidance": item.guidance or "",
        "due": item.due_at or "no due time",
        "assignee": notice.assignee,
        "item": item.id,
        "reason": notice.reason,
    }
    template = step.notice if isinstance(step, InteractiveStep) else None
    default_subject = _SUBJECTS.get(notice.reason, "{title}")
    subject = (template and template.subject) or default_subject
    try:
        rendered = templates.render(subject, fields)
        if template and template.body:
            return rendered, templates.render(template.body, fields)
        return rendered, _default_body(item, notice.assignee, orchestration)
    except TemplateError as exc:
        log.warning("notice template of step %s refused (%s); default used", item.step_id, exc)
        default = templates.render(default_subject, fields)
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
