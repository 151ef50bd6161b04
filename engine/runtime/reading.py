"""`Reading`: the read-only calls of `Engine` (runs, logs, work lists, waits, records).

A seam of `Engine` (which mixes it in): each call opens one read transaction on the store
and returns plain dicts; nothing here changes state or checks roles (the API and CLI
decide who may read what).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.errors import NotFound
from engine.runtime import queries
from engine.runtime.listing import Listing
from engine.runtime.replay import replay
from engine.store import definitions as definition_store
from engine.store import directory, format_time, records

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from engine.runtime.clock import Clock
    from engine.runtime.plan import Plan
    from engine.store import Store


class Reading(Listing):
    """Read-only calls (see `Engine`); `runs` and `work_items` come from `Listing`."""

    store: Store
    clock: Clock
    _plans: dict[tuple[str, int], Plan]

    def plan(self, definition_id: str, version: int, conn: Connection) -> Plan:
        """The prepared definition version (cached; versions never change once stored)."""
        key = (definition_id, version)
        found = self._plans.get(key)
        if found is None:
            # Here, not at the top: building a plan needs the definition models (pydantic),
            # which a command listing runs or reading a log never does.
            from engine.definition import loads_definition
            from engine.runtime.plan import Plan

            body = definition_store.body(conn, definition_id, version)
            if body is None:
                raise NotFound(f"no version {version} of orchestration {definition_id!r}")
            found = self._plans[key] = Plan.build(
                loads_definition(body, source=f"{definition_id} v{version}")
            )
            found.versions = lambda number: self._other_version(definition_id, number)
        return found

    def _other_version(self, definition_id: str, version: int) -> Plan:
        # For a replay that crosses versions after the caller's connection closed.
        found = self._plans.get((definition_id, version))
        if found is not None:
            return found
        with self.store.read() as conn:
            return self.plan(definition_id, version, conn)

    # --- runs -----------------------------------------------------------------------

    def assignee_problem(self, assignee: str) -> str | None:
        """Why nobody can work items of `assignee` (unknown, inactive, no active member), or
        None when someone can."""
        with self.store.read() as conn:
            return directory.assignee_state(conn, assignee)

    def run(self, run_id: str) -> dict[str, Any]:
        """A run's status, stage, steps, open items and variables (see `queries.run_detail`)."""
        with self.store.read() as conn:
            return queries.run_detail(conn, run_id, lambda d, v: self.plan(d, v, conn))

    def _select_runs(self, selection: queries.RunSelection, stuck: bool) -> list[dict[str, Any]]:
        # `Listing.runs`, from the run tables.
        with self.store.read() as conn:
            if stuck:
                found = queries.stuck_runs(conn, format_time(self.clock.now()), selection)
                chosen = [r for r in found if selection.matches(r)]
                if selection.assignee is not None:
                    holding = set(queries.runs_with_open_items(conn, selection.assignee))
                    chosen = [r for r in chosen if r["id"] in holding]
                return chosen if selection.limit is None else chosen[: selection.limit]
            return queries.list_runs(conn, selection)

    def log(
        self, run_id: str, *, after: int | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """A run's events, in order: those after event number `after`, at most `limit`."""
        with self.store.read() as conn:
            return queries.run_events(conn, run_id, after, limit)

    def _select_work_items(
        self,
        user: str | None,
        include_closed: bool,
        selection: queries.WorkSelection,
        after: tuple[str, str] | None,
        limit: int | None,
    ) -> list[dict[str, Any]]:
        # `Listing.work_items`, from the work item tables.
        with self.store.read() as conn:
            return queries.list_work_items(
                conn, user, include_closed, after=after, limit=limit, selection=selection
            )

    def replay(self, run_id: str, upto: int | None = None) -> dict[str, Any]:
        """A run's state rebuilt from its log alone (up to event `upto`, inclusive): the
        same fold (`engine.runtime.fold.apply`) that keeps the live state."""
        with self.store.read() as conn:
            events = queries.run_events(conn, run_id)
            definition_id, version = queries.run_version(conn, run_id)
            return replay(
                self.plan(definition_id, version, conn),
                [e for e in events if upto is None or e["seq"] <= upto],
                lambda number: self.plan(definition_id, number, conn),
            )

    def waits(
        self, run_id: str | None = None, event: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Wait steps holding for an event (of one run, or for one event name), with keys;
        at most `limit` (None: all)."""
        with self.store.read() as conn:
            return queries.list_waits(conn, run_id, event, limit)

    def runs_of_record(self, object_name: str, record_id: str) -> list[dict[str, Any]]:
        """The runs a record started (its triggers), oldest first."""
        with self.store.read() as conn:
            return queries.runs_of_record(conn, object_name, record_id)

    def open_item_ids(self, run_id: str) -> list[str]:
        """Ids of a run's open work items, oldest first (a lean call for scripts)."""
        with self.store.read(short=True) as conn:
            return queries.open_item_ids(conn, run_id)

    def record(self, object_name: str, record_id: str) -> dict[str, Any]:
        """A record's fields."""
        with self.store.read() as conn:
            fields = records.get(conn, object_name, record_id)
        if fields is None:
            raise NotFound(f"no {object_name} record with id {record_id!r}")
        return fields

    def open_waits(self) -> list[dict[str, Any]]:
        """What waiting runs listen for: run, step, event name and correlation key."""
        with self.store.read() as conn:
            return queries.open_waits(conn)

    def definitions(
        self, *, after: tuple[str, int] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Every stored definition version, by id, newest version first per id: those after
        (id, version) `after`, at most `limit`."""
        with self.store.read() as conn:
            return definition_store.list_all(conn, after, limit)
