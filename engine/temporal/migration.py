"""`baton migrate` on Temporal: plan and move open runs to another version.

The same pure code as locally (`engine.migration.decide` and `.preview`) on the same run
state: the plan folds each run's Baton events (the `events` query) into its state and
previews the move; applying sends each run the workflow's `migrate` Update, where the
workflow assesses its live state again and applies `decide.migrate` itself, exactly as the
local engine's transaction does. A run that moved since the plan is judged as it is then;
a run that cannot move is refused with the plan's reason while the others go on.

`engine.migration.service.plan_migration` / `apply_migration` hand a `TemporalEngine` over to
the methods here, so the CLI (and anything else calling them) works on both runtimes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from engine.errors import BatonError, Conflict, NotFound
from engine.migration.decide import MIGRATABLE, assess
from engine.migration.mapping import version_changes
from engine.migration.preview import PreviewTurn, preview
from engine.migration.service import (
    MigrationPlan,
    MigrationResult,
    Selection,
    choose,
    need_reason,
    versions_for,
)
from engine.runtime import permissions
from engine.runtime.fold import fold
from engine.runtime.plan import Plan
from engine.runtime.state import RunState
from engine.store import definitions as definition_store
from engine.store import records as record_store
from engine.temporal import shapes
from engine.temporal.channel import Channel, as_baton_error
from engine.temporal.workflow import BatonRun


class MigrationCalls(Channel):
    """`plan_migration` and `apply_migration` of `TemporalEngine` (see the module)."""

    # Provided by TemporalEngine (its lists and run calls).
    runs: Callable[..., list[dict[str, Any]]]
    log: Callable[..., list[dict[str, Any]]]

    def plan_migration(self, selection: Selection) -> MigrationPlan:
        """What moving the chosen runs would do; changes nothing (see
        `engine.migration.plan_migration`)."""
        with self.store.read() as conn:
            source, target = versions_for(self, conn, selection)  # type: ignore[arg-type]
        turn = PreviewTurn(self.clock.now(), self._plans(selection), self._record)
        plans = []
        for run_id in self._chosen(selection):
            run = self._state(run_id, source, selection)
            found = assess(run, source, target, selection.mapping)
            plans.append(preview(run, target, found, selection.mapping, turn))
            turn.events.clear()
        return MigrationPlan(selection, plans, version_changes(source, target))

    def apply_migration(
        self, selection: Selection, reason: str, actor: str | None
    ) -> MigrationResult:
        """Move each chosen run with its workflow's `migrate` Update; a run that cannot
        move is refused with the reason (see `engine.migration.apply_migration`)."""
        need_reason(reason)
        with self.store.read() as conn:
            source, target = versions_for(self, conn, selection)  # type: ignore[arg-type]
            if self.enforce_roles:
                permissions.require(conn, actor, "admin", "migrate runs")
            body = definition_store.body(conn, selection.orchestration, target.version) or ""
        result = MigrationResult()
        for run_id in self._chosen(selection):
            move = shapes.Migration(
                from_version=source.version,
                to_version=target.version,
                body=body,
                mapping=dict(selection.mapping),
                reason=reason,
                actor=actor,
            )
            try:
                self.migrate_run(run_id, move)
            except BatonError as exc:
                result.refused.append((run_id, exc.message))
                continue
            result.moved.append(run_id)
        return result

    def migrate_run(self, run_id: str, move: shapes.Migration) -> None:
        """Move one run to another version (its workflow's `migrate` Update); refusals are
        the local engine's errors."""
        self._do(self._migrate(run_id, move))

    async def _migrate(self, run_id: str, move: shapes.Migration) -> None:
        handle = await self._handle(run_id)
        try:
            done: shapes.Done = await self._update(handle, BatonRun.migrate, move)
        except WorkflowUpdateFailedError as exc:
            found = as_baton_error(exc)
            if found is None:
                raise
            raise found from None
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            raise Conflict(f"run {run_id} has ended; it keeps its version") from None
        await self._visible(run_id, done.seq)

    # --- helpers -----------------------------------------------------------------------

    def _chosen(self, selection: Selection) -> list[str]:
        found = self.runs(
            orchestration=selection.orchestration,
            version=selection.from_version,
            stage=selection.stage,
        )
        return choose([r for r in found if r["status"] in MIGRATABLE], selection)

    def _plans(self, selection: Selection) -> Callable[[int], Plan]:
        def plan_of(number: int) -> Plan:
            with self.store.read() as conn:
                return self.catalogue.plan(selection.orchestration, number, conn)

        return plan_of

    def _record(self, object_name: str | None, record_id: str | None) -> dict[str, Any] | None:
        if not (object_name and record_id):
            return None
        with self.store.read() as conn:
            return record_store.get(conn, object_name, record_id)

    def _state(self, run_id: str, source: Plan, selection: Selection) -> RunState:
        """The run's state as its workflow holds it: its Baton events folded, following
        earlier migrations across versions."""
        try:
            log = self.log(run_id)
        except NotFound:
            raise NotFound(f"run {run_id} is no longer on Temporal") from None
        run = fold(source, run_id, log, self._plans(selection))
        run.forget_changes()
        return run
