"""Reading a run on Temporal while no `baton worker` polls its task queue: a workflow
query needs a worker to answer it, so `baton show`, `baton log`, `baton work list` and
the API's reads refuse in one line (exit code 2, HTTP 503) naming the task queue, the
server and what to do, instead of waiting for Temporal's deadline and a traceback."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from engine.temporal.channel import QUERY_TIMEOUT
from engine.temporal.pollers import POLLER_STALE
from tests.engine.api.conftest import prepare
from tests.engine.api.server_process import ServerProcess
from tests.engine.clirunner import in_process

NO_WORKER = "no Baton worker is polling task queue"


def _idle_run(target: str, task_queue: str) -> str:
    """A run's workflow on a task queue no worker has ever polled (what every run looks
    like once the last worker has been gone a while)."""
    from temporalio.client import Client

    from engine.temporal import shapes

    run_id = f"run-{uuid.uuid4().hex[:13]}"

    async def start() -> None:
        client = await Client.connect(target)
        await client.start_workflow(shapes.WORKFLOW, id=run_id, task_queue=task_queue)

    asyncio.run(start())
    return run_id


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_show_with_no_worker_ever_refuses_at_once_naming_the_task_queue(
    temporal_server, task_queue, tmp_path, monkeypatch, capsys
):
    # given a run on a task queue that no worker polls
    monkeypatch.setenv("BATON_DB", str(tmp_path / "baton.db"))
    monkeypatch.setenv("BATON_USER", "tester")
    monkeypatch.setenv("BATON_RUNTIME", temporal_server.address())
    monkeypatch.setenv("BATON_TASK_QUEUE", task_queue)
    baton = in_process(capsys)
    assert baton("users", "add", "tester", "--role", "admin").code == 0
    run_id = _idle_run(temporal_server.target, task_queue)

    for command in (("show", run_id), ("log", run_id)):
        # when the user reads it
        began = time.monotonic()
        result = baton(*command)
        took = time.monotonic() - began

        # then one line says no worker polls the queue and how to start one, exit code 2
        assert result.code == 2, result
        line = _one_line(result.err)
        assert line.startswith(f"baton: error: {NO_WORKER} {task_queue!r} at ")
        assert f"none has polled it in the last {POLLER_STALE:.0f} s" in line
        assert "start one with `baton worker`" in line
        # and it does not wait for the query's deadline (hang guard: 10x that deadline)
        assert took < QUERY_TIMEOUT * 10


def test_an_unknown_run_id_is_not_found_even_with_no_worker(
    temporal_server, task_queue, tmp_path, monkeypatch, capsys
):
    # given no worker polling the task queue
    monkeypatch.setenv("BATON_DB", str(tmp_path / "baton.db"))
    monkeypatch.setenv("BATON_USER", "tester")
    monkeypatch.setenv("BATON_RUNTIME", temporal_server.address())
    monkeypatch.setenv("BATON_TASK_QUEUE", task_queue)
    baton = in_process(capsys)
    assert baton("users", "add", "tester", "--role", "admin").code == 0

    # when the user reads a run id that was never started (a typo)
    result = baton("show", "run-neverstarted1")

    # then the answer is the typo, not the missing worker
    assert result.code == 1, result
    line = _one_line(result.err)
    assert "no run with id 'run-neverstarted1'" in line
    assert NO_WORKER not in line


@pytest.mark.parametrize("cli", ["temporal"], indirect=True)
def test_reads_after_the_worker_stopped_refuse_in_one_line(baton, temporal_worker, task_queue):
    # given an open review run, and then its worker stopped a moment ago (Temporal still
    # lists it among the task queue's pollers)
    run_id = baton("start", "review", "--input", "title=A").out.strip()
    assert baton("show", run_id).code == 0
    temporal_worker.stop()

    for command in (("show", run_id), ("work", "list", "--all")):
        # when the user reads the run, or a work list that holds its open item
        began = time.monotonic()
        result = baton(*command)
        took = time.monotonic() - began

        # then the query's deadline ends the wait in one line, exit code 2
        assert result.code == 2, result
        line = _one_line(result.err)
        assert line.startswith(f"baton: error: {NO_WORKER} {task_queue!r} at ")
        assert f"none answered within {QUERY_TIMEOUT:.0f} s" in line
        assert took < QUERY_TIMEOUT * 10  # hang guard


@pytest.mark.parametrize("cli", ["temporal"], indirect=True)
def test_a_command_after_the_worker_stopped_refuses_in_one_line(
    baton, temporal_worker, task_queue, monkeypatch
):
    from engine.temporal import channel

    # given an open review run whose worker stopped a moment ago, and a shorter wait for
    # a command's answer than the default (which leaves room for a retried action)
    run_id = baton("start", "review", "--input", "title=A").out.strip()
    temporal_worker.stop()
    monkeypatch.setattr(channel, "UPDATE_TIMEOUT", 5.0)

    # when an operator cancels the run
    began = time.monotonic()
    result = baton("cancel", run_id, "--reason", "duplicate")
    took = time.monotonic() - began

    # then one line says no worker answered and that the change waits for one, exit code 2
    assert result.code == 2, result
    line = _one_line(result.err)
    assert line.startswith(f"baton: error: {NO_WORKER} {task_queue!r} at ")
    assert f"(none answered within 5 s), so run {run_id} has not changed yet" in line
    assert took < 5.0 * 10  # hang guard (it waited for ever before)


def test_api_read_with_no_worker_answers_503_with_the_same_sentence(
    temporal_server, task_queue, tmp_path
):
    # given `baton serve` on Temporal, and a run on a task queue no worker polls
    db = str(tmp_path / "catalogue.db")
    tokens = prepare(db)
    env = {"BATON_RUNTIME": temporal_server.address(), "BATON_TASK_QUEUE": task_queue}
    run_id = _idle_run(temporal_server.target, task_queue)
    server = ServerProcess(db, env={**env, "BATON_OUTBOX": str(tmp_path / "outbox")})
    try:
        with server.client(tokens["olivia"]) as client:
            # when an integrator reads the run
            response = client.get(f"/v1/runs/{run_id}")
    finally:
        server.stop()

    # then 503, and the message is the CLI's line
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "NoWorker"
    assert body["message"].startswith(f"{NO_WORKER} {task_queue!r} at ")
    assert body["hint"].startswith("start one with `baton worker`")
