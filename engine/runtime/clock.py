"""Injected time (DESIGN rule 6): the engine reads a `Clock`, never the system time directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Where the engine gets the current time (aware, UTC)."""

    def now(self) -> datetime:
        """The current moment."""
        ...


class WallClock:
    """The real time, for live runs."""

    def now(self) -> datetime:
        """The system's current UTC time."""
        return datetime.now(UTC)


class VirtualClock:
    """A clock that moves only when told, for tests and simulation.

    Args:
        start: the initial moment (default 2026-01-05 09:00 UTC, a Monday morning).
    """

    def __init__(self, start: datetime | None = None) -> None:
        moment = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._now = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def now(self) -> datetime:
        """The virtual current moment."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a moment; time never goes backwards."""
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if moment > self._now:
            self._now = moment

    def advance(self, delta: timedelta) -> None:
        """Move forward by a duration (without firing timers; see `Engine.advance`)."""
        self.set(self._now + delta)
