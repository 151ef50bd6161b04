"""How long hostile expressions take to be refused, next to an ordinary condition (the peer).

Run: `.venv/bin/python benchmarks/expression_limits.py [--timeout S]`. Each hostile
expression is evaluated in its own process (memory capped at 3 GB, killed after `--timeout`
seconds), so the script can also measure a Baton that does not refuse them: put that
checkout first on PYTHONPATH (`PYTHONPATH=/path/to/old .venv/bin/python benchmarks/...`).
The peer is the same ordinary condition evaluated in the same run, in microseconds, so the
cost of metering on the engine's hot path shows next to the refusals.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

HOSTILE = [
    "[[[1] * 10000] * 10000] * 10000",
    "str([[1] * 10000] * 10000)",
    "[[1] * 10000] * 10000 == [[1] * 10000] * 10000",
    "1 in [[1] * 10000] * 10000",
    "max([[1] * 10000] * 10000)",
    "f'{[[1] * 10000] * 10000}'",
    "[[amount] * amount] * amount",
    "[[0] * 9999 == [0] * 9999 for i in 'a' * 1000]",
    "[len(str([0] * 3000)) for i in 'a' * 1000]",
    "round(1, -10 ** 9)",
    "1 in record",
]
ORDINARY = "amount > 1000 and record.status == 'hired' and customer.lower().startswith('a')"

_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
from engine.expressions import Namespace, evaluate
names = {"amount": 10000, "customer": "Ada", "record": Namespace({"status": "hired"})}
started = time.perf_counter()
try:
    evaluate(sys.argv[1], names)
    outcome = "evaluated"
except Exception as exc:
    outcome = type(exc).__name__ + ": " + str(exc)[-60:]
print(json.dumps({"seconds": time.perf_counter() - started, "outcome": outcome}))
"""


def measure_hostile(text: str, timeout: float) -> tuple[str, str]:
    """(time, outcome) of evaluating `text` in a fresh, memory-capped process."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, text],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s", "killed (still running)"
    if done.returncode != 0 or not done.stdout.strip():
        return "-", f"crashed (exit {done.returncode}): {done.stderr.strip()[-60:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return f"{result['seconds'] * 1000:.2f} ms", result["outcome"]


def measure_ordinary(repeat: int) -> float:
    """Median microseconds to evaluate the ordinary condition (parse cached)."""
    from engine.expressions import Namespace, evaluate

    names = {"amount": 1200, "customer": "Ada", "record": Namespace({"status": "hired"})}
    evaluate(ORDINARY, names)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(100):
            evaluate(ORDINARY, names)
        times.append((time.perf_counter() - started) / 100 * 1e6)
    return statistics.median(times)


def main() -> None:
    """Measure each hostile expression, then the peer; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for text in HOSTILE:
        elapsed, outcome = measure_hostile(text, args.timeout)
        print(f"{elapsed:>12}  {text[:50]:<50}  {outcome}")
    print(f"ordinary_condition_us: {measure_ordinary(args.repeat):.1f}")


if __name__ == "__main__":
    main()
