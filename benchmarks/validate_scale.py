"""How long `validate` takes on a 2,000-step definition (200 stages x 10 steps).

Run: `.venv/bin/python benchmarks/validate_scale.py [--stages N] [--steps N] [--repeat N]`.
The budget is 100 ms (issue 2); for 50,000 steps (`--stages 5000`) it is 250 ms (issue 14).
Prints the first (cold: every expression parsed) and the median (warm: the designer
re-validating after an edit) times, and the least CPU time of one call (the machine may be
shared: CPU time is what outside load barely moves); the last line is `validate_ms: X`, the
median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: find benchmarks/

from benchmarks.synthetic import generate
from engine.validation import validate
from engine.validation.expression_rules import analyse


def main() -> None:
    """Generate the definition, time validation, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=200)
    parser.add_argument("--steps", type=int, default=10, help="steps per stage")
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()

    definition = generate(args.stages, args.steps)
    steps = len(definition.steps())
    analyse.cache_clear()
    started = time.perf_counter()
    diagnostics = validate(definition)
    cold_ms = (time.perf_counter() - started) * 1000
    if diagnostics:
        raise SystemExit(f"the synthetic definition should be clean, got: {diagnostics[:3]}")

    times, cpu = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        validate(definition)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    print(f"definition: {args.stages} stages, {steps} steps, {len(definition.flows)} flows")
    print(f"cold_ms: {cold_ms:.1f}")
    print(f"min_ms: {min(times):.1f}")
    print(f"cpu_min_ms: {min(cpu):.1f}")
    print(f"validate_ms: {statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
