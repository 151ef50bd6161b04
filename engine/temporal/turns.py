"""`Turn`: one command of a run as the core sees it (`engine.runtime.turn.Turn`), in
workflow time, inside `BatonRun`.

A turn stamps the events the core's decision emits with the workflow's clock, folds them
into the run's state and appends them to the run's log (the one `baton show --events`
reads), and keeps what it emitted for what the workflow does after the turn
(`engine.temporal.reactions`).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from engine.runtime import events as ev
    from engine.runtime.events import Event, Payload
    from engine.runtime.fold import apply
    from engine.runtime.plan import Plan
    from engine.runtime.state import RunState
    from engine.store.times import format_time

_to_json = json.JSONEncoder(separators=(",", ":"), default=str).encode


class Turn:
    """One command as the core sees it, in workflow time; `log` None: a trial (a
    validator's), whose events go nowhere."""

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
        # What this turn emitted, for what the shell does about it (`reactions`).
        self.emitted: list[tuple[int, Payload]] = []
        # The version a migration moves the run to: read against from `run_migrated` on.
        self.target = target

    def emit(self, run: RunState, data: Payload, actor: str | None = None) -> None:
        """Fold one event into `run` and log it."""
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
        """The turn's time moved by `delta`, as stored text."""
        return format_time(self.moment + delta)

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        """The run's own record's fields, for expressions."""
        # Expressions read the run's own record (`basics`): the workflow's copy of it, as
        # the record change that started the run, or the last `record_changed`, left it.
        return self.fields if record_id is not None else None

    def buffered_event(self, event: str, key: str | None, since: str) -> dict[str, Any] | None:
        """Always None: see `reactions.Reactions.claimed`."""
        # A workflow reads no database within a turn: the wait opens as if nothing were
        # kept, and the workflow claims a kept event after the turn.
        return None
