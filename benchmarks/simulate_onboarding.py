"""Benchmark: simulate 1,000 runs of the employee onboarding example.

Prints `simulate_1000_s: X`: wall seconds for the whole simulation, including the
in-memory store set-up; the best of `--rounds` rounds, since the machine is shared.
The scenario is USERS.md story 4 at scale: hires arriving at 20 a day, people with
realistic work times and a few per team.

    .venv/bin/python benchmarks/simulate_onboarding.py [--runs N] [--rounds R] [--profile]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from engine.definition import load_definition
from engine.simulation import Scenario, scenario_from_dict, simulate

EXAMPLE = (
    Path(__file__).resolve().parent.parent / "resources/examples/employee_onboarding.baton.json"
)


def scenario(runs: int) -> Scenario:
    """Hires at 20 a day; HR, IT and managers with a few workers each."""
    return scenario_from_dict(
        {
            "definition": "employee_onboarding",
            "seed": 7,
            "arrivals": {"runs": runs, "per_day": 20},
            "steps": {
                "contract": {
                    "duration": {
                        "kind": "triangular",
                        "low": "PT1H",
                        "mode": "PT2H",
                        "high": "PT8H",
                    },
                    "outputs": {
                        "decision": {
                            "choices": [
                                {"value": "approve", "weight": 0.95},
                                {"value": "reject", "weight": 0.05},
                            ]
                        }
                    },
                },
                "badge": {"duration": {"kind": "exponential", "mean": "P1D"}},
                "payroll": {"failure_probability": 0.02},
                "laptop": {"duration": {"kind": "lognormal", "mean": "PT6H", "spread": "PT3H"}},
                "accounts": {"duration": {"kind": "uniform", "low": "PT1H", "high": "PT3H"}},
                "plan": {"duration": {"kind": "fixed", "value": "PT2H"}},
            },
            "assignees": {
                "group:hr": {"workers": 3},
                "group:it": {"workers": 6},
                "queue:it_service_desk": {"workers": 3},
                "user:manager": {"workers": 4},
            },
        }
    )


def main() -> None:
    """Run the benchmark once and print the figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="report the best of R rounds")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile")
    args = parser.parse_args()
    definition = load_definition(EXAMPLE)
    chosen = scenario(args.runs)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    times = []
    for _ in range(1 if args.profile else max(1, args.rounds)):
        began = time.perf_counter()
        result = simulate(definition, chosen)
        times.append(time.perf_counter() - began)
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    assert result.runs_started == args.runs, result.runs_started
    print(
        f"runs: {result.runs_started} started, {result.runs_completed} completed, "
        f"{result.runs_failed} failed; cycle p50 {result.cycle_time.p50:.1f} h"
    )
    print("rounds_s: " + ", ".join(f"{t:.2f}" for t in times))
    print(f"simulate_{args.runs}_s: {min(times):.2f}")


if __name__ == "__main__":
    main()
