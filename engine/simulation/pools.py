"""Simulated assignees: a queue of open work items and a few workers who take them in turn.

One pool per assignee (`user:`, `group:` or `queue:`). Items wait in arrival order; a free
worker picks the oldest up when the pool is working (hours) and under its daily limit,
and works on it for the item's sampled duration. Pools keep the change points of their
queue length and busy workers, from which the results draw utilization over time.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field

from engine.simulation.calendar import WorkCalendar
from engine.simulation.scenario import Capacity


@dataclass(slots=True)
class SimItem:
    """One work item as the simulator tracks it (times in seconds)."""

    item_id: str
    run_id: str
    step_id: str
    pool: str
    created: float
    work: float
    outputs: dict
    started: float | None = None
    worker: int | None = None
    served_by: str | None = None
    closed: bool = False


@dataclass
class Pool:
    """An assignee's queue and workers.

    Args:
        name: the assignee (`group:it`).
        capacity: workers, daily limit, working hours.
        calendar: the working windows that apply.
        users: directory users who complete its items (one per worker, or the one user).
    """

    name: str
    capacity: Capacity
    calendar: WorkCalendar
    users: list[str]
    queue: deque[SimItem] = field(default_factory=deque)
    waiting: int = 0
    busy: int = 0
    free: list[int] = field(default_factory=list)
    day: int = -1
    picked_today: int = 0
    wake_at: float | None = None
    busy_seconds: float = 0.0
    # change points: (time, items waiting, workers busy)
    points: list[tuple[float, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.free = list(range(self.capacity.workers))
        heapq.heapify(self.free)
        self.points.append((0.0, 0, 0))

    @property
    def workers(self) -> int:
        """How many items can be in progress at once."""
        return self.capacity.workers

    def user_for(self, worker: int) -> str:
        """The directory user behind a worker slot."""
        return self.users[worker % len(self.users)]

    def _mark(self, now: float) -> None:
        last = self.points[-1]
        if last[0] == now:
            self.points[-1] = (now, self.waiting, self.busy)
        elif (last[1], last[2]) != (self.waiting, self.busy):
            self.points.append((now, self.waiting, self.busy))

    def enqueue(self, item: SimItem, now: float) -> None:
        """An item arrives in this pool's queue."""
        item.pool = self.name
        self.queue.append(item)
        self.waiting += 1
        self._mark(now)

    def leave_queue(self, item: SimItem, now: float) -> None:
        """A queued item leaves without being worked on (withdrawn or reassigned)."""
        # The deque entry is skipped lazily when it reaches the front (see `pick`).
        self.waiting -= 1
        self._mark(now)

    def blocked_until(self, now: float) -> float | None:
        """When the pool may next pick an item up, if it may not now."""
        opens = self.calendar.next_open(now)
        if opens > now:
            return opens
        limit = self.capacity.items_per_day
        if limit is not None:
            day = self.calendar.day_index(now)
            if day != self.day:
                self.day, self.picked_today = day, 0
            if self.picked_today >= limit:
                return self.calendar.next_open(self.calendar.next_day(now))
        return None

    def pick(self, now: float) -> SimItem | None:
        """Start work on the oldest waiting item, if a worker is free; returns it."""
        if not self.free:
            return None
        while self.queue:
            item = self.queue.popleft()
            if item.closed or item.pool != self.name or item.started is not None:
                continue
            item.worker = heapq.heappop(self.free)
            item.served_by = self.name
            item.started = now
            self.waiting -= 1
            self.busy += 1
            self.picked_today += 1
            self._mark(now)
            return item
        return None

    def release(self, item: SimItem, now: float) -> None:
        """A worker is done with an item (finished or withdrawn)."""
        if item.worker is None or item.started is None:
            return
        self.busy_seconds += now - item.started
        heapq.heappush(self.free, item.worker)
        item.worker = None
        self.busy -= 1
        self._mark(now)
