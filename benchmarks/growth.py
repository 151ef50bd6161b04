"""How Baton's per-call latency and size grow with the runs already in the store.

One SQLite file (durable commits, the default) grows through the engine itself: completed
9-step background runs (3 stages x 3 parallel steps, as in `engine_vs_spiff.py`) are added
until it holds each size of `--sizes` (default 0, 10,000 and 100,000 completed runs). The
filling goes through the engine's own start (the same events and rows as `Engine.start`),
`--batch` runs to a transaction, so that 100,000 runs take minutes rather than an hour of
commits. At each size it measures, in the same process and file:

- `start`: starting a run of a one-step interactive orchestration (one transaction), and
  `complete`: completing that run's item (one transaction), `--samples` of each: p50 and
  p99 wall milliseconds, and the CPU milliseconds per call;
- `baton runs`: the first page of the run list, as a user types it (a fresh process; the
  bare interpreter's start-up is printed next to it as the floor);
- the bytes the database takes per completed run (file size after a checkpoint).

The machine may be shared: the peer of each figure is the same figure at 0 runs, measured
in the same run. The last lines are `p99 ratio start: X` and `p99 ratio complete: X`
(largest size against 0 runs).

    .venv/bin/python benchmarks/growth.py [--sizes 0,10000,100000] [--samples N] [--batch N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.engine_vs_spiff import baton_definition  # noqa: E402
from engine.definition import from_dict  # noqa: E402
from engine.runtime import Engine, VirtualClock, triggers  # noqa: E402

ASK = {
    "schema": "baton/1",
    "id": "ask",
    "name": "Ask",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "s",
            "type": "stage",
            "name": "S",
            "steps": [{"id": "ask", "name": "Ask", "type": "interactive", "assignee": "user:ann"}],
        },
        {"id": "end", "type": "end"},
    ],
    "flows": [{"from": "start", "to": "s"}, {"from": "s", "to": "end"}],
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure(engine: Engine, samples: int) -> dict[str, float]:
    for _ in range(10):  # warm the caches the size does not change (plans, statements)
        run_id = engine.start("ask")
        engine.complete_item(engine.open_item_ids(run_id)[0], "ann")
    starts, completes = [], []
    cpu_start = cpu_complete = 0.0
    for _ in range(samples):
        cpu = time.process_time()
        began = time.perf_counter()
        run_id = engine.start("ask")
        starts.append(time.perf_counter() - began)
        cpu_start += time.process_time() - cpu
        (item,) = engine.open_item_ids(run_id)
        cpu = time.process_time()
        began = time.perf_counter()
        engine.complete_item(item, "ann")
        completes.append(time.perf_counter() - began)
        cpu_complete += time.process_time() - cpu
    return {
        "start_p50": statistics.median(starts) * 1000,
        "start_p99": _percentile(starts, 0.99) * 1000,
        "start_cpu": cpu_start / samples * 1000,
        "complete_p50": statistics.median(completes) * 1000,
        "complete_p99": _percentile(completes, 0.99) * 1000,
        "complete_cpu": cpu_complete / samples * 1000,
    }


def _fill(engine: Engine, count: int, batch: int) -> None:
    """Add `count` completed background runs, `batch` of them in each transaction."""
    while count > 0:
        now = min(batch, count)
        with engine.unit() as unit:  # the engine's own call, holding several starts
            for _ in range(now):
                triggers.start(unit, "bench_background")
        count -= now


def _wall(command: list[str], env: dict[str, str], repeat: int = 3) -> tuple[float, float]:
    """Best wall seconds of a command, and the CPU seconds (user + system) of that run."""
    best, best_cpu = float("inf"), 0.0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if wall < best:
            best = wall
            best_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return best, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10000,100000", help="completed runs, ascending")
    parser.add_argument("--samples", type=int, default=300, help="starts and completes each")
    parser.add_argument("--batch", type=int, default=200, help="runs per filling transaction")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    script = Path(sys.executable).parent / "baton"
    baton = [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]
    figures: dict[int, dict[str, float]] = {}
    print("machine may be shared: compare each figure with the same one at 0 runs")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "growth.db"
        env = {**os.environ, "BATON_DB": str(db), "PYTHONPATH": str(ROOT)}
        engine = Engine(str(db), clock=VirtualClock(), outbox=Path(folder) / "outbox")
        engine.add_user("ann")
        engine.activate(from_dict(baton_definition("background")))
        engine.activate(from_dict(ASK))
        filled = 0
        for size in sizes:
            began = time.perf_counter()
            _fill(engine, size - filled, max(1, args.batch))
            filled = max(filled, size)
            fill_s = time.perf_counter() - began
            engine.store.checkpoint()
            measured = _measure(engine, args.samples)
            engine.store.checkpoint()
            total_runs = filled + (len(figures) + 1) * (args.samples + 10)
            measured["bytes_per_run"] = db.stat().st_size / max(total_runs, 1)
            measured["runs_wall"], measured["runs_cpu"] = _wall([*baton, "runs"], env)
            measured["python_wall"], measured["python_cpu"] = _wall(
                [sys.executable, "-c", "pass"], env
            )
            figures[size] = measured
            print(
                f"{size:>7,} completed runs (filled in {fill_s:.0f} s): "
                f"start p50 {measured['start_p50']:.1f} ms p99 {measured['start_p99']:.1f} ms "
                f"(CPU {measured['start_cpu']:.1f} ms); "
                f"complete p50 {measured['complete_p50']:.1f} ms "
                f"p99 {measured['complete_p99']:.1f} ms (CPU {measured['complete_cpu']:.1f} ms); "
                f"`baton runs` {measured['runs_wall']:.2f} s, CPU {measured['runs_cpu']:.2f} s "
                f"(bare python {measured['python_wall']:.2f} s, "
                f"CPU {measured['python_cpu']:.2f} s); "
                f"{measured['bytes_per_run']:,.0f} bytes per run"
            )
        engine.close()
    first, last = figures[sizes[0]], figures[sizes[-1]]
    print(f"p99 ratio start: {last['start_p99'] / first['start_p99']:.2f}")
    print(f"p99 ratio complete: {last['complete_p99'] / first['complete_p99']:.2f}")


if __name__ == "__main__":
    main()
