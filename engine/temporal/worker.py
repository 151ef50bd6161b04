"""`baton worker` on a Temporal runtime: the `BatonRun` workflow and the action activity
on one task queue (`baton` by default). Start as many as you like, on as many machines."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from engine.store import Store
from engine.temporal import activities
from engine.temporal.activities import (
    claim_buffered,
    consume_buffered,
    recheck_record_runs,
    run_action,
    send_notices,
)
from engine.temporal.client import TemporalEngine
from engine.temporal.outbox import OutboxWriter
from engine.temporal.workflow import BatonRun

ACTION_THREADS = 8
"""Actions are plain (blocking) Python callables: they run on a thread pool this size."""


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox with Baton's own modules passed through (see engine.temporal.workflow)."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("engine", "pydantic")
    )


def build_worker(
    client: Client,
    task_queue: str,
    executor: ThreadPoolExecutor,
    catalogue: Store | None = None,
    on_queued: Callable[[], None] | None = None,
) -> Worker:
    """A worker for Baton's workflow and activities on `task_queue`; webhook deliveries of
    its runs are queued in `catalogue` (`engine.temporal.outbox`), and `on_queued` is
    called once some are."""
    outbox = OutboxWriter(catalogue, on_queued)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[BatonRun],
        activities=[
            run_action,
            send_notices,
            claim_buffered,
            consume_buffered,
            recheck_record_runs,
            outbox.queue,
        ],
        activity_executor=executor,
        max_concurrent_activities=ACTION_THREADS,
        workflow_runner=workflow_runner(),
    )


async def run_worker(
    client: Client,
    task_queue: str,
    stop: asyncio.Event,
    catalogue: Store | None = None,
    on_queued: Callable[[], None] | None = None,
) -> None:
    """Poll `task_queue` until `stop` is set; running activities finish first."""
    with ThreadPoolExecutor(ACTION_THREADS) as executor:
        async with build_worker(client, task_queue, executor, catalogue, on_queued):
            await stop.wait()


def serve(engine: TemporalEngine, on_queued: Callable[[], None] | None = None) -> None:
    """`baton worker` on Temporal: run until Ctrl-C or SIGTERM; `on_queued` is called
    when a run's webhook deliveries are queued (the worker's deliverer's wake)."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    activities.use_catalogue(engine.store.url)
    try:
        client = loop.run_until_complete(engine.client())
        loop.run_until_complete(
            run_worker(client, engine.address.task_queue, stop, engine.store, on_queued)
        )
    finally:
        loop.close()
        engine.close()
