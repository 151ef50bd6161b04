"""What a turn of a `BatonRun` means for the rest of the world, done after the turn:
assignment and failure notices, linked runs told and started, webhook deliveries handed to
the outbox, search attributes published, and kept events claimed for waits that opened.

`Reactions` holds what these need across turns (the activities under way, how far the
outbox has been fed, the runs told during the current command). It reads the run's state
but changes only its own; a claimed event goes back to the workflow, which delivers it in a
turn of its own.

Every call here that adds to a workflow's history (activities, signals, child workflows,
search attributes) sits behind the `workflow.patched` name that introduced it
(`engine.temporal.patches`), in the order it always had: replay depends on both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from engine.runtime import events as ev
    from engine.runtime.plan import duration
    from engine.runtime.state import RunState
    from engine.runtime.turn import KeptEventRequest
    from engine.temporal import shapes, views
    from engine.temporal.patches import (
        BUFFER,
        BUFFER_CONSUME,
        BUFFER_IN_TURN,
        ITEMS_MEMO,
        LINKED_RUNS,
        NOTICES,
        RECHECK_OTHERS,
        RUN_ROWS,
        WEBHOOKS,
    )
    from engine.temporal.turns import Turn

# The run events that raise webhooks (`engine.store.webhooks.TRIGGERS`, which the
# sandboxed workflow does not import: it reaches the database layer).
_WEBHOOK_EVENTS = ("run_completed", "run_failed", "item_created")
OUTBOX_TIMEOUT = timedelta(minutes=1)
NOTICE_TIMEOUT = timedelta(minutes=10)
"""How long one attempt of sending a turn's notices may take (as long as an action's)."""
NOTICE_ATTEMPTS = 5
"""Tries of a notice (locally `notify.MAX_ATTEMPTS` on the outbox rows) before it is dropped."""
CLAIM_TIMEOUT = timedelta(minutes=1)

Take = Callable[[Turn, str, str, dict[str, Any]], Awaitable[None]]
"""How the workflow takes a claimed event: `(turn that opened the wait, step, event name,
kept event)`."""


class Reactions:
    """The after-turn part of one run's workflow execution (see the module docstring)."""

    def __init__(
        self,
        *,
        visibility: bool,
        heartbeat: timedelta,
        history_limit: int,
        notify_parent: bool,
        queued_seq: int,
    ) -> None:
        self.visibility = visibility
        self.heartbeat = heartbeat
        self.history_limit = history_limit
        # Whether the run still tells its parent that it ended (not when the parent
        # canceled it: the parent already knows).
        self.notify_parent = notify_parent
        # Runs told something during the current command (a client settles them too).
        self.told: list[str] = []
        # Notice activities under way (the workflow ends only once they are done).
        self._sending: list[Any] = []
        # Webhook events up to this event number are handed to the outbox activity (a
        # continued run's were, before it continued); its attempts under way are awaited
        # before the execution closes.
        self._queued_seq = queued_seq
        self._outbox: list[Any] = []

    def begin_command(self) -> None:
        """A new command starts: the runs it tells are counted from here (`links`)."""
        self.told = []

    def parent_knows(self) -> None:
        """The parent canceled this run: it needs no telling that the run ended."""
        self.notify_parent = False

    async def settle(self) -> None:
        """Wait for the notice and outbox activities under way (before the execution
        closes or continues as new)."""
        for pending in self._sending:
            with contextlib.suppress(Exception):  # a notice that failed is the worker's log's
                await pending
        for queued in self._outbox:
            await queued

    def outbox_idle(self) -> bool:
        """Whether every turn's webhook deliveries so far are in the catalogue's outbox (no
        outbox activity under way, as the workflow last saw it)."""
        return all(queued.done() for queued in self._outbox)

    # --- notices and linked runs ---------------------------------------------------------

    async def react(self, run: RunState, turn: Turn) -> None:
        """Notices for the items this turn assigned, moved or found overdue and for a
        failure; linked runs told that their parent step went or their child ended."""
        notices: list[dict[str, Any]] = []
        failure: dict[str, Any] | None = None
        for seq, data in turn.emitted:
            if isinstance(data, ev.ItemCreated) and data.assignee:
                notices.append(_notice(run, seq, data.item, data.assignee, "assigned"))
            elif isinstance(data, ev.ItemReassigned):
                why = "escalated" if data.reason.startswith("escalated") else "reassigned"
                notices.append(_notice(run, seq, data.item, data.to, why))
            elif isinstance(data, ev.ItemOverdue):
                notices.append(_notice(run, seq, data.item, data.assignee, "overdue"))
            elif isinstance(data, (ev.StepCanceled, ev.StepSkipped)):
                child = run.steps.get(data.step, {}).get("child_run_id")
                if child and workflow.patched(LINKED_RUNS):
                    reason = f"parent step canceled: {getattr(data, 'reason', '')}"
                    await self.tell(
                        child, shapes.Note("parent_canceled", turn.actor, run.id, reason=reason)
                    )
            if isinstance(data, ev.RunFailed):
                failure = {"reason": data.reason, "seq": seq, "stage": run.current_stage}
            ended = isinstance(data, (ev.RunCompleted, ev.RunCanceled, ev.RunFailed))
            # Runs with a parent exist only since the `linked-runs` patch.
            if ended and run.parent_run_id and self.notify_parent and workflow.patched(LINKED_RUNS):
                note = shapes.Note(
                    "child_ended",
                    turn.actor,
                    run.id,
                    step=run.parent_step_id,
                    status=run.status,
                    error=run.error,
                    variables=dict(run.variables),
                )
                await self.tell(run.parent_run_id, note)
        if (notices or failure) and workflow.patched(NOTICES):
            call = shapes.NoticeCall(
                run.id, run.definition_id, run.definition_version, turn.now, notices, failure
            )
            sending = workflow.start_activity(
                shapes.NOTICE_ACTIVITY,
                call,
                start_to_close_timeout=NOTICE_TIMEOUT,
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1), maximum_attempts=NOTICE_ATTEMPTS
                ),
            )
            # A notice that could not be sent never touches the run (as locally): its
            # failure is taken here, and the worker's log has it.
            sending.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._sending = [p for p in self._sending if not p.done()] + [sending]

    async def tell(self, run_id: str, note: shapes.Note) -> None:
        """Signal a linked run; one that has closed meanwhile needs telling no more."""
        with contextlib.suppress(Exception):
            await workflow.get_external_workflow_handle(run_id).signal(shapes.NOTE_SIGNAL, note)
        self.told.append(run_id)

    def links(self, run: RunState) -> list[str]:
        """The runs a change of this one may have moved too (its parent, its children): a
        client's call settles them as well before it returns (read-your-writes)."""
        waiting = [
            st["child_run_id"]
            for st in run.steps.values()
            if st.get("child_run_id") and st["status"] == "waiting"
        ]
        found = ([run.parent_run_id] if run.parent_run_id else []) + waiting + self.told
        return list(dict.fromkeys(found))

    async def start_linked(self, start: shapes.RunStart) -> None:
        """Start a run an action asked for as a child workflow that outlives this one (a
        Baton child reports back by `note`, not by Temporal's child result). One already
        started (an earlier attempt's) is left as it is."""
        start.visibility = self.visibility
        start.heartbeat = self.heartbeat.total_seconds()
        start.history_limit = self.history_limit
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                shapes.WORKFLOW,
                start,
                id=start.run_id,
                task_queue=workflow.info().task_queue,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                search_attributes=shapes.start_attributes(start),
            )

    async def recheck_others(self, run: RunState, turn: Turn) -> None:
        """As `recheck.queue_record_runs` locally: the other active runs of each record an
        action of this turn updated are re-checked too. An activity finds them (visibility)
        and hands each the `record_changed` command; the client settles them before it
        returns, as runs told anything else."""
        if not turn.record_updates or not workflow.patched(RECHECK_OTHERS):
            return
        told = await workflow.execute_activity(
            shapes.RECHECK_ACTIVITY,
            shapes.RecordRecheck(run.id, turn.actor, f"{run.id}-{run.seq}", turn.record_updates),
            result_type=list[str],
            start_to_close_timeout=CLAIM_TIMEOUT,
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
            ),
        )
        self.told += told

    async def claim(self, run: RunState, request: KeptEventRequest) -> dict[str, Any] | None:
        """Claim the oldest kept event for a wait opening now, within its turn (an
        activity). The token is the event number the wait's `step_started` will have, so
        an attempt run again, or a replay, gets back the event it claimed before. A
        claimed event is then removed (`consume`)."""
        token = f"{run.id}:{request.step_id}:{run.seq + 1}"
        kept = await workflow.execute_activity(
            shapes.CLAIM_ACTIVITY,
            shapes.BufferClaim(request.event, request.key, request.since, token),
            start_to_close_timeout=CLAIM_TIMEOUT,
            # The catalogue may be down for a while: keep trying (the wait waits to open).
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
            ),
        )
        if kept is not None:
            await self.consume(token)
        return kept

    async def consume(self, token: str) -> None:
        """Remove the kept event claimed under `token` from the catalogue, as the local
        runtime deletes one it delivers. Its claim's answer is in the history now, so no
        attempt needs the row again. Awaited, so the command that opened the wait returns
        with the event gone (`baton-buffer-consume`; runs from before it leave the event
        claimed until it expires)."""
        if not workflow.patched(BUFFER_CONSUME):
            return
        await workflow.execute_activity(
            shapes.CONSUME_ACTIVITY,
            token,
            start_to_close_timeout=CLAIM_TIMEOUT,
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
            ),
        )

    # --- webhooks and search attributes --------------------------------------------------

    def publish(self, run: RunState, log: list[dict[str, Any]]) -> None:
        """Search attributes from the state, for `baton runs` and `baton work list`; this
        turn's webhook events to the outbox."""
        self._queue_webhooks(run, log)
        run.forget_changes()  # nothing reads the change notes here; keep them from growing
        if not self.visibility:
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

    def remember_items(self, run: RunState) -> None:
        """As the run's workflow closes: leave its items in its memo (`shapes.ITEMS_MEMO`),
        so `work list --all` finds a finished run's items in the visibility listing instead
        of querying (which replays the closed workflow's history). Once per run, at its
        end: a memo written as items change would add an event per change."""
        if not self.visibility or not run.items or not workflow.patched(ITEMS_MEMO):
            return
        items = views.remembered_items(run)
        if items is not None:
            workflow.upsert_memo({shapes.ITEMS_MEMO: items})

    def _queue_webhooks(self, run: RunState, log: list[dict[str, Any]]) -> None:
        """Hand this turn's webhook events to the outbox activity (`engine.temporal.outbox`),
        started, not awaited: a slow catalogue never holds up the command's answer."""
        fresh = []
        for event in reversed(log):  # only this turn's tail, not the whole log
            if event["seq"] <= self._queued_seq:
                break
            if event["type"] in _WEBHOOK_EVENTS:
                fresh.insert(0, event)
        self._queued_seq = run.seq
        if not fresh or not workflow.patched(WEBHOOKS):
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

    # --- event buffering -----------------------------------------------------------------

    async def take_buffered(self, run: RunState, turn: Turn, take: Take) -> None:
        """For each wait with a `buffer` this turn opened (and left waiting): claim the
        oldest kept event it accepts in the catalogue (an activity) and hand it to `take`,
        which delivers it, as a live event, in a turn of its own. The claim's token is the
        event number that opened the wait, so an activity attempt run again claims nothing
        twice."""
        for seq, data in turn.emitted:
            if not isinstance(data, ev.StepStarted) or run.plan is None:
                continue
            step = run.plan.steps.get(data.step)
            if getattr(step, "type", None) != "wait" or not step.event or not step.buffer:
                continue
            # Looked at only now: taking an earlier wait's event may have closed this one.
            wait = run.waits.get(data.step)
            if wait is None or run.steps[data.step]["status"] != "waiting":
                continue
            if workflow.patched(BUFFER_IN_TURN):
                return  # the wait asked as it opened, and nothing was kept for it
            if not workflow.patched(BUFFER):
                return
            key = wait.get("key")
            token = f"{run.id}:{data.step}:{seq}"
            kept = await workflow.execute_activity(
                shapes.CLAIM_ACTIVITY,
                shapes.BufferClaim(
                    step.event,
                    None if key is None else str(key),
                    turn.later(-duration(step.buffer)),
                    token,
                ),
                start_to_close_timeout=CLAIM_TIMEOUT,
                # The catalogue may be down for a while: keep trying (the wait waits on).
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
                ),
            )
            if kept is not None:
                await self.consume(token)
                await take(turn, data.step, step.event, kept)


def _notice(run: RunState, seq: int, item_id: str, assignee: str, reason: str) -> dict[str, Any]:
    it = run.items.get(item_id, {})
    shown = views.item(run, item_id, it) if it else {}
    return {
        "key": f"notice-{run.id}-{seq}-{item_id}",
        "item": item_id,
        "step": it.get("step"),
        "title": shown.get("title") or it.get("step"),
        "guidance": shown.get("guidance") or "",
        "due_at": it.get("due_at"),
        "assignee": assignee,
        "reason": reason,
    }
