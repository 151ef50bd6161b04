"""Whether the Temporal frontend answers: what `baton serve`'s `/ready` reports on Temporal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.client import Client

HEALTH_TIMEOUT = timedelta(seconds=5)
"""How long a readiness probe waits for Temporal's answer (a probe must not hang)."""


async def _check(client: Client) -> None:
    if not await client.service_client.check_health(timeout=HEALTH_TIMEOUT):
        raise ConnectionError("its health check answered SERVING = false")


def temporal_problem(engine: Any) -> str | None:
    """None when the Temporal frontend of `engine` (a `TemporalEngine`) answers its health
    check; else one line saying what is wrong (unreachable, not serving)."""
    try:
        engine.with_client(_check)
    except Exception as exc:  # any failure to reach it is the answer, not an error here
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return text.splitlines()[0]
    return None
