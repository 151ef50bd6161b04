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
kept under /tmp (`benchmarks/rundb.py`; the first build of 100,000 takes minutes), and
on the largest also a page from the middle (`--after` the cursor of the run at half the
list). Its peers are the same three, and `typer`: the same command through Typer (what
`baton runs` did before a plain invocation was answered without it).

Then the statement of a later page alone, in this process (`sqlite3`, best of 5): the
seeking statement `baton runs --after` runs now (`engine.runtime.selection.runs_sql`)
next to the single OR condition it replaced, at pages 1, the middle and the last.

Then the slowest imports of the lazy path (`python -X importtime`), and the targets of
issue 14 (≤ 0.15 s / ≤ 0.40 s / ≤ 0.30 s).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
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
_TYPER = "import sys; from engine.cli.app import main; sys.exit(main(sys.argv[1:]))"


def _peers(args: list[str]) -> dict[str, list[str]]:
    python = sys.executable
    peers = {
        "python": [python, "-c", "pass"],
        "eager": [python, "-c", _EAGER, *args],
        "lazy": [python, "-c", _LAZY, *args],
    }
    if args[:1] == ["runs"]:
        peers["typer"] = [python, "-c", _TYPER, *args]
    return peers


def _middle_cursor(db: Path) -> tuple[str, tuple[str, str]]:
    """The `--after` cursor of the run at half the list of `db`, and its sort key."""
    from engine.api.paging import encode

    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM runs").fetchone()
        key = conn.execute(
            "SELECT started_at, id FROM runs ORDER BY started_at DESC, id LIMIT 1 OFFSET ?",
            (count // 2,),
        ).fetchone()
    return encode(tuple(key)), tuple(key)


# The condition pages after the first used before (one OR: SQLite walks the index from
# its top), as the peer of the statement that seeks.
_OR_PAGE = (
    "SELECT id, definition_id, definition_version, status, current_stage, started_at,"
    " ended_at, error, outcome FROM runs"
    " WHERE started_at < :last_time OR (started_at = :last_time AND id > :last_id)"
    " ORDER BY started_at DESC, id LIMIT :limit"
)


def _page_statements(db: Path, page: int = 101, repeat: int = 5) -> None:
    """Print the best time of the seeking and the OR statement at three pages of `db`."""
    from engine.runtime.selection import RunSelection, runs_sql

    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM runs").fetchone()
        print(f"a page after the first, the statement alone ({count:,} runs, best of {repeat}, ms)")
        for offset in (page - 1, count // 2, count - page):
            key = conn.execute(
                "SELECT started_at, id FROM runs ORDER BY started_at DESC, id LIMIT 1 OFFSET ?",
                (offset,),
            ).fetchone()
            seek, params = runs_sql(RunSelection(after=tuple(key), limit=page))
            times = {}
            for name, statement in (("seek", seek), ("OR", _OR_PAGE)):
                best = float("inf")
                for _ in range(repeat):
                    started = time.perf_counter()
                    rows = conn.execute(statement, params).fetchall()
                    best = min(best, time.perf_counter() - started)
                times[name] = (best, len(rows))
            print(
                f"  after run {offset + 1:>7,}: seek {times['seek'][0] * 1000:7.2f}"
                f"  OR {times['OR'][0] * 1000:7.2f}  ({times['seek'][1]} rows each)"
            )


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
    sizes = [int(n) for n in args.runs_sizes.split(",") if n.strip()]
    for size in sizes:
        cases[f"runs at {size:,} runs"] = (["runs"], 0.30, size)
    if sizes and max(sizes) > 0:
        cursor, _key = _middle_cursor(built_db(max(sizes)))
        cases[f"runs --after (the middle) at {max(sizes):,} runs"] = (
            ["runs", "--after", cursor],
            0.30,
            max(sizes),
        )
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
        eager_cpu = statistics.median(cpu["eager"])
        print(
            f"  lazy cpu median {lazy_cpu:.3f} s = bare interpreter + {extra:.3f} s;"
            f" lazy/eager cpu {lazy_cpu / eager_cpu:.2f}x"
        )
        if "typer" in times:
            typer_cpu = statistics.median(cpu["typer"])
            print(
                f"  lazy/typer median wall {lazy / statistics.median(times['typer']):.2f}x,"
                f" cpu {lazy_cpu / typer_cpu:.2f}x"
            )
        print("  slowest top-level imports of the lazy path (cumulative ms):")
        for micros, name in _slowest_imports(case_args, env):
            print(f"    {micros / 1000:7.1f}  {name}")

    if sizes and max(sizes) > 0:
        _page_statements(built_db(max(sizes)))
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1/5/15 min)")


if __name__ == "__main__":
    main()
