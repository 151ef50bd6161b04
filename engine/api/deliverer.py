"""What `baton serve` delivers by itself: webhooks and outbox messages, after commit.

A run's transaction only queues its outside effects (DESIGN rule 10); something must then
send them. `baton worker` does, on every tick; a server that answers integrations should not
need one beside it just for that. `Deliverer` is a background thread of the server that
delivers the pending webhooks (`engine.runtime.webhooks`) and outbox messages and notices
(`engine.runtime.delivery`) soon after a request changed something, and every `poll`
seconds (retries fall due on their own). The claims of the outbox protocol keep a worker
beside it (or a second server) from delivering anything twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from engine.runtime import Engine, delivery, webhooks

log = logging.getLogger("baton.api")


class Deliverer:
    """A background thread delivering webhooks and outbox messages (see the module).

    Args:
        engine: the engine over the database holding both outboxes (on Temporal, the
            catalogue).
        poll: the longest pause between passes (seconds).
        settle: called before a pass that a wake asked for: on Temporal, waits until the
            runs the server's requests changed have queued their webhook deliveries
            (`TemporalEngine.track_outboxes`), which their workers write a moment after
            the request is answered.
    """

    def __init__(
        self, engine: Engine, poll: float = 5.0, settle: Callable[[], None] | None = None
    ) -> None:
        self.engine = engine
        self.poll = poll
        self.settle = settle
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="baton-deliverer", daemon=True)

    def start(self) -> None:
        """Start delivering."""
        self._thread.start()

    def wake(self) -> None:
        """Deliver soon (a request may have queued something)."""
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the delivery in progress (a receiver answers within its timeout), then stop."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.wait(self.poll)
            self._wake.clear()
            if self._stop.is_set():
                return
            if woken and self.settle is not None:
                try:
                    self.settle()
                except Exception as exc:  # deliver what is there; the poll sends the rest
                    log.warning("waiting for runs' webhook deliveries failed: %s", exc)
            self.deliver_once()

    def deliver_once(self) -> int:
        """One pass over both outboxes; returns how many were delivered. A database
        failure is logged and left for the next pass (nothing is dropped)."""
        try:
            return delivery.deliver_pending(self.engine) + webhooks.deliver_pending(self.engine)
        except Exception as exc:  # the next pass tries again; the rows stay due
            log.warning("delivery pass failed, retrying in %.0f s: %s", self.poll, exc)
            return 0


class WakeOnWrite:
    """ASGI middleware: after a request that may have changed something (not GET/HEAD),
    wake the deliverer so a webhook or notice goes out within moments, not a poll later."""

    def __init__(self, app: Any, deliverer: Deliverer) -> None:
        self.app = app
        self.deliverer = deliverer

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope.get("method") not in ("GET", "HEAD", "OPTIONS"):
            self.deliverer.wake()
