"""The designer's first load of the Runs panel, the Heatmap and the Inbox with many runs.

With N open onboarding runs in a local SQLite database (each waiting on HR's contract
check, so each also puts an item in HR's inbox), this times what each panel reads on the
engine's thread when it opens:

* before: as the last release did it, every run of the orchestration: each run read in
  detail (Runs), each run's log (Heatmap), each item and its run's case line (Inbox), and
  stuck reasons checked for every waiting run;
* now: the panels' own load functions, which read the newest page of runs (`RUNS_PAGE`),
  the newest `HEAT_RUNS` runs of the version, the oldest `INBOX_PAGE` items, and stuck
  reasons of the listed runs only (each panel says when its list is cut).

Each figure is the median of R repeats: wall ms and this process's CPU ms. The database is
built once per size under /tmp/baton-bench (10,000 runs take about half a minute).

Run:  .venv/bin/python benchmarks/designer_first_load.py [--runs 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.live.aggregate import load_aggregate  # noqa: E402
from designer.live.inbox import INBOX_PAGE, _load_items  # noqa: E402
from designer.live.runs_panel import RunsPanel, _stuck_map, load_runs_page  # noqa: E402
from engine.definition import load_definition  # noqa: E402
from engine.runtime import Engine, triggers  # noqa: E402
from engine.store.migrate import HEAD  # noqa: E402

EXAMPLE = ROOT / "resources" / "examples" / "employee_onboarding.baton.json"
ORCHESTRATION = "employee_onboarding"
CACHE = Path("/tmp/baton-bench")


def built_db(runs: int) -> Path:
    """A database with `runs` open onboarding runs and HR's `hanna` (built once per size)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"onboarding-{runs}-{HEAD}.db"
    if target.exists():
        return target
    partial = target.with_suffix(".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    engine = Engine(str(partial))
    engine.add_user("hanna", groups=["hr"])
    engine.activate(load_definition(EXAMPLE))
    left = runs
    while left > 0:
        batch = min(200, left)
        with engine.unit() as unit:  # several starts in one transaction, as growth.py does
            for n in range(left - batch, left):
                inputs = {"employee": f"Person {n}", "email": f"p{n}@example.com"}
                triggers.start(unit, ORCHESTRATION, inputs)
        left -= batch
    engine.store.checkpoint()
    engine.close()
    partial.rename(target)
    return target


def runs_before(engine: Engine) -> None:
    summaries = [r for r in engine.runs() if r["orchestration"] == ORCHESTRATION]
    [engine.run(r["id"]) for r in summaries]
    {r["id"]: r["reasons"] for r in engine.runs(stuck=True)}


def runs_now(engine: Engine) -> None:
    page = load_runs_page(engine, ORCHESTRATION)
    _stuck_map(engine, ORCHESTRATION, RunsPanel._window_start(page))


def timed(work: Callable[[], None], repeats: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="open runs (default 10000)")
    parser.add_argument("--repeats", type=int, default=3, help="loads timed (default 3)")
    args = parser.parse_args()
    os.environ.setdefault("BATON_OUTBOX", str(CACHE / "outbox"))
    engine = Engine(str(built_db(args.runs)))
    load = os.getloadavg()[0]
    print(f"{args.runs:,} open runs; first load of each panel; load average {load:.1f}")
    print("| panel | before wall ms | before CPU ms | now wall ms | now CPU ms | CPU ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    cases = (
        ("Runs", lambda: runs_before(engine), lambda: runs_now(engine)),
        (
            "Heatmap",
            lambda: load_aggregate(engine, ORCHESTRATION, None, None, None),
            lambda: load_aggregate(engine, ORCHESTRATION, None),
        ),
        (
            "Inbox",
            lambda: _load_items(engine, "hanna"),
            lambda: _load_items(engine, "hanna", limit=INBOX_PAGE),
        ),
    )
    for name, before, now in cases:
        before_wall, before_cpu = timed(before, args.repeats)
        now_wall, now_cpu = timed(now, args.repeats)
        ratio = before_cpu / now_cpu if now_cpu else float("inf")
        print(
            f"| {name} | {before_wall:,.0f} | {before_cpu:,.0f} | {now_wall:,.0f}"
            f" | {now_cpu:,.0f} | {ratio:.0f}x |",
            flush=True,
        )
    engine.close()


if __name__ == "__main__":
    main()
