"""Simulation: many runs of one definition on the real runtime, a virtual clock and memory.

`simulate(definition, scenario)` drives the very `Engine` that runs live orchestrations
(DESIGN rule 8: no second interpreter) through a `Scenario` of arrivals, durations,
outcomes and capacities, and returns a `SimulationResult` (throughput, cycle times, time
per stage and step split into queue wait and work, utilization over time, bottleneck).

For a UI: pass `progress` (called with `SimulationProgress`) and `should_cancel` (polled;
True stops early with partial results), run it off the UI thread, then read
`result.heatmap("mean_wait_h")` for per-step colours and `result.assignees[...]` for plots.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.definition import Orchestration
from engine.simulation.fit import assignees_of, check_scenario, starter_scenario
from engine.simulation.results import (
    HEAT_METRICS,
    AssigneeResult,
    Bottleneck,
    RunOutcome,
    SimulationProgress,
    SimulationResult,
    StageResult,
    Stats,
    StepResult,
)
from engine.simulation.scenario import (
    SCENARIO_SUFFIX,
    Scenario,
    ScenarioError,
    dumps_scenario,
    load_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_path_for,
)
from engine.simulation.simulator import Simulator


def simulate(
    definition: Orchestration,
    scenario: Scenario | None = None,
    *,
    progress: Callable[[SimulationProgress], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    source: str | None = None,
    in_memory: bool = True,
) -> SimulationResult:
    """Simulate a definition under a scenario (defaults when None); deterministic per seed.

    `in_memory=False` runs it on an in-memory SQL store instead of the faster in-memory
    engine (see `Simulator`); the results are the same.

    Raises:
        ScenarioError: the scenario names steps, outputs, inputs or assignees the definition
            does not have.
        ActivationRefused: the definition has validation errors.
    """
    chosen = scenario or Scenario(definition=definition.id)
    check_scenario(chosen, definition, source)
    return Simulator(definition, chosen, progress, should_cancel, in_memory).run()


__all__ = [
    "HEAT_METRICS",
    "SCENARIO_SUFFIX",
    "AssigneeResult",
    "Bottleneck",
    "RunOutcome",
    "Scenario",
    "ScenarioError",
    "SimulationProgress",
    "SimulationResult",
    "Simulator",
    "StageResult",
    "Stats",
    "StepResult",
    "assignees_of",
    "check_scenario",
    "dumps_scenario",
    "load_scenario",
    "save_scenario",
    "scenario_from_dict",
    "scenario_path_for",
    "simulate",
    "starter_scenario",
]
