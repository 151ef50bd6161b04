"""`Channel`: the plumbing every Temporal run call goes through.

One connected client (the search attributes Baton needs registered on its first use), an
event loop the synchronous engine calls run on, and the four ways to reach runs: a query
of one run, a command Update on one run (refusals turned back into the local engine's
errors), the wait for visibility to show a change (read-your-writes), and a visibility
listing of this deployment's runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecution,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from engine import errors
from engine.errors import (
    BatonError,
    ConcurrentChange,
    Conflict,
    InvalidInput,
    NotFound,
)
from engine.runtime import Engine, permissions
from engine.temporal import shapes, starts
from engine.temporal.address import TemporalAddress
from engine.temporal.connect import connect, register_search_attributes
from engine.temporal.pollers import NoWorker, Pollers
from engine.temporal.workflow import BatonRun

OUTBOX_WAIT = 10.0
"""Seconds `Channel.outboxes_queued` waits for runs' outbox activities before it gives up
(the deliverer's next poll sends what came later)."""
VISIBILITY_TIMEOUT = 30.0
"""Seconds a change may take to show in Temporal's visibility before the call gives up."""

HEARTBEAT_ENV = "BATON_TEMPORAL_HEARTBEAT"
WORKER_WAIT = 30.0
"""Seconds a command (an Update) waits for a worker to poll the task queue (one may be
starting)."""
QUERY_TIMEOUT = 10.0
"""Seconds a read of a run (a query) waits for a worker's answer. A worker answers in
milliseconds, or in a second or two replaying a closed run's history; no answer by then
means no worker takes the task queue's work (one stopped a moment ago)."""
UPDATE_TIMEOUT = 120.0
"""Seconds a command on a run (an Update) waits for a worker's answer. A turn may await
actions (a retried one waits out a lost worker's heartbeat, 30 s by default), so this is
generous; it ends the wait when the last worker stopped a moment ago."""
# The RPC outcomes of a query that no worker picked up. Which one comes depends on when
# the last worker left: "no poller seen" (none for a while), a deadline, or the stream
# canceled ("h2 protocol error") when the deadline cuts a long poll short.
_NO_ANSWER = (
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.CANCELLED,
    RPCStatusCode.FAILED_PRECONDITION,
)


class Aborted(BatonError):
    """The engine was aborted (see `Channel.abort`) before this call was made."""


_ERRORS: dict[str, type[BatonError]] = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, BatonError)
}


HISTORY_LIMIT_ENV = "BATON_TEMPORAL_HISTORY_LIMIT"


def history_limit() -> int:
    """`BATON_TEMPORAL_HISTORY_LIMIT` (at least 20), else `HISTORY_LIMIT`."""
    text = os.environ.get(HISTORY_LIMIT_ENV) or str(shapes.HISTORY_LIMIT)
    if not text.isdigit() or int(text) < 20:
        raise InvalidInput(
            f"{HISTORY_LIMIT_ENV}={text!r} is not a number of history events (at least 20)",
            hint=f"unset it for the default ({shapes.HISTORY_LIMIT})",
        )
    return int(text)


def heartbeat_seconds() -> float:
    """Seconds without a heartbeat after which a running action counts as lost
    (`BATON_TEMPORAL_HEARTBEAT`, default 30)."""
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


def quote(value: Any, what: str) -> str:
    """`value` as a visibility-query string literal, a quote in it doubled (an event key
    or a title such as O'Reilly); `what` names it in the refusal of a backslash, which
    Temporal's SQLite visibility does not match back when escaped."""
    text = str(value)
    if "\\" in text:
        raise InvalidInput(f"{what} {text!r} may not contain a backslash on Temporal")
    return "'" + text.replace("'", "''") + "'"


def as_baton_error(exc: BaseException) -> BatonError | None:
    """The Baton error a workflow refused with (see `workflow.refusal`), or None."""
    cause = exc.cause if isinstance(exc, WorkflowUpdateFailedError) else exc
    if isinstance(cause, ApplicationError) and cause.type in _ERRORS:
        hint = cause.details[0] if cause.details else None
        return _ERRORS[cause.type](cause.message, hint=hint)
    return None


async def _cancel_pending() -> None:
    """Cancel every task on the running loop but this one, and wait until they end."""
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


class Channel:
    """The connection to Temporal and the catalogue the run calls share; see the module
    docstring.

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
        # Temporal's client is asynchronous; the engine's calls are not, and may come from
        # several threads at once (`baton serve` answers each request on a worker thread).
        # So one event loop runs on a thread of its own, and each call hands its coroutine
        # over and waits: calls from many threads share the one client concurrently.
        self._loop = asyncio.new_event_loop()
        self._loop_thread: threading.Thread | None = None
        self._loop_lock = threading.Lock()
        self._client: Client | None = None
        # Whether the server answers visibility queries (Temporal's time-skipping test
        # server does not: there, only calls on one run work, and changes need no wait).
        self._visibility = True
        # Runs of the work items this client has seen, so completing an item it listed
        # needs no visibility round trip (item ids never move between runs).
        self._item_runs: dict[str, str] = {}
        # History events after which new runs continue as new; None: from the environment
        # (`BATON_TEMPORAL_HISTORY_LIMIT`). Tests set a small one to see runs continue.
        self.history_limit: int | None = None
        # Set by `abort`: calls in flight are canceled and new ones refused.
        self._aborted = False
        # The last detail query of each run, with its event number (`RunLists._detail`).
        self._details: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # Runs this client's calls changed whose webhook deliveries may still be on their
        # way to the outbox (`track_outboxes`); None: not tracked. Used on the loop only.
        self._outbox_runs: set[str] | None = None
        self._pollers = Pollers(address)

    # --- plumbing ----------------------------------------------------------------------

    def _do(self, work: Any) -> Any:
        if self._loop_thread is None:
            with self._loop_lock:
                if self._loop_thread is None:
                    thread = threading.Thread(
                        target=self._loop.run_forever, name="baton-temporal", daemon=True
                    )
                    thread.start()
                    self._loop_thread = thread
        return asyncio.run_coroutine_threadsafe(self._unless_aborted(work), self._loop).result()

    async def _unless_aborted(self, work: Any) -> Any:
        # Checked on the loop, where `_cancel_all` runs too: a call either sees the flag or
        # is a task when the cancelling pass comes, never neither.
        if self._aborted:
            work.close()  # never awaited: closed, so Python does not warn about it
            raise Aborted("the connection to Temporal was closed; the call was not made")
        return await work

    def abort(self) -> None:
        """Cancel every call in flight and refuse new ones; safe from any thread.

        For a caller that is closing (a designer window) and must not wait for a call that
        may take up to `WORKER_WAIT` or `VISIBILITY_TIMEOUT`: each call in flight raises
        `Aborted` (or `CancelledError`) in its own thread soon after. A command already
        sent may still have been applied by its workflow. Call `close` afterwards.
        """
        self._aborted = True
        if self._loop_thread is None:
            return  # no call was ever made
        # A closed loop refuses the callback: then nothing is in flight.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._cancel_all)

    def _cancel_all(self) -> None:
        for task in asyncio.all_tasks(self._loop):
            task.cancel()

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
        """Release the catalogue, the client and the event loop's thread. Closing twice is
        harmless (a command closes its engine, and so may whoever opened it)."""
        self.catalogue.close()
        with self._loop_lock:
            thread, self._loop_thread = self._loop_thread, None
        if thread is not None:
            # Cancel what is still pending on the loop (the client's own tasks) before it
            # stops, so nothing is left half-run on a closed loop.
            try:
                asyncio.run_coroutine_threadsafe(_cancel_pending(), self._loop).result(30)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                thread.join(30)
        self._client = None
        if not self._loop.is_closed():
            self._loop.close()

    def _require(self, actor: str | None, role: str, doing: str) -> None:
        if self.enforce_roles:
            with self.store.read() as conn:
                permissions.require(conn, actor, role, doing)

    async def _handle(self, run_id: str) -> WorkflowHandle:
        if not run_id.strip():
            # Temporal answers an empty workflow id with an error of its own, not NOT_FOUND
            # (`baton show ""` printed a traceback); the local engine's words instead.
            raise NotFound(f"no run with id {run_id!r}", hint="list runs with `baton runs`")
        return (await self.client()).get_workflow_handle(run_id)

    async def _query(self, run_id: str, query: Any, *args: Any) -> Any:
        handle = await self._handle(run_id)
        try:
            await self._pollers.require(await self.client(), run_id)
        except NoWorker:
            # A mistyped id is "not found" whether or not a worker runs: the server
            # describes a workflow by itself, so ask it before blaming the worker.
            await self._known(handle, run_id)
            raise
        try:
            return await handle.query(query, *args, rpc_timeout=timedelta(seconds=QUERY_TIMEOUT))
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise NotFound(
                    f"no run with id {run_id!r}", hint="list runs with `baton runs`"
                ) from None
            if exc.status in _NO_ANSWER:
                self._pollers.forget()
                raise self._pollers.refusal(
                    run_id, f"none answered within {QUERY_TIMEOUT:.0f} s"
                ) from None
            raise

    async def _known(self, handle: WorkflowHandle, run_id: str) -> None:
        """Raise NotFound when the server has no workflow `run_id`; any other answer
        (the workflow exists, or the server cannot tell) returns quietly."""
        try:
            await handle.describe(rpc_timeout=timedelta(seconds=QUERY_TIMEOUT))
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                raise NotFound(
                    f"no run with id {run_id!r}", hint="list runs with `baton runs`"
                ) from None

    async def _command(self, run_id: str, kind: str, actor: str | None, **args: Any) -> Any:
        handle = await self._handle(run_id)
        try:
            done: shapes.Done = await self._update(
                handle, BatonRun.command, shapes.Command(kind, actor, args)
            )
        except WorkflowUpdateFailedError as exc:
            found = as_baton_error(exc)
            if found is None:
                raise
            raise found from None
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            if await self._continued(handle):
                return await self._command(run_id, kind, actor, **args)
            # The workflow has closed (the run ended), or never was: ask it what it says.
            why = await self._query(run_id, BatonRun.refusal, shapes.Command(kind, actor, args))
            if why is not None and why["type"] in _ERRORS:
                raise _ERRORS[why["type"]](why["message"], hint=why["hint"]) from None
            raise Conflict(f"run {run_id} has ended; nothing can change it") from None
        await self._visible(run_id, done.seq)
        await self._settle_linked(done.linked, {run_id: done.seq})
        self._outbox_pending(run_id, *done.linked)
        return done.result

    def _outbox_pending(self, *run_ids: str) -> None:
        if self._outbox_runs is not None:
            self._outbox_runs.update(run_ids)

    def track_outboxes(self) -> Callable[[], None]:
        """Remember the runs this client's calls change, and return `outboxes_queued`:
        `baton serve` calls it before the delivery pass that follows a request. A run's
        webhook deliveries are written into the catalogue by an activity that the call
        does not wait for (`engine.temporal.outbox`), so without it that pass could come
        before them and leave them to the next poll."""
        if self._outbox_runs is None:
            self._outbox_runs = set()
        return self.outboxes_queued

    def outboxes_queued(self) -> None:
        """Wait until the webhook deliveries of the runs changed since the last call are
        in the catalogue's outbox (each run's `outbox_queued` query), for at most
        `OUTBOX_WAIT` seconds in all."""
        self._do(self._outboxes_queued())

    async def _outboxes_queued(self) -> None:
        runs, self._outbox_runs = self._outbox_runs or set(), set()
        deadline = self._loop.time() + OUTBOX_WAIT
        for run_id in sorted(runs):
            pause = 0.01
            while self._loop.time() < deadline:
                try:
                    if await self._query(run_id, BatonRun.outbox_queued):
                        break
                except (NotFound, NoWorker, RPCError, WorkflowQueryFailedError):
                    # gone, no worker to answer, or a worker from before this query: the
                    # next poll sends what comes later
                    break
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.2)

    async def _settle_linked(self, linked: list[str], seen: dict[str, int]) -> None:
        """Settle the runs a change reached through links (a child started or canceled, a
        parent told that its child ended), and theirs in turn, until none moves: what the
        local engine does in one call, visible to the next command here too."""
        queue = list(linked)
        while queue:
            run_id = queue.pop(0)
            try:
                done = await self._update(await self._handle(run_id), BatonRun.synced)
            except RPCError as exc:
                if exc.status == RPCStatusCode.NOT_FOUND:
                    continue  # closed: nothing more happens there
                raise
            if seen.get(run_id) == done.seq:
                continue
            seen[run_id] = done.seq
            await self._visible(run_id, done.seq)
            queue += done.linked

    @staticmethod
    async def _continued(handle: WorkflowHandle) -> bool:
        """Whether the run's workflow goes on in a new execution (it continued as new while
        the call was on its way): then the call is made again, on that execution."""
        try:
            found = await handle.describe()
        except RPCError:
            return False
        return found.status == WorkflowExecutionStatus.RUNNING

    async def _update(self, handle: WorkflowHandle, update: Any, *args: Any) -> shapes.Done:
        """An Update, waiting a while for a worker when none polls the task queue yet (one
        that is starting), and at most `UPDATE_TIMEOUT` for its answer; then a clear error:
        the run waits for a worker, nothing is lost."""
        deadline = self._loop.time() + WORKER_WAIT
        pause = 0.1
        while True:
            try:
                return await handle.execute_update(
                    update,
                    *args,
                    result_type=shapes.Done,
                    rpc_timeout=timedelta(seconds=UPDATE_TIMEOUT),
                )
            except WorkflowUpdateRPCTimeoutOrCancelledError:
                if self._aborted:
                    raise Aborted(
                        "the connection to Temporal was closed; the call may still apply"
                    ) from None
                self._pollers.forget()
                raise self._pollers.refusal(
                    handle.id,
                    f"none answered within {UPDATE_TIMEOUT:.0f} s",
                    "has not changed yet (it may once a worker answers: check with `baton show`)",
                ) from None
            except RPCError as exc:
                if exc.status != RPCStatusCode.FAILED_PRECONDITION or "poller" not in exc.message:
                    raise
                if self._loop.time() > deadline:
                    raise self._pollers.refusal(
                        handle.id,
                        f"none came within {WORKER_WAIT:.0f} s",
                        "waits for one; nothing is lost",
                    ) from None
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)

    async def _visible(self, run_id: str, seq: int) -> None:
        client = await self.client()
        if not self._visibility:
            return
        query = f"WorkflowId = {quote(run_id, 'run id')} AND {shapes.SEQ.name} >= {seq}"
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

    async def _start_runs(self, found: list[shapes.RunStart]) -> None:
        """Start these runs' workflows; return once each has made its first move and
        visibility shows it (read-your-writes, as every other change)."""
        client = await self.client()
        for start in found:
            start.visibility = self._visibility
            start.heartbeat = heartbeat_seconds()
            start.history_limit = self.history_limit or history_limit()
            handle = await starts.start_workflow(client, self.address, start)
            done: shapes.Done = await self._update(handle, BatonRun.synced)
            await self._visible(start.run_id, done.seq)
            await self._settle_linked(done.linked, {start.run_id: done.seq})
            self._outbox_pending(start.run_id, *done.linked)

    async def _list(self, query: str, page_size: int = 1000) -> list[WorkflowExecution]:
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
            f"TaskQueue = {quote(self.address.task_queue, 'task queue')}"
        ) + (f" AND {query}" if query else "")
        return [wf async for wf in client.list_workflows(full, page_size=page_size)]

    def with_client(self, work: Any) -> Any:
        """`await work(client)` with this engine's Temporal client (for tools and tests that
        need Temporal itself, e.g. to describe a schedule); returns its result."""

        async def run() -> Any:
            return await work(await self.client())

        return self._do(run())
