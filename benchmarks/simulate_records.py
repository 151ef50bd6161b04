"""Benchmark: simulate record-driven examples, in memory and on the SQL store, in one run.

Each arrival creates a record and the example's record trigger decides whether a run
starts (`record` in the scenario). Until the in-memory engine did records, such a scenario
always ran on the in-memory SQL store; that path (`simulate(..., in_memory=False)`) is the
peer, measured in the same process right after, on the same scenario and seed. Prints wall
and CPU seconds of each (the best of `--rounds`; CPU time barely moves with outside load),
the CPU ratio per run, and whether both gave the same results.

    .venv/bin/python benchmarks/simulate_records.py [--runs N] [--rounds R]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from engine.definition import load_definition
from engine.simulation import Scenario, scenario_from_dict, simulate

EXAMPLES = Path(__file__).resolve().parent.parent / "resources/examples"


def _choose(**weights: float) -> dict[str, Any]:
    return {"choices": [{"value": v, "weight": w} for v, w in weights.items()]}


def scenarios(runs: int) -> dict[str, Scenario]:
    """The two record-triggered examples, each arrival creating a record."""
    return {
        # Hires at 20 a day; one in ten records is a candidate, which starts nothing.
        "employee_onboarding": scenario_from_dict(
            {
                "definition": "employee_onboarding",
                "seed": 7,
                "arrivals": {"runs": runs, "per_day": 20},
                "record": {"status": _choose(hired=0.9, candidate=0.1)},
                "steps": {
                    "contract": {"duration": {"kind": "fixed", "value": "PT2H"}},
                    "badge": {"duration": {"kind": "exponential", "mean": "P1D"}},
                    "payroll": {"failure_probability": 0.02},
                    "laptop": {"duration": {"kind": "fixed", "value": "PT6H"}},
                },
                "assignees": {
                    "group:hr": {"workers": 3},
                    "group:it": {"workers": 6},
                    "queue:it_service_desk": {"workers": 3},
                    "user:manager": {"workers": 4},
                },
            }
        ),
        # New accounts at 10 a day, a fifth of them prospects (no run).
        "customer_onboarding": scenario_from_dict(
            {
                "definition": "customer_onboarding",
                "seed": 7,
                "arrivals": {"runs": runs, "per_day": 10},
                "record": {"type": _choose(Customer=0.8, Prospect=0.2)},
                "steps": {"setup_form": {"duration": {"kind": "exponential", "mean": "P2D"}}},
                "default_capacity": {"workers": 4},
            }
        ),
    }


def _timed(definition, chosen, rounds: int, in_memory: bool):
    """Best wall and CPU seconds of `rounds` simulations, and the last result."""
    walls, cpus = [], []
    for _ in range(max(1, rounds)):
        began, cpu_began = time.perf_counter(), time.process_time()
        result = simulate(definition, chosen, in_memory=in_memory)
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu_began)
    return min(walls), min(cpus), result


def main() -> None:
    """Run both examples both ways and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="arrivals per example")
    parser.add_argument("--rounds", type=int, default=1, help="report the best of R rounds")
    args = parser.parse_args()
    for name, chosen in scenarios(args.runs).items():
        definition = load_definition(EXAMPLES / f"{name}.baton.json")
        wall, cpu, fast = _timed(definition, chosen, args.rounds, in_memory=True)
        peer_wall, peer_cpu, stored = _timed(definition, chosen, args.rounds, in_memory=False)
        started = fast.runs_started
        print(
            f"{name}: {args.runs} arrivals (records), {started} runs started, "
            f"{fast.runs_completed} completed"
        )
        print(
            f"  in memory: wall {wall:.2f} s, cpu {cpu:.2f} s ({cpu / started * 1000:.2f} ms/run)"
        )
        print(
            f"  SQL store (before): wall {peer_wall:.2f} s, cpu {peer_cpu:.2f} s "
            f"({peer_cpu / started * 1000:.2f} ms/run)"
        )
        print(f"  cpu, SQL store / in memory: {peer_cpu / cpu:.1f}x")
        print(f"  same results: {'yes' if fast.to_json() == stored.to_json() else 'NO'}")


if __name__ == "__main__":
    main()
