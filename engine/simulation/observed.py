"""The engine itself, telling the simulator what each committed call logged."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.runtime import Engine, VirtualClock
from engine.runtime.unit import logged
from engine.store.schema import waits

if TYPE_CHECKING:
    from engine.runtime.unit import Unit


class _NoNotices(list):
    """A notice list that keeps nothing: simulated people get no "new work item" e-mails."""

    def append(self, _notice: object) -> None:
        return None


class ObservedEngine(Engine):
    """The engine itself, reporting each committed call's new events to a sink.

    Assignment notices are the one outside effect left: delivering them costs a
    transaction per item at every tick (a third of a simulation's time) and would mail
    nobody, so the simulation does not queue them, as it sends no e-mail from actions.
    """

    def __init__(self, clock: VirtualClock, sink: Callable[[list[dict[str, Any]]], None]):
        super().__init__("sqlite://", clock=clock, outbox=Path(tempfile.gettempdir()) / "baton-sim")
        self._sink = sink

    def wait_key(self, run_id: str, step_id: str) -> str | None:
        """The correlation key a run's wait step listens for."""
        with self.store.read() as conn:
            return conn.execute(
                select(waits.c.key).where(waits.c.run_id == run_id, waits.c.step_id == step_id)
            ).scalar()

    @contextmanager
    def unit(self, actor: str | None = None) -> Iterator[Unit]:
        """One engine call, as in `Engine.unit`; its events go to the sink after commit."""
        with super().unit(actor) as unit:
            if isinstance(getattr(unit, "notices", None), list):
                unit.notices = _NoNotices()
            yield unit
        if unit.events:
            self._sink(logged(unit.events))
