"""`MemoryEngine`: the part of `Engine` a simulation calls, over dictionaries.

Each call is a `MemoryCall` (`engine.simulation.memory.call`); what the SQL shell's
transaction would then write (work item, timer and wait rows) this engine notes in
dictionaries (`keep`), and it answers what the simulator asks between calls: which
timers are due, when the next one is, which key a wait listens for.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from engine.definition import Orchestration
from engine.errors import ActivationRefused, NotFound, PermissionDenied
from engine.runtime import commands
from engine.runtime.buffering import longest_buffer_among
from engine.runtime.clock import VirtualClock
from engine.runtime.fold import apply
from engine.runtime.plan import Plan
from engine.runtime.state import STATE_FROM_LOG, RunState
from engine.simulation.memory.call import MemoryCall
from engine.simulation.memory.world import KeptEvents, Records
from engine.store.times import format_time, parse_time
from engine.validation import has_errors, validate

_TIMERS_PER_PASS = 200  # as `engine.runtime.timers.due_timer_ids`
_TimerRow = tuple[str, int, str, str]  # (due_at, row number, run id, timer key)


class MemoryEngine:
    """The simulation's engine over dictionaries; see the package docstring.

    Args:
        clock: the simulation's virtual clock.
        sink: called after each call with the events it logged (as `ObservedEngine`'s).
    """

    def __init__(self, clock: VirtualClock, sink: Callable[[list[dict[str, Any]]], None]):
        self.clock = clock
        self._sink = sink
        self.plans: dict[str, Plan] = {}
        self.runs: dict[str, RunState] = {}
        # Each live run's events, in order: `restore` folds them again to undo a call.
        self.logs: dict[str, list[Any]] = {}
        self.children: dict[str, list[str]] = {}
        self.records = Records()
        self.kept = KeptEvents()
        # (object, record id) -> the runs that record started, in the order they started.
        self.record_runs: dict[tuple[str, str], list[str]] = {}
        self._users: dict[str, set[tuple[str, str]]] = {}
        self._item_runs: dict[str, str] = {}
        # Timers as the SQL store keeps rows: (due_at, row number, run, key); a row is live
        # while `_timer_rows` maps its (run, key) to its number.
        self._timer_heap: list[_TimerRow] = []
        self._timer_rows: dict[tuple[str, str], int] = {}
        self._row_numbers = itertools.count(1)
        self._waits: dict[str, set[str]] = {}  # event name -> runs with a wait for it
        self._buffers: dict[str, timedelta | None] = {}  # event name -> longest buffer

    # --- set-up ------------------------------------------------------------------------

    def activate(self, definition: Orchestration, actor: str | None = None) -> int:
        """Validate and keep a definition as version 1 (a simulation activates each once)."""
        diagnostics = validate(definition)
        if has_errors(diagnostics):
            errors = [d for d in diagnostics if d.severity == "error"]
            raise ActivationRefused(
                f"{definition.id} has {len(errors)} error(s); it was not activated",
                diagnostics=diagnostics,
                hint="run `baton validate` and fix them",
            )
        self.plans[definition.id] = Plan.build(definition.model_copy(update={"version": 1}))
        self._buffers.clear()
        return 1

    def add_user(
        self, name: str, groups: list[str] | None = None, queues: list[str] | None = None
    ) -> None:
        """A user (an assignee, active) and their group and queue memberships."""
        member = self._users.setdefault(name, set())
        member.update(("group", g) for g in groups or [])
        member.update(("queue", q) for q in queues or [])

    def close(self) -> None:
        """Nothing to release."""

    def record_triggered(self, object_name: str) -> list[tuple[str, int]]:
        """(id, version) of the definitions records of this object trigger, in the order
        they were activated (as the store lists them)."""
        return [
            (definition_id, plan.version)
            for definition_id, plan in self.plans.items()
            if plan.definition.trigger.type == "record"
            and getattr(plan.definition.trigger, "object", None) == object_name
        ]

    # --- calls -------------------------------------------------------------------------

    def _do(self, actor: str | None, work: Callable[[MemoryCall], Any]) -> Any:
        call = MemoryCall(self, actor)
        try:
            result = work(call)
            call.finish()
        except BaseException:
            call.abandon()  # as a transaction is rolled back
            raise
        if call.events:
            self._sink(call.events)
        return result

    def start(
        self, definition_id: str, inputs: dict[str, Any] | None = None, actor: str | None = None
    ) -> str:
        """Start a run of an activated definition; returns its id."""
        return self._do(actor, lambda call: call.start(definition_id, inputs).id)

    def create_record(
        self, object_name: str, fields: dict[str, Any], actor: str | None = None
    ) -> str:
        """Create a record (starting the runs it triggers); returns its id."""
        return self._do(actor, lambda call: call.create_record(object_name, fields))

    def update_record(
        self, object_name: str, record_id: str, fields: dict[str, Any], actor: str | None = None
    ) -> dict[str, Any]:
        """Change fields of a record (starting triggered runs); returns all its fields."""
        return self._do(actor, lambda call: call.update_record(object_name, record_id, fields))

    def complete_item(self, item_id: str, actor: str, outputs: dict[str, Any] | None = None) -> str:
        """Complete a work item as `actor` (a member of its assignee); returns the run id."""

        def work(call: MemoryCall) -> str:
            run_id = self._item_runs.get(item_id)
            if run_id is None or run_id not in self.runs:
                raise NotFound(f"no work item {item_id!r}")
            run = call.run(run_id)
            item = run.items[item_id]
            self._authorize(actor, item["assignee"])
            call.drive(
                run,
                commands.complete_item(call, run, item_id, actor, outputs or {}, item["assignee"]),
            )
            return run.id

        return self._do(actor, work)

    def send_event(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> list[str]:
        """Deliver an event to the waits expecting it (`engine.runtime.timers.deliver_event`);
        one that reaches no run is kept when a wait step buffers it."""

        def work(call: MemoryCall) -> list[str]:
            # The SQL shell's match, read from the waits it had when the call began.
            wanted = (None,) if key is None else (None, str(key))
            matched = [
                (run_id, step_id)
                for run_id in sorted(self._waits.get(name, ()))
                for step_id, wait in self.runs[run_id].waits.items()
                if wait.get("event") == name and wait["key"] in wanted
            ]
            delivered = []
            for run_id, step_id in matched:
                run = call.run(run_id)
                if call.drive(
                    run, commands.deliver_event(call, run, step_id, name, key, data or {})
                ):
                    delivered.append(run.id)
            if not delivered:
                self._keep_unclaimed(call, name, key, data or {})
            return delivered

        return self._do(actor, work)

    def _keep_unclaimed(self, call: MemoryCall, name: str, key: Any, data: dict[str, Any]) -> None:
        # `engine.runtime.buffering.keep_unclaimed`
        self.kept.prune(call.journal, call.now)
        if name not in self._buffers:
            self._buffers[name] = longest_buffer_among(self.plans.values(), name)
        span = self._buffers[name]
        if span is not None:
            self.kept.keep(call.journal, name, key, data, call.now, call.later(span))

    def tick(self) -> int:
        """Fire every timer due now, each in its own call, oldest first; returns how many."""
        fired = 0
        now = format_time(self.clock.now())
        while True:
            due = self._due_rows(now)
            if not due:
                return fired
            for index, entry in enumerate(due):
                try:
                    fired += self._do("system", lambda call, e=entry: self._fire(call, e))
                except BaseException:
                    # The rows of this pass not fired yet stay, as in the store.
                    for rest in due[index + 1 :]:
                        heapq.heappush(self._timer_heap, rest)
                    raise

    def _fire(self, call: MemoryCall, entry: _TimerRow) -> bool:
        _, row, run_id, key = entry
        if self._timer_rows.get((run_id, key)) != row:
            return False  # an earlier firing of this pass removed or replaced it
        del self._timer_rows[(run_id, key)]
        call.journal.append(lambda: self._put_timer_back(entry))
        run = self.runs.get(run_id)
        timer = None if run is None else run.timers.get(key)
        if run is None or timer is None:
            return False
        call.runs[run_id] = run
        moves = commands.fire_timer(call, run, timer["step"], timer["kind"], timer.get("item"))
        return bool(call.drive(run, moves))

    def _put_timer_back(self, entry: _TimerRow) -> None:
        self._timer_rows[(entry[2], entry[3])] = entry[1]
        heapq.heappush(self._timer_heap, entry)

    def _due_rows(self, now: str) -> list[_TimerRow]:
        heap, due = self._timer_heap, []
        while heap and heap[0][0] <= now and len(due) < _TIMERS_PER_PASS:
            entry = heapq.heappop(heap)
            if self._timer_rows.get((entry[2], entry[3])) == entry[1]:
                due.append(entry)
        return due

    def next_due(self) -> datetime | None:
        """When the next timer is due (the earliest live row)."""
        heap = self._timer_heap
        while heap and self._timer_rows.get((heap[0][2], heap[0][3])) != heap[0][1]:
            heapq.heappop(heap)
        return parse_time(heap[0][0]) if heap else None

    def wait_key(self, run_id: str, step_id: str) -> str | None:
        """The correlation key a run's wait step listens for."""
        run = self.runs.get(run_id)
        wait = None if run is None else run.waits.get(step_id)
        return None if wait is None else wait["key"]

    # --- what a transaction would have written -----------------------------------------

    def _authorize(self, actor: str, assignee: str) -> None:
        # `engine.runtime.workitems.authorize_on` for users added here (all assignees).
        memberships = self._users.get(actor)
        if memberships is None:
            raise PermissionDenied(f"{actor!r} is not a known user")
        kind, _, name = assignee.partition(":")
        if (kind == "user" and name == actor) or (kind, name) in memberships:
            return
        raise PermissionDenied(
            f"{actor!r} may not complete this item: it is assigned to {assignee}"
        )

    def keep(self, run: RunState) -> None:
        """Note a touched run's new items, changed timers and waits, as `writes.flush`
        writes their rows; then forget a run that can never move again."""
        if run.is_new and run.record_id is not None:
            record = (run.record_object or "", run.record_id)
            self.record_runs.setdefault(record, []).append(run.id)
        for item_id in run.new_items:
            self._item_runs[item_id] = run.id
        for key in run.dirty_timers:
            timer = run.timers.get(key)
            if timer is None:
                self._timer_rows.pop((run.id, key), None)
                continue
            row = next(self._row_numbers)
            self._timer_rows[(run.id, key)] = row
            heapq.heappush(self._timer_heap, (timer["due_at"], row, run.id, key))
        if run.dirty_waits:
            for listeners in self._waits.values():
                listeners.discard(run.id)
            for wait in run.waits.values():
                self._waits.setdefault(wait["event"], set()).add(run.id)
        run.forget_changes()
        run.is_new = False
        if run.status in STATE_FROM_LOG:
            self._forget(run)

    def restore(self, run_id: str, seq: int) -> None:
        """Put a run back as it was after event `seq` (a call that changed it raised):
        its state folded again from its log, as the SQL shell reads it back."""
        changed = self.runs[run_id]
        log = self.logs[run_id]
        del log[seq:]
        run = RunState(
            id=run_id,
            definition_id=changed.definition_id,
            definition_version=changed.definition_version,
            status="not_started",
            started_at="",
            plan=changed.plan,
        )
        for event in log:
            apply(run, event)
        run.forget_changes()
        self.runs[run_id] = run

    def _forget(self, run: RunState) -> None:
        # A completed or canceled run never moves again; a simulation of 100,000 runs
        # should not hold them all. Its timer rows stay (the SQL store keeps them until
        # they fire, doing nothing), so the simulator sees the same due times.
        del self.runs[run.id]
        del self.logs[run.id]
        for item_id in run.items:
            self._item_runs.pop(item_id, None)
        for listeners in self._waits.values():
            listeners.discard(run.id)
        self.children.pop(run.id, None)
        if run.record_id is not None:
            started = self.record_runs.get((run.record_object or "", run.record_id))
            if started is not None:
                started.remove(run.id)
                if not started:
                    del self.record_runs[(run.record_object or "", run.record_id)]
