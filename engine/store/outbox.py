"""The database side of outside effects: rows written with a run's transaction, delivered
after it commits (DESIGN rule 10).

Two tables share one delivery protocol: `outbox` (messages actions send) and
`notifications` (assignment notices). A row is pending until `sent_at` is set. A deliverer
*claims* a row by a conditional update that sets `claimed_until` (a lease), commits, does
the slow part (files, SMTP) outside any transaction, then records the outcome in another
short transaction: sent, or a failure with the next try after a growing pause and, after
`MAX_ATTEMPTS`, `failed`. A deliverer that dies mid-delivery loses its claim when the lease
ends, so the row is delivered later (at-least-once; keys make a repeat harmless).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Table,
    and_,
    bindparam,
    exists,
    literal,
    or_,
    select,
    union_all,
    update,
)

from engine.errors import InvalidInput
from engine.store.prepared import Prepared
from engine.store.schema import notifications, outbox, webhook_deliveries
from engine.store.times import format_time

MAX_ATTEMPTS = 6
"""Deliveries tried before a row is marked failed."""

LEASE = timedelta(minutes=10)
"""How long a claim keeps other deliverers away from a row."""


def enqueue(
    conn: Connection, key: str, run_id: str | None, message: dict[str, Any], now: str
) -> bool:
    """Add a message under `key` unless one is there already; returns whether it was added.

    The caller's transaction decides: rolled back, the message never existed.
    """
    found = conn.execute(select(outbox.c.id).where(outbox.c.key == key)).first()
    if found is not None:
        return False
    conn.execute(
        outbox.insert().values(
            key=key,
            run_id=run_id,
            message=json.dumps(message, sort_keys=True),
            created_at=now,
            attempts=0,
            failed=False,
        )
    )
    return True


def messages(conn: Connection, keys: list[str]) -> list[Row]:
    """The outbox rows of the given keys that exist (committed)."""
    return list(conn.execute(select(outbox).where(outbox.c.key.in_(keys))))


def due(conn: Connection, table: Table, now: str, limit: int) -> list[int]:
    """Ids of pending rows that may be tried now and nobody holds, oldest first."""
    return [row[0] for row in _statements(table).due.rows(conn, {"now": now, "limit": limit})]


def pending_kinds(conn: Connection, now: str) -> set[str]:
    """The names of the delivery tables (`outbox`, `notifications`, `webhook_deliveries`)
    holding a row that may be tried now: one indexed probe for all three, so that a worker's
    pass that finds nothing to deliver costs a single query."""
    global _PROBE
    if _PROBE is None:
        _PROBE = Prepared(
            union_all(
                *(
                    select(literal(table.name).label("kind")).where(
                        exists(select(table.c.id).where(_is_due(table, bindparam("now"))))
                    )
                    for table in (outbox, notifications, webhook_deliveries)
                )
            )
        )
    return {row[0] for row in _PROBE.rows(conn, {"now": now})}


_PROBE: Prepared | None = None


def due_now(conn: Connection, table: Table, moment: datetime, limit: int) -> list[Any]:
    """Up to `limit` due rows, oldest first, without claiming them (for a deliverer whose
    delivery needs no lease: see `engine.runtime.delivery`); named tuples of the table's
    columns, as the driver reads them."""
    statements = _statements(table)
    rows = statements.due_rows.rows(conn, {"now": format_time(moment), "limit": limit})
    return [statements.due_rows.named(row) for row in rows]


def claim_due(conn: Connection, table: Table, moment: datetime, limit: int) -> list[Any]:
    """Take up to `limit` due rows for delivery, oldest first; returns them as named tuples
    of the table's columns (as the driver reads them). A row another deliverer took between
    the read and the claim is left out."""
    statements = _statements(table)
    now = format_time(moment)
    until = format_time(moment + LEASE)
    taken = []
    for row in statements.due_rows.rows(conn, {"now": now, "limit": limit}):
        if statements.claim.run(conn, {"id": row[0], "now": now, "until": until}) == 1:
            taken.append(row)
    return [statements.due_rows.named(row) for row in taken]


def claim(conn: Connection, table: Table, row_id: int, moment: datetime) -> Any:
    """Take a pending row for delivery (None if another deliverer has it or it is done).

    The row comes back as a named tuple of the table's columns, as the driver reads them.
    """
    statements = _statements(table)
    now = format_time(moment)
    taken = statements.claim.run(
        conn, {"id": row_id, "now": now, "until": format_time(moment + LEASE)}
    )
    if taken != 1:
        return None
    return statements.row.first(conn, {"id": row_id})


@dataclass
class _Statements:
    """The delivery protocol's statements on one table, prepared (a worker runs them for
    every message it delivers)."""

    due: Prepared
    due_rows: Prepared
    claim: Prepared
    row: Prepared
    sent: Prepared


_PREPARED: dict[str, _Statements] = {}


def _statements(table: Table) -> _Statements:
    found = _PREPARED.get(table.name)
    if found is None:
        now = bindparam("now")
        found = _PREPARED[table.name] = _Statements(
            due=Prepared(
                select(table.c.id)
                .where(_is_due(table, now))
                .order_by(table.c.id)
                .limit(bindparam("limit"))
            ),
            due_rows=Prepared(
                select(table)
                .where(_is_due(table, now))
                .order_by(table.c.id)
                .limit(bindparam("limit"))
            ),
            claim=Prepared(
                update(table)
                .where(
                    and_(
                        table.c.id == bindparam("id"),
                        table.c.sent_at.is_(None),
                        table.c.failed.is_(False),
                        or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now),
                    )
                )
                .values(claimed_until=bindparam("until"))
            ),
            row=Prepared(select(table).where(table.c.id == bindparam("id"))),
            sent=Prepared(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    sent_at=bindparam("sent_at"),
                    claimed_until=None,
                    last_error=None,
                    **({"recipients": bindparam("recipients")} if "recipients" in table.c else {}),
                )
            ),
        )
    return found


def _is_due(table: Table, now: Any) -> Any:
    """Pending, not given up, its pause over and nobody holding it."""
    return and_(
        table.c.sent_at.is_(None),
        table.c.failed.is_(False),
        or_(table.c.next_try_at.is_(None), table.c.next_try_at <= now),
        or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now),
    )


def mark_sent(conn: Connection, table: Table, row_id: int, now: str, **values: Any) -> None:
    """Record a delivery (with any extra columns, e.g. the recipients of a notice)."""
    # The prepared form writes exactly the recipients of a notice table, nothing elsewhere.
    if set(values) == ({"recipients"} if "recipients" in table.c else set()):
        params = {"b_id": row_id, "sent_at": now, **values}
        _statements(table).sent.run(conn, params)
        return
    conn.execute(
        update(table)
        .where(table.c.id == row_id)
        .values(sent_at=now, claimed_until=None, last_error=None, **values)
    )


def mark_failed(
    conn: Connection, table: Table, row_id: int, moment: datetime, error: str
) -> tuple[int, str | None]:
    """Record a failed delivery; returns (attempts so far, next try or None when given up)."""
    row = conn.execute(select(table.c.attempts).where(table.c.id == row_id)).first()
    attempts = (row.attempts if row else 0) + 1
    gave_up = attempts >= MAX_ATTEMPTS
    retry_at = None if gave_up else format_time(moment + timedelta(minutes=2 ** (attempts - 1)))
    conn.execute(
        update(table)
        .where(table.c.id == row_id)
        .values(
            attempts=attempts,
            last_error=error[:2000],
            next_try_at=retry_at,
            failed=gave_up,
            claimed_until=None,
        )
    )
    return attempts, retry_at


def release(conn: Connection, table: Table, row_id: int) -> None:
    """Give a claimed row back untried (the deliverer stopped before reaching it)."""
    conn.execute(update(table).where(table.c.id == row_id).values(claimed_until=None))


def undelivered(
    conn: Connection,
    *,
    failed: bool | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Messages and notices not delivered yet, or given up on, oldest first.

    Args:
        failed: only those given up on (True), or only those still tried (False).
        after: the (created_at, position) of the last row of the previous page, where a
            row's `position` is `email:ID` or `notice:ID` (emails sort before notices
            created at the same instant).
        limit: at most this many (None: all).
    """
    rows: list[dict[str, Any]] = []
    for table, kind in ((outbox, "email"), (notifications, "notice")):
        query = select(table).where(table.c.sent_at.is_(None))
        if failed is not None:
            query = query.where(table.c.failed.is_(failed))
        if after is not None:
            query = query.where(_after_in(table, kind, after))
        query = query.order_by(table.c.created_at, table.c.id)
        if limit is not None:
            query = query.limit(limit)
        for row in conn.execute(query).all():
            if kind == "email":
                to = json.loads(row.message).get("to")
                key, about = row.key, row.run_id
            else:
                to, key, about = row.assignee, f"notice-{row.id}", row.item_id
            rows.append(
                {
                    "kind": kind,
                    "key": key,
                    "about": about,
                    "to": to if isinstance(to, str) else ", ".join(to or []),
                    "created_at": row.created_at,
                    "position": f"{kind}:{row.id}",
                    "attempts": row.attempts,
                    "next_try_at": row.next_try_at,
                    "failed": bool(row.failed),
                    "last_error": row.last_error,
                }
            )
    rows.sort(key=_order)
    return rows if limit is None else rows[:limit]


def _order(row: dict[str, Any]) -> tuple[str, str, int]:
    kind, _, number = row["position"].partition(":")
    return row["created_at"], kind, int(number)


def _after_in(table: Any, kind: str, after: tuple[str, str]) -> Any:
    # Rows of one table after (created_at, kind:id): the kind is fixed per table, so the
    # comparison on it is decided here and only the time and id reach the database.
    last_kind, _, last_id = after[1].partition(":")
    if last_kind not in ("email", "notice") or not last_id.isdigit():
        raise InvalidInput(
            f"{after[1]!r} is not an outbox position (email:N or notice:N)",
            hint="pass the cursor of the previous page unchanged",
        )
    later = table.c.created_at > after[0]
    same_time = table.c.created_at == after[0]
    if kind > last_kind:
        return or_(later, same_time)
    if kind < last_kind:
        return later
    return or_(later, and_(same_time, table.c.id > int(last_id)))
