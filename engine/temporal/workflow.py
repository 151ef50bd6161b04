"""`BatonRun`: one Temporal workflow per run, around the pure run core.

The workflow holds the run's `RunState`. Everything that reaches the run is a command of
the core (`engine.runtime.commands`): people and operators send Updates, the workflow's
own timers fire the run's timers, linked runs send Signals. Each command is one `Turn`
(`engine.temporal.turns`): the core's decision (`engine.temporal.decisions`) emits events
into it, `fold.apply` folds them into the state, and the actions the decision asks for run
as activities (`engine.temporal.activities`). There is no second interpreter. After each
turn, `engine.temporal.reactions` does what the turn means elsewhere (notices, linked
runs, webhooks, search attributes, kept events); a run whose history grew too long goes on
as a new execution (`engine.temporal.carrying`).

Updates have validators that try the same decision on a copy of the state, so a refused
command (not the assignee's item, bad outputs, already completed) is rejected before it
enters the workflow's history, with the local engine's message. Updates are handled one
at a time (a workflow lock), so of two completions of one item exactly one wins.

Sandbox: Baton's modules are passed through (`imports_passed_through`, and the worker
passes all of `engine` through), not re-imported per workflow. The core is deterministic
by construction (import-linter forbids it I/O, randomness and clocks: time comes from the
`Turn`), and pydantic models are costly to re-import in every sandbox.

Versioning: a change to what this workflow does for an existing history must be guarded
with `workflow.patched("<name>")` (names in `engine.temporal.patches`);
tests/engine/temporal/test_replay.py replays histories recorded from the suite, so an
unguarded change fails CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import inspect
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from engine.errors import BatonError
    from engine.migration.decide import migrate as move_run
    from engine.runtime import commands, interpreter
    from engine.runtime import events as ev
    from engine.runtime.fold import fold
    from engine.runtime.plan import Plan
    from engine.runtime.state import RunState
    from engine.runtime.turn import ActionOutcome, ActionRequest, KeptEventRequest
    from engine.store.times import format_time, parse_time
    from engine.temporal import decisions, shapes, views
    from engine.temporal.carrying import Carried, too_long
    from engine.temporal.decisions import refusal
    from engine.temporal.patches import CONTINUE, LINKED_RUNS, MIGRATE
    from engine.temporal.reactions import Reactions
    from engine.temporal.turns import Turn

_ENDED = ("completed", "canceled")
ACTION_TIMEOUT = timedelta(minutes=10)
"""How long one attempt of an action may take before Temporal runs it again elsewhere."""


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
        self._carried = Carried.unpack(start.carried) if start.carried else None
        # Definitions of the versions `migrate` moved the run to, by number (as text): a
        # continued run folds its log across them.
        self._bodies: dict[str, str] = {}
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
            self._log = self._carried.log
            self._bodies = self._carried.bodies
            self._run = fold(self._run.plan, self._run.id, self._log, self._version_plan)
            self._spent = self._carried.spent
            self._record = self._carried.record
        # Messages from linked runs (`child_ended`, `parent_canceled`) not yet taken.
        self._notes: list[shapes.Note] = []
        self._reactions = Reactions(
            visibility=start.visibility,
            heartbeat=self._heartbeat,
            history_limit=start.history_limit,
            notify_parent=True if self._carried is None else self._carried.notify_parent,
            queued_seq=self._run.seq,
        )

    @workflow.run
    async def run(self, start: shapes.RunStart) -> dict[str, Any]:
        """Start the run, then fire its timers as they fall due until it ends (or its
        history grows past its limit: then it continues as a new execution)."""
        if self._carried is None:
            await self._begin(start)
        else:
            async with self._lock:
                self._reactions.publish(self._run, self._log)
        self._ready = True
        while self._run.status not in _ENDED:
            wait = self._until_next_timer()
            if wait is None or wait > 0:
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self._woken, timeout=wait)
            self._woken = False
            await self._take_notes()
            await self._fire_due_timers()
            if too_long(start.history_limit) and workflow.patched(CONTINUE):
                await self._continue(start)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._reactions.settle()
        self._reactions.remember_items(self._run)
        return {**views.summary(self._run), "variables": self._run.variables}

    async def _begin(self, start: shapes.RunStart) -> None:
        async with self._lock:
            turn = Turn(self._log, start.actor, self._record)
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

    async def _continue(self, start: shapes.RunStart) -> None:
        """Go on as a new execution of the same workflow id, carrying the run's log (its
        state is the log's fold), once every command and linked run's message in hand is
        done; commands that reach the closing execution are made again by the client."""
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self._notes)
        await self._reactions.settle()
        carried = Carried(
            log=self._log,
            spent=self._spent,
            record=self._record,
            notify_parent=self._reactions.notify_parent,
            bodies=self._bodies,
        )
        workflow.continue_as_new(dataclasses.replace(start, carried=carried.pack()))

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
                turn = Turn(self._log, "system", self._record)
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
            return shapes.Done(
                self._run.seq, self._run.status, linked=self._reactions.links(self._run)
            )

    def _due_now(self) -> bool:
        now = format_time(workflow.now())
        return any(t["due_at"] <= now for _key, t in self._pending_timers())

    @workflow.update
    async def command(self, cmd: shapes.Command) -> shapes.Done:
        """Do one command on the run (see `shapes.Command`); refusals raise, changing nothing."""
        await workflow.wait_condition(lambda: self._ready)
        async with self._lock:
            turn = Turn(self._log, cmd.actor, decisions.record_for(cmd, self._record))
            self._reactions.begin_command()
            try:
                result = decisions.decision(cmd)(turn, self._run)
                if inspect.isgenerator(result):
                    result = await self._drive(result, turn)
            except BatonError as exc:
                raise refusal(exc) from None
            await self._finish(turn)
        self._woken = True
        return shapes.Done(
            self._run.seq, self._run.status, result, self._reactions.links(self._run)
        )

    @command.validator
    def _check_command(self, cmd: shapes.Command) -> None:
        """Try the decision on a copy of the state, up to its first action."""
        trial = copy.deepcopy(self._run, {id(self._run.plan): self._run.plan})
        try:
            seen = Turn(None, cmd.actor, decisions.record_for(cmd, self._record))
            result = decisions.decision(cmd)(seen, trial)
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
            workflow.patched(MIGRATE)
            target = shapes.plan_for(self._run.definition_id, move.to_version, move.body)
            turn = Turn(self._log, move.actor, self._record, target=target)
            self._reactions.begin_command()
            try:
                found = decisions.assess_move(self._run, move, target)
                await self._drive(
                    move_run(turn, self._run, target, found, move.mapping, move.reason), turn
                )
            except BatonError as exc:
                raise refusal(exc) from None
            self._bodies[str(move.to_version)] = move.body
            await self._finish(turn)
        self._woken = True
        return shapes.Done(self._run.seq, self._run.status, None, self._reactions.links(self._run))

    def _version_plan(self, number: int) -> Plan:
        """The plan of a version this run was moved to (a continued run's fold needs it)."""
        return shapes.plan_for(self._run.definition_id, number, self._bodies[str(number)])

    @migrate.validator
    def _check_migrate(self, move: shapes.Migration) -> None:
        """Refuse a move that cannot happen before it enters the history (the plan's
        reason, in the local engine's words)."""
        target = shapes.plan_for(self._run.definition_id, move.to_version, move.body)
        try:
            decisions.check_move(self._run, move, target)
        except BatonError as exc:
            raise refusal(exc) from None

    @workflow.query
    def refusal(self, cmd: shapes.Command) -> dict[str, Any] | None:
        """Why the command would be refused (type, message, hint), or None: how a client
        hears the same refusal from a run whose workflow has closed (it takes no Updates)."""
        try:
            self._check_command(cmd)
        except ApplicationError as exc:
            return {"type": exc.type, "message": exc.message, "hint": next(iter(exc.details), None)}
        return None

    # --- linked runs (Signals) ----------------------------------------------------------

    @workflow.signal(name=shapes.NOTE_SIGNAL)
    def note(self, note: shapes.Note) -> None:
        """A linked run's message: a child ended, or this run's parent step went."""
        self._notes.append(note)
        self._woken = True

    async def _take_notes(self) -> None:
        async with self._lock:
            while self._notes:
                note = self._notes.pop(0)
                turn = Turn(self._log, note.actor, self._record)
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
                    self._reactions.parent_knows()
                    commands.cancel(turn, self._run, note.reason or "")
                await self._finish(turn)

    # --- after a turn ------------------------------------------------------------------

    async def _finish(self, turn: Turn) -> None:
        """After a turn: the run's record as its actions left it, linked runs told,
        notices sent, search attributes published, kept events taken."""
        self._record = turn.fields
        if turn.record_written and self._run.status in ("running", "waiting"):
            # As `recheck.queue_record_runs` locally: the run's own record changed.
            await self._drive(decisions.recheck_record(turn, self._run), turn)
        await self._reactions.recheck_others(self._run, turn)
        await self._reactions.react(self._run, turn)
        self._reactions.publish(self._run, self._log)
        await self._reactions.take_buffered(self._run, turn, self._take_kept)

    async def _take_kept(self, turn: Turn, step_id: str, event: str, kept: dict[str, Any]) -> None:
        """Deliver a kept event that a wait `turn` opened claimed, as a live event, in a
        turn of its own (by the same actor)."""
        taking = Turn(self._log, turn.actor, self._record)
        moves = commands.deliver_event(taking, self._run, step_id, event, kept["key"], kept["data"])
        await self._drive(moves, taking)
        await self._finish(taking)

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
    def outbox_queued(self) -> bool:
        """Whether the webhook deliveries of every turn so far are in the catalogue's
        outbox: `baton serve` asks before its delivery pass after a request (a query, so it
        changes no history)."""
        return self._reactions.outbox_idle()

    @workflow.query
    def item(self, item_id: str) -> dict[str, Any] | None:
        """One work item of the run, open or closed."""
        found = self._run.items.get(item_id)
        return None if found is None else views.item(self._run, item_id, found)

    # --- the shell's part ----------------------------------------------------------------

    async def _drive(self, moves: Any, turn: Turn) -> Any:
        """Run a decision to its end, running each action it asks for as an activity (and
        claiming each kept event a buffered wait asks for, `Turn.claims_kept_events`)."""
        try:
            request: ActionRequest | KeptEventRequest = next(moves)
            while True:
                if isinstance(request, KeptEventRequest):
                    outcome: Any = await self._reactions.claim(self._run, request)
                else:
                    outcome = await self._act(request, turn)
                request = moves.send(outcome)
        except StopIteration as done:
            return done.value

    async def _act(self, request: ActionRequest, turn: Turn) -> ActionOutcome:
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
                await self._reactions.start_linked(start)
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
