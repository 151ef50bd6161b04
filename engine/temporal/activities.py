"""Background actions as Temporal activities.

`run_action` calls the registered action (built-in or plugin) with a `TemporalContext`,
the Temporal side of `engine.runtime.context.ActionContext`. An exception from the action
is its outcome (the core logs it and retries per the step's policy); only a lost attempt
(the worker died) is retried by Temporal, so actions run at least once, as locally.

`send_email` writes the message to the outbox folder under the step visit's idempotency
key (and sends it by SMTP when configured) directly from the activity: a second attempt of
the same visit finds the file, or the `sent` marker, and writes or sends nothing.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from temporalio import activity

from engine.actions import get_action, mail
from engine.errors import Conflict
from engine.store import parse_time
from engine.temporal import shapes

OUTBOX_ENV = "BATON_OUTBOX"
HEARTBEAT_EVERY = 1.0
"""Seconds between heartbeats of a running action (well inside the heartbeat timeout)."""


def outbox_folder() -> Path:
    """Where this worker writes `send_email` messages (`BATON_OUTBOX`, else the user data
    folder's `outbox`)."""
    configured = os.environ.get(OUTBOX_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("baton", appauthor=False)) / "outbox"


def _not_yet(what: str) -> Conflict:
    return Conflict(
        f"{what} is not available to actions of runs on Temporal yet",
        hint="run this orchestration on the local runtime (BATON_RUNTIME=local)",
    )


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
        self.logs: list[dict[str, Any]] = []

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
        """Records live in the catalogue; not reachable from Temporal actions yet."""
        raise _not_yet("reading records")

    def create_record(self, object_name: str, fields: dict[str, Any]) -> str:
        """Not available on Temporal yet (record triggers would have to start workflows)."""
        raise _not_yet("creating records")

    def update_record(self, object_name: str, record_id: str, fields: dict[str, Any]) -> None:
        """Not available on Temporal yet (record triggers would have to start workflows)."""
        raise _not_yet("updating records")

    def start_orchestration(self, definition_id: str, inputs: dict[str, Any]) -> str:
        """Child runs are not started on Temporal yet."""
        raise _not_yet("starting child orchestrations")


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
    except Exception as exc:  # an action's failure is data: logged, retried, reported
        return shapes.ActionDone(error=f"{type(exc).__name__}: {exc}", logs=context.logs)
    return shapes.ActionDone(
        outputs=dict(outputs or {}), variables=dict(context.variables_set), logs=context.logs
    )
