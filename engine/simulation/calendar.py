"""Working hours on the virtual clock: when work may start, and when it ends.

Times are seconds after the scenario start (floats), which keeps the event loop cheap;
this module converts to calendar moments only to find the working windows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.simulation.scenario import WEEKDAYS, WorkingHours


class WorkCalendar:
    """Working windows of one `WorkingHours` (None: around the clock).

    Args:
        hours: the working hours, or None for no pauses.
        origin: the calendar moment of time 0.
    """

    def __init__(self, hours: WorkingHours | None, origin: datetime) -> None:
        self.hours = hours
        self.origin = origin
        if hours is not None:
            self._days = {WEEKDAYS.index(d) for d in hours.days}
            h, m = hours.start.split(":")
            self._open = timedelta(hours=int(h), minutes=int(m))
            h, m = hours.end.split(":")
            self._close = timedelta(hours=int(h), minutes=int(m))

    def _window(self, t: float) -> tuple[float, float]:
        """The working window that contains `t`, or the next one after it."""
        moment = self.origin + timedelta(seconds=t)
        day = datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo)
        for offset in range(8):
            start_day = day + timedelta(days=offset)
            if start_day.weekday() not in self._days:
                continue
            opens = (start_day + self._open - self.origin).total_seconds()
            closes = (start_day + self._close - self.origin).total_seconds()
            if closes > t:
                return max(opens, t), closes
        raise AssertionError("a week always has a working day")  # guarded by WorkingHours

    def next_open(self, t: float) -> float:
        """`t` itself during working hours, else when work next starts."""
        if self.hours is None:
            return t
        return self._window(t)[0]

    def finish(self, t: float, work: float) -> float:
        """When `work` seconds of work started at `t` are done, pausing outside hours."""
        if self.hours is None:
            return t + work
        remaining = work
        now = t
        while True:
            opens, closes = self._window(now)
            if opens + remaining <= closes:
                return opens + remaining
            remaining -= closes - opens
            now = closes

    def day_index(self, t: float) -> int:
        """The calendar day number of `t` (for daily limits)."""
        moment = self.origin + timedelta(seconds=t)
        return (moment.date() - self.origin.date()).days

    def next_day(self, t: float) -> float:
        """Midnight after `t`."""
        moment = self.origin + timedelta(seconds=t)
        midnight = datetime(moment.year, moment.month, moment.day, tzinfo=moment.tzinfo)
        return (midnight + timedelta(days=1) - self.origin).total_seconds()

    def working_seconds(self, start: float, end: float) -> float:
        """How much of [start, end] lies inside working hours."""
        if self.hours is None:
            return max(0.0, end - start)
        total, now = 0.0, start
        while now < end:
            opens, closes = self._window(now)
            if opens >= end:
                break
            total += min(closes, end) - opens
            now = closes
        return total
