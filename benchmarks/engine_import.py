"""CPU and wall time of importing the local `Engine`, with croniter left to schedules.

Run: `.venv/bin/python benchmarks/engine_import.py [--repeat N]`.

Every command that moves runs (`baton start`, `complete`, `activate`, `serve`, the designer's
live panels) imports `engine.runtime.Engine`. Its triggers module used to import croniter
(and with it dateutil) at the top; now only computing a cron slot does. Three peers run in
fresh interpreters, interleaved so a burst of load on the shared machine hits all alike:

- `python`: the bare interpreter (`-c pass`), the floor;
- `engine`: `from engine.runtime import Engine`, as it is now;
- `engine+croniter`: the same with croniter imported first, i.e. the previous cost.

The figure is the difference of the medians, in CPU (user + system, which load moves less
than wall) and wall time; then croniter's own cumulative import time from `-X importtime`.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = {
    "python": "pass",
    "engine": "from engine.runtime import Engine",
    "engine+croniter": "import croniter; from engine.runtime import Engine",
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(code: str) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter running `code`."""
    cpu_started = _children_cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - started, _children_cpu() - cpu_started


def _croniter_import_ms() -> float:
    """croniter's cumulative import time (ms) when imported on its own."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import croniter"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"import time:\s+\d+ \|\s+(\d+) \| croniter$", done.stderr, re.M)
    return int(match[1]) / 1000 if match else float("nan")


def main() -> None:
    """Time the three peers and print medians and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")
    for code in PEERS.values():
        _once(code)  # warm the file cache and .pyc files
    wall: dict[str, list[float]] = {name: [] for name in PEERS}
    cpu: dict[str, list[float]] = {name: [] for name in PEERS}
    for _ in range(args.repeat):
        for name, code in PEERS.items():
            spent_wall, spent_cpu = _once(code)
            wall[name].append(spent_wall)
            cpu[name].append(spent_cpu)
    print(f"{args.repeat} fresh interpreters each, medians in ms")
    for name in PEERS:
        print(
            f"  {name:<16} cpu {statistics.median(cpu[name]) * 1000:7.1f}"
            f"   wall {statistics.median(wall[name]) * 1000:7.1f}"
        )
    saved_cpu = statistics.median(cpu["engine+croniter"]) - statistics.median(cpu["engine"])
    saved_wall = statistics.median(wall["engine+croniter"]) - statistics.median(wall["engine"])
    engine_cpu = statistics.median(cpu["engine"]) - statistics.median(cpu["python"])
    print(
        f"  croniter left out: {saved_cpu * 1000:.1f} ms cpu, {saved_wall * 1000:.1f} ms wall "
        f"(importing Engine costs {engine_cpu * 1000:.1f} ms cpu over the bare interpreter)"
    )
    print(f"  croniter alone, -X importtime cumulative: {_croniter_import_ms():.1f} ms")


if __name__ == "__main__":
    main()
