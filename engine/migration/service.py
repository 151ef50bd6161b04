"""`plan` and `apply`: migrating the open runs of one version to another, on any local store.

`plan_migration` reads every chosen run in one read transaction and previews each
(`engine.migration.preview`); nothing is written. `apply_migration` moves each run in its
own engine call (one transaction, the run's row locked): it assesses the run again on its
state at that moment, so a run that moved since the plan is judged as it is now, and a
run that cannot move is refused with the plan's reason while the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sqlalchemy import Connection, select

from engine.errors import BatonError, ConcurrentChange, Conflict, InvalidInput, NotFound
from engine.migration.decide import MIGRATABLE, assess, migrate
from engine.migration.mapping import check_mapping, version_changes
from engine.migration.preview import PreviewTurn, RunPlan, preview
from engine.runtime import permissions, queries, writes
from engine.runtime.engine import Engine
from engine.runtime.plan import Plan
from engine.runtime.state import RunState
from engine.store import faults
from engine.store import records as record_store
from engine.store.schema import runs

if TYPE_CHECKING:
    from engine.runtime.protocol import RunEngine


@dataclass(frozen=True)
class Selection:
    """Which runs of the old version to move: all open ones, or those listed / in a stage."""

    orchestration: str
    from_version: int
    to_version: int
    mapping: dict[str, str] = field(default_factory=dict)
    runs: tuple[str, ...] = ()
    stage: str | None = None


@dataclass
class MigrationPlan:
    """The plan of every chosen run, and what changed between the versions."""

    selection: Selection
    runs: list[RunPlan]
    changes: dict[str, list[str]]

    @property
    def blocked(self) -> list[RunPlan]:
        """Runs that cannot move as things stand."""
        return [r for r in self.runs if not r.possible]

    def to_json(self) -> dict[str, Any]:
        """The `--format json` form."""
        s = self.selection
        return {
            "orchestration": s.orchestration,
            "from": s.from_version,
            "to": s.to_version,
            "mapping": s.mapping,
            "changes": self.changes,
            "runs": [r.to_json() for r in self.runs],
            "movable": sum(r.possible for r in self.runs),
            "blocked": len(self.blocked),
        }


@dataclass
class MigrationResult:
    """Runs moved, and runs refused with the reason."""

    moved: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `--format json` form."""
        return {
            "moved": self.moved,
            "refused": [{"run": run, "reason": reason} for run, reason in self.refused],
        }


@runtime_checkable
class MigratesOwnRuns(Protocol):
    """A runtime that holds its runs outside this database and moves them itself
    (`TemporalEngine`, through `engine.temporal.migration`). It lives in a layer above this
    one, so `plan_migration` and `apply_migration` recognise it by these two calls."""

    def plan_migration(self, selection: Selection) -> MigrationPlan: ...

    def apply_migration(
        self, selection: Selection, reason: str, actor: str | None
    ) -> MigrationResult: ...


def plan_migration(engine: RunEngine, selection: Selection) -> MigrationPlan:
    """What moving the chosen runs would do; changes nothing.

    Raises:
        NotFound: a version does not exist. UsageError: a bad `--map` pair.
        InvalidInput: the two versions are the same.
    """
    if isinstance(engine, MigratesOwnRuns):
        return engine.plan_migration(selection)
    with engine.store.read() as conn:
        source, target = versions_for(engine, conn, selection)
        turn = PreviewTurn(
            engine.clock.now(),
            lambda number: engine.plan(selection.orchestration, number, conn),
            lambda obj, rid: record_store.get(conn, obj, rid) if obj and rid else None,
        )
        plans = []
        for run_id in _chosen(conn, selection):
            run = _load(conn, run_id, source)
            found = assess(run, source, target, selection.mapping)
            plans.append(preview(run, target, found, selection.mapping, turn))
            turn.events.clear()
        return MigrationPlan(selection, plans, version_changes(source, target))


def apply_migration(
    engine: RunEngine, selection: Selection, reason: str, actor: str | None
) -> MigrationResult:
    """Move each chosen run in its own transaction; a run that cannot move is refused.

    Raises:
        PermissionDenied: the actor is not an admin (before any run is touched).
        InvalidInput: no reason given.
    """
    if isinstance(engine, MigratesOwnRuns):
        return engine.apply_migration(selection, reason, actor)
    if not isinstance(engine, Engine):
        raise TypeError(f"{type(engine).__name__} holds no runs of its own to migrate")
    need_reason(reason)
    with engine.store.read() as conn:
        source, target = versions_for(engine, conn, selection)
        if engine.enforce_roles:
            permissions.require(conn, actor, "admin", "migrate runs")
        chosen = _chosen(conn, selection)
    result = MigrationResult()
    for run_id in chosen:
        try:
            _move(engine, run_id, source, target, selection.mapping, reason, actor)
        except BatonError as exc:
            result.refused.append((run_id, exc.message))
            continue
        result.moved.append(run_id)
    return result


def _move(
    engine: Engine,
    run_id: str,
    source: Plan,
    target: Plan,
    mapping: dict[str, str],
    reason: str,
    actor: str | None,
) -> None:
    # One engine call per run, retried as `Engine` retries its own calls: a conflicting
    # writer (another process moving the same run on PostgreSQL) rolls this transaction back
    # whole, and a child run the move starts may draw a taken id; judging the run again on
    # fresh state is then the right thing. The store raises those as the driver's own
    # errors, wrapped by SQLAlchemy or raw (prepared statements), so both are caught here.
    attempts = 5
    for attempt in range(attempts):
        try:
            with engine.unit(actor) as unit:
                run = unit.run(run_id)
                if run.definition_version != source.version:
                    raise Conflict(f"run {run_id} is on version {run.definition_version} now")
                found = assess(run, source, target, mapping)
                unit.drive(run, migrate(unit, run, target, found, mapping, reason))
            return
        except BatonError as exc:
            if not isinstance(exc, ConcurrentChange) or attempt == attempts - 1:
                raise
        except Exception as exc:
            if not (faults.is_driver_error(exc) or isinstance(exc, OSError)):
                raise
            if not engine.store.is_retryable(exc):
                # One line for this run's refusal, as the store words its other faults.
                raise faults.describe(exc, engine.store.url) from exc
            if attempt == attempts - 1:
                raise ConcurrentChange(
                    f"the database kept refusing the move of run {run_id} as conflicting",
                    hint="repeat the migration for the runs it did not move",
                ) from exc


def need_reason(reason: str) -> None:
    """Refuse a migration without a reason (it is logged with each run's move)."""
    if not reason.strip():
        raise InvalidInput(
            "migrating runs needs a reason", field="reason", hint="say why (it is logged)"
        )


def versions_for(engine: RunEngine, conn: Connection, selection: Selection) -> tuple[Plan, Plan]:
    """The source and target versions of a selection, its mapping checked between them."""
    if selection.from_version == selection.to_version:
        raise InvalidInput(
            f"--from and --to are both version {selection.to_version}",
            hint="give the version the runs are on and the one they should move to",
        )
    source = engine.plan(selection.orchestration, selection.from_version, conn)
    target = engine.plan(selection.orchestration, selection.to_version, conn)
    check_mapping(source, target, selection.mapping)
    if selection.stage is not None and selection.stage not in source.nodes:
        raise NotFound(
            f"version {source.version} of {selection.orchestration} has no stage "
            f"{selection.stage!r}"
        )
    return source, target


def _chosen(conn: Connection, selection: Selection) -> list[str]:
    """Open runs of the old version that the selection names, oldest first."""
    found = queries.list_runs(
        conn,
        queries.RunSelection(
            orchestration=selection.orchestration,
            version=selection.from_version,
            stage=selection.stage,
        ),
    )
    return choose(found, selection)


def choose(found: list[dict[str, Any]], selection: Selection) -> list[str]:
    """Of the runs of the old version (and stage), newest first as listed, the open ones
    the selection names, oldest first.

    Raises:
        NotFound: a run the selection names is not among them.
    """
    open_runs = [r["id"] for r in reversed(found) if r["status"] in MIGRATABLE]
    if not selection.runs:
        return open_runs
    unknown = [r for r in selection.runs if r not in open_runs]
    if unknown:
        raise NotFound(
            f"run {unknown[0]} is not an open run of {selection.orchestration} "
            f"version {selection.from_version}"
            + (f" in stage {selection.stage}" if selection.stage else ""),
            hint="list them with `baton runs --orchestration "
            f"{selection.orchestration} --version {selection.from_version}`",
        )
    return [r for r in open_runs if r in selection.runs]


def _load(conn: Connection, run_id: str, plan: Plan) -> RunState:
    # A plain read (no row lock): the plan changes nothing.
    row = conn.execute(select(runs).where(runs.c.id == run_id)).one()
    # A run that finished since it was chosen keeps no snapshot: its log holds its state
    # (the assessment then says it is not open, rather than failing to read it).
    run = writes.state_from_log(conn, row, plan) if not row.state else RunState.from_row(row, plan)
    if run.stored_without_parts:
        writes.load_older_parts(conn, run)
    return run
