"""Schedule triggers on Temporal: activating makes a Temporal Schedule with the cron, each
firing starts a run (trigger `schedule`), deactivating removes it."""

from __future__ import annotations

import time

import pytest

from engine.temporal.schedules import schedule_id
from tests.engine.runtime.builders import interactive, orchestration, stage, var

HANG_GUARD = 120.0


def test_a_schedule_trigger_becomes_a_temporal_schedule_that_starts_runs(tengine):
    # given a schedule-triggered definition activated on the Temporal runtime
    tengine.activate(
        orchestration(
            "weekly",
            stage("s", interactive("report")),
            trigger={"type": "schedule", "cron": "0 9 * * 1"},
            variables=[var("region", default="EU")],
        )
    )
    handle = tengine.with_client(_describe)
    assert handle.schedule.spec.cron_expressions == ["0 9 * * 1"] or (
        handle.schedule.spec.calendars  # the server may store cron as calendar specs
    )
    # when Temporal fires it (now, instead of next Monday at 09:00)
    tengine.with_client(lambda c: c.get_schedule_handle(schedule_id("weekly")).trigger())
    deadline = time.monotonic() + HANG_GUARD
    while not (found := tengine.runs(orchestration="weekly")):
        if time.monotonic() > deadline:
            pytest.fail("the scheduled run did not appear")
        time.sleep(0.1)
    # then a run started with the schedule trigger and the declared defaults
    run_id = found[0]["id"]
    tengine.settle(run_id)
    started = tengine.log(run_id)[0]
    assert started["payload"]["trigger"] == "schedule"
    assert started["payload"]["variables"] == {"region": "EU"}
    assert tengine.run(run_id)["open_items"][0]["step"] == "report"
    # and deactivating removes the schedule
    tengine.deactivate("weekly")
    listed = tengine.with_client(_schedule_ids)
    assert schedule_id("weekly") not in listed


async def _describe(client):
    return await client.get_schedule_handle(schedule_id("weekly")).describe()


async def _schedule_ids(client):
    return [s.id async for s in await client.list_schedules()]
