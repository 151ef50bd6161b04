"""Knowing when the engine's next timer is due without asking the store after every call.

The engine sets a timer only when it logs why: an item with a `due` (`item_created` with
`due_at`), a wait step with a `timeout` (`step_started`), a retry (`step_retry_scheduled`
with `at`). Watching those events gives the candidate times; a candidate whose cause ended
(the item was completed, the wait step finished) is dropped. Asking the store instead
costs a query per engine call, a sixth of a simulation's time. So that a timer set some
other way is still fired on time, an event of a type not listed in `KNOWN_EVENTS` (say, of
a step kind added to the runtime later) makes the simulator ask the store
(`Engine.next_due`), and so does running out of everything else to do.
"""

from __future__ import annotations

import heapq
import itertools
from datetime import datetime
from typing import Any

from engine.definition import AnyStep, WaitStep, parse_duration
from engine.runtime.events import EventType

KNOWN_EVENTS = frozenset(EventType)
"""Event types whose timers (if any) `EngineTimers.observe` knows how to find."""


class EngineTimers:
    """Candidate due times of the engine's timers, in seconds after `origin`.

    Args:
        origin: the moment of time 0.
        steps: the definition's steps by id.
    """

    def __init__(self, origin: datetime, steps: dict[str, AnyStep]) -> None:
        self.origin = origin
        self._timeouts = {
            sid: parse_duration(step.timeout).total_seconds()
            for sid, step in steps.items()
            if isinstance(step, WaitStep) and step.timeout
        }
        self._heap: list[tuple[float, int, Any]] = []
        self._seq = itertools.count()
        self._live: set[Any] = set()
        self._step_keys: dict[tuple[str, str], Any] = {}
        self.ask_store = False

    def _at(self, text: str) -> float:
        return (datetime.fromisoformat(text) - self.origin).total_seconds()

    def _push(self, at: float, key: Any) -> None:
        if key is not None:
            self._live.add(key)
        heapq.heappush(self._heap, (at, next(self._seq), key))

    def observe(self, run_id: str, kind: str, payload: dict[str, Any], now: float) -> None:
        """Note the timers an event sets, and the causes it ends."""
        if kind not in KNOWN_EVENTS:
            self.ask_store = True
        elif kind == EventType.ITEM_CREATED:
            if payload.get("due_at"):
                self._push(self._at(payload["due_at"]), ("item", payload["item"]))
        elif kind in (EventType.ITEM_COMPLETED, EventType.ITEM_WITHDRAWN):
            self._live.discard(("item", payload.get("item")))
        elif kind == EventType.STEP_STARTED:
            timeout = self._timeouts.get(payload.get("step", ""))
            if timeout is not None:
                key = ("step", next(self._seq))
                self._step_keys[(run_id, payload["step"])] = key
                self._push(now + timeout, key)
        elif kind in (EventType.STEP_COMPLETED, EventType.STEP_CANCELED, EventType.STEP_FAILED):
            key = self._step_keys.pop((run_id, payload.get("step", "")), None)
            self._live.discard(key)
        elif kind == EventType.STEP_RETRY_SCHEDULED and payload.get("at"):
            self._push(self._at(payload["at"]), None)

    def add(self, at: float) -> None:
        """A due time found in the store."""
        self._push(at, None)

    def next_at(self) -> float | None:
        """The earliest candidate still live, or None."""
        heap = self._heap
        while heap and heap[0][2] is not None and heap[0][2] not in self._live:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def fired_until(self, moment: float) -> None:
        """The engine fired every timer due by `moment`: forget those candidates."""
        heap = self._heap
        while heap and heap[0][0] <= moment:
            _, _, key = heapq.heappop(heap)
            if key is not None and key[0] == "step":
                self._live.discard(key)
