"""Wall time of `baton --version`, `baton validate EXAMPLE` and `baton runs`, lazy vs eager.

Run: `.venv/bin/python benchmarks/cli_startup.py [--repeat N] [--runs-sizes 0,100000]`.

Each case runs in a fresh interpreter `--repeat` times (like hyperfine) and prints the
minimum and the median wall and CPU time (user + system, which outside load moves less) of
three peers measured in the same run, interleaved so a burst of load on the shared machine
hits all three alike:

- `python`: the bare interpreter (`-c pass`), the floor nothing can go below;
- `eager`: the previous start-up, every subcommand module and plugin registered first;
- `lazy`: what `baton` does now (only the asked-for command's module is imported; a bare
  `--version` is answered before the command-line framework is).

`baton runs` (the first page, as a user types it) is timed on databases holding each of
`--runs-sizes` completed runs (default 0 and 100,000), built once through the engine and
kept under /tmp (`benchmarks/rundb.py`; the first build of 100,000 takes minutes). Its
peers are the same three, and `baton --version`, measured in the same run.

Then the slowest imports of the lazy path (`python -X importtime`), and the targets of
issue 14 (≤ 0.15 s / ≤ 0.40 s / ≤ 0.30 s).
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
sys.path.insert(0, str(ROOT))

from benchmarks.rundb import built_db  # noqa: E402

EXAMPLE = str(ROOT / "resources/examples/employee_onboarding.baton.json")
# Case name: (arguments, target wall seconds, completed runs in BATON_DB or None).
CASES: dict[str, tuple[list[str], float, int | None]] = {
    "--version": (["--version"], 0.15, None),
    "validate": (["validate", EXAMPLE], 0.40, None),
}
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


def _wall(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of `command`."""
    cpu_started = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):  # validate exits 1 on errors; anything else is a bug
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, _children_cpu() - cpu_started


def _slowest_imports(
    args: list[str], env: dict[str, str] | None = None, count: int = 6
) -> list[tuple[int, str]]:
    """Top-level imports of the lazy path by cumulative microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _LAZY, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
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
    parser.add_argument(
        "--runs-sizes", default="0,100000", help="completed runs in the `baton runs` databases"
    )
    args = parser.parse_args()
    cases = dict(CASES)
    for size in (int(n) for n in args.runs_sizes.split(",") if n.strip()):
        cases[f"runs at {size:,} runs"] = (["runs"], 0.30, size)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")

    for case, (case_args, target, runs) in cases.items():
        env = None if runs is None else {**os.environ, "BATON_DB": str(built_db(runs))}
        peers = _peers(case_args)
        for command in peers.values():
            _wall(command, env)  # warm the file cache and .pyc files
        times: dict[str, list[float]] = {name: [] for name in peers}
        cpu: dict[str, list[float]] = {name: [] for name in peers}
        for _ in range(args.repeat):
            for name, command in peers.items():
                wall, used = _wall(command, env)
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
        for micros, name in _slowest_imports(case_args, env):
            print(f"    {micros / 1000:7.1f}  {name}")

    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")


if __name__ == "__main__":
    main()
