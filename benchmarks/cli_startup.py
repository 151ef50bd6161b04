"""Wall time of `baton --version` and `baton validate EXAMPLE`, lazy imports vs eager ones.

Run: `.venv/bin/python benchmarks/cli_startup.py [--repeat N]`.

Each case runs in a fresh interpreter `--repeat` times (like hyperfine) and prints the
minimum and the median wall and CPU time (user + system, which outside load moves less) of
three peers measured in the same run, interleaved so a burst of load on the shared machine
hits all three alike:

- `python`: the bare interpreter (`-c pass`), the floor nothing can go below;
- `eager`: the previous start-up, every subcommand module and plugin registered first;
- `lazy`: what `baton` does now (only the asked-for command's module is imported; a bare
  `--version` is answered before the command-line framework is).

Then the slowest imports of the lazy path (`python -X importtime`), and the targets of
issue 14 (≤ 0.15 s / ≤ 0.40 s).
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "resources/examples/employee_onboarding.baton.json")
CASES = {"--version": (["--version"], 0.15), "validate": (["validate", EXAMPLE], 0.40)}
_LAZY = "import sys; from engine.cli import main; sys.exit(main(sys.argv[1:]))"
_EAGER = (
    "import sys; from engine.cli.app import main, register_commands; "
    "register_commands(None); sys.exit(main(sys.argv[1:]))"
)


def _peers(args: list[str]) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "python": [python, "-c", "pass"],
        "eager": [python, "-c", _EAGER, *args],
        "lazy": [python, "-c", _LAZY, *args],
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wall(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of `command`."""
    cpu_started = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # validate exits 1 on errors; anything else is a bug
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, _children_cpu() - cpu_started


def _slowest_imports(args: list[str], count: int = 6) -> list[tuple[int, str]]:
    """Top-level imports of the lazy path by cumulative microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _LAZY, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match:  # a top-level import has no indent before its name
            rows.append((int(match[1]), match[2]))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    """Time every case and peer, print the figures and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    for case, (case_args, target) in CASES.items():
        peers = _peers(case_args)
        for command in peers.values():
            _wall(command)  # warm the file cache and .pyc files
        times: dict[str, list[float]] = {name: [] for name in peers}
        cpu: dict[str, list[float]] = {name: [] for name in peers}
        for _ in range(args.repeat):
            for name, command in peers.items():
                wall, used = _wall(command)
                times[name].append(wall)
                cpu[name].append(used)
        print(f"baton {case}  ({args.repeat} runs each, seconds)")
        for name, values in times.items():
            print(
                f"  {name:<7} wall min {min(values):.3f}  median {statistics.median(values):.3f}"
                f"   cpu min {min(cpu[name]):.3f}  median {statistics.median(cpu[name]):.3f}"
            )
        lazy = statistics.median(times["lazy"])
        eager = statistics.median(times["eager"])
        lazy_cpu = statistics.median(cpu["lazy"])
        bare_cpu = statistics.median(cpu["python"])
        verdict = "meets" if lazy <= target else "misses"
        print(f"  lazy/eager median {lazy / eager:.2f}x; target <= {target:.2f} s: {verdict} it")
        extra = lazy_cpu - bare_cpu
        print(f"  lazy cpu median {lazy_cpu:.3f} s = bare interpreter + {extra:.3f} s")
        print("  slowest top-level imports of the lazy path (cumulative ms):")
        for micros, name in _slowest_imports(case_args):
            print(f"    {micros / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()
