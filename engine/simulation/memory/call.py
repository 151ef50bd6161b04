"""One call of the in-memory engine: the `Turn` the decisions emit into, and its reactions.

`MemoryCall` is to `MemoryEngine` what `engine.runtime.unit.Unit` is to `Engine`: it emits
and folds each event exactly as `Unit.emit` does, runs the actions a decision asks for
(`MemoryContext`, in `context`, is what they see), starts runs (manual, child and
record-triggered), writes records and takes kept events, and does the follow-up work other
runs' events set in motion (a parent told its child ended, a child canceled with its step,
a run re-checked after its record changed), before the call ends.

A call is all or nothing, like the SQL shell's transaction. Its `journal` holds how to undo
each change it made outside the runs (records, kept events, timer rows), and each run keeps
its log (`MemoryEngine.logs`), so `abandon` can put every run back as the call found it by
folding that log again. A failed action undoes only what it set in motion (`Mark`), as the
SQL shell's savepoint does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.actions import get_action
from engine.errors import ConcurrentChange, NotFound
from engine.runtime import commands, interpreter, recheck, triggers
from engine.runtime import events as ev
from engine.runtime.events import Event, Payload
from engine.runtime.fold import apply
from engine.runtime.state import RUN_ACTIVE, RUN_TERMINAL, RunState
from engine.runtime.triggers import new_run_id
from engine.runtime.turn import ActionOutcome, ActionRequest, Moves
from engine.runtime.values import check_inputs
from engine.simulation.memory.context import MemoryContext
from engine.store import records as record_store
from engine.store.times import format_time

if TYPE_CHECKING:
    from engine.simulation.memory.shell import MemoryEngine


class Mark:
    """A point in a call to roll back to when an action fails (as `engine.runtime.unit.Mark`)."""

    __slots__ = ("created", "journal", "queue")

    def __init__(self, call: MemoryCall) -> None:
        self.created = len(call.created)
        self.queue = len(call.queue)
        self.journal = len(call.journal)


class MemoryCall:
    """One engine call; see the module docstring."""

    def __init__(self, engine: MemoryEngine, actor: str | None) -> None:
        self.engine = engine
        self.actor = actor
        self.moment: datetime = engine.clock.now()
        self.now = format_time(self.moment)
        self.runs: dict[str, RunState] = {}
        self.events: list[dict[str, Any]] = []
        self.queue: deque[Callable[[], None]] = deque()
        # How to undo what this call changed outside the runs, in order.
        self.journal: list[Callable[[], None]] = []
        # Runs started in this call, in order (`abandon` and `rollback` drop them).
        self.created: list[str] = []
        # Each run this call changed: (seq, status, current stage) as the call found it,
        # which is also what the SQL shell's tables show until the call ends.
        self.before: dict[str, tuple[int, str, str | None]] = {}

    # --- the Turn ----------------------------------------------------------------------

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        """Append an event to the run's log and fold it into its state (`Unit.emit`)."""
        who = actor if actor is not None else self.actor
        if run.id not in self.before:
            self.before[run.id] = (run.seq, run.status, run.current_stage)
        event = Event(run.seq + 1, self.now, who, data)
        apply(run, event)
        self.engine.logs[run.id].append(event)
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
        """A record's fields as they are now."""
        if not object_name or not record_id:
            return None
        return self.engine.records.get(object_name, record_id)

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """The oldest kept event for a wait opening now (see `Turn.buffered_event`)."""
        return self.engine.kept.oldest(event, key, since)

    # --- runs --------------------------------------------------------------------------

    def run(self, run_id: str) -> RunState:
        """A run this call works on."""
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
        record: tuple[str, str] | None = None,
        enforce_required: bool = True,
    ) -> RunState:
        """`engine.runtime.triggers.start` without a database."""
        plan = self.engine.plans.get(definition_id)
        if plan is None:
            raise NotFound(f"no active orchestration {definition_id!r}")
        variables = check_inputs(
            plan.definition.variables, inputs or {}, enforce_required=enforce_required
        )
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
        self.created.append(run.id)
        self.engine.runs[run.id] = run
        self.engine.logs[run.id] = []
        self.emit(
            run,
            ev.RunStarted(
                definition=definition_id,
                version=plan.version,
                trigger=trigger,
                inputs=inputs or {},
                variables=variables,
                record=list(record) if record else None,
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
        context = MemoryContext(self, run, request.step_id, request.attempt)
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

    # --- records (`engine.runtime.triggers`, `recheck`) --------------------------------

    def create_record(
        self, object_name: str, fields: dict[str, Any], chain: list[str] | None = None
    ) -> str:
        """Store a new record and start the runs it triggers; returns its id."""
        record_id = record_store.new_record_id()
        self.engine.records.put(self.journal, object_name, record_id, fields)
        self._record_changed(object_name, record_id, "created", None, fields, list(chain or []))
        return record_id

    def update_record(
        self,
        object_name: str,
        record_id: str,
        changes: dict[str, Any],
        chain: list[str] | None = None,
    ) -> dict[str, Any]:
        """Change fields of a record, start the runs the change triggers, and re-check
        the record's runs whose stage's exit condition reads it."""
        before = self.engine.records.get(object_name, record_id)
        if before is None:
            raise NotFound(f"no {object_name} record with id {record_id!r}")
        after = {**before, **changes}
        self.engine.records.put(self.journal, object_name, record_id, after)
        self._record_changed(object_name, record_id, "updated", before, after, list(chain or []))
        for run_id in self.engine.record_runs.get((object_name, record_id), ()):
            run = self.engine.runs.get(run_id)
            if run is None:
                continue
            # The SQL shell reads the runs' rows, which show them as this call found them.
            _, status, stage = self.before.get(run_id, (0, run.status, run.current_stage))
            if status in RUN_ACTIVE and stage and recheck.exit_reads_record(run.plan, stage):
                self.queue.append(lambda r=run_id: self._recheck(r))
        return after

    def _record_changed(
        self,
        object_name: str,
        record_id: str,
        event: str,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        chain: list[str],
    ) -> None:
        plans = self.engine.plans
        starts = triggers.record_starts_among(
            self.engine.record_triggered(object_name),
            lambda definition_id, _version: plans[definition_id],
            object_name,
            record_id,
            event,
            before,
            after,
            chain,
        )
        for found in starts:
            self.start(
                found.definition_id,
                found.inputs,
                trigger=f"record:{event}",
                record=(object_name, record_id),
                chain=found.chain,
                enforce_required=False,
            )

    def _recheck(self, run_id: str) -> None:
        run = self.run(run_id)
        self.drive(run, commands.recheck(self, run))

    # --- undoing -----------------------------------------------------------------------

    def mark(self) -> Mark:
        """Remember this point, to undo what follows if an action fails."""
        return Mark(self)

    def rollback(self, mark: Mark) -> None:
        """Undo what was set in motion since `mark`: runs started (with their events),
        queued work, and changes to records and kept events."""
        for run_id in reversed(self.created[mark.created :]):
            self._drop(run_id)
        del self.created[mark.created :]
        self.events = [e for e in self.events if e["run_id"] in self.runs]
        while len(self.queue) > mark.queue:
            self.queue.pop()
        self._undo(mark.journal)

    def abandon(self) -> None:
        """Undo the whole call (it raised): every run as the call found it, runs it
        started gone, records, kept events and timer rows as they were."""
        for run_id in reversed(self.created):
            self._drop(run_id)
        self._undo(0)
        for run_id, (seq, _, _) in self.before.items():
            if run_id in self.engine.runs:
                self.engine.restore(run_id, seq)

    def _drop(self, run_id: str) -> None:
        self.runs.pop(run_id, None)
        self.before.pop(run_id, None)
        run = self.engine.runs.pop(run_id)
        del self.engine.logs[run_id]
        siblings = self.engine.children.get(run.parent_run_id or "")
        if siblings and run_id in siblings:
            siblings.remove(run_id)

    def _undo(self, to: int) -> None:
        while len(self.journal) > to:
            self.journal.pop()()

    def finish(self) -> None:
        """Do queued follow-up work, then note the items, timers and waits the call left."""
        while self.queue:
            self.queue.popleft()()
        for run in self.runs.values():
            self.engine.keep(run)


# --- what one run's events mean for the others (as in `engine.runtime.unit`) -------------


def _run_ended(call: MemoryCall, run: RunState, data: Any) -> None:
    if run.parent_run_id is not None and run.notify_parent:
        call.queue.append(lambda: _child_finished(call, run))


def _child_finished(call: MemoryCall, child: RunState) -> None:
    parent = call.run(child.parent_run_id or "")
    step_id = child.parent_step_id or ""
    call.drive(parent, commands.child_finished(call, parent, step_id, child))


def _step_released(call: MemoryCall, run: RunState, data: Any) -> None:
    child_id = run.steps[data.step].get("child_run_id")
    if child_id:
        _cancel(call, child_id, f"parent step canceled: {data.reason}")


def _cancel(call: MemoryCall, run_id: str, reason: str) -> None:
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


def _event_received(call: MemoryCall, run: RunState, data: Any) -> None:
    if data.buffered is not None and not call.engine.kept.take(call.journal, data.buffered):
        # As the SQL shell: a kept event is delivered once.
        raise ConcurrentChange(f"kept event {data.event!r} was taken by another run")


_REACTIONS: dict[type, Callable[[MemoryCall, RunState, Any], None]] = {
    ev.RunCompleted: _run_ended,
    ev.RunFailed: _run_ended,
    ev.RunCanceled: _run_ended,
    ev.StepCanceled: _step_released,
    ev.StepSkipped: _step_released,
    ev.EventReceived: _event_received,
}
