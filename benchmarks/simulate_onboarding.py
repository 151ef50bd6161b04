"""Benchmark: simulate 1,000 runs of the employee onboarding example.

Prints `simulate_1000_s: X` (wall seconds of the whole simulation, the best of `--rounds`
rounds since the machine is shared) and `simulate_1000_cpu_s` (CPU seconds, which outside
load barely moves), and beside them the peer: the same scenario on the in-memory SQL store
(`simulate(..., in_memory=False)`, how every simulation ran before), with whether both gave
the same results. Issue 14's target: 10,000 runs in at most 20 s.
The scenario is USERS.md story 4 at scale: hires arriving at 20 a day, people with
realistic work times and a few per team.

    .venv/bin/python benchmarks/simulate_onboarding.py [--runs N] [--rounds R]\
        [--peer-runs N] [--profile]
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
    """Run the benchmark and print the figures, the SQL-store peer's beside them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="report the best of R rounds")
    parser.add_argument(
        "--peer-runs",
        type=int,
        default=None,
        help="runs for the peer on the SQL store (default: --runs; 0 skips it)",
    )
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile")
    args = parser.parse_args()
    definition = load_definition(EXAMPLE)
    chosen = scenario(args.runs)
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        simulate(definition, chosen)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
        return
    wall, cpu, result = _timed(definition, chosen, args.rounds, in_memory=True)
    assert result.runs_started == args.runs, result.runs_started
    print(
        f"runs: {result.runs_started} started, {result.runs_completed} completed, "
        f"{result.runs_failed} failed; cycle p50 {result.cycle_time.p50:.1f} h"
    )
    print(f"in memory: wall {wall:.2f} s, cpu {cpu:.2f} s ({cpu / args.runs * 1000:.2f} ms/run)")
    peer_runs = args.runs if args.peer_runs is None else args.peer_runs
    if peer_runs:
        # The peer: the same scenario through the Engine over an in-memory SQL store (how
        # every simulation ran before the in-memory shell), measured in this same process.
        peer_wall, peer_cpu, peer = _timed(definition, scenario(peer_runs), 1, in_memory=False)
        per_run = peer_cpu / peer_runs * 1000
        print(
            f"SQL store ({peer_runs} runs): wall {peer_wall:.2f} s, cpu {peer_cpu:.2f} s "
            f"({per_run:.2f} ms/run)"
        )
        ratio = (peer_cpu / peer_runs) / (cpu / args.runs)
        print(f"cpu per run, SQL store / in memory: {ratio:.1f}x")
        if peer_runs == args.runs:
            same = peer.to_json() == result.to_json()
            print(f"same results: {'yes' if same else 'NO'}")
    print(f"simulate_{args.runs}_s: {wall:.2f}")
    print(f"simulate_{args.runs}_cpu_s: {cpu:.2f}")


if __name__ == "__main__":
    main()
