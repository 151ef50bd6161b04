"""Across all runs of a version: per step, how many runs are there now, how long they spend
there, how often it failed; and which runs are stuck and why (Qt-free).

Built from the runs' logs with the same replay the history view uses, so the numbers agree
with what the overlay shows run by run. Time spent counts every visit of a step: from its
start to its end, or to now for a step still open (so a step where runs pile up shows its
waiting even before anyone finishes it).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from designer.canvas.overlay.heatmap import HeatCell, HeatmapData, format_hours
from designer.runs.formatting import counted
from designer.runs.moments import snapshot_at
from engine.definition import Orchestration
from engine.runtime.events import EventType
from engine.runtime.plan import Plan
from engine.runtime.protocol import RunEngine
from engine.store import parse_time

OPEN = ("ready", "running", "waiting")
ENDED = (
    EventType.STEP_COMPLETED,
    EventType.STEP_FAILED,
    EventType.STEP_SKIPPED,
    EventType.STEP_CANCELED,
)
HEAT_RUNS = 1000
"""Runs a heatmap counts at first: the newest of the version (more on request)."""
METRICS = {
    "now": "Runs at this step now",
    "median": "Median time spent at the step",
    "failures": "Failures",
}


@dataclass
class StepAggregate:
    """One step over the runs of a version."""

    step_id: str
    now: int = 0
    spent_hours: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def median_hours(self) -> float:
        """Median hours a visit of this step took (or has taken so far)."""
        return statistics.median(self.spent_hours) if self.spent_hours else 0.0


@dataclass
class StuckRun:
    """A run that needs a person, and why (the engine's reasons)."""

    run_id: str
    stage: str | None
    reasons: list[str]


@dataclass
class RunsAggregate:
    """Every step's numbers, and the stuck runs, for one version of an orchestration."""

    orchestration: str
    version: int | None
    runs: int
    steps: dict[str, StepAggregate]
    stuck: list[StuckRun]
    logs: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    """The logs it was made from (kept by the panel for the next refresh)."""
    more: bool = False
    """Older runs of the version were left out (only the newest `runs` are counted)."""


def aggregate_runs(
    definition: Orchestration,
    logs: Mapping[str, list[dict[str, Any]]],
    now: datetime,
    stuck: Iterable[Mapping[str, Any]] = (),
    version: int | None = None,
) -> RunsAggregate:
    """Fold the logs of a version's runs (run id -> events) into per-step numbers."""
    steps = {step.id: StepAggregate(step.id) for _, step in definition.steps()}
    plan = Plan.build(definition)
    for events in logs.values():
        snapshot = snapshot_at(plan, events)
        live = snapshot.status not in ("completed", "failed", "canceled")
        for step_id, status in snapshot.steps.items():
            if live and status in OPEN and step_id in steps:
                steps[step_id].now += 1
        _time_spent(events, steps, now)
    wanted = set(logs)
    return RunsAggregate(
        orchestration=definition.id,
        version=version,
        runs=len(logs),
        steps=steps,
        stuck=[
            StuckRun(run_id=r["id"], stage=r.get("stage"), reasons=list(r.get("reasons") or []))
            for r in stuck
            if r["id"] in wanted
        ],
    )


def _time_spent(
    events: list[dict[str, Any]], steps: dict[str, StepAggregate], now: datetime
) -> None:
    started: dict[str, datetime] = {}
    for event in events:
        kind, data = event["type"], event.get("payload") or {}
        step_id = data.get("step")
        if step_id not in steps:
            continue
        if kind == EventType.STEP_STARTED:
            started[step_id] = parse_time(event["time"])
        elif kind in ENDED and step_id in started:
            spent = parse_time(event["time"]) - started.pop(step_id)
            steps[step_id].spent_hours.append(spent.total_seconds() / 3600)
        if kind == EventType.STEP_FAILED:
            steps[step_id].failures += 1
    for step_id, since in started.items():
        steps[step_id].spent_hours.append(max(0.0, (now - since).total_seconds() / 3600))


def load_aggregate(
    engine: RunEngine,
    orchestration: str,
    version: int | None,
    known: Mapping[str, list[dict[str, Any]]] | None = None,
    limit: int | None = HEAT_RUNS,
) -> RunsAggregate:
    """Read a version's newest runs and their logs (on the engine's thread) and aggregate.

    `version` None takes the version of the newest run. At most `limit` runs are counted,
    the newest (None: all); the result says when older ones were left out (`more`), so a
    database of many thousands of runs does not mean reading every log to paint a heatmap.
    `known`: whole logs already held (a `KnownLogs` copy), read again only for the runs
    not in it: on Temporal each log is a query of its workflow, so a refresh after one
    change reads one run, not all.
    """
    if version is None:
        newest = engine.runs(orchestration=orchestration, limit=1)
        if not newest:
            return RunsAggregate(orchestration, None, 0, {}, [])
        version = newest[0]["version"]
    page = None if limit is None else limit + 1  # one more tells whether runs were left out
    runs = engine.runs(orchestration=orchestration, version=version, limit=page)
    more = limit is not None and len(runs) > limit
    runs = runs[:limit] if more else runs
    with engine.store.read() as conn:
        definition = engine.plan(orchestration, version, conn).definition
    known = known or {}
    logs = {r["id"]: known.get(r["id"]) or engine.log(r["id"]) for r in runs}
    # Stuck reasons of the counted runs only: the engine checks just those.
    since = parse_time(runs[-1]["started_at"]) if more else None
    stuck = engine.runs(
        stuck=True, orchestration=orchestration, version=version, started_after=since
    )
    found = aggregate_runs(definition, logs, engine.clock.now(), stuck, version)
    found.logs, found.more = logs, more
    return found


class KnownLogs:
    """Whole logs of runs, kept up to date from the bridge's change signals (UI thread).

    A log read whole (`keep`) grows with each `events_appended`; a run whose new events do
    not follow on from what is held (a missed poll) is dropped and read whole next time.
    """

    def __init__(self) -> None:
        self._logs: dict[str, list[dict[str, Any]]] = {}

    def keep(self, logs: Mapping[str, list[dict[str, Any]]]) -> None:
        """Hold these whole logs (as read by `load_aggregate`)."""
        for run_id, log in logs.items():
            if run_id not in self._logs or len(log) >= len(self._logs[run_id]):
                self._logs[run_id] = list(log)

    def append(self, run_id: str, events: list[dict[str, Any]]) -> None:
        """New events of a run (the change feed's), added if they follow on."""
        held = self._logs.get(run_id)
        if held is None:
            return
        last = held[-1]["seq"] if held else 0
        new = [e for e in events if e["seq"] > last]
        if new and new[0]["seq"] != last + 1:
            del self._logs[run_id]  # a gap: read it whole next time
            return
        held.extend(new)

    def copy(self) -> dict[str, list[dict[str, Any]]]:
        """A copy for the engine's thread (the lists here keep growing on this one)."""
        return {run_id: list(log) for run_id, log in self._logs.items()}

    def forget(self) -> None:
        """Drop everything (another orchestration, another engine)."""
        self._logs.clear()


def heatmap_of_runs(aggregate: RunsAggregate, metric: str = "now") -> HeatmapData:
    """The aggregate as a heatmap coloured by `metric` (`now`, `median` or `failures`).

    The bottleneck is the step most runs sit at now (ties: the longer median time).
    """
    cells = {}
    for step_id, step in aggregate.steps.items():
        value = {"now": step.now, "median": step.median_hours, "failures": step.failures}[metric]
        parts = [f"{step.now} now"]
        if step.spent_hours:
            parts.append(format_hours(step.median_hours))
        if step.failures:
            parts.append(f"{step.failures} failed")
        cells[step_id] = HeatCell(
            value=float(value),
            label=" · ".join(parts),
            tooltip=(
                f"{counted(step.now, 'run')} here now; {counted(len(step.spent_hours), 'visit')},"
                f" median {format_hours(step.median_hours)}; {counted(step.failures, 'failure')}"
            ),
        )
    crowded = [s for s in aggregate.steps.values() if s.now > 0]
    worst = max(crowded, key=lambda s: (s.now, s.median_hours), default=None)
    top = max((c.value for c in cells.values()), default=0.0)
    unit = format_hours if metric == "median" else (lambda v: f"{v:g}")
    runs = counted(aggregate.runs, "run")
    return HeatmapData(
        title=f"{METRICS[metric]} · {'newest ' if aggregate.more else ''}{runs}"
        f" of v{aggregate.version}",
        cells=cells,
        low_text=unit(0.0),
        high_text=unit(top),
        bottleneck=worst.step_id if worst else None,
        bottleneck_note=(
            f"{worst.now} of {counted(aggregate.runs, 'run')} {'is' if worst.now == 1 else 'are'}"
            f" at {worst.step_id} now "
            f"(median {format_hours(worst.median_hours)} there)"
            if worst
            else ""
        ),
    )
