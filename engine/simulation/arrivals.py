"""When runs arrive and what they start with."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from engine.definition import Orchestration, parse_duration
from engine.simulation.sampling import named_stream, placeholder, sample_value
from engine.simulation.scenario import Scenario, ValueSpec


class ArrivalPlan:
    """The scenario's arrival process and run inputs.

    Args:
        scenario: the assumptions.
        definition: the orchestration (its input variables).
    """

    def __init__(self, scenario: Scenario, definition: Orchestration) -> None:
        self.arrivals = scenario.arrivals
        self.seed = scenario.seed
        self.inputs_given = scenario.inputs
        self.variables = [v for v in definition.variables if v.input]
        horizon = self.arrivals.horizon
        self.horizon = parse_duration(horizon).total_seconds() if horizon else math.inf
        self._gaps = named_stream(scenario.seed, "arrivals")
        # Whether arrivals stopped because the next one fell past the horizon.
        self.cut_by_horizon = False

    @property
    def planned(self) -> int:
        """How many runs will start (an estimate when a rate and horizon decide)."""
        if self.arrivals.runs is not None:
            return self.arrivals.runs
        return max(1, round(self.horizon / 86400 * (self.arrivals.per_day or 0)))

    def allows(self, number: int) -> bool:
        """Whether run number `number` (1-based) may still start."""
        return self.arrivals.runs is None or number <= self.arrivals.runs

    def next_after(self, now: float) -> float | None:
        """When the next run arrives after one at `now`, or None past the horizon."""
        per_day = self.arrivals.per_day
        if per_day is None:
            gap = 0.0
        elif self.arrivals.pattern == "even":
            gap = 86400 / per_day
        else:
            gap = self._gaps.expovariate(per_day / 86400)
        following = now + gap
        if following > self.horizon:
            self.cut_by_horizon = True
            return None
        return following

    def shortfall(self, arrived: int, until: str | None, records: bool) -> str | None:
        """Why fewer than `runs` arrived, in one sentence saying what to change; None when
        every run asked for arrived (or no number was asked for)."""
        wanted = self.arrivals.runs
        if wanted is None or arrived >= wanted:
            return None
        came = "records were created" if records else "runs arrived"
        if self.cut_by_horizon:
            return (
                f"{arrived} of {wanted} {came} within the arrival horizon "
                f"({_spoken(self.arrivals.horizon or '')}); lengthen the horizon, or remove "
                f"it, to start all {wanted}"
            )
        if until is None:  # the next arrival was more than a year after the last
            return (
                f"{arrived} of {wanted} {came} before the simulation stopped, a year after "
                f"the last arrival; raise `arrivals.per_day` or set a later `until`"
            )
        return (
            f"{arrived} of {wanted} {came} before the simulation stopped at `until` "
            f"({_spoken(until)}); lengthen `until` to start all {wanted}"
        )

    def inputs(self, number: int, now: datetime) -> dict[str, Any]:
        """The inputs of run number `number`: the scenario's specs, else placeholders."""
        # Its own stream, so inputs do not share random numbers with the run's durations.
        rng = named_stream(self.seed, f"inputs:{number}")
        values: dict[str, Any] = {}
        for var in self.variables:
            spec = self.inputs_given.get(var.name)
            if spec is not None:
                values[var.name] = sample_value(spec, rng, number)
            elif var.required and var.default is None:
                values[var.name] = placeholder(var.type, var.name, number, now)
        return values

    def record_fields(self, specs: dict[str, ValueSpec], number: int) -> dict[str, Any]:
        """The extra record fields of arrival number `number` (record-triggered runs)."""
        rng = named_stream(self.seed, f"record:{number}")
        return {name: sample_value(spec, rng, number) for name, spec in specs.items()}


def _spoken(duration: str) -> str:
    """`P30D` as "30 days"; other durations as written."""
    seconds = parse_duration(duration).total_seconds() if duration else 0
    if seconds and seconds % 86400 == 0:
        days = int(seconds // 86400)
        return f"{days} day" + ("s" if days != 1 else "")
    return duration
