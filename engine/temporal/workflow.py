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
import inspect
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from engine.errors import BatonError, Conflict
    from engine.migration.decide import Assessment, assess
    from engine.migration.decide import migrate as move_run
    from engine.runtime import commands, interpreter
    from engine.runtime import events as ev
    from engine.runtime.events import Event, Payload
    from engine.runtime.fold import apply
    from engine.runtime.plan import Plan
    from engine.runtime.state import RunState
    from engine.runtime.turn import ActionOutcome, ActionRequest
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
"""How long one attempt of an action may take before Temporal runs it again elsewhere."""

Decision = Callable[[Any, RunState], Any]


class _Turn:
    """One command as the core sees it (`engine.runtime.turn.Turn`), in workflow time."""

    def __init__(
        self, log: list[dict[str, Any]] | None, actor: str | None, target: Plan | None = None
    ) -> None:
        self.moment = workflow.now()
        self.now = format_time(self.moment)
        self.actor = actor
        self.log = log
        # The version a migration moves the run to: read against from `run_migrated` on.
        self.target = target

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        who = actor if actor is not None else self.actor
        apply(run, Event(run.seq + 1, self.now, who, data))
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
        # Record triggers do not start runs on Temporal yet, so no run here has a record.
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
        self._visibility = start.visibility
        self._heartbeat = timedelta(seconds=start.heartbeat)
        self._log: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        self._ready = False
        self._woken = False
        # Timers already fired: the local engine deletes a timer's row when it fires it,
        # whether or not the firing changed anything; these are the rows it deleted.
        self._spent: set[tuple[str, str]] = set()
        # Webhook events up to this event number are handed to the outbox activity; its
        # running attempts are awaited before the workflow closes.
        self._queued_seq = 0
        self._outbox: list[Any] = []

    @workflow.run
    async def run(self, start: shapes.RunStart) -> dict[str, Any]:
        """Start the run, then fire its timers as they fall due until it ends."""
        async with self._lock:
            turn = _Turn(self._log, start.actor)
            turn.emit(
                self._run,
                ev.RunStarted(
                    definition=start.definition_id,
                    version=start.version,
                    trigger=start.trigger,
                    inputs=start.inputs,
                    variables=start.variables,
                ),
            )
            await self._drive(interpreter.begin(turn, self._run), turn)
            self._publish()
        self._ready = True
        while self._run.status not in _ENDED:
            wait = self._until_next_timer()
            if wait is None or wait > 0:
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._woken, timeout=wait)
            self._woken = False
            await self._fire_due_timers()
        await workflow.wait_condition(workflow.all_handlers_finished)
        for queued in self._outbox:
            await queued
        return views.summary(self._run)

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
                turn = _Turn(self._log, "system")
                await self._drive(
                    commands.fire_timer(
                        turn, self._run, timer["step"], timer["kind"], timer.get("item")
                    ),
                    turn,
                )
            if due:
                self._publish()

    # --- commands (Updates) ------------------------------------------------------------

    @workflow.update
    async def synced(self) -> shapes.Done:
        """Returns once the run's first move and every timer due by now are done (a
        client's start waits on it)."""
        await workflow.wait_condition(lambda: self._ready and not self._due_now())
        async with self._lock:
            return shapes.Done(self._run.seq, self._run.status)

    def _due_now(self) -> bool:
        now = format_time(workflow.now())
        return any(t["due_at"] <= now for _key, t in self._pending_timers())

    @workflow.update
    async def command(self, cmd: shapes.Command) -> shapes.Done:
        """Do one command on the run (see `shapes.Command`); refusals raise, changing nothing."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            turn = _Turn(self._log, cmd.actor)
            try:
                result = self._decision(cmd)(turn, self._run)
                if inspect.isgenerator(result):
                    result = await self._drive(result, turn)
            except BatonError as exc:
                raise refusal(exc) from None
            self._publish()
        self._woken = True
        return shapes.Done(self._run.seq, self._run.status, result)

    @command.validator
    def _check_command(self, cmd: shapes.Command) -> None:
        """Try the decision on a copy of the state, up to its first action."""
        trial = copy.deepcopy(self._run, {id(self._run.plan): self._run.plan})
        try:
            result = self._decision(cmd)(_Turn(None, cmd.actor), trial)
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
            turn = _Turn(self._log, move.actor, target)
            try:
                found = self._assess(self._run, move, target)
                await self._drive(
                    move_run(turn, self._run, target, found, move.mapping, move.reason), turn
                )
            except BatonError as exc:
                raise refusal(exc) from None
            self._publish()
        self._woken = True
        return shapes.Done(self._run.seq, self._run.status)

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
        if kind == "edit_variables":
            return lambda t, r: commands.edit_variables(
                t, r, a.get("values") or {}, a.get("reason") or ""
            )
        if kind == "recheck":
            return lambda t, r: commands.recheck(t, r)
        raise ApplicationError(f"unknown command {kind!r}", type="InvalidInput")

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
    def item(self, item_id: str) -> dict[str, Any] | None:
        """One work item of the run, open or closed."""
        found = self._run.items.get(item_id)
        return None if found is None else views.item(self._run, item_id, found)

    # --- the shell's part ----------------------------------------------------------------

    async def _drive(self, moves: Any, turn: _Turn) -> Any:
        """Run a decision to its end, running each action it asks for as an activity."""
        try:
            request: ActionRequest = next(moves)
            while True:
                outcome = await self._act(request, turn)
                request = moves.send(outcome)
        except StopIteration as done:
            return done.value

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
        return ActionOutcome(outputs=done.outputs, variables=done.variables, error=done.error)

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
