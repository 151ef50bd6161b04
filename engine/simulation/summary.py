"""Building a `SimulationResult` from a simulator's tallies, pools and traces.

Time series are time-weighted means over `SERIES_BINS` equal bins of the simulated span;
utilization counts only working time (an item in progress over a weekend is paused).
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING

from engine.definition import InteractiveStep
from engine.simulation.results import (
    SERIES_BINS,
    AssigneeResult,
    Bottleneck,
    RunOutcome,
    SimulationResult,
    StageResult,
    Stats,
    StepResult,
)

if TYPE_CHECKING:
    from engine.simulation.pools import Pool
    from engine.simulation.simulator import Simulator


def bin_edges(end: float) -> list[float]:
    """`SERIES_BINS` equal time bins over [0, end] (seconds), the last edge exactly `end`."""
    width = end / SERIES_BINS
    return [i * width for i in range(SERIES_BINS)] + [end]


def _integrals(pool: Pool, end: float, edges: list[float]) -> tuple[list[float], list[float]]:
    """Per bin: time integral of items waiting, and of workers busy in working hours.

    An item in progress over a night or weekend is paused (see `WorkCalendar.finish`), so
    only working time counts as busy.
    """
    queue = [0.0] * (len(edges) - 1)
    busy = [0.0] * (len(edges) - 1)
    points = [*pool.points, (end, 0, 0)]
    working_seconds = pool.calendar.working_seconds
    b = 0
    for (t0, waiting, working), (t1, _, _) in itertools.pairwise(points):
        t1 = min(t1, end)
        while t0 < t1 and b < len(queue):
            stop = min(t1, edges[b + 1])
            queue[b] += waiting * (stop - t0)
            if working:
                busy[b] += working * working_seconds(t0, stop)
            if stop >= edges[b + 1]:
                b += 1
            t0 = stop
    return queue, busy


def _assignee(sim: Simulator, pool: Pool, end: float) -> AssigneeResult:
    tally = sim.recorder.assignees.get(pool.name)
    edges = bin_edges(end)
    width = edges[1]
    queue, busy = _integrals(pool, end, edges)
    cal = pool.calendar
    utilization, available_hours = [], []
    for i, used in enumerate(busy):
        available = pool.workers * cal.working_seconds(edges[i], edges[i + 1])
        utilization.append(min(1.0, used / available) if available > 0 else 0.0)
        available_hours.append(available / 3600)
    available = pool.workers * cal.working_seconds(0.0, end)
    return AssigneeResult(
        assignee=pool.name,
        workers=pool.workers,
        items=tally.items if tally else 0,
        overdue=tally.overdue if tally else 0,
        wait=Stats.of_seconds(tally.waits if tally else []),
        max_waiting=max(p[1] for p in pool.points),
        utilization=min(1.0, sum(busy) / available) if available > 0 else 0.0,
        series_hours=[e / 3600 for e in edges[1:]],
        series_queue=[q / width for q in queue],
        series_utilization=utilization,
        series_capacity=available_hours,
    )


def _steps(sim: Simulator) -> dict[str, StepResult]:
    out = {}
    for stage, step in sim.definition.steps():
        tally = sim.recorder.steps[step.id]
        out[step.id] = StepResult(
            step_id=step.id,
            stage_id=stage.id,
            name=step.name or step.id,
            type=step.type,
            assignee=step.assignee if isinstance(step, InteractiveStep) else None,
            started=tally.started,
            completed=tally.completed,
            skipped=tally.skipped,
            failed=tally.failed,
            canceled=tally.canceled,
            failed_attempts=tally.failed_attempts,
            overdue=tally.overdue,
            escalated=tally.escalated,
            timed_out=tally.timed_out,
            time=Stats.of_seconds(tally.totals),
            wait=Stats.of_seconds(tally.waits),
            work=Stats.of_seconds(tally.works),
        )
    return out


def _stages(sim: Simulator) -> dict[str, StageResult]:
    out = {}
    traces = sim.recorder.runs.values()
    for stage in sim.definition.stages():
        visits = [t.visits[stage.id] for t in traces if stage.id in t.visits]
        tallies = [sim.recorder.steps[step.id] for step in stage.steps]
        out[stage.id] = StageResult(
            stage_id=stage.id,
            name=stage.name or stage.id,
            visits=sum(visits),
            runs=len(visits),
            runs_looping=sum(1 for v in visits if v > 1),
            max_visits=max(visits, default=0),
            time=Stats.of_seconds(sim.recorder.stages[stage.id]),
            wait=Stats.of_seconds([w for s in tallies for w in s.waits]),
            work=Stats.of_seconds([w for s in tallies for w in s.works]),
        )
    return out


def _bottleneck(
    steps: dict[str, StepResult], assignees: dict[str, AssigneeResult]
) -> Bottleneck | None:
    waited = [s for s in steps.values() if s.wait.count and s.wait.mean > 0]
    if not waited:
        return None
    worst = max(waited, key=lambda s: s.wait.mean)
    who = assignees.get(worst.assignee or "")
    util = who.utilization if who else None
    busy = f", busy {util:.0%} of its working time" if util is not None else ""
    return Bottleneck(
        step_id=worst.step_id,
        assignee=worst.assignee,
        mean_wait_h=worst.wait.mean,
        utilization=util,
        message=(
            f"{worst.name} ({worst.assignee}): items wait {_human(worst.wait.mean)} on average "
            f"before anyone picks them up{busy}"
        ),
    )


def _human(hours: float) -> str:
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"


def build_result(sim: Simulator) -> SimulationResult:
    """Turn a finished (or canceled) simulator's tallies into a `SimulationResult`."""
    rec = sim.recorder
    end = max(sim.now, 1.0)
    traces = sorted(rec.runs.values(), key=lambda t: t.number)
    cycles = [t.ended - t.started for t in traces if t.status == "completed" and t.ended]
    ends: dict[str, int] = {}
    for t in traces:
        if t.end:
            ends[t.end] = ends.get(t.end, 0) + 1
    decisions: dict[str, dict[str, int]] = {}
    for (decision, target), count in sorted(rec.decisions.items()):
        decisions.setdefault(decision, {})[target] = count
    steps = _steps(sim)
    assignees = {name: _assignee(sim, pool, end) for name, pool in sorted(sim.pools.items())}
    edges = bin_edges(end)
    flight = _flight(rec.in_flight, end, edges)
    statuses = [t.status for t in traces]
    return SimulationResult(
        definition=sim.definition.id,
        seed=sim.scenario.seed,
        start=sim.origin.isoformat(),
        canceled=sim.canceled,
        virtual_hours=sim.now / 3600,
        arrivals=sim.arrived,
        runs_started=len(traces),
        runs_completed=statuses.count("completed"),
        runs_failed=statuses.count("failed"),
        runs_canceled=statuses.count("canceled"),
        runs_unfinished=sum(1 for s in statuses if s not in ("completed", "failed", "canceled")),
        throughput_per_day=statuses.count("completed") / (end / 86400),
        cycle_time=Stats.of_seconds(cycles),
        ends=ends,
        failures=dict(sorted(rec.failures.items())),
        sla_breaches=sum(s.overdue for s in steps.values()),
        decisions=decisions,
        stages=_stages(sim),
        steps=steps,
        assignees=assignees,
        in_flight_hours=[e / 3600 for e in edges[1:]],
        in_flight=flight,
        bottleneck=_bottleneck(steps, assignees),
        runs=[
            RunOutcome(
                number=t.number,
                status=t.status,
                end=t.end,
                started_h=t.started / 3600,
                cycle_h=(t.ended - t.started) / 3600 if t.ended is not None else None,
                error=t.error,
                outcome=t.outcome,
            )
            for t in traces
        ],
        notes=list(sim.notes),
        outcomes=dict(Counter(t.outcome for t in traces if t.outcome).most_common()),
        faults=dict(sorted(rec.faults.items())),
        runs_requested=sim.scenario.arrivals.runs,
        shortfall=None
        if sim.canceled
        else sim.arrivals.shortfall(
            sim.arrived, sim.scenario.until, sim.scenario.record is not None
        ),
    )


def _flight(points: list[tuple[float, int]], end: float, edges: list[float]) -> list[float]:
    """Mean number of runs in flight per bin."""
    sums = [0.0] * (len(edges) - 1)
    points = [*points, (end, 0)]
    b = 0
    for (t0, count), (t1, _) in itertools.pairwise(points):
        t1 = min(t1, end)
        while t0 < t1 and b < len(sums):
            stop = min(t1, edges[b + 1])
            sums[b] += count * (stop - t0)
            if stop >= edges[b + 1]:
                b += 1
            t0 = stop
    width = edges[1] - edges[0]
    return [s / width for s in sums]
