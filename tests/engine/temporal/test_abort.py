"""`TemporalEngine.abort`: a caller that is going away (a designer window closing) cancels
the calls in flight instead of waiting for them; here a start that waits for a worker,
which would otherwise wait `WORKER_WAIT` (30 s) because none polls the task queue."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from engine.definition import load_definition
from engine.errors import BatonError

ONBOARDING = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"


@pytest.fixture
def without_worker(catalogue, temporal_server, task_queue, tmp_path, monkeypatch):
    """A `TemporalEngine` on a task queue no worker polls."""
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    eng = TemporalEngine(TemporalAddress(temporal_server.target, "default", task_queue), catalogue)
    yield eng
    eng.close()


def test_aborting_cancels_a_call_waiting_for_a_worker_and_refuses_new_ones(
    without_worker, task_queue
):
    from engine.temporal.channel import WORKER_WAIT, Aborted

    engine = without_worker

    def started() -> int:
        # Visibility without Baton's search attributes: those come with the first turn,
        # which needs the worker this test leaves out.
        async def count(client):
            return (await client.count_workflows(f"TaskQueue = '{task_queue}'")).count

        return engine.with_client(count)

    engine.activate(load_definition(ONBOARDING))
    outcome: list[BaseException | str] = []

    def start() -> None:
        try:
            outcome.append(
                engine.start("employee_onboarding", {"employee": "Ada", "email": "ada@example.com"})
            )
        except Exception as exc:  # what the caller's thread sees
            outcome.append(exc)

    # Given a start in flight on another thread, waiting for a worker that never comes
    caller = threading.Thread(target=start)
    caller.start()
    deadline = time.monotonic() + 60  # hang guard: the workflow shows within a second
    while caller.is_alive() and not started() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert caller.is_alive(), outcome
    assert started()

    # When the engine is aborted
    aborted_at = time.monotonic()
    engine.abort()

    # Then the caller gets an error long before the worker wait would have ended
    caller.join(WORKER_WAIT / 2)  # hang guard: the cancel takes well under a second
    assert not caller.is_alive()
    assert time.monotonic() - aborted_at < WORKER_WAIT / 2
    assert isinstance(outcome[0], Exception) and not isinstance(outcome[0], str)

    # And a new call is refused in one line without reaching the server
    with pytest.raises(Aborted, match="connection to Temporal was closed"):
        engine.runs()
    assert issubclass(Aborted, BatonError)
