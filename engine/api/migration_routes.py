"""Moving open runs to another version over HTTP: the plan, then the move (`baton migrate`).

Both answer with exactly the JSON `baton migrate plan|apply --format json` prints, and
refuse with the CLI's one-line messages (which name the CLI's flags, e.g. `--map`): the
engine's `plan_migration` / `apply_migration` do the work on either runtime.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from engine.api.deps import CallerDep, EngineDep
from engine.api.strict_json import StrictJsonRoute
from engine.errors import UsageError
from engine.migration import Selection, apply_migration, plan_migration

router = APIRouter(prefix="/v1/migrations", route_class=StrictJsonRoute, tags=["migration"])


class MigrationIn(BaseModel):
    """Which open runs of one version to move to another, and how elements map."""

    # `from` is a Python keyword, so the fields carry the JSON names as aliases.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    orchestration: str = Field(min_length=1, description="The orchestration id.")
    source: int = Field(alias="from", description="The version the runs are on.")
    target: int = Field(alias="to", description="The version to move them to.")
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description="Carry a stage or step of `from` over to one of `to` with another id "
        "(`baton migrate --map OLD=NEW`).",
    )
    runs: list[str] = Field(default_factory=list, description="Only these runs.")
    stage: str | None = Field(default=None, description="Only runs in this stage of `from`.")

    def selection(self) -> Selection:
        """The engine's selection of runs."""
        return Selection(
            orchestration=self.orchestration,
            from_version=self.source,
            to_version=self.target,
            mapping=dict(self.mapping),
            runs=tuple(self.runs),
            stage=self.stage,
        )


class ApplyIn(MigrationIn):
    """Move the chosen runs: name them (`runs`, `stage`) or say `all`."""

    reason: str = Field(description="Why (logged with each run's move); must not be blank.")
    all: bool = Field(default=False, description="Every open run of `from`.")


class ItemOut(BaseModel):
    """A work item in a plan."""

    item: str
    step: str
    assignee: str


class RunPlanOut(BaseModel):
    """What moving one run would do (the fields of `baton migrate plan --format json`)."""

    # Waits, timers and renames keep the CLI's open shapes (see engine.migration.preview).
    model_config = ConfigDict(extra="allow")

    run: str
    status: str
    stage: str | None
    possible: bool = Field(description="Whether the run can move as things stand.")
    reasons: list[str] = Field(description="Why it cannot move (empty when it can).")
    lands_in: str | None = Field(description="The stage it lands in.")
    status_after: str | None
    items_kept: list[ItemOut]
    items_withdrawn: list[ItemOut]
    items_created: list[ItemOut]
    then: str | None = Field(description="What the run does next, when a preview stops.")


class MigrationPlanOut(BaseModel):
    """The plan of every chosen run, and what changed between the versions."""

    model_config = ConfigDict(populate_by_name=True)

    orchestration: str
    source: int = Field(alias="from")
    target: int = Field(alias="to")
    mapping: dict[str, str]
    changes: dict[str, list[str]] = Field(description="Elements `added`, `removed`, `changed`.")
    runs: list[RunPlanOut]
    movable: int
    blocked: int


class RefusedRunOut(BaseModel):
    """A run that did not move, with the reason (the plan's)."""

    run: str
    reason: str


class MigrationResultOut(BaseModel):
    """Runs moved, and runs refused with the reason."""

    moved: list[str]
    refused: list[RefusedRunOut]


@router.post("/plan", response_model=MigrationPlanOut)
def plan(body: MigrationIn, engine: EngineDep, _caller: CallerDep) -> dict[str, Any]:
    """What moving the chosen open runs would do, run by run; changes nothing (any user,
    as `baton migrate plan`)."""
    return plan_migration(engine, body.selection()).to_json()


@router.post("", response_model=MigrationResultOut)
def apply(body: ApplyIn, engine: EngineDep, caller: CallerDep) -> dict[str, Any]:
    """Move the chosen open runs, each on its own (admins). A run that cannot move is
    listed in `refused` with the reason while the others move: check `refused`, as the
    CLI's exit code 1 says."""
    if not (body.all or body.runs or body.stage):
        raise UsageError(
            "say which runs to move", hint='give "all": true, "runs": [ID, ...] or "stage"'
        )
    return apply_migration(engine, body.selection(), body.reason, caller.name).to_json()
