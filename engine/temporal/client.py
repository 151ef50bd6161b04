"""`TemporalEngine`: the run calls of `engine.runtime.Engine`, on runs held by Temporal.

The CLI (and anything else holding an `Engine`) calls the same methods with the same
arguments and gets the same shapes and errors. Definitions, users and records stay in the
catalogue (`BATON_DB`, a local `Engine`); runs are `BatonRun` workflows.

Read-your-writes: a call that changes a run returns only once Temporal's visibility shows
the run at (or past) the event number the change produced, so the next `baton runs`,
`work list` or `event send` sees it. Reads of one run (`show`, `log`) are workflow
queries and always current.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from engine.errors import ConcurrentChange, NotFound
from engine.runtime import itemchecks, permissions, workitems
from engine.runtime.buffering import SentEvent
from engine.runtime.triggers import new_run_id
from engine.temporal import shapes, starts
from engine.temporal.catalogue import CatalogueCalls
from engine.temporal.channel import NoWorker, quote
from engine.temporal.lists import RunLists
from engine.temporal.migration import MigrationCalls
from engine.temporal.records import RecordCalls
from engine.temporal.workflow import BatonRun

__all__ = ["NoWorker", "TemporalEngine"]


class TemporalEngine(CatalogueCalls, RecordCalls, RunLists, MigrationCalls):
    """Runs on Temporal, the catalogue in a local store; see the module docstring.

    The plumbing is `channel.Channel`; catalogue pass-throughs `catalogue.CatalogueCalls`;
    records and their triggers `records.RecordCalls`; lists across runs (visibility)
    `lists.RunLists`; here, the calls on runs.
    """

    # --- runs --------------------------------------------------------------------------

    def start(
        self, definition_id: str, inputs: dict[str, Any] | None = None, actor: str | None = None
    ) -> str:
        """Start a run of the active version as a workflow; returns the run id."""
        return self._do(self._start(definition_id, inputs or {}, actor))

    async def _start(self, definition_id: str, inputs: dict[str, Any], actor: str | None) -> str:
        with self.store.read() as conn:
            if self.enforce_roles:
                permissions.require(conn, actor, "assignee", "start runs")
            start = starts.run_start(
                conn, self.catalogue.plan, definition_id, inputs, new_run_id(), actor=actor
            )
        await self._start_runs([start])
        return start.run_id

    def run(self, run_id: str) -> dict[str, Any]:
        """A run's status, stage, steps, open items and variables (`Engine.run`'s shape)."""
        found = self._do(self._fresh_detail(run_id))
        self._item_runs.update((i["id"], run_id) for i in found["open_items"])
        self._do(self._with_problems(found["open_items"]))
        found["variables"] = self._declared_order(found)
        found.pop("waits", None)
        found.pop("seq", None)
        return found

    def _declared_order(self, detail: dict[str, Any]) -> dict[str, Any]:
        """The run's variables in the definition's order, as the local engine gives them:
        Temporal's JSON converter sorts keys, and readers such as the designer take the
        first text variable as what the run is about (the employee, not their email)."""
        with self.store.read() as conn:
            plan = self.catalogue.plan(detail["orchestration"], detail["version"], conn)
        variables = detail["variables"]
        ordered = {v.name: variables[v.name] for v in plan.definition.variables
                   if v.name in variables}  # fmt: skip
        ordered.update((k, v) for k, v in variables.items() if k not in ordered)
        return ordered

    def settle(self, run_id: str) -> None:
        """Return once the run has done everything due by the server's time (its timers
        included); for a run that has ended, at once."""
        self._do(self._settle(run_id))

    async def _settle(self, run_id: str) -> None:
        handle = await self._handle(run_id)
        try:
            done = await self._update(handle, BatonRun.synced)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return  # closed: nothing is due any more
            raise
        await self._visible(run_id, done.seq)
        await self._settle_linked(done.linked, {run_id: done.seq})

    def history(self, run_id: str, execution: str | None = None) -> WorkflowHistory:
        """The run's Temporal workflow history (for replay tests and support cases): its
        current execution's, or that of `execution` (see `executions`)."""
        return self._do(self._history(run_id, execution))

    async def _history(self, run_id: str, execution: str | None) -> WorkflowHistory:
        client = await self.client()
        return await client.get_workflow_handle(run_id, run_id=execution).fetch_history()

    def executions(self, run_id: str) -> list[str]:
        """The Temporal run ids of a run's workflow executions, oldest first (a long run
        continues as new: one execution per stretch of its history)."""
        return self._do(self._executions(run_id))

    async def _executions(self, run_id: str) -> list[str]:
        found = await self._list(f"WorkflowId = {quote(run_id, 'run id')}")
        return [wf.run_id for wf in sorted(found, key=lambda wf: wf.start_time)]

    def log(
        self, run_id: str, *, after: int | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """A run's events, in order: those after event number `after`, at most `limit`
        (as `Engine.log`)."""
        found = self._do(self._query(run_id, BatonRun.events, after or 0))
        return found if limit is None else found[:limit]

    def open_item_ids(self, run_id: str) -> list[str]:
        """Ids of a run's open work items, oldest first."""
        return [i["id"] for i in self.run(run_id)["open_items"]]

    def complete_item(self, item_id: str, actor: str, outputs: dict[str, Any] | None = None) -> str:
        """Complete a work item as `actor` (an Update); returns the run id."""
        return self._do(self._complete(item_id, actor, outputs or {}))

    async def _complete(self, item_id: str, actor: str, outputs: dict[str, Any]) -> str:
        for _attempt in range(8):
            item = await self._item(item_id)
            itemchecks.refuse_closed(
                item_id, item["status"], item["completed_by"], item["completed_at"]
            )
            with self.store.read() as conn:
                workitems.authorize_on(conn, actor, item["assignee"])
            try:
                await self._command(
                    item["run"],
                    "complete_item",
                    actor,
                    item=item_id,
                    outputs=outputs,
                    assignee=item["assignee"],
                )
            except ConcurrentChange:
                continue  # reassigned between the read and the update: check again
            return item["run"]
        raise ConcurrentChange(f"work item {item_id} kept changing", hint="repeat the command")

    def reassign(
        self,
        item_id: str,
        to: str,
        reason: str = "",
        actor: str | None = None,
        force: bool = False,
    ) -> None:
        """Reassign one open work item (see `Engine.reassign`)."""
        self._require(actor, "operator", "reassign work items")
        workitems.check_assignee(to)
        if not force:
            self._check_workable(to)
        item = self._do(self._item(item_id))
        itemchecks.refuse_not_open(item_id, item["status"])
        self._do(self._command(item["run"], "reassign", actor, item=item_id, to=to, reason=reason))

    def reassign_all(
        self,
        source: str,
        to: str,
        reason: str = "",
        actor: str | None = None,
        force: bool = False,
    ) -> list[str]:
        """Reassign every open item of `source` to `to`; returns the item ids."""
        self._require(actor, "operator", "reassign work items")
        workitems.check_assignee(source)
        if not force:
            self._check_workable(to)
        moved = []
        for item in self.work_items(assignee=source):
            why = reason or f"all items of {source} reassigned"
            self._do(
                self._command(item["run"], "reassign", actor, item=item["id"], to=to, reason=why)
            )
            moved.append(item["id"])
        return moved

    def _check_workable(self, to: str) -> None:
        itemchecks.refuse_unworkable(to, self.assignee_problem(to))

    # --- events and operators ----------------------------------------------------------

    def send_event(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> list[str]:
        """Deliver an event to the runs waiting on (name, key); returns the runs it moved.

        An event that reached no run is kept for a wait step with a `buffer` (`publish`).
        """
        return self.publish(name, key, data, actor).runs

    def _deliver_now(
        self, name: str, key: Any, data: dict[str, Any] | None, actor: str | None
    ) -> list[str]:
        return self._do(self._send_event(name, key, data or {}, actor))

    def publish(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> SentEvent:
        """`send_event` in the shape `Engine.publish` gives: an event that reached no run is
        kept in the catalogue for a wait step with a `buffer`, as locally; a run's wait
        that opens later claims it (`BatonRun._claim_buffered`)."""
        runs = self._deliver_now(name, key, data, actor)
        if runs:
            return SentEvent(runs)
        return SentEvent(runs, self.catalogue.keep_unclaimed(name, key, data, actor))

    async def _send_event(
        self, name: str, key: Any, data: dict[str, Any], actor: str | None
    ) -> list[str]:
        values = [shapes.wait_value(name, None)]
        if key is not None:
            values.append(shapes.wait_value(name, key))
        listed = ", ".join(quote(v, "event") for v in values)
        reached = []
        for wf in sorted(
            await self._list(f"{shapes.WAITS.name} IN ({listed})"), key=lambda w: w.id
        ):
            try:
                moved = await self._command(wf.id, "event", actor, name=name, key=key, data=data)
            except NotFound:
                continue  # ended since it was listed
            if moved:
                reached.append(wf.id)
        return reached

    def cancel(self, run_id: str, reason: str = "", actor: str | None = None) -> None:
        """Cancel a run (with a reason)."""
        self._require(actor, "operator", "cancel runs")
        self._do(self._command(run_id, "cancel", actor, reason=reason))

    def pause(self, run_id: str, reason: str = "", actor: str | None = None) -> None:
        """Pause a run: no new steps start."""
        self._require(actor, "operator", "pause runs")
        self._do(self._command(run_id, "pause", actor, reason=reason))

    def resume(self, run_id: str, actor: str | None = None, reason: str = "") -> None:
        """Resume a paused run (or a failed one whose failure was not a step's)."""
        self._require(actor, "operator", "resume runs")
        self._do(self._command(run_id, "resume", actor, reason=reason))

    def retry(self, run_id: str, step_id: str, actor: str | None = None, reason: str = "") -> None:
        """Retry a failed background step."""
        self._require(actor, "operator", "retry steps")
        self._do(self._command(run_id, "retry", actor, step=step_id, reason=reason))

    def edit_variables(
        self, run_id: str, values: dict[str, Any], reason: str, actor: str | None = None
    ) -> dict[str, Any]:
        """Change declared variables of a run (checked, logged and re-checked as locally);
        returns the run's variables."""
        self._require(actor, "operator", "edit run variables")
        return self._do(
            self._command(run_id, "edit_variables", actor, values=values, reason=reason)
        )

    def nudge(self, run_id: str, actor: str | None = None) -> bool:
        """Evaluate a run's conditions again; returns whether the run moved."""
        self._require(actor, "operator", "nudge runs")
        return bool(self._do(self._command(run_id, "nudge", actor)))

    def skip(
        self,
        run_id: str,
        step_id: str,
        outputs: dict[str, Any] | None = None,
        actor: str | None = None,
        reason: str = "",
    ) -> None:
        """Skip a step, giving the outputs later steps expect."""
        self._require(actor, "operator", "skip steps")
        self._do(self._command(run_id, "skip", actor, step=step_id, outputs=outputs, reason=reason))
