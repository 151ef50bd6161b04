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

import asyncio
import os
from datetime import datetime
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecution,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowUpdateFailedError,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from engine import errors
from engine.errors import BatonError, ConcurrentChange, Conflict, InvalidInput, NotFound
from engine.runtime import Engine, permissions, workitems
from engine.runtime.buffering import SentEvent
from engine.runtime.state import RUN_STATUSES
from engine.runtime.triggers import new_run_id
from engine.runtime.values import check_inputs
from engine.store import definitions as definition_store
from engine.store import directory, format_time
from engine.temporal import shapes
from engine.temporal.address import TemporalAddress
from engine.temporal.connect import connect, register_search_attributes
from engine.temporal.workflow import BatonRun

VISIBILITY_TIMEOUT = 30.0
"""Seconds a change may take to show in Temporal's visibility before the call gives up."""

HEARTBEAT_ENV = "BATON_TEMPORAL_HEARTBEAT"
WORKER_WAIT = 30.0
"""Seconds a call waits for a worker to poll the task queue (one may be starting)."""


class NoWorker(BatonError):
    """No worker polls the task queue, so the run cannot move yet."""


_ERRORS: dict[str, type[BatonError]] = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, BatonError)
}


def _heartbeat_seconds() -> float:
    text = os.environ.get(HEARTBEAT_ENV) or "30"
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if seconds < 1:
        raise InvalidInput(
            f"{HEARTBEAT_ENV}={text!r} is not a number of seconds (at least 1)",
            hint="unset it for the default (30)",
        )
    return seconds


def _quote(value: Any, what: str) -> str:
    text = str(value)
    if "'" in text or "\\" in text:
        raise InvalidInput(f"{what} {text!r} may not contain quotes or backslashes on Temporal")
    return f"'{text}'"


def _as_baton_error(exc: BaseException) -> BatonError | None:
    cause = exc.cause if isinstance(exc, WorkflowUpdateFailedError) else exc
    if isinstance(cause, ApplicationError) and cause.type in _ERRORS:
        hint = cause.details[0] if cause.details else None
        return _ERRORS[cause.type](cause.message, hint=hint)
    return None


class TemporalEngine:
    """Runs on Temporal, the catalogue in a local store; see the module docstring.

    Args:
        address: the Temporal frontend, namespace and task queue.
        catalogue: the local engine over `BATON_DB` (definitions, users, records).
    """

    def __init__(self, address: TemporalAddress, catalogue: Engine) -> None:
        self.address = address
        self.catalogue = catalogue
        self.store = catalogue.store
        self.clock = catalogue.clock
        self.enforce_roles = catalogue.enforce_roles
        self._loop = asyncio.new_event_loop()
        self._client: Client | None = None
        # Whether the server answers visibility queries (Temporal's time-skipping test
        # server does not: there, only calls on one run work, and changes need no wait).
        self._visibility = True
        # Runs of the work items this client has seen, so completing an item it listed
        # needs no visibility round trip (item ids never move between runs).
        self._item_runs: dict[str, str] = {}

    # --- plumbing ----------------------------------------------------------------------

    def _do(self, work: Any) -> Any:
        return self._loop.run_until_complete(work)

    async def client(self) -> Client:
        """The connected client (the search attributes registered on first use)."""
        if self._client is None:
            client = await connect(self.address)
            try:
                await register_search_attributes(client, self.address.namespace)
            except RPCError as exc:
                if exc.status != RPCStatusCode.UNIMPLEMENTED:
                    raise
                self._visibility = False
            self._client = client
        return self._client

    def close(self) -> None:
        """Release the catalogue and the event loop."""
        self.catalogue.close()
        self._loop.close()

    def _require(self, actor: str | None, role: str, doing: str) -> None:
        if self.enforce_roles:
            with self.store.read() as conn:
                permissions.require(conn, actor, role, doing)

    async def _handle(self, run_id: str) -> WorkflowHandle:
        return (await self.client()).get_workflow_handle(run_id)

    async def _query(self, run_id: str, query: Any, *args: Any) -> Any:
        handle = await self._handle(run_id)
        try:
            return await handle.query(query, *args)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise NotFound(
                    f"no run with id {run_id!r}", hint="list runs with `baton runs`"
                ) from None
            raise

    async def _command(self, run_id: str, kind: str, actor: str | None, **args: Any) -> Any:
        handle = await self._handle(run_id)
        try:
            done: shapes.Done = await self._update(
                handle, BatonRun.command, shapes.Command(kind, actor, args)
            )
        except WorkflowUpdateFailedError as exc:
            found = _as_baton_error(exc)
            if found is None:
                raise
            raise found from None
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            # The workflow has closed (the run ended), or never was: ask it what it says.
            why = await self._query(run_id, BatonRun.refusal, shapes.Command(kind, actor, args))
            if why is not None and why["type"] in _ERRORS:
                raise _ERRORS[why["type"]](why["message"], hint=why["hint"]) from None
            raise Conflict(f"run {run_id} has ended; nothing can change it") from None
        await self._visible(run_id, done.seq)
        return done.result

    async def _update(self, handle: WorkflowHandle, update: Any, *args: Any) -> shapes.Done:
        """An Update, waiting a while for a worker when none polls the task queue yet (one
        that is starting); then a clear error: the run waits for a worker, nothing is lost."""
        deadline = self._loop.time() + WORKER_WAIT
        pause = 0.1
        while True:
            try:
                return await handle.execute_update(update, *args, result_type=shapes.Done)
            except RPCError as exc:
                if exc.status != RPCStatusCode.FAILED_PRECONDITION or "poller" not in exc.message:
                    raise
                if self._loop.time() > deadline:
                    raise NoWorker(
                        f"no worker polls task queue {self.address.task_queue!r} at "
                        f"{self.address}; run {handle.id} waits for one",
                        hint="start one with `baton worker` (same BATON_RUNTIME)",
                    ) from None
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)

    async def _visible(self, run_id: str, seq: int) -> None:
        client = await self.client()
        if not self._visibility:
            return
        query = f"WorkflowId = {_quote(run_id, 'run id')} AND {shapes.SEQ.name} >= {seq}"
        deadline = self._loop.time() + VISIBILITY_TIMEOUT
        pause = 0.005
        while (await client.count_workflows(query)).count == 0:
            if self._loop.time() > deadline:
                raise ConcurrentChange(
                    f"run {run_id} changed, but Temporal's visibility did not show it within "
                    f"{VISIBILITY_TIMEOUT:.0f} s",
                    hint="check the Temporal server; lists may lag until it catches up",
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)

    async def _list(self, query: str) -> list[WorkflowExecution]:
        client = await self.client()
        if not self._visibility:
            raise Conflict(
                f"the Temporal server at {self.address} has no visibility, so runs cannot be "
                "listed or found by item or event",
                hint="use a full Temporal server (temporal server start-dev, or a cluster)",
            )
        # Runs of this deployment: its workflow type on its task queue.
        full = (
            f"WorkflowType = '{shapes.WORKFLOW}' AND "
            f"TaskQueue = {_quote(self.address.task_queue, 'task queue')}"
        ) + (f" AND {query}" if query else "")
        return [wf async for wf in client.list_workflows(full)]

    # --- the catalogue (BATON_DB) ------------------------------------------------------

    def activate(self, definition: Any, actor: str | None = None) -> int:
        """Store a definition version in the catalogue (see `Engine.activate`); a schedule
        trigger becomes a Temporal Schedule (`engine.temporal.schedules`)."""
        version = self.catalogue.activate(definition, actor)
        self._do(self._schedule(definition.id, version))
        return version

    async def _schedule(self, definition_id: str, version: int) -> None:
        from engine.temporal import schedules

        client = await self.client()
        with self.store.read() as conn:
            plan = self.catalogue.plan(definition_id, version, conn)
            body = definition_store.body(conn, definition_id, version) or ""
        trigger = plan.definition.trigger
        if getattr(trigger, "type", None) != "schedule":
            await schedules.remove(client, definition_id)
            return
        variables = check_inputs(plan.definition.variables, {}, enforce_required=False)
        await schedules.install(
            client, self.address, definition_id, version, body, trigger.cron, variables
        )

    def deactivate(self, definition_id: str, actor: str | None = None) -> None:
        """See `Engine.deactivate`; the definition's Temporal Schedule goes too."""
        from engine.temporal import schedules

        self.catalogue.deactivate(definition_id, actor)
        self.with_client(lambda c: schedules.remove(c, definition_id))

    def with_client(self, work: Any) -> Any:
        """`await work(client)` with this engine's Temporal client (for tools and tests that
        need Temporal itself, e.g. to describe a schedule); returns its result."""

        async def run() -> Any:
            return await work(await self.client())

        return self._do(run())

    def definitions(
        self, *, after: tuple[str, int] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """See `Engine.definitions` (the catalogue holds them, paged the same way)."""
        return self.catalogue.definitions(after=after, limit=limit)

    def add_user(
        self,
        name: str,
        groups: list[str] | None = None,
        queues: list[str] | None = None,
        admin: bool = False,
        email: str | None = None,
        role: str | None = None,
        actor: str | None = None,
    ) -> None:
        """See `Engine.add_user` (the directory is in the catalogue)."""
        self.catalogue.add_user(name, groups, queues, admin, email, role, actor)

    def deactivate_user(self, name: str, actor: str | None = None) -> None:
        """See `Engine.deactivate_user`."""
        self.catalogue.deactivate_user(name, actor)

    def assignee_problem(self, assignee: str) -> str | None:
        """See `Engine.assignee_problem`."""
        return self.catalogue.assignee_problem(assignee)

    def plan(self, definition_id: str, version: int, conn: Any) -> Any:
        """See `Engine.plan`."""
        return self.catalogue.plan(definition_id, version, conn)

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
            version = definition_store.active_version(conn, definition_id)
            if version is None:
                raise NotFound(
                    f"no active orchestration {definition_id!r}",
                    hint="activate it first with `baton activate FILE`",
                )
            body = definition_store.body(conn, definition_id, version) or ""
            plan = self.catalogue.plan(definition_id, version, conn)
        variables = check_inputs(plan.definition.variables, inputs, enforce_required=True)
        run_id = new_run_id()
        client = await self.client()
        attributes = [
            SearchAttributePair(shapes.ORCHESTRATION, definition_id),
            SearchAttributePair(shapes.VERSION, version),
            SearchAttributePair(shapes.STATUS, "running"),
        ]
        handle = await client.start_workflow(
            BatonRun.run,
            shapes.RunStart(
                run_id,
                definition_id,
                version,
                body,
                inputs,
                variables,
                "manual",
                actor,
                visibility=self._visibility,
                heartbeat=_heartbeat_seconds(),
            ),
            id=run_id,
            task_queue=self.address.task_queue,
            search_attributes=TypedSearchAttributes(attributes if self._visibility else []),
        )
        done: shapes.Done = await self._update(handle, BatonRun.synced)
        await self._visible(run_id, done.seq)
        return run_id

    def run(self, run_id: str) -> dict[str, Any]:
        """A run's status, stage, steps, open items and variables (`Engine.run`'s shape)."""
        found = self._do(self._query(run_id, BatonRun.detail))
        self._item_runs.update((i["id"], run_id) for i in found["open_items"])
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

    def history(self, run_id: str) -> WorkflowHistory:
        """The run's Temporal workflow history (for replay tests and support cases)."""
        return self._do(self._history(run_id))

    async def _history(self, run_id: str) -> WorkflowHistory:
        return await (await self._handle(run_id)).fetch_history()

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

    def open_waits(self) -> list[dict[str, Any]]:
        """What waiting runs listen for: run, step, event name and correlation key (as
        `Engine.open_waits`, in its order)."""
        found = self.waits()
        return sorted(found, key=lambda w: (w["event"], str(w["key"]), w["run"]))

    def record(self, object_name: str, record_id: str) -> dict[str, Any]:
        """A record's fields (records stay in the catalogue; see `Engine.record`)."""
        return self.catalogue.record(object_name, record_id)

    def run_seqs(self, closed_since: datetime | None = None) -> dict[str, int]:
        """Each run's last event number, from visibility: every run, or (with
        `closed_since`) the open runs and those that closed since then. A client polls
        this to see which runs moved (`engine.temporal.changes`)."""
        where = ""
        if closed_since is not None:
            where = f"(ExecutionStatus = 'Running' OR CloseTime >= '{format_time(closed_since)}')"
        return {
            wf.id: int(wf.typed_search_attributes.get(shapes.SEQ) or 0)
            for wf in self._do(self._list(where))
        }

    def waits(self, run_id: str | None = None, event: str | None = None) -> list[dict[str, Any]]:
        """Wait steps holding for an event (of one run, or for one event name)."""
        return self._do(self._waits(run_id, event))

    async def _waits(self, run_id: str | None, event: str | None) -> list[dict[str, Any]]:
        if run_id is not None:
            ids = [run_id]
        else:
            where = f"{shapes.WAITS.name} IS NOT NULL"
            if event:
                where = f"{shapes.WAITS.name} = {_quote('name:' + event, 'event')}"
            ids = sorted(wf.id for wf in await self._list(where))
        found = []
        for rid in ids:
            detail = await self._query(rid, BatonRun.detail)
            found += [w for w in detail["waits"] if event is None or w["event"] == event]
        return found

    def runs(
        self,
        status: str | None = None,
        stuck: bool = False,
        *,
        orchestration: str | None = None,
        version: int | None = None,
        stage: str | None = None,
        started_after: datetime | None = None,
        started_before: datetime | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
        outcome: str | None = None,
    ) -> list[dict[str, Any]]:
        """Runs, newest first, from Temporal's visibility (filters as `Engine.runs`).

        Raises:
            Conflict: `outcome` given: end outcomes are not a search attribute yet, and
                listing every closed run to filter here would not scale.
        """
        if outcome is not None:
            raise Conflict(
                "runs cannot be filtered by outcome on the Temporal runtime yet",
                hint="`baton show RUN` gives one run's outcome",
            )
        if status is not None and status not in RUN_STATUSES:
            raise InvalidInput(
                f"{status!r} is not a run status", hint="use one of " + ", ".join(RUN_STATUSES)
            )
        where = []
        for key, value in (
            (shapes.STATUS, status),
            (shapes.ORCHESTRATION, orchestration),
            (shapes.STAGE, stage),
        ):
            if value is not None:
                where.append(f"{key.name} = {_quote(value, key.name)}")
        if version is not None:
            where.append(f"{shapes.VERSION.name} = {int(version)}")
        if started_after is not None:
            where.append(f"{shapes.STARTED_AT.name} >= '{format_time(started_after)}'")
        if started_before is not None:
            where.append(f"{shapes.STARTED_AT.name} < '{format_time(started_before)}'")
        if stuck:
            where.append(f"{shapes.STATUS.name} IN ('waiting', 'running', 'failed')")
        found = [self._summary(wf) for wf in self._do(self._list(" AND ".join(where)))]
        if stuck:
            found = self._do(self._stuck(found))
        found.sort(key=lambda r: r["id"])
        found.sort(key=lambda r: r["started_at"] or "", reverse=True)
        if after is not None:
            last_time, last_id = after
            found = [
                r
                for r in found
                if r["started_at"] < last_time
                or (r["started_at"] == last_time and r["id"] > last_id)
            ]
        return found if limit is None else found[:limit]

    async def _stuck(self, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The runs that need a person, each with its reasons (`Engine.runs(stuck=True)`)."""
        now = format_time(self.clock.now())
        problems: dict[str, str | None] = {}
        result = []
        for summary in found:
            detail = await self._query(summary["id"], BatonRun.detail)
            if detail["status"] == "failed":
                result.append({**summary, "error": detail["error"],
                               "reasons": [f"failed: {detail['error']}"]})  # fmt: skip
                continue
            reasons = []
            for item in detail["open_items"]:
                if item["overdue"] or (item["due_at"] and item["due_at"] <= now):
                    reasons.append(
                        f"work item {item['id']} ({item['step']}) is overdue since {item['due_at']}"
                    )
                if item["assignee"] not in problems:
                    problems[item["assignee"]] = self.assignee_problem(item["assignee"])
                why = problems[item["assignee"]]
                if why:
                    reasons.append(f"work item {item['id']} ({item['step']}): {why}")
            if not detail["open_items"] and not detail["waits"] and not detail["timers"]:
                reasons.append(
                    "waits on nothing that can happen (no open item, event, timer or child run)"
                )
            if reasons:
                result.append({**summary, "reasons": reasons})
        return result

    @staticmethod
    def _summary(wf: WorkflowExecution) -> dict[str, Any]:
        attrs = wf.typed_search_attributes
        stage = attrs.get(shapes.STAGE)
        return {
            "id": wf.id,
            "orchestration": attrs.get(shapes.ORCHESTRATION),
            "version": attrs.get(shapes.VERSION),
            "status": attrs.get(shapes.STATUS),
            "stage": stage or None,
            "started_at": attrs.get(shapes.STARTED_AT),
            "ended_at": format_time(wf.close_time) if wf.close_time else None,
            "error": None,
        }

    # --- work items --------------------------------------------------------------------

    def work_items(
        self,
        user: str | None = None,
        include_closed: bool = False,
        *,
        assignee: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Open work items (all, or those `user` may complete), oldest first."""
        if include_closed:
            raise Conflict("closed work items are listed per run on Temporal (`baton log`)")
        return self._do(self._work_items(user, assignee, after, limit))

    async def _work_items(
        self,
        user: str | None,
        assignee: str | None,
        after: tuple[str, str] | None,
        limit: int | None,
    ) -> list[dict[str, Any]]:
        allowed: set[str] | None = None
        if user:
            with self.store.read() as conn:
                found = directory.get_user(conn, user)
            if found is None:
                raise NotFound(f"no user named {user!r}")
            if not found.admin:
                allowed = {f"user:{user}", *found.groups}
        wanted = allowed if assignee is None else {assignee} & (allowed or {assignee})
        if wanted is not None and not wanted:
            return []
        if wanted is None:
            where = f"{shapes.ASSIGNEES.name} IS NOT NULL"
        else:
            listed = ", ".join(_quote(a, "assignee") for a in sorted(wanted))
            where = f"{shapes.ASSIGNEES.name} IN ({listed})"
        items = []
        for wf in await self._list(where):
            detail = await self._query(wf.id, BatonRun.detail)
            items += [i for i in detail["open_items"] if wanted is None or i["assignee"] in wanted]
        items.sort(key=lambda i: (i["created_at"] or "", i["id"]))
        self._item_runs.update((i["id"], i["run"]) for i in items)
        if after is not None:
            items = [i for i in items if (i["created_at"], i["id"]) > tuple(after)]
        return items if limit is None else items[:limit]

    async def _item(self, item_id: str) -> dict[str, Any]:
        run_id = self._item_runs.get(item_id)
        if run_id is None:
            runs = await self._list(f"{shapes.ITEMS.name} = {_quote(item_id, 'work item')}")
            if not runs:
                raise NotFound(
                    f"no work item {item_id!r}", hint="list items with `baton work list`"
                )
            run_id = self._item_runs[item_id] = runs[0].id
        found = await self._query(run_id, BatonRun.item, item_id)
        if found is None:
            raise NotFound(f"no work item {item_id!r}", hint="list items with `baton work list`")
        return found

    def complete_item(self, item_id: str, actor: str, outputs: dict[str, Any] | None = None) -> str:
        """Complete a work item as `actor` (an Update); returns the run id."""
        return self._do(self._complete(item_id, actor, outputs or {}))

    async def _complete(self, item_id: str, actor: str, outputs: dict[str, Any]) -> str:
        for _attempt in range(8):
            item = await self._item(item_id)
            if item["status"] == "completed":
                raise Conflict(
                    f"work item {item_id} was already completed by {item['completed_by']} "
                    f"at {item['completed_at']}"
                )
            if item["status"] == "withdrawn":
                raise Conflict(
                    f"work item {item_id} was withdrawn at {item['completed_at']}; nothing to do"
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
        if item["status"] != "open":
            raise Conflict(
                f"work item {item_id} is {item['status']}; only open items can be reassigned"
            )
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
        problem = self.assignee_problem(to)
        if problem is not None:
            raise Conflict(
                f"{to}: {problem}, so nobody could work the item and its run would be stuck",
                hint="pick another assignee, or pass --force to reassign anyway",
            )

    # --- events and operators ----------------------------------------------------------

    def send_event(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> list[str]:
        """Deliver an event to the runs waiting on (name, key); returns the runs it moved.

        Like the local engine: an event that arrives before a wait opens is not kept.
        """
        return self._do(self._send_event(name, key, data or {}, actor))

    def publish(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> SentEvent:
        """`send_event` in the shape `Engine.publish` gives; nothing is kept for later here
        (event buffering on waits is local-only so far), so `kept_until` is always None."""
        return SentEvent(self.send_event(name, key, data, actor), None)

    async def _send_event(
        self, name: str, key: Any, data: dict[str, Any], actor: str | None
    ) -> list[str]:
        values = [shapes.wait_value(name, None)]
        if key is not None:
            values.append(shapes.wait_value(name, key))
        listed = ", ".join(_quote(v, "event") for v in values)
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
