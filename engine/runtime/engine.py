"""`Engine`: the public API of the local runtime. Each method is one transaction.

Its calls come in three parts: definitions, runs, inputs and time here; operator and
admin actions in `engine.runtime.operator_actions`; read-only calls in
`engine.runtime.reading` (both mixed into `Engine`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
from sqlalchemy import Connection, delete

from engine.definition import Orchestration, ScheduleTrigger, dumps_definition
from engine.errors import ActivationRefused, ConcurrentChange, Conflict, NotFound
from engine.runtime import (
    audit,
    buffering,
    delivery,
    permissions,
    timers,
    triggers,
    webhooks,
    workitems,
)
from engine.runtime.buffering import SentEvent
from engine.runtime.clock import Clock, VirtualClock, WallClock
from engine.runtime.kept import KeptStates
from engine.runtime.operator_actions import OperatorActions
from engine.runtime.plan import Plan
from engine.runtime.reading import Reading
from engine.runtime.unit import Unit
from engine.store import Store, parse_time
from engine.store import definitions as definition_store
from engine.store import outbox as outbox_store
from engine.store.schema import schedules, webhook_deliveries
from engine.validation import has_errors, validate

T = TypeVar("T")


OUTBOX_ENV = "BATON_OUTBOX"


def _default_outbox(store: Store) -> Path:
    configured = os.environ.get(OUTBOX_ENV)
    if configured:
        return Path(configured).expanduser()
    folder = store.file_folder()
    if folder is not None:
        return folder / "outbox"
    return Path(platformdirs.user_data_dir("baton", appauthor=False)) / "outbox"


class Engine(OperatorActions, Reading):
    """The local orchestration engine over one database.

    Outside effects (emails, notices, webhooks) leave after commit; a subclass that sets
    `delivers = False` (a sandbox such as `baton test`) keeps them as pending rows of its own
    store, where they can be read, and nothing is written to a folder or sent.

    Args:
        store: a `Store`, a database URL/path, or None for the default database.
        clock: where time comes from (default: the wall clock).
        roles: "enforce", "off" or "auto" (default: `$BATON_ROLES`, else "auto": enforced on
            a shared database such as PostgreSQL, not on a local SQLite file); see
            `engine.runtime.permissions`.
        outbox: folder for `send_email` messages and notices (default: `$BATON_OUTBOX`,
            else `outbox/` beside a SQLite file, else in the user data folder).
    """

    delivers: bool = True
    """Whether committed outside effects are delivered (files, SMTP, webhooks)."""

    def __init__(
        self,
        store: Store | str | None = None,
        clock: Clock | None = None,
        outbox: Path | None = None,
        roles: str | None = None,
    ) -> None:
        self.store = store if isinstance(store, Store) else Store(store)
        self.clock: Clock = clock or WallClock()
        self.outbox = Path(outbox) if outbox else _default_outbox(self.store)
        self.enforce_roles = permissions.enforced(roles, shared=self.store.is_shared)
        self._plans: dict[tuple[str, int], Plan] = {}
        # The states of the runs this engine wrote last (engine.runtime.kept).
        self.kept_states = KeptStates()

    def _require(self, conn: Connection, actor: str | None, role: str, doing: str) -> None:
        if self.enforce_roles:
            permissions.require(conn, actor, role, doing)

    # --- plumbing ----------------------------------------------------------------------

    @contextmanager
    def unit(self, actor: str | None = None) -> Iterator[Unit]:
        """One engine call: a transaction that ends with queued work done and state written."""
        with self.store.transaction() as conn:
            unit = Unit(self, conn, actor)
            yield unit
            unit.drain()
            unit.flush()
        self.kept_states.keep(unit.runs.values())
        if unit.messages and self.delivers:
            # Outside effects only once the call has committed (DESIGN rule 10).
            delivery.after_commit(self, unit.messages)

    def _call(
        self,
        work: Callable[[Unit], T],
        actor: str | None = None,
        need: str | None = None,
        doing: str = "",
    ) -> T:
        # SQLite serialises writers, so this only matters on databases where two processes
        # can move one run at once: the loser's transaction is rolled back whole, and doing
        # the call again on fresh state is safe (actions run at-least-once anyway).
        attempts = 8
        for attempt in range(attempts):
            try:
                with self.unit(actor) as unit:
                    if need is not None:
                        self._require(unit.conn, actor, need, doing)
                    return work(unit)
            except ConcurrentChange:
                if attempt == attempts - 1:
                    raise
            except Exception as exc:  # wrapped or raw (prepared statements) driver errors
                if not self.store.is_retryable(exc):
                    raise
                if attempt == attempts - 1:
                    raise ConcurrentChange(
                        "the database kept refusing this change as conflicting",
                        hint="repeat the command",
                    ) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Release the database."""
        self.kept_states.clear()
        self.store.close()

    # --- definitions -------------------------------------------------------------------

    def activate(self, definition: Orchestration, actor: str | None = None) -> int:
        """Store a definition as the active version of its id; returns the stored version.

        Versions are numbered by the store (the file's `version` is not trusted). Activating
        exactly what is already active changes nothing and returns that version.

        Raises:
            ActivationRefused: validation reports errors (they are attached).
            PermissionDenied: `actor` is not an admin.
        """
        diagnostics = validate(definition)
        if has_errors(diagnostics):
            errors = [d for d in diagnostics if d.severity == "error"]
            raise ActivationRefused(
                f"{definition.id} has {len(errors)} error(s); it was not activated",
                diagnostics=diagnostics,
                hint="run `baton validate` and fix them",
            )
        with self.unit(actor) as unit:
            conn = unit.conn
            self._require(conn, actor, "admin", "activate definitions")
            active = definition_store.active_version(conn, definition.id)
            if active is not None:
                same = definition.model_copy(update={"version": active})
                if definition_store.body(conn, definition.id, active) == dumps_definition(same):
                    return active
            version = definition_store.next_version(conn, definition.id)
            stored = definition.model_copy(update={"version": version})
            trigger = stored.trigger
            definition_store.insert_active(
                conn,
                definition_id=stored.id,
                version=version,
                name=stored.name,
                trigger_type=trigger.type,
                trigger_object=getattr(trigger, "object", None),
                body=dumps_definition(stored),
                activated_at=unit.now,
            )
            conn.execute(delete(schedules).where(schedules.c.definition_id == stored.id))
            audit.record_definition(conn, unit.now, actor, stored.id, version)
            if isinstance(trigger, ScheduleTrigger):
                conn.execute(
                    schedules.insert().values(
                        definition_id=stored.id,
                        cron=trigger.cron,
                        next_at=triggers.next_fire_time(trigger.cron, unit.now),
                    )
                )
        return version

    def deactivate(self, definition_id: str, actor: str | None = None) -> None:
        """No version of this id starts new runs; running runs go on (admins only)."""
        with self.unit(actor) as unit:
            self._require(unit.conn, actor, "admin", "deactivate definitions")
            if not definition_store.deactivate(unit.conn, definition_id):
                raise NotFound(f"no active orchestration {definition_id!r}")
            audit.record_definition(unit.conn, unit.now, actor, definition_id, None)
            unit.conn.execute(delete(schedules).where(schedules.c.definition_id == definition_id))

    # --- runs --------------------------------------------------------------------------

    def start(
        self, definition_id: str, inputs: dict[str, Any] | None = None, actor: str | None = None
    ) -> str:
        """Start a run of the active version; returns the run id.

        Raises:
            NotFound: nothing active under that id.
            InvalidInput: missing or mistyped inputs (no run is created).
        """
        return self._call(
            lambda u: triggers.start(u, definition_id, inputs).id, actor, "assignee", "start runs"
        )

    def complete_item(self, item_id: str, actor: str, outputs: dict[str, Any] | None = None) -> str:
        """Complete a work item as `actor`; returns the run id."""
        return self._call(
            lambda u: workitems.complete_item(u, item_id, actor, outputs or {}), actor
        )

    def send_event(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> list[str]:
        """Deliver an event to the wait steps expecting it; returns the runs it reached.

        `actor` (who or what sent it) is logged with the events it causes.
        """
        return self.publish(name, key, data, actor).runs

    def publish(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> SentEvent:
        """`send_event`, also saying until when an event that reached no run is kept for a
        wait step with a `buffer` (see `engine.runtime.buffering`)."""

        def work(u: Unit) -> SentEvent:
            runs = timers.deliver_event(u, name, key, data or {})
            return SentEvent(runs, u.kept_until)

        return self._call(work, actor)

    def keep_unclaimed(
        self,
        name: str,
        key: Any = None,
        data: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> str | None:
        """Keep an event that reached no run for a wait step with a `buffer` (as `publish`
        does); returns until when, or None (no wait step buffers it). For a runtime that
        delivers events itself (Temporal) and keeps them in this store."""
        return self._call(lambda u: buffering.keep_unclaimed(u, name, key, data or {}), actor)

    def create_record(
        self, object_name: str, fields: dict[str, Any], actor: str | None = None
    ) -> str:
        """Create a record (starting triggered runs); returns its id."""
        return self._call(
            lambda u: triggers.create_record(u, object_name, fields),
            actor,
            "assignee",
            "create records",
        )

    def update_record(
        self, object_name: str, record_id: str, fields: dict[str, Any], actor: str | None = None
    ) -> dict[str, Any]:
        """Change fields of a record (starting triggered runs); returns all its fields."""
        return self._call(
            lambda u: triggers.update_record(u, object_name, record_id, fields),
            actor,
            "assignee",
            "change records",
        )

    # --- time --------------------------------------------------------------------------

    def tick(self) -> int:
        """Fire every timer and schedule due now, each in its own transaction; returns how many.

        Then the pending outbox is delivered (emails and assignment notices, see
        `engine.runtime.delivery`; webhooks, see `engine.runtime.webhooks`), after every
        transaction of the pass has committed.
        """
        fired = 0
        while True:
            # One read: what is due now, of every kind (a pass that finds nothing due costs
            # three indexed queries and takes no write lock). Short: after the last call's
            # write, a reading connection of its own would read its pages afresh.
            with self.store.read(short=True) as conn:
                probe = Unit(self, conn)
                timer_ids = timers.due_timer_ids(probe)
                schedule_ids = timers.due_schedule_ids(probe)
                if not timer_ids and not schedule_ids and self.delivers:
                    pending = outbox_store.pending_kinds(conn, probe.now)
                    # Read with the probe: without a mail server nothing needs a claim.
                    due = delivery.read_due(self, conn, pending) if pending else {}
            if not timer_ids and not schedule_ids:
                if self.delivers and pending:
                    delivery.deliver_pending(self, kinds=pending, due=due)
                    if webhook_deliveries.name in pending:
                        webhooks.deliver_pending(self)
                return fired
            for timer_id in timer_ids:
                fired += self._call(lambda u, t=timer_id: timers.fire_timer(u, t), "system")
            for definition_id in schedule_ids:
                started = self._call(
                    lambda u, d=definition_id: timers.fire_schedule(u, d), "system"
                )
                fired += started is not None

    def next_due(self) -> datetime | None:
        """When the next timer or schedule is due."""
        # Short: a worker or a simulation asks after each pass's writes (see `tick`).
        with self.store.read(short=True) as conn:
            found = timers.next_due(Unit(self, conn))
        return parse_time(found) if found else None

    def advance(self, until: datetime) -> int:
        """Move a virtual clock to `until`, firing each timer and schedule at its own time."""
        clock = self.clock
        if not isinstance(clock, VirtualClock):
            raise Conflict("advance() needs a VirtualClock; a live engine uses tick()")
        fired = 0
        while True:
            due = self.next_due()
            if due is None or due > until:
                break
            clock.set(due)
            fired += self.tick()
        clock.set(until)
        return fired
