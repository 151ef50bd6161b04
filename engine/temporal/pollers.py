"""Whether a Baton worker polls the task queue: the check before a read, and the refusal.

A run's state is read by a workflow query and changed by an Update, and only a worker
answers either. With none polling, Temporal would hold the call until its deadline and
then fail with an RPC error that varies with when the last worker left; `Pollers` turns
that into one line (`NoWorker`, exit code 2, HTTP 503) naming the task queue, the server
and what to do, and asks Temporal first (DescribeTaskQueue) so the refusal is immediate
when no worker has polled lately.
"""

from __future__ import annotations

import time

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from engine.errors import RuntimeUnavailable
from engine.temporal.address import TemporalAddress

POLLER_STALE = 90.0
"""Seconds after its last poll that a worker counts as gone: Temporal lists a stopped
worker among the task queue's pollers for minutes, and a live one polls again at least
every minute (a long poll lasts up to 60 s)."""
POLLERS_KNOWN = 5.0
"""Seconds a check that found a live worker stands, so a list of many runs checks once."""


class NoWorker(RuntimeUnavailable):
    """No worker polls the task queue, so the run cannot be read or moved now (exit code 2,
    HTTP 503); nothing was changed."""


class Pollers:
    """What one client knows of the workers on its task queue."""

    def __init__(self, address: TemporalAddress) -> None:
        self.address = address
        # When a check last found a live worker (`time.monotonic`); 0: never.
        self._seen = 0.0

    def refusal(self, run_id: str, why: str, then: str = "cannot be read now") -> NoWorker:
        """The error for a call on `run_id` that no worker answered, and why."""
        return NoWorker(
            f"no Baton worker is polling task queue {self.address.task_queue!r} at "
            f"{self.address} ({why}), so run {run_id} {then}",
            hint="start one with `baton worker`, with the same BATON_RUNTIME, "
            "BATON_TASK_QUEUE and BATON_DB",
        )

    def forget(self) -> None:
        """A call went unanswered: the next one checks again."""
        self._seen = 0.0

    async def require(self, client: Client, run_id: str) -> None:
        """Refuse at once when no worker has polled the task queue lately: a query would
        otherwise wait for one until its deadline. One cheap RPC, at most every
        `POLLERS_KNOWN` seconds.

        Raises:
            NoWorker: none has polled in the last `POLLER_STALE` seconds.
        """
        if time.monotonic() - self._seen < POLLERS_KNOWN:
            return
        try:
            found = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=self.address.namespace,
                    task_queue=TaskQueue(name=self.address.task_queue),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
                )
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.UNIMPLEMENTED:
                raise
            # A server without it (Temporal's time-skipping test server): the query's own
            # deadline is the only guard there.
            self._seen = float("inf")
            return
        now = time.time()
        if not any(now - p.last_access_time.ToSeconds() < POLLER_STALE for p in found.pollers):
            raise self.refusal(run_id, f"none has polled it in the last {POLLER_STALE:.0f} s")
        self._seen = time.monotonic()
