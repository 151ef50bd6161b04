"""Schedule triggers on Temporal: one Temporal Schedule per schedule-triggered definition.

Activating a definition whose trigger is `schedule` creates (or replaces) the Temporal
Schedule `baton-schedule-<id>` with the definition's cron; each firing starts a `BatonRun`
of the version that was active when the schedule was made, with no inputs (declared
defaults), as the local engine's `fire_schedule` does. Deactivating deletes the schedule.
Temporal fires schedules itself, so no worker polls for them.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.service import RPCError, RPCStatusCode

from engine.temporal import shapes
from engine.temporal.address import TemporalAddress
from engine.temporal.workflow import BatonRun


def schedule_id(definition_id: str) -> str:
    """The Temporal Schedule of a definition's schedule trigger."""
    return f"baton-schedule-{definition_id}"


async def remove(client: Client, definition_id: str) -> None:
    """Delete the definition's schedule, if there is one."""
    try:
        await client.get_schedule_handle(schedule_id(definition_id)).delete()
    except RPCError as exc:
        # UNIMPLEMENTED: a server without schedules (the time-skipping test server) has none.
        if exc.status not in (RPCStatusCode.NOT_FOUND, RPCStatusCode.UNIMPLEMENTED):
            raise


async def install(
    client: Client,
    address: TemporalAddress,
    definition_id: str,
    version: int,
    body: str,
    cron: str,
    variables: dict[str, Any],
) -> None:
    """(Re)create the definition's schedule for this version and cron (cron read in UTC)."""
    await remove(client, definition_id)
    start = shapes.RunStart(
        run_id="",  # each firing's workflow id becomes its run id
        definition_id=definition_id,
        version=version,
        body=body,
        inputs={},
        variables=variables,
        trigger="schedule",
        actor="system",
        history_limit=shapes.HISTORY_LIMIT,
    )
    await client.create_schedule(
        schedule_id(definition_id),
        Schedule(
            action=ScheduleActionStartWorkflow(
                BatonRun.run,
                start,
                id=f"run-{definition_id}",
                task_queue=address.task_queue,
            ),
            spec=ScheduleSpec(cron_expressions=[cron]),
            # Like the local engine: a slot fires once; runs of several slots may overlap.
            policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.ALLOW_ALL),
        ),
    )
