"""`MemoryEngine`: the run core driven in memory, the simulation's fast shell.

The decisions of the run core (`engine.runtime.interpreter`, `commands`, `fold`) are pure:
they read a run's state and emit events into a `Turn`. The local engine's `Unit` is their
SQL shell; the Temporal workflow is another. This is a third, for the simulation only: each
call is a `_Call` that emits and folds exactly as `Unit.emit` does, and what a transaction
would write (work items, timers, event waits) is kept in dictionaries instead. No second
interpreter: every decision is the same function the live engine calls.

It does what a simulation asks of an engine, the way the SQL shell does it: start runs and
child runs, complete items (with the same authorization), deliver events to waits by
name and key (runs in id order), fire due timers oldest first (equal times in the order
they were set, at most 200 per pass), roll back what a failed action started, finish and
cancel child runs with their parents. `supports` names what it does not do (records,
buffered events); the simulator then runs on the SQL store as before.
`tests/engine/simulation/test_memory_engine.py` checks that both give the same results.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from engine.actions import get_action
from engine.definition import BackgroundStep, Orchestration, WaitStep
from engine.errors import ActivationRefused, NotFound, PermissionDenied
from engine.runtime import commands, interpreter
from engine.runtime import events as ev
from engine.runtime.clock import VirtualClock
from engine.runtime.events import Event, Payload
from engine.runtime.fold import apply
from engine.runtime.plan import Plan
from engine.runtime.state import RUN_TERMINAL, STATE_FROM_LOG, RunState
from engine.runtime.triggers import new_run_id
from engine.runtime.turn import ActionOutcome, ActionRequest, Moves
from engine.runtime.values import check_inputs
from engine.store.times import format_time, parse_time
from engine.validation import has_errors, validate

_TIMERS_PER_PASS = 200  # as `engine.runtime.timers.due_timer_ids`
_RECORD_ACTIONS = frozenset({"create_record", "update_record"})


def supports(definition: Orchestration, uses_records: bool) -> str | None:
    """Why this definition cannot be simulated in memory, or None when it can.

    Args:
        definition: the definition as written (its actions, before stand-ins).
        uses_records: the scenario creates records for its arrivals.
    """
    if uses_records:  # else the simulated definition's trigger is manual (`StandIns`)
        return "its arrivals create records"
    for _, step in definition.steps():
        if isinstance(step, BackgroundStep) and step.action in _RECORD_ACTIONS:
            return f"step {step.id!r} writes records"
        if isinstance(step, WaitStep) and step.buffer:
            return f"wait step {step.id!r} keeps events (buffer)"
    return None


class _Mark:
    """A point in a call to roll back to when an action fails (as `engine.runtime.unit.Mark`)."""

    def __init__(self, call: _Call) -> None:
        self.runs = frozenset(call.runs)
        self.queue = len(call.queue)


class _Call:
    """One engine call: the `Turn` the decisions emit into, and what the call touched."""

    def __init__(self, engine: MemoryEngine, actor: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.moment: datetime = engine.clock.now()
        self.now = format_time(self.moment)
        self.runs: dict[str, RunState] = {}
        self.events: list[dict[str, Any]] = []
        self.queue: deque[Callable[[], None]] = deque()

    # --- the Turn ----------------------------------------------------------------------

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        """Append an event to the run's log and fold it into its state (`Unit.emit`)."""
        who = actor if actor is not None else self.actor
        apply(run, Event(run.seq + 1, self.now, who, data))
        self.events.append(
            {
                "run_id": run.id,
                "seq": run.seq,
                "time": self.now,
                "type": data.NAME,
                "actor": who,
                "payload": data.to_dict(),  # an object, as `Unit.emit` hands it on
            }
        )
        react = _REACTIONS.get(type(data))
        if react is not None:
            react(self, run, data)

    def later(self, delta: timedelta) -> str:
        """The stored form of this call's time plus `delta`."""
        return format_time(self.moment + delta)

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        """No record exists here (`supports` keeps record scenarios on the SQL store)."""
        return None

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """No event is kept here (`supports` keeps buffered waits on the SQL store)."""
        return None

    # --- runs --------------------------------------------------------------------------

    def run(self, run_id: str) -> RunState:
        found = self.engine.runs.get(run_id)
        if found is None:
            raise NotFound(f"no run with id {run_id!r}")
        self.runs[run_id] = found
        return found

    def start(
        self,
        definition_id: str,
        inputs: dict[str, Any] | None,
        trigger: str = "manual",
        parent: tuple[str, str] | None = None,
        chain: list[str] | None = None,
    ) -> RunState:
        """`engine.runtime.triggers.start` without a database."""
        plan = self.engine.plans.get(definition_id)
        if plan is None:
            raise NotFound(f"no active orchestration {definition_id!r}")
        variables = check_inputs(plan.definition.variables, inputs or {}, enforce_required=True)
        run = RunState(
            id=new_run_id(),
            definition_id=definition_id,
            definition_version=plan.version,
            status="not_started",
            started_at=self.now,
        )
        run.is_new = True
        run.plan = plan
        self.runs[run.id] = run
        self.engine.runs[run.id] = run
        self.emit(
            run,
            ev.RunStarted(
                definition=definition_id,
                version=plan.version,
                trigger=trigger,
                inputs=inputs or {},
                variables=variables,
                parent=list(parent) if parent else None,
                chain=list(chain) if chain else None,
            ),
        )
        if parent is not None:
            self.engine.children.setdefault(parent[0], []).append(run.id)
        self.queue.append(lambda: self.drive(run, interpreter.begin(self, run)))
        return run

    def drive(self, run: RunState, moves: Moves) -> Any:
        """Run a decision to its end, running each action it asks for (`Unit.drive`)."""
        try:
            request = next(moves)
            while True:
                request = moves.send(self._act(run, request))
        except StopIteration as done:
            return done.value

    def _act(self, run: RunState, request: ActionRequest) -> ActionOutcome:
        action = get_action(request.action)
        context = _Context(self, run, request.step_id, request.attempt)
        try:
            if action is None:
                raise LookupError(f"no action named {request.action!r} is installed")
            outputs = action(request.inputs, context)
        except Exception as exc:  # an action's failure is data, as in the SQL shell
            context.failed()
            return ActionOutcome(error=f"{type(exc).__name__}: {exc}")
        return ActionOutcome(
            outputs=dict(outputs or {}),
            variables=dict(context.variables_set),
            child_run_id=context.child_run_id,
        )

    def rollback(self, mark: _Mark) -> None:
        """Forget runs started since `mark` (with their events) and work queued since."""
        for run_id in set(self.runs) - mark.runs:
            del self.runs[run_id]
            run = self.engine.runs.pop(run_id)
            siblings = self.engine.children.get(run.parent_run_id or "")
            if siblings and run_id in siblings:
                siblings.remove(run_id)
        self.events = [e for e in self.events if e["run_id"] in self.runs]
        while len(self.queue) > mark.queue:
            self.queue.pop()

    def finish(self) -> None:
        """Do queued follow-up work, then note the items, timers and waits the call left."""
        while self.queue:
            self.queue.popleft()()
        for run in self.runs.values():
            self.engine.keep(run)


class _Context:
    """What a simulated action sees (the part of `ActionContext` stand-ins and the real
    `set_variables` and `log` use)."""

    def __init__(self, call: _Call, run: RunState, step_id: str, attempt: int) -> None:
        self._call = call
        self._run = run
        self.run_id = run.id
        self.definition_id = run.definition_id
        self.step_id = step_id
        self.attempt = attempt
        self.now = call.moment
        visit = run.stages.get(run.steps[step_id]["stage"], {}).get("visits", 1)
        self.idempotency_key = f"{run.id}-{step_id}-{visit}"
        self.record_object = run.record_object
        self.record_id = run.record_id
        self.variables_set: dict[str, Any] = {}
        self.child_run_id: str | None = None
        self._mark = _Mark(call)

    def set_variables(self, values: dict[str, Any]) -> None:
        """Set run variables (applied when the action returns normally)."""
        self.variables_set.update(values)

    def log(self, message: str, data: dict[str, Any] | None = None) -> None:
        """Append a `log` event to the run's log."""
        self._call.emit(
            self._run, ev.Log(step=self.step_id, message=message, data=dict(data or {}))
        )

    def record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """No records here."""
        return None

    def start_orchestration(self, definition_id: str, inputs: dict[str, Any]) -> str:
        """Start a child run; the step then waits until the child ends."""
        child = self._call.start(
            definition_id,
            inputs,
            trigger="parent",
            parent=(self._run.id, self.step_id),
            chain=self._run.chain,
        )
        self.child_run_id = child.id
        return child.id

    def failed(self) -> None:
        """Undo what the action started."""
        self._call.rollback(self._mark)
        self.child_run_id = None
        self.variables_set.clear()


class MemoryEngine:
    """The part of `Engine` a simulation calls, over dictionaries; see the module docstring.

    Args:
        clock: the simulation's virtual clock.
        sink: called after each call with the events it logged (as `ObservedEngine`'s).
    """

    def __init__(self, clock: VirtualClock, sink: Callable[[list[dict[str, Any]]], None]):
        self.clock = clock
        self._sink = sink
        self.plans: dict[str, Plan] = {}
        self.runs: dict[str, RunState] = {}
        self.children: dict[str, list[str]] = {}
        self._users: dict[str, set[tuple[str, str]]] = {}
        self._item_runs: dict[str, str] = {}
        # Timers as the SQL store keeps rows: (due_at, row number, run, key); a row is live
        # while `_timer_rows` maps its (run, key) to its number.
        self._timer_heap: list[tuple[str, int, str, str]] = []
        self._timer_rows: dict[tuple[str, str], int] = {}
        self._row_numbers = itertools.count(1)
        self._waits: dict[str, set[str]] = {}  # event name -> runs with a wait for it

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

    # --- calls -------------------------------------------------------------------------

    def _do(self, actor: str | None, work: Callable[[_Call], Any]) -> Any:
        call = _Call(self, actor)
        result = work(call)
        call.finish()
        if call.events:
            self._sink(call.events)
        return result

    def start(
        self, definition_id: str, inputs: dict[str, Any] | None = None, actor: str | None = None
    ) -> str:
        """Start a run of an activated definition; returns its id."""
        return self._do(actor, lambda call: call.start(definition_id, inputs).id)

    def complete_item(self, item_id: str, actor: str, outputs: dict[str, Any] | None = None) -> str:
        """Complete a work item as `actor` (a member of its assignee); returns the run id."""

        def work(call: _Call) -> str:
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
        """Deliver an event to the waits expecting it (`engine.runtime.timers.deliver_event`)."""

        def work(call: _Call) -> list[str]:
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
            return delivered

        return self._do(actor, work)

    def tick(self) -> int:
        """Fire every timer due now, each in its own call, oldest first; returns how many."""
        fired = 0
        now = format_time(self.clock.now())
        while True:
            due = self._due_rows(now)
            if not due:
                return fired
            for run_id, key, row in due:
                if self._timer_rows.get((run_id, key)) != row:
                    continue  # an earlier firing of this pass removed or replaced it
                del self._timer_rows[(run_id, key)]
                fired += self._do("system", lambda call, r=run_id, k=key: self._fire(call, r, k))

    def _fire(self, call: _Call, run_id: str, key: str) -> bool:
        run = self.runs.get(run_id)
        timer = None if run is None else run.timers.get(key)
        if run is None or timer is None:
            return False
        call.runs[run_id] = run
        moves = commands.fire_timer(call, run, timer["step"], timer["kind"], timer.get("item"))
        return bool(call.drive(run, moves))

    def _due_rows(self, now: str) -> list[tuple[str, str, int]]:
        heap, due = self._timer_heap, []
        while heap and heap[0][0] <= now and len(due) < _TIMERS_PER_PASS:
            _, row, run_id, key = heapq.heappop(heap)
            if self._timer_rows.get((run_id, key)) == row:
                due.append((run_id, key, row))
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

    def _forget(self, run: RunState) -> None:
        # A completed or canceled run never moves again; a simulation of 100,000 runs
        # should not hold them all. Its timer rows stay (the SQL store keeps them until
        # they fire, doing nothing), so the simulator sees the same due times.
        del self.runs[run.id]
        for item_id in run.items:
            self._item_runs.pop(item_id, None)
        for listeners in self._waits.values():
            listeners.discard(run.id)
        self.children.pop(run.id, None)


# --- what one run's events mean for the others (as in `engine.runtime.unit`) -------------


def _run_ended(call: _Call, run: RunState, data: Any) -> None:
    if run.parent_run_id is not None and run.notify_parent:
        call.queue.append(lambda: _child_finished(call, run))


def _child_finished(call: _Call, child: RunState) -> None:
    parent = call.run(child.parent_run_id or "")
    step_id = child.parent_step_id or ""
    call.drive(parent, commands.child_finished(call, parent, step_id, child))


def _step_released(call: _Call, run: RunState, data: Any) -> None:
    child_id = run.steps[data.step].get("child_run_id")
    if child_id:
        _cancel(call, child_id, f"parent step canceled: {data.reason}")


def _cancel(call: _Call, run_id: str, reason: str) -> None:
    """`engine.runtime.links.cancel_child` and `operations.cancel_run`: a run and its
    active child runs."""
    run = call.engine.runs.get(run_id)
    if run is None or run.status in RUN_TERMINAL:
        return
    call.runs[run_id] = run
    run.notify_parent = False  # the parent already knows
    commands.cancel(call, run, reason)
    for child_id in list(call.engine.children.get(run_id, ())):
        _cancel(call, child_id, f"parent run {run_id} canceled")


_REACTIONS: dict[type, Callable[[_Call, RunState, Any], None]] = {
    ev.RunCompleted: _run_ended,
    ev.RunFailed: _run_ended,
    ev.RunCanceled: _run_ended,
    ev.StepCanceled: _step_released,
    ev.StepSkipped: _step_released,
}
