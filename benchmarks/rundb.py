"""A SQLite database holding N completed background runs, built once and kept under /tmp.

Filling 100,000 runs through the engine takes minutes (growth.py's batched starts), so the
benchmarks that only need such a database (`cli_startup.py` for `baton runs`, `prune.py`)
share one copy per size and schema revision: `/tmp/baton-bench/runs-<N>-<revision>.db`.
A benchmark that changes the database works on a copy (`copy_of`).

    .venv/bin/python benchmarks/rundb.py 100000     # build (or find) it, print its path
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.engine_vs_spiff import baton_definition  # noqa: E402
from benchmarks.growth import ASK, _fill  # noqa: E402
from engine.definition import from_dict  # noqa: E402
from engine.runtime import Engine, VirtualClock  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.store.migrate import HEAD  # noqa: E402

CACHE = Path("/tmp/baton-bench")


def built_db(runs: int, batch: int = 200) -> Path:
    """The cached database with `runs` completed 9-step background runs (built if missing).

    The runs start on the virtual clock's first morning (2026-01-05 09:00 UTC), so to a
    wall clock they are all old. The orchestrations `bench_background` and `ask` (one
    interactive step for user `ann`) are active.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"runs-{runs}-{HEAD}.db"
    if target.exists():
        return target
    partial = target.with_suffix(".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    began = time.perf_counter()
    older = sorted(CACHE.glob(f"runs-{runs}-*.db"))
    if older:
        # One built at an earlier schema revision: upgrading a copy takes seconds, not minutes.
        shutil.copyfile(older[-1], partial)
        Store(str(partial), upgrade=True).close()
        partial.rename(target)
        print(f"upgraded {older[-1].name} to {target.name}", file=sys.stderr)
        return target
    engine = Engine(str(partial), clock=VirtualClock(), outbox=CACHE / "outbox")
    engine.add_user("ann")
    engine.activate(from_dict(baton_definition("background")))
    engine.activate(from_dict(ASK))
    _fill(engine, runs, batch)
    engine.store.checkpoint()
    engine.close()
    # Renamed only when whole, so an interrupted build is never taken for a finished one.
    partial.rename(target)
    print(f"built {target} ({runs:,} runs) in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return target


def copy_of(runs: int, folder: Path) -> Path:
    """A private copy of `built_db(runs)` in `folder`, for a benchmark that changes it."""
    copy = folder / f"runs-{runs}.db"
    shutil.copyfile(built_db(runs), copy)
    return copy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int)
    print(built_db(parser.parse_args().runs))
