"""What a simulation reports: plain dataclasses, JSON-ready, keyed by element ids.

Times are hours. Per-step results are keyed by step id so a designer can paint them on the
diagram (`SimulationResult.heatmap`); per-assignee results carry time series (queue length
and utilization per time bin) for plots.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

SERIES_BINS = 100
HEAT_METRICS = (
    "mean_wait_h",
    "mean_work_h",
    "mean_time_h",
    "started",
    "failed",
    "overdue",
)


@dataclass
class SimulationProgress:
    """Where a running simulation is (for a progress bar)."""

    runs_started: int
    runs_finished: int
    runs_planned: int
    virtual_hours: float
    fraction: float


@dataclass
class Stats:
    """Summary of durations in hours (all zero when there are none)."""

    count: int = 0
    mean: float = 0.0
    p50: float = 0.0
    p90: float = 0.0
    p99: float = 0.0
    min: float = 0.0
    max: float = 0.0

    @classmethod
    def of_seconds(cls, values: list[float]) -> Stats:
        """Stats of durations given in seconds."""
        if not values:
            return cls()
        hours = sorted(v / 3600 for v in values)
        return cls(
            count=len(hours),
            mean=math.fsum(hours) / len(hours),
            p50=percentile(hours, 50),
            p90=percentile(hours, 90),
            p99=percentile(hours, 99),
            min=hours[0],
            max=hours[-1],
        )


def percentile(ordered: list[float], pct: float) -> float:
    """Linear-interpolated percentile of sorted values."""
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class StepResult:
    """One step over all runs: counts, total time, and queue wait vs work for items."""

    step_id: str
    stage_id: str
    name: str
    type: str
    assignee: str | None
    started: int
    completed: int
    skipped: int
    failed: int
    canceled: int
    failed_attempts: int
    overdue: int
    escalated: int
    timed_out: int
    time: Stats
    wait: Stats
    work: Stats

    @property
    def mean_wait_h(self) -> float:
        """Mean hours an item waited in its assignee's queue."""
        return self.wait.mean

    @property
    def mean_work_h(self) -> float:
        """Mean hours an assignee worked on an item."""
        return self.work.mean

    @property
    def mean_time_h(self) -> float:
        """Mean hours from the step's start to its completion."""
        return self.time.mean


@dataclass
class StageResult:
    """One stage: how often entered, how long it took, how many runs came back to it.

    `wait` and `work` cover the work items of its steps (per item), like `StepResult`.
    """

    stage_id: str
    name: str
    visits: int
    runs: int
    runs_looping: int
    max_visits: int
    time: Stats
    wait: Stats
    work: Stats


@dataclass
class AssigneeResult:
    """One assignee (user, group or queue): load, waiting, utilization over time."""

    assignee: str
    workers: int
    items: int
    overdue: int
    wait: Stats
    max_waiting: int
    utilization: float
    series_hours: list[float]
    series_queue: list[float]
    series_utilization: list[float]
    # Working hours (not a time of day) the workers had in each bin, 0 over nights and weekends:
    # what a reader needs to merge bins into days or weeks without counting nights as idle.
    series_capacity: list[float] = field(default_factory=list)


@dataclass
class RunOutcome:
    """One simulated run, by its arrival number."""

    number: int
    status: str
    end: str | None
    started_h: float
    cycle_h: float | None
    error: str | None
    outcome: str | None = None


@dataclass
class Bottleneck:
    """The step whose items wait longest in a queue, and the assignee behind it."""

    step_id: str
    assignee: str | None
    mean_wait_h: float
    utilization: float | None
    message: str


@dataclass
class SimulationResult:
    """Everything a simulation measured; `to_json()` gives plain JSON data.

    Times of day in the series (`*_hours`) count from `start`, the scenario's first moment.
    """

    definition: str
    seed: int
    start: str
    canceled: bool
    virtual_hours: float
    arrivals: int
    runs_started: int
    runs_completed: int
    runs_failed: int
    runs_canceled: int
    runs_unfinished: int
    throughput_per_day: float
    cycle_time: Stats
    ends: dict[str, int]
    failures: dict[str, int]
    sla_breaches: int
    decisions: dict[str, dict[str, int]]
    stages: dict[str, StageResult]
    steps: dict[str, StepResult]
    assignees: dict[str, AssigneeResult]
    in_flight_hours: list[float]
    in_flight: list[float]
    bottleneck: Bottleneck | None
    runs: list[RunOutcome]
    notes: list[str] = field(default_factory=list)
    # Completed runs by their end's outcome ("completed", "rejected", ...), most first.
    outcomes: dict[str, int] = field(default_factory=dict)
    # Stage id -> how often runs left it along its fault route.
    faults: dict[str, int] = field(default_factory=dict)
    # The scenario's `arrivals.runs` (None: no number asked for), and when fewer arrived,
    # why and what to change, in one sentence.
    runs_requested: int | None = None
    shortfall: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (floats rounded to 6 places, stable across platforms)."""
        return _rounded(asdict(self))

    def heatmap(self, metric: str = "mean_wait_h", normalized: bool = False) -> dict[str, float]:
        """Per-step values of one metric (see `HEAT_METRICS`), for colouring the diagram.

        Args:
            metric: which value; hours for the `mean_*` metrics, counts for the others.
            normalized: scale to 0..1 by the largest value (all 0 when every value is 0).
        """
        if metric not in HEAT_METRICS:
            raise ValueError(f"unknown heatmap metric {metric!r}; use one of {HEAT_METRICS}")
        values = {sid: float(getattr(step, metric)) for sid, step in self.steps.items()}
        top = max(values.values(), default=0.0)
        if normalized and top > 0:
            return {sid: value / top for sid, value in values.items()}
        return values

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Flat rows of one table (`steps`, `stages`, `assignees`, `runs`), e.g. for CSV.

        Stats become `FIELD_mean`, `FIELD_p90`, ... columns; time series are left out.
        """
        if table not in ("steps", "stages", "assignees", "runs"):
            raise ValueError(f"unknown table {table!r}; use steps, stages, assignees or runs")
        source = self.to_json()[table]
        records = source if isinstance(source, list) else list(source.values())
        return [_flat(record) for record in records]


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        elif not isinstance(value, list):
            flat[key] = value
    return flat


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value
