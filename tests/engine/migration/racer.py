"""A process that applies a migration on a shared database (spawned: it shares nothing else)."""

from __future__ import annotations

from typing import Any


def apply_after_barrier(db_url: str, barrier: Any, results: Any, name: str) -> None:
    """Move every open run of p v1 to v2 once the other racer is ready; put what happened."""
    from engine.migration import Selection, apply_migration
    from engine.runtime import Engine

    engine = Engine(db_url)
    barrier.wait(timeout=60)
    done = apply_migration(engine, Selection("p", 1, 2), f"moved by {name}", "root")
    results.put((name, done.moved, [run for run, _ in done.refused]))
    engine.close()
