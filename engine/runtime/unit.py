"""One engine call = one `Unit`: a transaction, the runs it touched, the events it appends.

Runs are loaded once per unit and written back once at the end, together with their new
events and changed step/stage rows, in the same database transaction. Follow-up work that
the call causes (a child run finishing, a record trigger starting a run) is queued and done
before the commit, so the whole chain is one atomic move.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, select, update

from engine.errors import ConcurrentChange, NotFound
from engine.runtime.state import RunState
from engine.store import format_time
from engine.store import records as record_store
from engine.store import webhooks as webhook_rows
from engine.store.prepared import Prepared
from engine.store.schema import events, notifications, runs, stage_instances, step_instances

if TYPE_CHECKING:
    from engine.runtime.engine import Engine
    from engine.runtime.plan import Plan

_STEP_UPDATE = Prepared(
    update(step_instances)
    .where(
        and_(
            step_instances.c.run_id == bindparam("b_run"),
            step_instances.c.step_id == bindparam("b_id"),
        )
    )
    .values(
        status=bindparam("status"),
        attempts=bindparam("attempts"),
        started_at=bindparam("started_at"),
        ended_at=bindparam("ended_at"),
        error=bindparam("error"),
    )
)
_STAGE_UPDATE = Prepared(
    update(stage_instances)
    .where(
        and_(
            stage_instances.c.run_id == bindparam("b_run"),
            stage_instances.c.stage_id == bindparam("b_id"),
        )
    )
    .values(
        status=bindparam("status"),
        visits=bindparam("visits"),
        entered_at=bindparam("entered_at"),
        exited_at=bindparam("exited_at"),
    )
)


_INSERT_RUN = Prepared(runs.insert())
_INSERT_STAGE = Prepared(stage_instances.insert())
_INSERT_STEP = Prepared(step_instances.insert())
_INSERT_EVENT = Prepared(events.insert())
_INSERT_NOTICE = Prepared(
    notifications.insert().values(
        run_id=bindparam("run_id"),
        item_id=bindparam("item_id"),
        assignee=bindparam("assignee"),
        reason=bindparam("reason"),
        created_at=bindparam("created_at"),
        attempts=0,
        failed=False,
    )
)
# FOR UPDATE (rendered where the database has row locks; SQLite's BEGIN IMMEDIATE already
# serialises writers): a second call on the same run waits for this one instead of doing
# its work on stale state and being rolled back by the `rev` check at the end.
_SELECT_RUN = select(runs).where(runs.c.id == bindparam("id")).with_for_update()
_UPDATE_RUN = Prepared(
    update(runs)
    .where(and_(runs.c.id == bindparam("b_id"), runs.c.rev == bindparam("b_rev")))
    .values(
        rev=bindparam("rev"),
        **{
            c: bindparam(c)
            for c in (
                "definition_id",
                "definition_version",
                "status",
                "current_stage",
                "started_at",
                "ended_at",
                "parent_run_id",
                "parent_step_id",
                "record_object",
                "record_id",
                "error",
                "seq",
                "state",
            )
        },
    )
)


class Unit:
    """The state of one engine call while it runs; see the module docstring."""

    def __init__(self, engine: Engine, conn: Connection, actor: str | None = None) -> None:
        self.engine = engine
        self.conn = conn
        self.actor = actor
        self.moment: datetime = engine.clock.now()
        self.now = format_time(self.moment)
        self.runs: dict[str, RunState] = {}
        self.events: list[dict[str, Any]] = []
        self.queue: deque[Callable[[], None]] = deque()
        self.notices: list[dict[str, Any]] = []
        # Keys of outbox messages queued in this call; their files follow the commit.
        self.messages: list[str] = []
        self._records: dict[tuple[str, str], dict[str, Any] | None] = {}

    # --- runs --------------------------------------------------------------------------

    def run(self, run_id: str) -> RunState:
        """Load a run (once per unit)."""
        found = self.runs.get(run_id)
        if found is None:
            row = self.conn.execute(_SELECT_RUN, {"id": run_id}).first()
            if row is None:
                raise NotFound(f"no run with id {run_id!r}", hint="list runs with `baton runs`")
            found = self.runs[run_id] = RunState.from_row(row)
        return found

    def add_run(self, run: RunState) -> None:
        """Register a run created in this unit."""
        run.is_new = True
        self.runs[run.id] = run

    def plan(self, run: RunState) -> Plan:
        """The prepared definition version a run executes."""
        return self.engine.plan(run.definition_id, run.definition_version, self.conn)

    def emit(
        self,
        run: RunState,
        type_: str,
        payload: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> None:
        """Append an event to a run's log (written at commit)."""
        run.seq += 1
        self.events.append(
            {
                "run_id": run.id,
                "seq": run.seq,
                "time": self.now,
                "type": type_,
                "actor": actor if actor is not None else self.actor,
                "payload": json.dumps(payload or {}, separators=(",", ":"), default=str),
            }
        )

    def notify(self, run: RunState, item_id: str, assignee: str, reason: str) -> None:
        """Queue an assignment notice (delivered after commit by `Engine.tick`)."""
        self.notices.append(
            {
                "run_id": run.id,
                "item_id": item_id,
                "assignee": assignee,
                "reason": reason,
                "created_at": self.now,
            }
        )

    # --- records -----------------------------------------------------------------------

    def record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        """A record's fields as they are now (cached per unit, refreshed when written)."""
        if not object_name or not record_id:
            return None
        key = (object_name, record_id)
        if key not in self._records:
            self._records[key] = record_store.get(self.conn, object_name, record_id)
        return self._records[key]

    def forget_record(self, object_name: str, record_id: str) -> None:
        """Drop a cached record after it changed."""
        self._records.pop((object_name, record_id), None)

    # --- the end of the call -----------------------------------------------------------

    def drain(self) -> None:
        """Do queued follow-up work until none is left."""
        while self.queue:
            self.queue.popleft()()

    def flush(self) -> None:
        """Write every touched run, its changed rows and the new events."""
        conn = self.conn
        new_runs, stage_rows, step_rows = [], [], []
        stage_updates, step_updates = [], []
        for run in self.runs.values():
            if run.is_new:
                new_runs.append({"id": run.id, "rev": 1, **run.row_values()})
            else:
                changed = _UPDATE_RUN.run(
                    conn,
                    {"b_id": run.id, "b_rev": run.rev, "rev": run.rev + 1, **run.row_values()},
                )
                if changed != 1:
                    raise ConcurrentChange(
                        f"run {run.id} was changed by another process at the same time",
                        hint="repeat the command",
                    )
            for sid in run.new_stages:
                stage_rows.append(
                    {"run_id": run.id, "stage_id": sid, **_stage_values(run.stages[sid])}
                )
            for sid in run.dirty_stages:
                stage_updates.append(
                    {"b_run": run.id, "b_id": sid, **_stage_values(run.stages[sid])}
                )
            for sid in run.new_steps:
                st = run.steps[sid]
                step_rows.append(
                    {"run_id": run.id, "step_id": sid, "stage_id": st["stage"], **_step_values(st)}
                )
            for sid in run.dirty_steps:
                step_updates.append({"b_run": run.id, "b_id": sid, **_step_values(run.steps[sid])})
        _INSERT_RUN.run_many(conn, new_runs)
        _INSERT_STAGE.run_many(conn, stage_rows)
        _STAGE_UPDATE.run_many(conn, stage_updates)
        _INSERT_STEP.run_many(conn, step_rows)
        _STEP_UPDATE.run_many(conn, step_updates)
        _INSERT_EVENT.run_many(conn, self.events)
        if any(e["type"] in webhook_rows.TRIGGERS for e in self.events):
            # Webhook deliveries are queued with the events (an outbox, engine.runtime.webhooks).
            versions = {i: (r.definition_id, r.definition_version) for i, r in self.runs.items()}
            webhook_rows.enqueue_for_events(conn, self.events, versions, self.now)
        _INSERT_NOTICE.run_many(conn, self.notices)
        self.engine.store.announce(conn, self.runs)


def _stage_values(stage: dict[str, Any]) -> dict[str, Any]:
    # One place for the stage columns an insert and an update both write.
    return {
        "status": stage["status"],
        "visits": stage["visits"],
        "entered_at": stage.get("entered_at"),
        "exited_at": stage.get("exited_at"),
    }


def _step_values(step: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": step["status"],
        "attempts": step.get("attempts", 0),
        "started_at": step.get("started_at"),
        "ended_at": step.get("ended_at"),
        "error": step.get("error"),
    }
