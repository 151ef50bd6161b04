"""Background actions as Temporal activities.

`run_action` calls the registered action (built-in or plugin) with a `TemporalContext`,
the Temporal side of `engine.runtime.context.ActionContext`. An exception from the action
is its outcome (the core logs it and retries per the step's policy); only a lost attempt
(the worker died) is retried by Temporal, so actions run at least once, as locally.

Record writes (`create_record`, `update_record`) go to the catalogue (`BATON_DB`) in one
transaction when the action returns normally (a failed attempt writes nothing, as
locally); the runs they trigger and a `start_orchestration` child are returned to the
workflow, which starts them as child workflows. Ids are derived from the step visit, so
a lost attempt run again writes and starts nothing twice.

`send_email` writes the message to the outbox folder under the step visit's idempotency
key (and sends it by SMTP when configured) directly from the activity: a second attempt of
the same visit finds the file, or the `sent` marker, and writes or sends nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import platformdirs
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.service import RPCError, RPCStatusCode

from engine.actions import get_action, mail
from engine.errors import NotFound
from engine.runtime import Engine, failure_notice, ids, notify, triggers
from engine.store import Store, buffered, directory, format_time, parse_time
from engine.store import records as record_store
from engine.temporal import shapes, starts
from engine.temporal.channel import quote

OUTBOX_ENV = "BATON_OUTBOX"
DB_ENV = "BATON_DB"
HEARTBEAT_EVERY = 1.0
"""Seconds between heartbeats of a running action (well inside the heartbeat timeout)."""
ITEM_QUERY = "item"
"""The name of the `BatonRun.item` query (one work item of the run, open or closed)."""
COMMAND_UPDATE = "command"
"""The name of the `BatonRun.command` Update (one command reaching a run)."""


def outbox_folder() -> Path:
    """Where this worker writes `send_email` messages (`BATON_OUTBOX`, else the user data
    folder's `outbox`)."""
    configured = os.environ.get(OUTBOX_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("baton", appauthor=False)) / "outbox"


_catalogues: dict[str, Engine] = {}
_catalogues_lock = threading.Lock()
_worker_db: str | None = None


def use_catalogue(url: str) -> None:
    """Make `url` the catalogue of this process's actions and notices: `baton worker --db`
    names it, and the webhook outbox already writes there, so records and notices must
    not go to another database when `BATON_DB` is unset or says something else."""
    global _worker_db
    _worker_db = url


def catalogue() -> Engine:
    """The catalogue this worker's actions read and write records in (the worker's own
    database, else `BATON_DB`, else the default database, as every `baton` command),
    opened once per worker."""
    url = _worker_db or os.environ.get(DB_ENV) or ""
    with _catalogues_lock:
        found = _catalogues.get(url)
        if found is None:
            found = _catalogues[url] = Engine(Store(url or None, create=not url))
        return found


def derived_id(prefix: str, *parts: Any) -> str:
    """An id fixed by the step visit and attempt: a lost attempt run again by Temporal
    writes the same record and names the same runs (so nothing happens twice)."""
    digest = hashlib.sha256("#".join(str(p) for p in parts).encode()).digest()
    if prefix:
        # A run id of the current form. Only the workflow starts the child, after the
        # activity returned, so an attempt retried by a newer worker starts no second one.
        return ids.derived(prefix, digest)
    return digest.hex()[:12]


class TemporalContext:
    """What an action sees of a run on Temporal (the `ActionContext` interface)."""

    def __init__(self, call: shapes.ActionCall, outbox: Path) -> None:
        self.run_id = call.run_id
        self.definition_id = call.definition_id
        self.step_id = call.step_id
        self.attempt = call.attempt
        self.now: datetime = parse_time(call.now)
        self.outbox = outbox
        self.idempotency_key = call.idempotency_key
        self.record_object = call.record_object
        self.record_id = call.record_id
        self.variables_set: dict[str, Any] = {}
        self.child_run_id: str | None = None
        self.child: shapes.RunStart | None = None
        self.chain = list(call.chain or [])
        self.logs: list[dict[str, Any]] = []
        # Record writes, made when the action returns normally: (object, id, fields
        # before (None: a new record), fields after).
        self._writes: list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]] = []
        self._written: dict[tuple[str, str], dict[str, Any]] = {}

    def set_variables(self, values: dict[str, Any]) -> None:
        """Set run variables (applied when the action returns normally)."""
        self.variables_set.update(values)

    def log(self, message: str, data: dict[str, Any] | None = None) -> None:
        """Append a `log` event to the run's log."""
        self.logs.append({"message": message, "data": dict(data or {})})

    def send_email(
        self,
        to: str | list[str],
        subject: str,
        body: str,
        cc: str | None = None,
        sender: str | None = None,
    ) -> Path:
        """Write (and, with `BATON_SMTP_HOST`, send) the message once per step visit."""
        message = mail.build_message(
            self.idempotency_key,
            to=to,
            subject=subject,
            body=body,
            now=self.now,
            cc=cc,
            sender=sender,
        )
        file = mail.write_message(self.outbox, self.idempotency_key, message)
        host = mail.smtp_host()
        if host:
            mail.send_once(self.outbox, self.idempotency_key, message, host)
        return file

    def record(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """A record's fields as they are now (its writes by this action included)."""
        if (object_name, record_id) in self._written:
            return dict(self._written[object_name, record_id])
        with catalogue().store.read() as conn:
            return record_store.get(conn, object_name, record_id)

    def create_record(self, object_name: str, fields: dict[str, Any]) -> str:
        """Create a record (may start record-triggered runs); returns its id. Written when
        the action returns normally, like every write of an action."""
        record_id = derived_id("", self.idempotency_key, self.attempt, len(self._writes))
        self._writes.append((object_name, record_id, None, dict(fields)))
        self._written[object_name, record_id] = dict(fields)
        return record_id

    def update_record(self, object_name: str, record_id: str, fields: dict[str, Any]) -> None:
        """Change fields of a record (may start record-triggered runs)."""
        before = self.record(object_name, record_id)
        if before is None:
            raise NotFound(f"no {object_name} record with id {record_id!r}")
        after = {**before, **fields}
        self._writes.append((object_name, record_id, before, after))
        self._written[object_name, record_id] = after

    def start_orchestration(self, definition_id: str, inputs: dict[str, Any]) -> str:
        """Start a child run (the workflow starts it as a child workflow when the action
        returns); the step then waits until the child ends."""
        run_id = derived_id("run-", self.idempotency_key, self.attempt, "child")
        engine = catalogue()
        with engine.store.read() as conn:
            self.child = starts.run_start(
                conn,
                engine.plan,
                definition_id,
                dict(inputs),
                run_id,
                trigger="parent",
                chain=self.chain,
                parent=(self.run_id, self.step_id),
            )
        self.child_run_id = run_id
        return run_id

    def commit(self) -> list[shapes.RunStart]:
        """Write the action's record changes in one transaction; returns the runs they
        start (record triggers, as `triggers.record_starts` decides locally).

        A create whose record exists already (this visit's lost attempt wrote it) writes
        nothing and names the same runs again (their ids are derived, so they start once).
        """
        if not self._writes:
            return []
        engine = catalogue()
        now = format_time(self.now)
        found: list[shapes.RunStart] = []
        chain = [*self.chain, self.definition_id]
        with engine.store.transaction() as conn:
            for n, (object_name, record_id, before, after) in enumerate(self._writes):
                if before is None:
                    if record_store.get(conn, object_name, record_id) is None:
                        record_store.insert(conn, object_name, record_id, after, now)
                else:
                    record_store.replace_fields(conn, object_name, record_id, after, now)
                event = "created" if before is None else "updated"
                for k, start in enumerate(
                    triggers.record_starts(
                        conn,
                        lambda d, v: engine.plan(d, v, conn),
                        object_name,
                        record_id,
                        event,
                        before,
                        after,
                        chain,
                    )
                ):
                    found.append(
                        starts.run_start(
                            conn,
                            engine.plan,
                            start.definition_id,
                            start.inputs,
                            derived_id("run-", self.idempotency_key, self.attempt, n, k),
                            trigger=f"record:{event}",
                            enforce_required=False,
                            record=(object_name, record_id),
                            record_fields=after,
                            chain=start.chain,
                        )
                    )
        return found

    def updated_records(self) -> list[dict[str, Any]]:
        """The records this action updated, each with all its fields as it left them."""
        updated = dict.fromkeys((o, r) for o, r, before, _after in self._writes if before)
        return [{"object": o, "id": r, "fields": self._written[o, r]} for o, r in updated]

    def own_record(self) -> dict[str, Any] | None:
        """The run's own record as this action left it, if it changed it."""
        if self.record_object is None or self.record_id is None:
            return None
        return self._written.get((self.record_object, self.record_id))


@activity.defn(name=shapes.ACTION_ACTIVITY)
def run_action(call: shapes.ActionCall) -> shapes.ActionDone:
    """Call the requested action; an exception it raises is reported, not retried here.

    The action runs on a helper thread while this one heartbeats, so a worker that dies
    mid-action is noticed after the heartbeat timeout (not the action's whole timeout)
    and the action is given to another worker.
    """
    context = TemporalContext(call, outbox_folder())
    action = get_action(call.action)
    try:
        if action is None:
            raise LookupError(f"no action named {call.action!r} is installed")
        with ThreadPoolExecutor(1, thread_name_prefix="baton-action") as helper:
            running = helper.submit(action, call.inputs, context)
            while True:
                try:
                    outputs = running.result(timeout=HEARTBEAT_EVERY)
                    break
                except FutureTimeout:
                    activity.heartbeat()
        started = context.commit()
    except Exception as exc:  # an action's failure is data: logged, retried, reported
        return shapes.ActionDone(error=f"{type(exc).__name__}: {exc}", logs=context.logs)
    return shapes.ActionDone(
        outputs=dict(outputs or {}),
        variables=dict(context.variables_set),
        logs=context.logs,
        starts=started,
        child=context.child,
        record_fields=context.own_record(),
        updated_records=context.updated_records(),
    )


@activity.defn(name=shapes.RECHECK_ACTIVITY)
async def recheck_record_runs(call: shapes.RecordRecheck) -> list[str]:
    """Tell the other active runs of each record an action updated that it changed (the
    `record_changed` command, as `baton record update` does), so a stage exit condition
    that reads the record is evaluated again, as locally. Returns the runs told.

    Each command is only handed over (accepted), not awaited: the run it reaches may need
    activities of its own, and waiting here could hold the slot they need. Its Update id
    is fixed by the turn, so a repeated attempt sends nothing twice.
    """
    client = activity.client()
    queue = quote(activity.info().task_queue, "task queue")
    told: list[str] = []
    for number, changed in enumerate(call.records):
        record = quote(shapes.record_value(changed["object"], changed["id"]), "record")
        where = (
            f"WorkflowType = '{shapes.WORKFLOW}' AND TaskQueue = {queue} AND "
            f"{shapes.RECORD.name} = {record} AND "
            f"{shapes.STATUS.name} IN ('running', 'waiting', 'paused')"
        )
        try:
            found = sorted({wf.id async for wf in client.list_workflows(where)})
        except RPCError as exc:
            if exc.status == RPCStatusCode.UNIMPLEMENTED:
                return told  # a server without visibility (the time-skipping test server)
            raise
        command = shapes.Command("record_changed", call.actor, {"fields": changed["fields"]})
        for run_id in found:
            if run_id == call.run_id:
                continue  # the acting run re-checks its own record in its own turn
            try:
                await client.get_workflow_handle(run_id).start_update(
                    COMMAND_UPDATE,
                    command,
                    id=f"record-{call.key}-{number}",
                    wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                )
            except (RPCError, WorkflowUpdateFailedError):
                continue  # ended since it was listed, or refuses (as the CLI's call skips)
            told.append(run_id)
    return told


@activity.defn(name=shapes.NOTICE_ACTIVITY)
async def send_notices(call: shapes.NoticeCall) -> None:
    """Send a turn's notices: each assignment notice to the assignee's addresses
    (`notify.render`'s text, the step's template when it has one), the failure notice to
    the orchestration's owner and the admins (`failure_notice.text`), through the outbox
    folder and SMTP like an action's email. Keys are fixed by the run's event, so a retry
    writes and sends nothing twice; nobody with an address, nothing sent.

    An item that has closed by now (completed, or withdrawn, even in the turn that made
    it) is not announced, as the local delivery skips it: each attempt asks the run.
    """
    if call.notices:
        still_open = await _open_items(call.run_id, {n["item"] for n in call.notices})
        call = replace(call, notices=[n for n in call.notices if n["item"] in still_open])
    if call.notices or call.failure is not None:
        # Templates, the catalogue and SMTP block: off the worker's event loop.
        await asyncio.get_running_loop().run_in_executor(None, _send_notices, call)


async def _open_items(run_id: str, item_ids: set[str]) -> set[str]:
    """Which of these items of the run are open now, asked of its workflow (the `item`
    query, which every worker's `BatonRun` answers, so mixed versions still agree)."""
    handle = activity.client().get_workflow_handle(run_id)
    found = set()
    for item_id in sorted(item_ids):
        item = await handle.query(ITEM_QUERY, item_id)
        if item is not None and item["status"] == "open":
            found.add(item_id)
    return found


def _send_notices(call: shapes.NoticeCall) -> None:
    engine = catalogue()
    outbox = outbox_folder()
    now = parse_time(call.now)
    host = mail.smtp_host()
    messages = []
    with engine.store.read() as conn:
        plan = None
        for notice in call.notices:
            recipients = directory.emails_for(conn, notice["assignee"])
            if not recipients:
                continue
            item = SimpleNamespace(
                id=notice["item"],
                run_id=call.run_id,
                step_id=notice["step"],
                title=notice["title"],
                guidance=notice["guidance"],
                due_at=notice["due_at"],
            )
            about = SimpleNamespace(assignee=notice["assignee"], reason=notice["reason"])
            # The definition (for the step's notice template) only when someone is told.
            plan = plan or engine.plan(call.definition_id, call.version, conn)
            subject, body = notify.render(
                item, about, plan.steps.get(notice["step"]), call.definition_id
            )
            messages.append((notice["key"], recipients, subject, body))
        if call.failure is not None:
            recipients = failure_notice.recipients_for(conn, call.definition_id)
            if recipients:
                subject, body = failure_notice.text(
                    call.run_id,
                    call.definition_id,
                    call.version,
                    call.failure["stage"],
                    call.now,
                    call.failure["reason"],
                )
                key = failure_notice.key(call.run_id, call.failure["seq"])
                messages.append((key, recipients, subject, body))
    for key, recipients, subject, body in messages:
        message = mail.build_message(key, to=recipients, subject=subject, body=body, now=now)
        mail.write_message(outbox, key, message)
        if host:
            mail.send_once(outbox, key, message, host)


@activity.defn(name=shapes.CLAIM_ACTIVITY)
def claim_buffered(claim: shapes.BufferClaim) -> dict[str, Any] | None:
    """Claim a kept event (`buffer:`) for a wait that opened in a run: the oldest free one
    of its name and key sent since `claim.since` (None: none). One conditional UPDATE in
    the catalogue, so two runs never take one event; the claim's token (run, step, the
    event number that opened the wait) makes an attempt run again return the same event."""
    with catalogue().store.transaction() as conn:
        return buffered.claim(conn, claim.event, claim.key, claim.since, claim.token)


@activity.defn(name=shapes.CONSUME_ACTIVITY)
def consume_buffered(token: str) -> int:
    """Remove the kept event a run took (claimed under `token`) from the catalogue, as the
    local runtime deletes it in the transaction that delivers it. Runs only once the
    claim's answer is in the run's history, so no attempt of the claim needs it again;
    a second call removes nothing."""
    with catalogue().store.transaction() as conn:
        return buffered.consume(conn, token)
