"""Noticing what changed in a database since the last look, cheaply enough to ask often.

A designer window, the CLI and a worker may all write to one database. A `ChangeFeed`
lets a reader poll it (every few hundred milliseconds) and learn which runs got new events,
whether work items, users or definitions changed, without reloading anything when nothing
did. Each poll first reads one row of counters; only when they moved does it ask which
runs moved and read just their new events (by primary key).

Every change to a run or a work item appends to the run's log, so the sum of the runs'
last sequence numbers grows with every such change. The directory and the definitions
write no events; their counters cover adding, deactivating and regrouping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, cast, func, select

from engine.runtime import eventrows
from engine.runtime.events import EventType
from engine.store import Store
from engine.store.schema import definitions, events, memberships, runs, users

_COUNTERS = select(
    select(func.count()).select_from(runs).scalar_subquery().label("runs"),
    select(func.coalesce(func.sum(runs.c.seq), 0)).scalar_subquery().label("events"),
    select(func.count()).select_from(users).scalar_subquery().label("users"),
    select(func.coalesce(func.sum(cast(users.c.active, Integer)), 0))
    .scalar_subquery()
    .label("active_users"),
    select(func.count()).select_from(memberships).scalar_subquery().label("memberships"),
    select(func.count()).select_from(definitions).scalar_subquery().label("versions"),
    select(func.coalesce(func.sum(cast(definitions.c.active, Integer)), 0))
    .scalar_subquery()
    .label("active_versions"),
)
_RUN_SEQS = select(runs.c.id, runs.c.seq)
_EVENTS_AFTER = (
    select(events)
    .where(and_(events.c.run_id == bindparam("run_id"), events.c.seq > bindparam("after")))
    .order_by(events.c.seq)
)
# The event types that change a work item: a feed says `items` when one appears.
ITEM_EVENTS = frozenset(
    {
        EventType.ITEM_CREATED,
        EventType.ITEM_COMPLETED,
        EventType.ITEM_REASSIGNED,
        EventType.ITEM_WITHDRAWN,
        EventType.ITEM_OVERDUE,
    }
)


@dataclass
class Changes:
    """What moved since the previous poll.

    Attributes:
        events: run id -> its new events (same shape as `Engine.log`), for runs that moved.
        new_runs: ids of runs that did not exist at the previous poll.
        items: whether any work item was created, completed, reassigned, withdrawn or
            became overdue.
        directory: whether users or memberships changed.
        definitions: whether a definition version was activated or deactivated.
    """

    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    new_runs: list[str] = field(default_factory=list)
    items: bool = False
    directory: bool = False
    definitions: bool = False

    def __bool__(self) -> bool:
        return bool(self.events or self.directory or self.definitions)


def _counters(conn: Connection) -> tuple[int, ...]:
    return tuple(conn.execute(_COUNTERS).one())


class ChangeFeed:
    """Polls one store for changes; the first poll only takes the baseline.

    Args:
        store: the database to watch (use a connection of the polling thread's own).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._counters: tuple[int, ...] | None = None
        self._seqs: dict[str, int] = {}

    def poll(self) -> Changes:
        """Changes since the previous poll (nothing on the first one)."""
        changes = Changes()
        with self.store.read() as conn:
            counters = _counters(conn)
            previous, self._counters = self._counters, counters
            if previous is None:
                self._seqs = {r.id: r.seq for r in conn.execute(_RUN_SEQS)}
                return changes
            if counters == previous:
                return changes
            changes.directory = counters[2:5] != previous[2:5]
            changes.definitions = counters[5:] != previous[5:]
            if counters[:2] != previous[:2]:
                self._read_moved_runs(conn, changes)
        return changes

    def _read_moved_runs(self, conn: Connection, changes: Changes) -> None:
        seqs = {r.id: r.seq for r in conn.execute(_RUN_SEQS)}
        for run_id, seq in seqs.items():
            known = self._seqs.get(run_id)
            if known == seq:
                continue
            if known is None:
                changes.new_runs.append(run_id)
            rows = conn.execute(_EVENTS_AFTER, {"run_id": run_id, "after": known or 0})
            new = eventrows.shown(rows)
            changes.events[run_id] = new
            changes.items = changes.items or any(e["type"] in ITEM_EVENTS for e in new)
        self._seqs = seqs
