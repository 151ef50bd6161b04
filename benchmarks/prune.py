"""`baton prune` of 100,000 finished runs: how long it takes, how long it holds the write
lock, and what a colleague starting runs meanwhile notices.

    .venv/bin/python benchmarks/prune.py [--runs 100000] [--batch 200] [--archive]

On a private copy of `benchmarks/rundb.py`'s database (completed 9-step background runs,
built once and kept under /tmp), in this order, all in one run of the script:

1. peer: a second process starts runs of a one-step interactive orchestration for a few
   seconds with nobody else writing (start latency p50 / max);
2. the dry run (counting only), wall and CPU;
3. the prune itself (`--yes`, optionally `--archive`), wall and CPU, runs per second, the
   longest write transaction, while the same second process starts runs all along (its
   start latency p50 / max next to the peer's);
4. `--vacuum`'s VACUUM: wall, and the file before and after.

The machine may be shared: the load average is printed, and each figure has its peer from
the same run (CPU time moves less than wall time under load).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.rundb import copy_of  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from engine.runtime.retention import prune, reclaim_space  # noqa: E402

# The colleague: starts runs of `ask` until the stop file appears, then prints latencies.
_STARTER = """
import json, sys, time
from pathlib import Path
from engine.runtime import Engine
engine = Engine(sys.argv[1], outbox=Path(sys.argv[3]))
stop, took = Path(sys.argv[2]), []
print("ready", flush=True)
while not stop.exists():
    began = time.perf_counter()
    engine.start("ask")
    took.append(time.perf_counter() - began)
    time.sleep(0.02)
print(json.dumps(took))
"""


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _starting(db: Path, folder: Path, label: str) -> tuple[subprocess.Popen, Path]:
    stop = folder / f"stop-{label}"
    process = subprocess.Popen(
        [sys.executable, "-c", _STARTER, str(db), str(stop), str(folder / "outbox")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    # Timing starts once it has imported the engine (seconds on a loaded machine).
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process, stop


def _stopped(process: subprocess.Popen, stop: Path) -> list[float]:
    stop.touch()
    out, _ = process.communicate(timeout=600)
    return json.loads(out)


def _latency(took: list[float]) -> str:
    if not took:
        return "no starts"
    return (
        f"{len(took)} starts, p50 {statistics.median(took) * 1000:.0f} ms, "
        f"max {max(took) * 1000:.0f} ms"
    )


def _file_mb(db: Path) -> float:
    wal = db.with_name(db.name + "-wal")
    return (db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6


def main() -> None:
    """Measure and print (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--archive", action="store_true", help="archive while pruning")
    parser.add_argument("--peer-seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"load average {_load()} (1/5/15 min); machine may be shared")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = copy_of(args.runs, folder)
        print(f"{args.runs:,} completed runs, {_file_mb(db):,.1f} MB")

        process, stop = _starting(db, folder, "peer")
        time.sleep(args.peer_seconds)
        peer = _stopped(process, stop)
        print(f"peer: starting runs with nobody else writing: {_latency(peer)}")

        engine = Engine(str(db), outbox=folder / "outbox")
        cutoff = datetime.now(UTC)
        cpu, began = time.process_time(), time.perf_counter()
        counted = prune(engine, cutoff, dry_run=True, batch=args.batch)
        print(
            f"dry run: {counted.runs:,} runs counted in {time.perf_counter() - began:.1f} s "
            f"(CPU {time.process_time() - cpu:.1f} s)"
        )

        process, stop = _starting(db, folder, "during")
        time.sleep(1.0)  # the colleague is under way before the prune starts
        archive = folder / "archive.jsonl" if args.archive else None
        cpu, began = time.process_time(), time.perf_counter()
        done = prune(engine, cutoff, dry_run=False, batch=args.batch, archive=archive)
        wall, used = time.perf_counter() - began, time.process_time() - cpu
        during = _stopped(process, stop)
        print(
            f"prune: {done.runs:,} runs ({done.rows.get('events', 0):,} events) in {wall:.1f} s "
            f"(CPU {used:.1f} s), {done.runs / wall:,.0f} runs/s, {done.batches} batches of "
            f"{args.batch}; longest write transaction {done.longest_hold_s * 1000:.0f} ms"
            + (f"; archive {archive.stat().st_size / 1e6:,.1f} MB" if archive else "")
        )
        print(f"starting runs during the prune: {_latency(during)}")
        print(f"  (peer, same run, nobody else writing: {_latency(peer)})")

        size_before = _file_mb(db)
        began = time.perf_counter()
        reclaim_space(engine.store)
        print(
            f"--vacuum: {time.perf_counter() - began:.1f} s, "
            f"{size_before:,.1f} MB -> {_file_mb(db):,.1f} MB"
        )
        engine.close()
    print(f"load average {_load()} (1/5/15 min)")


if __name__ == "__main__":
    main()
