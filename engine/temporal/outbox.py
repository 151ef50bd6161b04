"""Webhooks of runs on Temporal: their deliveries queued in the catalogue's outbox.

Locally, the transaction that appends `run_completed`, `run_failed` or `item_created` also
queues one delivery per subscribed webhook (`engine.runtime.webhooks`). A workflow writes
no database, so after each turn that emitted such events `BatonRun` starts the activity
below, which writes the same rows into `BATON_DB` (the catalogue, where webhooks are
registered). A delivery's key (webhook, run, event number) makes a repeated attempt of the
activity write nothing twice. `baton serve` and `baton worker` then deliver them (signed,
retried with backoff) exactly as for local runs; no network I/O happens in the activity,
but once its rows are committed it wakes the worker's own deliverer, so a delivery goes
out within moments rather than at the next poll.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from temporalio import activity

from engine.store import Store, format_time
from engine.store import webhooks as webhook_rows
from engine.temporal import shapes


class OutboxWriter:
    """The outbox activity of one worker, writing into that worker's catalogue.

    Args:
        store: the catalogue (`BATON_DB`). None only for in-process workers of the test
            suite that serve runs without a catalogue: with no webhook registry there is
            nothing to queue.
        on_queued: called once rows are committed (`baton worker` wakes its deliverer).
    """

    def __init__(self, store: Store | None, on_queued: Callable[[], None] | None = None) -> None:
        self.store = store
        self.on_queued = on_queued

    @activity.defn(name=shapes.OUTBOX_ACTIVITY)
    def queue(self, batch: shapes.OutboxBatch) -> int:
        """Queue a delivery for every active webhook that wants one of these events;
        returns how many were queued (0 when all were queued by an earlier attempt)."""
        if self.store is None:
            return 0
        events = [{**event, "run_id": batch.run_id} for event in batch.events]
        versions = {batch.run_id: (batch.definition_id, batch.version)}
        with self.store.transaction() as conn:
            queued = webhook_rows.enqueue_for_events(
                conn, events, versions, format_time(datetime.now(UTC))
            )
        if queued and self.on_queued is not None:
            self.on_queued()
        return queued
