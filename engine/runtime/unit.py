"""One engine call = one `Unit`: the SQL shell around the pure core.

A unit is a transaction. It loads each run it touches once (locking its row), drives the
core's decisions for it (`drive`: running the actions they ask for), and implements the
`Turn` they emit into: `emit` appends the event to the log *and* folds it into the run's
state with `apply`, the only place state changes. At the end, `flush` writes the new
events and the query tables from the folded states, in the same transaction
(`engine.runtime.writes`).

What a single run's decisions cannot do, the unit does as it sees their events: queue a
notice for an assignee (the outbox), tell a parent run that its child ended, cancel the
child run of a step that was canceled. Follow-up work (a child run finishing, a record
trigger starting a run) is queued and done before the commit, so the whole chain is one
atomic move.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from engine.errors import ConcurrentChange, NotFound
from engine.runtime import events as ev
from engine.runtime import execute, failure_notice, links, rows, writes
from engine.runtime.events import Event, Payload
from engine.runtime.fold import apply
from engine.runtime.state import RunState
from engine.runtime.turn import ActionOutcome, Moves
from engine.store import buffered, format_time
from engine.store import records as record_store
from engine.store import webhooks as webhook_rows

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.runtime.plan import Plan


@dataclass
class Mark:
    """A point in a unit to roll back to (see `Unit.mark`)."""

    runs: frozenset[str]
    queue: int
    messages: int
    conn: Connection
    savepoint: Any = None

    def guard_writes(self) -> None:
        """Open a savepoint before the first database write after the mark (only then,
        so work that writes nothing costs nothing extra)."""
        if self.savepoint is None:
            self.savepoint = self.conn.begin_nested()


class Unit:
    """The state of one engine call while it runs; see the module docstring."""

    def __init__(self, engine: Engine, conn: Connection, actor: str | None = None) -> None:
        self.engine = engine
        self.conn = conn
        self.actor = actor
        self.moment: datetime = engine.clock.now()
        self.now = format_time(self.moment)
        self.runs: dict[str, RunState] = {}
        # Each event as a row to append, its payload still the `Payload` (see `emit`).
        self.events: list[dict[str, Any]] = []
        self.queue: deque[Callable[[], None]] = deque()
        self.notices: list[dict[str, Any]] = []
        # Keys of outbox messages queued in this call; their files follow the commit.
        self.messages: list[str] = []
        self._records: dict[tuple[str, str], dict[str, Any] | None] = {}
        # Until when an event sent in this call that reached no run is kept (`buffer:`).
        self.kept_until: str | None = None

    # --- runs --------------------------------------------------------------------------

    def run(self, run_id: str) -> RunState:
        """Load a run (once per unit), with its plan."""
        found = self.runs.get(run_id)
        if found is None:
            row = rows.run_row(self.conn, run_id)
            if row is None:
                raise NotFound(f"no run with id {run_id!r}", hint="list runs with `baton runs`")
            # The state this engine wrote, if the row is still exactly that write.
            found = self.engine.kept_states.take(row)
            if found is None:
                found = self._load(row)
            self.runs[run_id] = found
        return found

    def _load(self, row: Any) -> RunState:
        plan = self.engine.plan(row.definition_id, row.definition_version, self.conn)
        if not row.state:  # a finished run: its log holds its state
            found = writes.state_from_log(self.conn, row, plan)
        else:
            found = RunState.from_row(row, plan)
        if found.stored_without_parts:
            writes.load_older_parts(self.conn, found)
        return found

    def add_run(self, run: RunState) -> None:
        """Register a run created in this unit."""
        run.is_new = True
        run.plan = self.plan(run)
        self.runs[run.id] = run

    def plan(self, run: RunState) -> Plan:
        """The prepared definition version a run executes."""
        return self.engine.plan(run.definition_id, run.definition_version, self.conn)

    def drive(self, run: RunState, moves: Moves) -> Any:
        """Run a decision to its end, running each action it asks for; returns its result."""
        try:
            request = next(moves)
            while True:
                outcome: ActionOutcome = execute.run_action(self, run, request)
                request = moves.send(outcome)
        except StopIteration as done:
            return done.value

    # --- the Turn the core emits into --------------------------------------------------

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        """Append an event to a run's log and fold it into the run's state."""
        who = actor if actor is not None else self.actor
        apply(run, Event(run.seq + 1, self.now, who, data))
        self.events.append(
            {
                "run_id": run.id,
                "seq": run.seq,
                "time": self.now,
                "type": data.NAME,
                "actor": who,
                # The payload itself: the store writes it compactly (engine.runtime.eventrows).
                "payload": data,
            }
        )
        react = _REACTIONS.get(type(data))
        if react is not None:
            react(self, run, data)

    def later(self, delta: timedelta) -> str:
        """The stored form of this call's time plus `delta`."""
        return format_time(self.moment + delta)

    def notify(self, run: RunState, item_id: str, assignee: str, reason: str) -> None:
        """Queue an assignment notice (delivered after commit by `Engine.tick`)."""
        self.notices.append(
            {
                "run_id": run.id,
                "item_id": item_id,
                "assignee": assignee,
                "reason": reason,
                "created_at": self.now,
            }
        )

    # --- records -----------------------------------------------------------------------

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        """A record's fields as they are now (cached per unit, refreshed when written)."""
        if not object_name or not record_id:
            return None
        key = (object_name, record_id)
        if key not in self._records:
            self._records[key] = record_store.get(self.conn, object_name, record_id)
        return self._records[key]

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """The oldest kept event for a wait opening now (see `Turn.buffered_event`)."""
        return buffered.oldest(self.conn, event, key, since)

    def forget_record(self, object_name: str, record_id: str) -> None:
        """Drop a cached record after it changed."""
        self._records.pop((object_name, record_id), None)

    # --- rolling back a failed action --------------------------------------------------

    def mark(self) -> Mark:
        """Remember this point, to undo what follows if an action fails."""
        return Mark(frozenset(self.runs), len(self.queue), len(self.messages), self.conn)

    def rollback(self, mark: Mark) -> None:
        """Undo everything since `mark`: database writes (if any were guarded), runs
        created since (with their events), queued follow-up work and outbox messages."""
        if mark.savepoint is not None:
            mark.savepoint.rollback()
            mark.savepoint = None
        for run_id in set(self.runs) - mark.runs:
            del self.runs[run_id]
        self.events = [e for e in self.events if e["run_id"] in self.runs]
        while len(self.queue) > mark.queue:
            self.queue.pop()
        del self.messages[mark.messages :]
        self._records.clear()

    def release(self, mark: Mark) -> None:
        """Keep everything since `mark`."""
        if mark.savepoint is not None:
            mark.savepoint.commit()
            mark.savepoint = None

    # --- the end of the call -----------------------------------------------------------

    def drain(self) -> None:
        """Do queued follow-up work until none is left."""
        while self.queue:
            self.queue.popleft()()

    def flush(self) -> None:
        """Write every touched run, its changed rows and the new events."""
        writes.flush(self.conn, self.runs.values(), self.events, self.notices)
        wanted = [e for e in self.events if e["type"] in webhook_rows.TRIGGERS]
        if wanted:
            # Webhook deliveries are queued with the events (an outbox, engine.runtime.webhooks).
            versions = {i: (r.definition_id, r.definition_version) for i, r in self.runs.items()}
            webhook_rows.enqueue_for_events(self.conn, logged(wanted), versions, self.now)
        self.engine.store.announce(self.conn, self.runs)


def logged(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events of `Unit.events` as the log shows them: each payload as its object."""
    return [{**e, "payload": e["payload"].to_dict()} for e in events]


# --- what one run's events mean for the rest of the world ------------------------------


def _item_assigned(unit: Unit, run: RunState, data: Any) -> None:
    if data.assignee:  # an unassigned item (its assignee_from named nobody) has no one to tell
        unit.notify(run, data.item, data.assignee, "assigned")


def _item_reassigned(unit: Unit, run: RunState, data: Any) -> None:
    why = "escalated" if data.reason.startswith("escalated") else "reassigned"
    unit.notify(run, data.item, data.to, why)


def _item_overdue(unit: Unit, run: RunState, data: Any) -> None:
    unit.notify(run, data.item, data.assignee, "overdue")


def _run_ended(unit: Unit, run: RunState, data: Any) -> None:
    if run.parent_run_id is not None and run.notify_parent:
        unit.queue.append(lambda: links.child_finished(unit, run))


def _run_failed(unit: Unit, run: RunState, data: Any) -> None:
    _run_ended(unit, run, data)
    failure_notice.queue(unit, run, data.reason)


def _run_migrated(unit: Unit, run: RunState, data: Any) -> None:
    # The fold moved the run to another version; from now on it is read against that plan.
    run.plan = unit.plan(run)


def _step_released(unit: Unit, run: RunState, data: Any) -> None:
    child = run.steps[data.step].get("child_run_id")
    if child:
        links.cancel_child(unit, child, data.reason)


def _event_received(unit: Unit, run: RunState, data: Any) -> None:
    if data.buffered is not None and not buffered.take(unit.conn, data.buffered):
        # Another call delivered this kept event first: do this call again without it.
        raise ConcurrentChange(f"kept event {data.event!r} was taken by another run")


# By payload class (a class hashes in C, an enum member in Python; this runs per event).
_REACTIONS: dict[type, Callable[[Unit, RunState, Any], None]] = {
    ev.ItemCreated: _item_assigned,
    ev.ItemReassigned: _item_reassigned,
    ev.ItemOverdue: _item_overdue,
    ev.RunCompleted: _run_ended,
    ev.RunFailed: _run_failed,
    ev.RunCanceled: _run_ended,
    ev.RunMigrated: _run_migrated,
    ev.StepCanceled: _step_released,
    ev.StepSkipped: _step_released,
    ev.EventReceived: _event_received,
}
