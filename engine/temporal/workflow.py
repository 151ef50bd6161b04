"""`BatonRun`: one Temporal workflow per run, around the pure run core.

The workflow holds the run's `RunState`. Everything that reaches the run is a command of
the core (`engine.runtime.commands`): people and operators send Updates, the workflow's
own timers fire the run's timers. Each command is one `_Turn`: the core's decision emits
events into it, `fold.apply` folds them into the state, and the actions the decision asks
for run as activities (`engine.temporal.activities`). There is no second interpreter.

Updates have validators that try the same decision on a copy of the state, so a refused
command (not the assignee's item, bad outputs, already completed) is rejected before it
enters the workflow's history, with the local engine's message. Updates are handled one
at a time (a workflow lock), so of two completions of one item exactly one wins.

Sandbox: Baton's modules are passed through (`imports_passed_through`), not re-imported
per workflow. The core is deterministic by construction (import-linter forbids it I/O,
randomness and clocks: time comes from the `Turn`), and pydantic models are costly to
re-import in every sandbox; the workflow module itself stays sandboxed.

Versioning: a change to what this workflow does for an existing history must be guarded
with `workflow.patched("<name>")`; tests/engine/temporal/test_replay.py replays histories
recorded from the suite, so an unguarded change fails CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import inspect
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from engine.errors import BatonError, Conflict
    from engine.migration.decide import Assessment, assess
    from engine.migration.decide import migrate as move_run
    from engine.runtime import commands, interpreter
    from engine.runtime import events as ev
    from engine.runtime.events import Event, Payload
    from engine.runtime.fold import apply, fold
    from engine.runtime.plan import Plan, duration, reads_record
    from engine.runtime.state import RunState
    from engine.runtime.turn import ActionOutcome, ActionRequest, KeptEventRequest
    from engine.store.times import format_time, parse_time
    from engine.temporal import shapes, views

_to_json = json.JSONEncoder(separators=(",", ":"), default=str).encode
_ENDED = ("completed", "canceled")
# The run events that raise webhooks (`engine.store.webhooks.TRIGGERS`, which the
# sandboxed workflow does not import: it reaches the database layer).
_WEBHOOK_EVENTS = ("run_completed", "run_failed", "item_created")
MIGRATE_PATCH = "baton-migrate"
"""Marks histories whose run was moved by the `migrate` Update, so a later change to how
a move applies can be guarded against them."""
WEBHOOKS_PATCH = "baton-webhooks-outbox"
"""Guards the outbox activity: a run whose history began on a worker without it queues no
webhook deliveries (its history has no such activity, and replay must match it)."""
OUTBOX_TIMEOUT = timedelta(minutes=1)
ACTION_TIMEOUT = timedelta(minutes=10)
NOTICE_ATTEMPTS = 5
"""Tries of a notice (locally `notify.MAX_ATTEMPTS` on the outbox rows) before it is dropped."""
"""How long one attempt of an action may take before Temporal runs it again elsewhere."""

Decision = Callable[[Any, RunState], Any]

# Patches (`workflow.patched`): each names a change to what the workflow does for a
# history recorded before it; tests/engine/temporal/histories hold histories of both sides.
RUN_ROWS = "run-rows"
"""Publishes the record, end time, outcome and error as search attributes."""
LINKED_RUNS = "linked-runs"
"""Starts the runs an action's record writes trigger and its child orchestration (child
workflows); tells a parent that its child ended and a child that its parent step went."""
CONTINUE = "continue-as-new"
"""Continues a run whose history grew past `RunStart.history_limit` as a new execution."""
NOTICES = "notices"
"""Sends assignment notices and the failure notice (an activity after the turn)."""
BUFFER = "baton-event-buffer"
"""A wait with a `buffer` that opened claims a kept event (an activity after the turn) and
takes it in a turn of its own."""
CLAIM_TIMEOUT = timedelta(minutes=1)
BUFFER_IN_TURN = "baton-buffer-in-turn"
"""A wait with a `buffer` claims its kept event as it opens, within the turn, so the log
reads as locally (`event_received` with `buffered`, no timeout); runs whose history began
before it claim after the turn (`BUFFER`)."""
RECHECK_OTHERS = "baton-record-recheck-others"
"""A record an action updated: its other active runs are told (an activity after the turn),
as locally; runs whose history began before it told only themselves."""


class _Turn:
    """One command as the core sees it (`engine.runtime.turn.Turn`), in workflow time."""

    def __init__(
        self,
        log: list[dict[str, Any]] | None,
        actor: str | None,
        record: dict[str, Any] | None = None,
        target: Plan | None = None,
    ) -> None:
        self.moment = workflow.now()
        self.now = format_time(self.moment)
        self.actor = actor
        self.log = log
        self.fields = record
        # Whether an action of this turn changed the run's own record.
        self.record_written = False
        # Every record an action of this turn updated (`ActionDone.updated_records`).
        self.record_updates: list[dict[str, Any]] = []
        # What this turn emitted, for what the shell does about it (`BatonRun._react`).
        self.emitted: list[tuple[int, Payload]] = []
        # The version a migration moves the run to: read against from `run_migrated` on.
        self.target = target

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        who = actor if actor is not None else self.actor
        apply(run, Event(run.seq + 1, self.now, who, data))
        self.emitted.append((run.seq, data))
        if isinstance(data, ev.RunMigrated) and self.target is not None:
            run.plan = self.target
        if self.log is not None:
            self.log.append(
                {
                    "seq": run.seq,
                    "time": self.now,
                    "type": data.NAME,
                    "actor": who,
                    "payload": json.loads(_to_json(data.to_dict())),
                }
            )

    def later(self, delta: timedelta) -> str:
        return format_time(self.moment + delta)

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        # Expressions read the run's own record (`basics`): the workflow's copy of it, as
        # the record change that started the run, or the last `record_changed`, left it.
        return self.fields if record_id is not None else None

    @property
    def claims_kept_events(self) -> bool:
        """Whether a wait with a `buffer` asks this shell for its kept event within the
        turn (a `KeptEventRequest`, claimed by an activity). Trial turns (validators, with
        no log) never ask: they run no activity and mark no patch."""
        return self.log is not None and workflow.patched(BUFFER_IN_TURN)

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        # A workflow reads no database within a turn: the wait opens as if nothing were
        # kept (a trial turn, or a run from before `BUFFER_IN_TURN`, whose kept event
        # `BatonRun._take_buffered` claims after the turn).
        return None


def refusal(exc: BatonError) -> ApplicationError:
    """A BatonError as a Temporal failure the client turns back into the same error."""
    return ApplicationError(exc.message, exc.hint, type=type(exc).__name__, non_retryable=True)


@workflow.defn(name=shapes.WORKFLOW)
class BatonRun:
    """One run; see the module docstring."""

    @workflow.init
    def __init__(self, start: shapes.RunStart) -> None:
        self._run = RunState(
            # A schedule's firing has no id of its own: its workflow id is the run's.
            id=start.run_id or workflow.info().workflow_id,
            definition_id=start.definition_id,
            definition_version=start.version,
            status="not_started",
            started_at="",
        )
        self._run.plan = shapes.plan_for(start.definition_id, start.version, start.body)
        self._carried = shapes.uncarry(start.carried) if start.carried else None
        # Definitions of the versions `migrate` moved the run to, by number (as text): a
        # continued run folds its log across them.
        self._bodies: dict[str, str] = {}
        self._visibility = start.visibility
        self._history_limit = start.history_limit
        self._record = start.record_fields
        self._heartbeat = timedelta(seconds=start.heartbeat)
        self._log: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        self._ready = False
        self._woken = False
        # Timers already fired: the local engine deletes a timer's row when it fires it,
        # whether or not the firing changed anything; these are the rows it deleted.
        self._spent: set[tuple[str, str]] = set()
        if self._carried is not None:
            # A continued run: its state is the fold of its log (DESIGN rule 5).
            self._log = self._carried["log"]
            self._bodies = self._carried.get("bodies") or {}
            self._run = fold(self._run.plan, self._run.id, self._log, self._version_plan)
            self._spent = {(k, due) for k, due in self._carried["spent"]}
            self._record = self._carried["record"]
        # Messages from linked runs (`child_ended`, `parent_canceled`) not yet taken.
        self._notes: list[shapes.Note] = []
        self._notify_parent = True if self._carried is None else self._carried["notify_parent"]
        # Runs told something during the current command (a client settles them too).
        self._told: list[str] = []
        # Notice activities under way (the workflow ends only once they are done).
        self._sending: list[Any] = []
        # Webhook events up to this event number are handed to the outbox activity (a
        # continued run's were, before it continued); its attempts under way are awaited
        # before the execution closes.
        self._queued_seq = self._run.seq
        self._outbox: list[Any] = []

    @workflow.run
    async def run(self, start: shapes.RunStart) -> dict[str, Any]:
        """Start the run, then fire its timers as they fall due until it ends (or its
        history grows past its limit: then it continues as a new execution)."""
        if self._carried is None:
            await self._begin(start)
        else:
            async with self._lock:
                self._publish()
        self._ready = True
        while self._run.status not in _ENDED:
            wait = self._until_next_timer()
            if wait is None or wait > 0:
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._woken, timeout=wait)
            self._woken = False
            await self._take_notes()
            await self._fire_due_timers()
            if self._too_long(start) and workflow.patched(CONTINUE):
                await self._continue(start)
        await workflow.wait_condition(workflow.all_handlers_finished)
        for pending in self._sending:
            with contextlib.suppress(Exception):  # a notice that failed is the worker's log's
                await pending
        for queued in self._outbox:
            await queued
        return {**views.summary(self._run), "variables": self._run.variables}

    async def _begin(self, start: shapes.RunStart) -> None:
        async with self._lock:
            turn = _Turn(self._log, start.actor, self._record)
            turn.emit(
                self._run,
                ev.RunStarted(
                    definition=start.definition_id,
                    version=start.version,
                    trigger=start.trigger,
                    inputs=start.inputs,
                    variables=start.variables,
                    record=start.record,
                    parent=start.parent,
                    chain=start.chain,
                ),
            )
            await self._drive(interpreter.begin(turn, self._run), turn)
            await self._finish(turn)

    # --- very long runs --------------------------------------------------------------------

    def _too_long(self, start: shapes.RunStart) -> bool:
        limit = start.history_limit
        return bool(limit) and workflow.info().get_current_history_length() >= limit

    async def _continue(self, start: shapes.RunStart) -> None:
        """Go on as a new execution of the same workflow id, carrying the run's log (its
        state is the log's fold), once every command and linked run's message in hand is
        done; commands that reach the closing execution are made again by the client."""
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self._notes)
        for pending in self._sending:
            with contextlib.suppress(Exception):
                await pending
        for queued in self._outbox:
            await queued
        carried = {
            "log": self._log,
            "spent": sorted(self._spent),
            "record": self._record,
            "notify_parent": self._notify_parent,
            "bodies": self._bodies,
        }
        workflow.continue_as_new(dataclasses.replace(start, carried=shapes.carry(carried)))

    # --- timers ------------------------------------------------------------------------

    def _pending_timers(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (key, t) for key, t in self._run.timers.items() if (key, t["due_at"]) not in self._spent
        ]

    def _until_next_timer(self) -> float | None:
        dues = [t["due_at"] for _key, t in self._pending_timers()]
        if not dues:
            return None
        return (parse_time(min(dues)) - workflow.now()).total_seconds()

    async def _fire_due_timers(self) -> None:
        async with self._lock:
            now = format_time(workflow.now())
            due = sorted(
                ((k, t) for k, t in self._pending_timers() if t["due_at"] <= now),
                key=lambda kt: kt[1]["due_at"],
            )
            for key, timer in due:
                self._spent.add((key, timer["due_at"]))
                turn = _Turn(self._log, "system", self._record)
                await self._drive(
                    commands.fire_timer(
                        turn, self._run, timer["step"], timer["kind"], timer.get("item")
                    ),
                    turn,
                )
                await self._finish(turn)

    # --- commands (Updates) ------------------------------------------------------------

    @workflow.update
    async def synced(self) -> shapes.Done:
        """Returns once the run's first move and every timer due by now are done (a
        client's start waits on it)."""
        await workflow.wait_condition(
            lambda: self._ready and not self._due_now() and not self._notes
        )
        async with self._lock:
            return shapes.Done(self._run.seq, self._run.status, linked=self._links())

    def _due_now(self) -> bool:
        now = format_time(workflow.now())
        return any(t["due_at"] <= now for _key, t in self._pending_timers())

    @workflow.update
    async def command(self, cmd: shapes.Command) -> shapes.Done:
        """Do one command on the run (see `shapes.Command`); refusals raise, changing nothing."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            turn = _Turn(self._log, cmd.actor, self._record_for(cmd))
            self._told = []
            try:
                result = self._decision(cmd)(turn, self._run)
                if inspect.isgenerator(result):
                    result = await self._drive(result, turn)
            except BatonError as exc:
                raise refusal(exc) from None
            await self._finish(turn)
        self._woken = True
        return shapes.Done(self._run.seq, self._run.status, result, self._links())

    @command.validator
    def _check_command(self, cmd: shapes.Command) -> None:
        """Try the decision on a copy of the state, up to its first action."""
        trial = copy.deepcopy(self._run, {id(self._run.plan): self._run.plan})
        try:
            result = self._decision(cmd)(_Turn(None, cmd.actor, self._record_for(cmd)), trial)
            if inspect.isgenerator(result):
                next(result, None)
        except BatonError as exc:
            raise refusal(exc) from None

    @workflow.update
    async def migrate(self, move: shapes.Migration) -> shapes.Done:
        """Move the run to another version of its orchestration (`baton migrate apply`):
        the migration's pure decision (`engine.migration.decide`), as the local engine
        applies it, on the state this workflow holds."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            workflow.patched(MIGRATE_PATCH)
            target = shapes.plan_for(self._run.definition_id, move.to_version, move.body)
            turn = _Turn(self._log, move.actor, self._record, target=target)
            self._told = []
            try:
                found = self._assess(self._run, move, target)
                await self._drive(
                    move_run(turn, self._run, target, found, move.mapping, move.reason), turn
                )
            except BatonError as exc:
                raise refusal(exc) from None
            self._bodies[str(move.to_version)] = move.body
            await self._finish(turn)
        self._woken = True
        return shapes.Done(self._run.seq, self._run.status, None, self._links())

    def _version_plan(self, number: int) -> Plan:
        """The plan of a version this run was moved to (a continued run's fold needs it)."""
        return shapes.plan_for(self._run.definition_id, number, self._bodies[str(number)])

    @migrate.validator
    def _check_migrate(self, move: shapes.Migration) -> None:
        """Refuse a move that cannot happen before it enters the history (the plan's
        reason, in the local engine's words)."""
        target = shapes.plan_for(self._run.definition_id, move.to_version, move.body)
        try:
            found = self._assess(self._run, move, target)
            if not found.possible:
                raise Conflict(
                    f"run {self._run.id} cannot move to version {move.to_version}: "
                    f"{found.reasons[0]}"
                )
        except BatonError as exc:
            raise refusal(exc) from None

    @staticmethod
    def _assess(run: RunState, move: shapes.Migration, target: Plan) -> Assessment:
        if run.definition_version != move.from_version:
            raise Conflict(f"run {run.id} is on version {run.definition_version} now")
        return assess(run, run.plan, target, move.mapping)  # type: ignore[arg-type]

    @workflow.query
    def refusal(self, cmd: shapes.Command) -> dict[str, Any] | None:
        """Why the command would be refused (type, message, hint), or None: how a client
        hears the same refusal from a run whose workflow has closed (it takes no Updates)."""
        try:
            self._check_command(cmd)
        except ApplicationError as exc:
            return {"type": exc.type, "message": exc.message, "hint": next(iter(exc.details), None)}
        return None

    def _record_for(self, cmd: shapes.Command) -> dict[str, Any] | None:
        """The record as a command sees it: the new fields for `record_changed`."""
        if cmd.kind == "record_changed":
            return dict(cmd.args.get("fields") or {})
        return self._record

    def _decision(self, cmd: shapes.Command) -> Decision:
        a = cmd.args
        kind = cmd.kind
        if kind == "complete_item":
            return lambda t, r: commands.complete_item(
                t, r, a["item"], cmd.actor or "", a.get("outputs") or {}, a["assignee"]
            )
        if kind == "reassign":
            return lambda t, r: commands.reassign(
                t, r, a["item"], a["to"], a.get("reason") or "", cmd.actor
            )
        if kind == "event":
            return lambda t, r: self._deliver(t, r, a["name"], a.get("key"), a.get("data") or {})
        if kind == "cancel":
            return lambda t, r: commands.cancel(t, r, a.get("reason") or "canceled by operator")
        if kind == "pause":
            return lambda t, r: commands.pause(t, r, a.get("reason") or "")
        if kind == "resume":
            return lambda t, r: commands.resume(t, r, a.get("reason") or "")
        if kind == "retry":
            return lambda t, r: commands.retry_step(t, r, a["step"], a.get("reason") or "")
        if kind == "skip":
            return lambda t, r: commands.skip_step(
                t, r, a["step"], a.get("outputs"), a.get("reason") or ""
            )
        if kind == "record_changed":
            return self._recheck_record
        if kind == "edit_variables":
            return lambda t, r: self._edit_variables(t, r, a.get("values") or {}, a["reason"])
        if kind == "nudge":
            return commands.recheck
        raise ApplicationError(f"unknown command {kind!r}", type="InvalidInput")

    @staticmethod
    def _recheck_record(turn: Any, run: RunState) -> Any:
        # As the local engine (`recheck.queue_record_runs`): only a run whose current
        # stage's exit condition reads the record is evaluated again.
        stage = run.plan.nodes.get(run.current_stage or "") if run.plan else None
        condition = getattr(stage, "exit_condition", None)
        if not condition or not reads_record(condition):
            return False
        return (yield from commands.recheck(turn, run))

    @staticmethod
    def _edit_variables(turn: Any, run: RunState, values: dict[str, Any], reason: str) -> Any:
        # Returns the run's variables after the edit, as the local engine's call does.
        yield from commands.edit_variables(turn, run, values, reason)
        return dict(run.variables)

    @staticmethod
    def _deliver(turn: Any, run: RunState, name: str, key: Any, data: dict[str, Any]) -> Any:
        # The local engine's matching: a keyed event reaches waits on that key or on any
        # key; an event without a key reaches only waits without one.
        def matches(wait: dict[str, Any]) -> bool:
            if wait.get("event") != name:
                return False
            return wait["key"] is None or (key is not None and wait["key"] == str(key))

        delivered = False
        for step_id in sorted(s for s, w in run.waits.items() if matches(w)):
            moved = yield from commands.deliver_event(turn, run, step_id, name, key, data)
            delivered = delivered or bool(moved)
        return delivered

    # --- linked runs (Signals) ----------------------------------------------------------

    @workflow.signal
    def note(self, note: shapes.Note) -> None:
        """A linked run's message: a child ended, or this run's parent step went."""
        self._notes.append(note)
        self._woken = True

    async def _take_notes(self) -> None:
        async with self._lock:
            while self._notes:
                note = self._notes.pop(0)
                turn = _Turn(self._log, note.actor, self._record)
                if note.kind == "child_ended":
                    child = RunState(
                        id=note.run,
                        definition_id="",
                        definition_version=0,
                        status=note.status,
                        started_at="",
                        error=note.error,
                        variables=dict(note.variables or {}),
                    )
                    await self._drive(
                        commands.child_finished(turn, self._run, note.step or "", child), turn
                    )
                elif self._run.status not in _ENDED:  # parent_canceled
                    self._notify_parent = False  # the parent already knows
                    commands.cancel(turn, self._run, note.reason or "")
                await self._finish(turn)

    # --- what a turn means for the rest of the world -------------------------------------

    async def _finish(self, turn: _Turn) -> None:
        """After a turn: the run's record as its actions left it, linked runs told,
        notices sent, search attributes published."""
        self._record = turn.fields
        if turn.record_written and self._run.status in ("running", "waiting"):
            # As `recheck.queue_record_runs` locally: the run's own record changed.
            await self._drive(self._recheck_record(turn, self._run), turn)
        if turn.record_updates and workflow.patched(RECHECK_OTHERS):
            # As `recheck.queue_record_runs` locally: the other active runs of each record
            # updated are re-checked too; an activity finds them (visibility) and tells them.
            told = await workflow.execute_activity(
                shapes.RECHECK_ACTIVITY,
                shapes.RecordRecheck(
                    self._run.id,
                    turn.actor,
                    f"{self._run.id}-{self._run.seq}",
                    turn.record_updates,
                ),
                result_type=list[str],
                start_to_close_timeout=CLAIM_TIMEOUT,
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
                ),
            )
            self._told += told  # the client settles them before it returns
        await self._react(turn)
        self._publish()
        await self._take_buffered(turn)

    async def _take_buffered(self, turn: _Turn) -> None:
        """For each wait with a `buffer` this turn opened (and left waiting): claim the
        oldest kept event it accepts in the catalogue (an activity) and deliver it, as a
        live event, in a turn of its own. The claim's token is the event number that
        opened the wait, so an activity attempt run again claims nothing twice."""
        run = self._run
        for seq, data in turn.emitted:
            if not isinstance(data, ev.StepStarted) or run.plan is None:
                continue
            step = run.plan.steps.get(data.step)
            if getattr(step, "type", None) != "wait" or not step.event or not step.buffer:
                continue
            wait = run.waits.get(data.step)
            if wait is None or run.steps[data.step]["status"] != "waiting":
                continue
            if workflow.patched(BUFFER_IN_TURN):
                return  # the wait asked as it opened, and nothing was kept for it
            if not workflow.patched(BUFFER):
                return
            key = wait.get("key")
            kept = await workflow.execute_activity(
                shapes.CLAIM_ACTIVITY,
                shapes.BufferClaim(
                    step.event,
                    None if key is None else str(key),
                    turn.later(-duration(step.buffer)),
                    f"{run.id}:{data.step}:{seq}",
                ),
                start_to_close_timeout=CLAIM_TIMEOUT,
                # The catalogue may be down for a while: keep trying (the wait waits on).
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
                ),
            )
            if kept is None:
                continue
            taking = _Turn(self._log, turn.actor, self._record)
            moves = commands.deliver_event(
                taking, run, data.step, step.event, kept["key"], kept["data"]
            )
            await self._drive(moves, taking)
            await self._finish(taking)

    async def _react(self, turn: _Turn) -> None:
        run = self._run
        notices: list[dict[str, Any]] = []
        failure: dict[str, Any] | None = None
        for seq, data in turn.emitted:
            if isinstance(data, ev.ItemCreated) and data.assignee:
                notices.append(self._notice(seq, data.item, data.assignee, "assigned"))
            elif isinstance(data, ev.ItemReassigned):
                why = "escalated" if data.reason.startswith("escalated") else "reassigned"
                notices.append(self._notice(seq, data.item, data.to, why))
            elif isinstance(data, ev.ItemOverdue):
                notices.append(self._notice(seq, data.item, data.assignee, "overdue"))
            elif isinstance(data, (ev.StepCanceled, ev.StepSkipped)):
                child = run.steps.get(data.step, {}).get("child_run_id")
                if child and workflow.patched(LINKED_RUNS):
                    reason = f"parent step canceled: {getattr(data, 'reason', '')}"
                    await self._tell(
                        child, shapes.Note("parent_canceled", turn.actor, run.id, reason=reason)
                    )
            if isinstance(data, ev.RunFailed):
                failure = {"reason": data.reason, "seq": seq, "stage": run.current_stage}
            ended = isinstance(data, (ev.RunCompleted, ev.RunCanceled, ev.RunFailed))
            # Runs with a parent exist only since the `linked-runs` patch.
            if (
                ended
                and run.parent_run_id
                and self._notify_parent
                and workflow.patched(LINKED_RUNS)
            ):
                note = shapes.Note(
                    "child_ended",
                    turn.actor,
                    run.id,
                    step=run.parent_step_id,
                    status=run.status,
                    error=run.error,
                    variables=dict(run.variables),
                )
                await self._tell(run.parent_run_id, note)
        if (notices or failure) and workflow.patched(NOTICES):
            call = shapes.NoticeCall(
                run.id, run.definition_id, run.definition_version, turn.now, notices, failure
            )
            sending = workflow.start_activity(
                shapes.NOTICE_ACTIVITY,
                call,
                start_to_close_timeout=ACTION_TIMEOUT,
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1), maximum_attempts=NOTICE_ATTEMPTS
                ),
            )
            # A notice that could not be sent never touches the run (as locally): its
            # failure is taken here, and the worker's log has it.
            sending.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._sending = [p for p in self._sending if not p.done()] + [sending]

    def _notice(self, seq: int, item_id: str, assignee: str, reason: str) -> dict[str, Any]:
        it = self._run.items.get(item_id, {})
        shown = views.item(self._run, item_id, it) if it else {}
        return {
            "key": f"notice-{self._run.id}-{seq}-{item_id}",
            "item": item_id,
            "step": it.get("step"),
            "title": shown.get("title") or it.get("step"),
            "guidance": shown.get("guidance") or "",
            "due_at": it.get("due_at"),
            "assignee": assignee,
            "reason": reason,
        }

    async def _tell(self, run_id: str, note: shapes.Note) -> None:
        """Signal a linked run; one that has closed meanwhile needs telling no more."""
        with contextlib.suppress(Exception):
            await workflow.get_external_workflow_handle(run_id).signal(BatonRun.note, note)
        self._told.append(run_id)

    def _links(self) -> list[str]:
        """The runs a change of this one may have moved too (its parent, its children): a
        client's call settles them as well before it returns (read-your-writes)."""
        run = self._run
        waiting = [
            st["child_run_id"]
            for st in run.steps.values()
            if st.get("child_run_id") and st["status"] == "waiting"
        ]
        found = ([run.parent_run_id] if run.parent_run_id else []) + waiting + self._told
        return list(dict.fromkeys(found))

    # --- reading (Queries) -------------------------------------------------------------

    @workflow.query
    def detail(self) -> dict[str, Any]:
        """`Engine.run`'s shape, plus the run's open waits and last event number."""
        return {
            **views.detail(self._run),
            "waits": views.waits(self._run),
            "timers": len(self._pending_timers()),
            "seq": self._run.seq,
        }

    @workflow.query
    def events(self, after: int) -> list[dict[str, Any]]:
        """The run's events after event number `after`."""
        return self._log[after:]

    @workflow.query
    def items(self) -> dict[str, Any]:
        """The run's row (`views.summary`) and every item it has opened, closed ones too:
        what `work list --all` reads (a query, so it changes no history)."""
        return {**views.summary(self._run), "items": views.all_items(self._run)}

    @workflow.query
    def item(self, item_id: str) -> dict[str, Any] | None:
        """One work item of the run, open or closed."""
        found = self._run.items.get(item_id)
        return None if found is None else views.item(self._run, item_id, found)

    # --- the shell's part ----------------------------------------------------------------

    async def _drive(self, moves: Any, turn: _Turn) -> Any:
        """Run a decision to its end, running each action it asks for as an activity."""
        try:
            request: ActionRequest | KeptEventRequest = next(moves)
            while True:
                if isinstance(request, KeptEventRequest):
                    outcome: Any = await self._claim(request)
                else:
                    outcome = await self._act(request, turn)
                request = moves.send(outcome)
        except StopIteration as done:
            return done.value

    async def _claim(self, request: KeptEventRequest) -> dict[str, Any] | None:
        """Claim the oldest kept event for a wait opening now (an activity). The token is
        the event number the wait's `step_started` will have, so an attempt run again,
        or a replay, gets back the event it claimed before."""
        return await workflow.execute_activity(
            shapes.CLAIM_ACTIVITY,
            shapes.BufferClaim(
                request.event,
                request.key,
                request.since,
                f"{self._run.id}:{request.step_id}:{self._run.seq + 1}",
            ),
            start_to_close_timeout=CLAIM_TIMEOUT,
            # The catalogue may be down for a while: keep trying (the wait waits to open).
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
            ),
        )

    async def _act(self, request: ActionRequest, turn: _Turn) -> ActionOutcome:
        run = self._run
        visit = run.stages.get(run.steps[request.step_id]["stage"], {}).get("visits", 1)
        done: shapes.ActionDone = await workflow.execute_activity(
            shapes.ACTION_ACTIVITY,
            shapes.ActionCall(
                run_id=run.id,
                definition_id=run.definition_id,
                step_id=request.step_id,
                action=request.action,
                attempt=request.attempt,
                inputs=request.inputs,
                idempotency_key=f"{run.id}-{request.step_id}-{visit}",
                now=turn.now,
                record_object=run.record_object,
                record_id=run.record_id,
            ),
            result_type=shapes.ActionDone,
            start_to_close_timeout=ACTION_TIMEOUT,
            heartbeat_timeout=self._heartbeat,
            # An action's own failure is an outcome (the core retries per the step's
            # policy); Temporal retries only lost attempts (a worker died mid-action).
            retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1)),
        )
        for line in done.logs:
            turn.emit(run, ev.Log(step=request.step_id, message=line["message"], data=line["data"]))
        if done.error is None and (done.starts or done.child) and workflow.patched(LINKED_RUNS):
            for start in [*done.starts, *([done.child] if done.child else [])]:
                await self._start_linked(start)
        if done.error is None and done.record_fields is not None:
            turn.fields = done.record_fields
            turn.record_written = True
        if done.error is None:
            turn.record_updates += done.updated_records
        return ActionOutcome(
            outputs=done.outputs,
            variables=done.variables,
            error=done.error,
            child_run_id=done.child.run_id if done.child and done.error is None else None,
        )

    async def _start_linked(self, start: shapes.RunStart) -> None:
        """Start a run an action asked for as a child workflow that outlives this one (a
        Baton child reports back by `note`, not by Temporal's child result). One already
        started (an earlier attempt's) is left as it is."""
        start.visibility = self._visibility
        start.heartbeat = self._heartbeat.total_seconds()
        start.history_limit = self._history_limit
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                BatonRun.run,
                start,
                id=start.run_id,
                task_queue=workflow.info().task_queue,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                search_attributes=shapes.start_attributes(start),
            )

    def _queue_webhooks(self) -> None:
        """Hand this turn's webhook events to the outbox activity (`engine.temporal.outbox`),
        started, not awaited: a slow catalogue never holds up the command's answer."""
        run = self._run
        fresh = []
        for event in reversed(self._log):  # only this turn's tail, not the whole log
            if event["seq"] <= self._queued_seq:
                break
            if event["type"] in _WEBHOOK_EVENTS:
                fresh.insert(0, event)
        self._queued_seq = run.seq
        if not fresh or not workflow.patched(WEBHOOKS_PATCH):
            return
        self._outbox.append(
            workflow.start_activity(
                shapes.OUTBOX_ACTIVITY,
                shapes.OutboxBatch(run.id, run.definition_id, run.definition_version, fresh),
                start_to_close_timeout=OUTBOX_TIMEOUT,
                # The catalogue may be down for a while: keep trying, never drop a delivery.
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5)
                ),
            )
        )

    def _publish(self) -> None:
        """Search attributes from the state, for `baton runs` and `baton work list`; this
        turn's webhook events to the outbox."""
        self._queue_webhooks()
        run = self._run
        run.forget_changes()  # nothing reads the change notes here; keep them from growing
        if not self._visibility:
            return
        open_items = [it for it in run.items.values() if it["status"] == "open"]
        workflow.upsert_search_attributes(
            [
                shapes.STATUS.value_set(run.status),
                shapes.ORCHESTRATION.value_set(run.definition_id),
                shapes.VERSION.value_set(run.definition_version),
                shapes.STAGE.value_set(run.current_stage or ""),
                shapes.STARTED_AT.value_set(run.started_at),
                shapes.ASSIGNEES.value_set(sorted({it["assignee"] for it in open_items})),
                shapes.ITEMS.value_set(list(run.items)),
                shapes.WAITS.value_set(shapes.wait_values(views.waits(run))),
                shapes.SEQ.value_set(run.seq),
            ]
        )
        if workflow.patched(RUN_ROWS):
            record = shapes.record_value(run.record_object or "", run.record_id or "")
            workflow.upsert_search_attributes(
                [
                    shapes.RECORD.value_set(record if run.record_id else ""),
                    shapes.ENDED_AT.value_set(run.ended_at or ""),
                    shapes.OUTCOME.value_set(run.outcome or ""),
                    shapes.ERROR.value_set(run.error or ""),
                ]
            )
