"""The three runtimes a conformance scenario runs on, behind one small driver.

`Driver` wraps an engine-shaped object (the local `Engine` or `TemporalEngine`) and adds
the two things that differ: how time moves (the local engine's virtual clock; the
time-skipping test server's virtual time on Temporal) and how a run's Baton events are
compared (run and item ids, times and file paths masked).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

_MASKS = [
    (re.compile(r"\brun-[0-9a-z]{10,13}\b"), "run-<id>"),
    (re.compile(r"\bwi-[0-9a-z]{10,13}\b"), "wi-<id>"),
    (re.compile(r"\b[0-9a-f]{12}\b"), "<record id>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"), "<time>"),
    (re.compile(r"[^\"]*\.eml"), "<file>"),
]


def comparable(log: list[dict[str, Any]]) -> list[str]:
    """A run's events as text with ids, times and outbox paths masked, one per event."""
    lines = []
    for event in log:
        text = json.dumps(
            {"type": event["type"], "actor": event["actor"], "payload": event["payload"]},
            sort_keys=True,
        )
        for pattern, mask in _MASKS:
            text = pattern.sub(mask, text)
        lines.append(text)
    return lines


@dataclass
class Driver:
    """One runtime for a scenario: `engine` has `Engine`'s calls; `advance` moves time."""

    name: str
    engine: Any
    advance_by: Callable[[timedelta], None]
    started: list[str] = field(default_factory=list)

    def start(self, definition_id: str, inputs: dict[str, Any] | None = None) -> str:
        run_id = self.engine.start(definition_id, inputs)
        self.started.append(run_id)
        return run_id

    def item(self, run_id: str, step: str) -> str:
        """The id of the run's open item of `step`."""
        items = [i for i in self.engine.run(run_id)["open_items"] if i["step"] == step]
        assert len(items) == 1, items
        return items[0]["id"]

    def advance(self, delta: timedelta) -> None:
        self.advance_by(delta)

    def events(self, run_id: str) -> list[str]:
        return comparable(self.engine.log(run_id))


class TimeSkippingServer:
    """Temporal's time-skipping test server and a Baton worker on it, in a thread with its
    own event loop (clients connect to `target`; `sleep` moves the server's time)."""

    def __init__(self, binary: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.binary = binary
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.thread.start()
        if not self.ready.wait(120):
            raise RuntimeError("the time-skipping test server did not start within 120 s")
        if self.error:
            raise self.error

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the fixture that started it
            self.error = exc
            self.ready.set()

    async def _serve(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from temporalio.testing import WorkflowEnvironment

        from engine.temporal.worker import build_worker

        self.env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=self.binary
        )
        self.target = self.env.client.service_client.config.target_host
        self.stopping = asyncio.Event()
        self.queue = "baton-time"
        with ThreadPoolExecutor(8) as executor:
            async with build_worker(self.env.client, self.queue, executor):
                self.ready.set()
                await self.stopping.wait()
        await self.env.shutdown()

    def sleep(self, delta: timedelta) -> None:
        """Move the server's time forward by `delta` (timers due meanwhile fire)."""
        asyncio.run_coroutine_threadsafe(self.env.sleep(delta), self.loop).result(300)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(60)


class WorkerThread:
    """A Temporal worker for Baton on its own task queue, in a thread with its own loop."""

    def __init__(self, target: str, namespace: str, task_queue: str, catalogue: Any = None) -> None:
        from engine.temporal.address import TemporalAddress

        self.address = TemporalAddress(target, namespace, task_queue)
        # The `Store` its webhook outbox activity writes into (None: it queues none); unlike
        # `baton worker`, this worker delivers nothing itself.
        self.catalogue = catalogue
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
            await run_worker(client, self.address.task_queue, self.stop_event, self.catalogue)

        try:
            self.loop.run_until_complete(main())
        except BaseException as exc:  # reported to the test that started it
            self.error = exc
            self.ready.set()

    def stop(self) -> None:
        """Stop polling and wait for the thread (running activities finish)."""
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(60)


def add_people(engine: Any) -> None:
    """The people every scenario assigns work to."""
    engine.add_user("alice", groups=["hr"])
    engine.add_user("bob", groups=["it"])
    engine.add_user("carol", groups=["hr"])
    engine.add_user("root", admin=True)


def temporal_driver(
    address: Any, catalogue: Any, clock_server: TimeSkippingServer | None = None
) -> Driver:
    """A driver on Temporal; with `clock_server` (the time-skipping server) time can move."""
    from engine.temporal.client import TemporalEngine

    engine = TemporalEngine(address, catalogue)
    driver = Driver("temporal", engine, lambda delta: None)

    def advance(delta: timedelta) -> None:
        if clock_server is None:
            raise AssertionError("this scenario moves time: run it on the time-skipping server")
        clock_server.sleep(delta)
        for run_id in driver.started:
            engine.settle(run_id)

    driver.advance_by = advance
    return driver
