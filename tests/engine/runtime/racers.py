"""Processes that race each other on one database (spawned, so nothing is shared but it).

Each racer opens its own Engine, waits at a barrier before every attempt so the two calls
really overlap, and reports ("ok", None) or (error class, message) per attempt.
"""

from __future__ import annotations

from typing import Any

from engine.errors import BatonError


def race(
    db_url: str,
    barrier: Any,
    results: Any,
    name: str,
    action: str,
    targets: list[str],
    actor: str,
    extra: str = "",
) -> None:
    """Do `action` on each target after the barrier; put (name, target, outcome, text)."""
    from engine.runtime import Engine

    engine = Engine(db_url)
    for target in targets:
        barrier.wait(timeout=60)
        try:
            if action == "complete":
                engine.complete_item(target, actor)
            elif action == "reassign":
                engine.reassign(target, extra, "covering", actor=actor)
            elif action == "cancel":
                engine.cancel(target, "no longer needed", actor=actor)
            else:
                raise ValueError(action)
            results.put((name, target, "ok", ""))
        except BatonError as exc:
            results.put((name, target, type(exc).__name__, str(exc)))
    engine.close()
