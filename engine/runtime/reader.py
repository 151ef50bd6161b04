"""`Reader`: the read-only calls of the local runtime without the rest of `Engine`.

A command that only reads rows (`baton runs`, `show`, `log`, `work list`) opens a `Reader`
instead of an `Engine`: the same `Reading` calls on the same store, without importing the
interpreter, triggers, delivery and validation that moving runs needs. That import is most
of such a command's start-up (`benchmarks/cli_startup.py` measures it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.runtime.clock import Clock, WallClock
from engine.runtime.reading import Reading
from engine.store import Store

if TYPE_CHECKING:
    from engine.runtime.plan import Plan


class Reader(Reading):
    """Read-only access to a Baton database: runs, logs, work lists, waits, definitions.

    Args:
        store: a `Store`, or a database URL/path (an existing database: a mistyped path is
            reported, not created).
        clock: the time stuck runs are judged at (default: the wall clock).
    """

    def __init__(self, store: Store | str | None = None, clock: Clock | None = None) -> None:
        self.store = store if isinstance(store, Store) else Store(store, create=store is None)
        self.clock = clock or WallClock()
        self._plans: dict[tuple[str, int], Plan] = {}

    def close(self) -> None:
        """Release the database."""
        self.store.close()
