"""Delivering assignment notices: "you have a new work item" emails.

A notice row is written in the same transaction that assigns, reassigns or escalates an
item; `send_pending` turns pending rows into messages through `engine.actions.mail` (the
outbox folder, and SMTP when configured) and marks them sent. Delivery is keyed by the notice
id, so a crash between writing the message and marking the row only repeats a no-op.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Row, select, update

from engine.actions.mail import deliver
from engine.store import directory
from engine.store.schema import notifications, work_items

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

_SUBJECTS = {
    "assigned": "New work item: {title}",
    "reassigned": "Work item passed to you: {title}",
    "escalated": "Overdue work item escalated to you: {title}",
}


def send_pending(engine: Engine, limit: int = 200) -> int:
    """Deliver pending notices (each in its own transaction); returns how many had recipients."""
    with engine.store.read() as conn:
        pending = (
            conn.execute(
                select(notifications.c.id)
                .where(notifications.c.sent_at.is_(None))
                .order_by(notifications.c.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    delivered = 0
    for notice_id in pending:
        with engine.unit() as unit:
            conn = unit.conn
            notice = conn.execute(
                select(notifications).where(notifications.c.id == notice_id)
            ).first()
            if notice is None or notice.sent_at is not None:
                continue
            item = conn.execute(select(work_items).where(work_items.c.id == notice.item_id)).first()
            recipients = directory.emails_for(conn, notice.assignee)
            if item is not None and item.status == "open" and recipients:
                deliver(
                    engine.outbox,
                    f"notice-{notice.id}",
                    to=recipients,
                    subject=_SUBJECTS.get(notice.reason, "{title}").format(title=item.title),
                    body=_body(item, notice.assignee),
                    now=unit.moment,
                )
                delivered += 1
            conn.execute(
                update(notifications)
                .where(notifications.c.id == notice_id)
                .values(sent_at=unit.now, recipients=", ".join(recipients))
            )
    return delivered


def _body(item: Row, assignee: str) -> str:
    lines = [f"{item.title} (run {item.run_id}) is assigned to {assignee}.", ""]
    if item.guidance:
        lines += [item.guidance, ""]
    if item.due_at:
        lines += [f"Due: {item.due_at}", ""]
    lines.append(f"Complete it with: baton work complete {item.id} --as YOUR_NAME")
    return "\n".join(lines)
