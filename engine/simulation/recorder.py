"""Folding the runs' event logs (and the simulator's pick-up times) into running tallies.

The simulator hands every event the engine appends to a simulated run's log to
`Recorder.event`, stamped with the virtual time it happened at. What the log cannot know
(when a simulated person picked an item up) comes from `item_finished`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from engine.runtime.events import EventType


@dataclass
class RunTrace:
    """What the results need of one run."""

    number: int
    started: float
    status: str = "unfinished"
    ended: float | None = None
    end: str | None = None
    outcome: str | None = None
    error: str | None = None
    visits: dict[str, int] = field(default_factory=dict)


@dataclass
class StepTally:
    """Durations (seconds) and counts for one step over all runs."""

    started: int = 0
    completed: int = 0
    skipped: int = 0
    failed: int = 0
    canceled: int = 0
    failed_attempts: int = 0
    overdue: int = 0
    escalated: int = 0
    timed_out: int = 0
    totals: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    works: list[float] = field(default_factory=list)


@dataclass
class AssigneeTally:
    """Per-assignee item counts and queue waits (seconds)."""

    items: int = 0
    overdue: int = 0
    waits: list[float] = field(default_factory=list)


class Recorder:
    """Running tallies of a simulation, fed event by event.

    Args:
        step_ids: every step id of the definition, in document order.
        stage_ids: every stage id, in document order.
    """

    def __init__(self, step_ids: list[str], stage_ids: list[str]) -> None:
        self.runs: dict[str, RunTrace] = {}
        self.steps: dict[str, StepTally] = {s: StepTally() for s in step_ids}
        self.stages: dict[str, list[float]] = {s: [] for s in stage_ids}
        self.assignees: dict[str, AssigneeTally] = defaultdict(AssigneeTally)
        self.decisions: Counter[tuple[str, str]] = Counter()
        self.failures: Counter[str] = Counter()
        # stage id -> how often runs left it along its fault route
        self.faults: Counter[str] = Counter()
        self.in_flight: list[tuple[float, int]] = [(0.0, 0)]
        self.finished = 0
        self._open = 0
        self._step_start: dict[tuple[str, str], float] = {}
        self._stage_start: dict[tuple[str, str], float] = {}

    # --- runs ----------------------------------------------------------------------------

    def run_started(self, run_id: str, number: int, now: float) -> None:
        """A simulated run began."""
        self.runs[run_id] = RunTrace(number=number, started=now)
        self._set_open(self._open + 1, now)

    def _set_open(self, count: int, now: float) -> None:
        self._open = count
        if self.in_flight[-1][0] == now:
            self.in_flight[-1] = (now, count)
        else:
            self.in_flight.append((now, count))

    def _run_ended(self, trace: RunTrace, status: str, now: float) -> None:
        if trace.ended is None:
            self.finished += 1
            self._set_open(self._open - 1, now)
        trace.status, trace.ended = status, now

    # --- the log ---------------------------------------------------------------------------

    def event(self, run_id: str, kind: str, payload: dict[str, Any], now: float) -> None:
        """One event of a simulated run's log, at virtual time `now` (seconds)."""
        trace = self.runs.get(run_id)
        if trace is None:
            return
        step_id = payload.get("step")
        tally = self.steps.get(step_id) if step_id else None
        if kind == EventType.STEP_STARTED and tally:
            tally.started += 1
            self._step_start[(run_id, step_id)] = now
        elif (
            kind in (EventType.STEP_COMPLETED, EventType.STEP_FAILED, EventType.STEP_CANCELED)
            and tally
        ):
            began = self._step_start.pop((run_id, step_id), None)
            if kind == EventType.STEP_COMPLETED:
                tally.completed += 1
                if began is not None:
                    tally.totals.append(now - began)
                if (payload.get("outputs") or {}).get("timed_out") is True:
                    tally.timed_out += 1
            elif kind == EventType.STEP_FAILED:
                tally.failed += 1
            else:
                tally.canceled += 1
        elif kind == EventType.STEP_SKIPPED and tally:
            tally.skipped += 1
        elif kind == EventType.STEP_ATTEMPT_FAILED and tally:
            tally.failed_attempts += 1
        elif kind == EventType.ITEM_OVERDUE and tally:
            tally.overdue += 1
            self.assignees[payload.get("assignee", "?")].overdue += 1
        elif (
            kind == EventType.ITEM_REASSIGNED and tally and "escalated" in payload.get("reason", "")
        ):
            tally.escalated += 1
        elif kind == EventType.STAGE_ENTERED:
            stage = payload["stage"]
            trace.visits[stage] = payload.get("visit", 1)
            self._stage_start[(run_id, stage)] = now
        elif kind == EventType.STAGE_COMPLETED:
            began = self._stage_start.pop((run_id, payload["stage"]), None)
            if began is not None and payload["stage"] in self.stages:
                self.stages[payload["stage"]].append(now - began)
        elif kind == EventType.DECISION_TAKEN:
            self.decisions[(payload["decision"], payload["to"])] += 1
        elif kind == EventType.RUN_COMPLETED:
            trace.end = payload.get("end")
            trace.outcome = payload.get("outcome") or "completed"
            self._run_ended(trace, "completed", now)
        elif kind == EventType.STAGE_FAULTED:
            self.faults[payload["stage"]] += 1
        elif kind == EventType.RUN_FAILED:
            trace.error = payload.get("reason", "")
            self.failures[trace.error] += 1
            self._run_ended(trace, "failed", now)
        elif kind == EventType.RUN_CANCELED:
            self._run_ended(trace, "canceled", now)

    # --- what only the simulator knows ---------------------------------------------------

    def item_finished(
        self, step_id: str, assignee: str, created: float, started: float, ended: float
    ) -> None:
        """A simulated person finished an item: split its time into queue wait and work."""
        tally = self.steps.get(step_id)
        if tally is not None:
            tally.waits.append(started - created)
            tally.works.append(ended - started)
        who = self.assignees[assignee]
        who.items += 1
        who.waits.append(started - created)
