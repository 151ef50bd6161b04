"""Engines opened by a command, closed when `main()` returns.

`main()` runs many commands in one process (tests, the designer), and a Temporal engine
holds a client and an event-loop thread that would otherwise outlive each command. This
module imports nothing heavy, so `baton --help` stays as quick as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar


class Closable(Protocol):
    """Anything with a `close()` (an `Engine` or a `TemporalEngine`)."""

    def close(self) -> None: ...


E = TypeVar("E", bound=Closable)

# One list per invocation of `main()`; a context variable, so commands run at once on
# several threads (the designer) each close only their own.
_opened: ContextVar[list[Closable] | None] = ContextVar("baton_opened_engines", default=None)


def close_with_command(engine: E) -> E:
    """`engine`, to be closed when the running `main()` returns (outside `main()`, as a
    library call: the caller closes it)."""
    opened = _opened.get()
    if opened is not None:
        opened.append(engine)
    return engine


@contextmanager
def closing_engines() -> Iterator[None]:
    """Close every engine opened inside the block when it ends, last opened first."""
    token = _opened.set([])
    try:
        yield
    finally:
        opened = _opened.get() or []
        _opened.reset(token)
        for engine in reversed(opened):
            engine.close()
