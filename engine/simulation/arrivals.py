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
        return following if following <= self.horizon else None

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
