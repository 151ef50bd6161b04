"""New runs on Temporal: what a `BatonRun` workflow starts with, and starting it.

Every way a run begins builds its `RunStart` here from the catalogue: a manual start
(`TemporalEngine.start`), a record trigger (`records`), and, inside an action activity,
a record the action wrote or a child orchestration it started (`activities`; the
workflow then starts those as Temporal child workflows, so a retried activity starts
nothing twice).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from engine.errors import NotFound
from engine.runtime.plan import Plan
from engine.runtime.triggers import new_run_id
from engine.runtime.values import check_inputs
from engine.store import definitions as definition_store
from engine.temporal import shapes
from engine.temporal.address import TemporalAddress
from engine.temporal.workflow import BatonRun


def run_start(
    conn: Connection,
    plan_of: Callable[[str, int, Connection], Plan],
    definition_id: str,
    inputs: dict[str, Any],
    run_id: str,
    *,
    trigger: str = "manual",
    actor: str | None = None,
    enforce_required: bool = True,
    record: tuple[str, str] | None = None,
    record_fields: dict[str, Any] | None = None,
    chain: list[str] | None = None,
    parent: tuple[str, str] | None = None,
) -> shapes.RunStart:
    """A run of the active version of `definition_id` (`triggers.start`'s checks).

    Raises:
        NotFound: no active version of that id.
        InvalidInput: inputs missing or mistyped (nothing starts).
    """
    version = definition_store.active_version(conn, definition_id)
    if version is None:
        raise NotFound(
            f"no active orchestration {definition_id!r}",
            hint="activate it first with `baton activate FILE`",
        )
    body = definition_store.body(conn, definition_id, version) or ""
    plan = plan_of(definition_id, version, conn)
    variables = check_inputs(plan.definition.variables, inputs, enforce_required=enforce_required)
    return shapes.RunStart(
        run_id,
        definition_id,
        version,
        body,
        inputs,
        variables,
        trigger,
        actor,
        record=list(record) if record else None,
        record_fields=record_fields,
        chain=list(chain) if chain else None,
        parent=list(parent) if parent else None,
    )


ID_DRAWS = 5
"""Run ids drawn for one start before giving up (each repeat has a 2**-65 chance)."""


async def start_workflow(client: Client, address: TemporalAddress, start: shapes.RunStart) -> Any:
    """Start the run's workflow (its id is the run id); returns its handle.

    A random run id that some workflow already has, running or closed, is refused by
    Temporal; the run then gets a fresh id (`start.run_id` says which), as locally.
    """
    for draw in range(ID_DRAWS):
        try:
            return await client.start_workflow(
                BatonRun.run,
                start,
                id=start.run_id,
                task_queue=address.task_queue,
                search_attributes=shapes.start_attributes(start),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            if draw == ID_DRAWS - 1:
                raise
            start.run_id = new_run_id()
    raise AssertionError("unreachable")
