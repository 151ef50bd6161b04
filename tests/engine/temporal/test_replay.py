"""Determinism: today's `BatonRun` replays the workflow histories recorded from the suite
(tests/engine/temporal/histories, made by `record_histories.py`).

A change to the workflow that would make a run already open behave differently fails
here; guard it with `workflow.patched("<name>")` (engine.temporal.workflow) so old
histories keep their old path, then record new histories beside the old ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.engine.temporal.scenarios import HISTORY_ONLY, SCENARIOS

temporalio = pytest.importorskip("temporalio")

HISTORIES = Path(__file__).parent / "histories"


def test_every_recorded_history_replays_on_todays_workflow():
    from temporalio.client import WorkflowHistory
    from temporalio.worker import Replayer

    from engine.temporal.worker import workflow_runner
    from engine.temporal.workflow import BatonRun

    # given the histories recorded from every scenario
    files = sorted(HISTORIES.glob("*.json"))
    recorded = {f.name.rsplit("-", 1)[0] for f in files}
    expected = {s.__name__ for s in SCENARIOS + HISTORY_ONLY}
    assert recorded == expected, "record_histories.py is out of date"
    histories = [WorkflowHistory.from_json(f.stem, f.read_text(encoding="utf-8")) for f in files]
    # when today's workflow code replays them (no server: the Replayer runs them alone)
    replayer = Replayer(workflows=[BatonRun], workflow_runner=workflow_runner())

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    results = asyncio.run(replayer.replay_workflows(each(), raise_on_replay_failure=False))
    # then none of them diverges
    failures = {run_id: str(failure) for run_id, failure in results.replay_failures.items()}
    assert failures == {}
