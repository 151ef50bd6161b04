"""HTTP API under load: requests/s and latency for event delivery and item completion,
next to the very same engine calls made in-process (the peer), in the same run.

Several client threads (each its own keep-alive connection) send events that each complete
one waiting run, then complete work items (each completion finishes one run), through a
real `baton serve` on loopback. The peer makes the same calls on the same kind of prepared
runs with the same number of threads sharing one in-process `Engine`, as the server does.
Bounded: each phase stops after --count calls or --seconds, whichever comes first.

With `--runtime both` it does all of that twice: on the local runtime, then with runs on a
Temporal dev server it starts on loopback (the `temporal` extra), served by a `baton worker`
subprocess, the peer being an in-process `TemporalEngine` shared by the threads. Each row
also gives the CPU time spent per call by the processes doing the work (server, or this
process for the peer; on Temporal also the worker and the dev server), which reads better
than wall time on a loaded machine.

Run:  .venv/bin/python benchmarks/api_load.py [--clients 4] [--count 400] [--seconds 30]
      [--db postgresql://...] [--runtime local|temporal|both]
      (default: a fresh SQLite file in a temporary folder, local runtime)
The machine is usually shared: read the figures next to their peer, never alone.
"""

from __future__ import annotations

import argparse
import os
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

from engine.api.tokens import create_token  # noqa: E402
from engine.definition import from_dict  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.engine.api.server_process import ServerProcess, baton_command  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _definition(kind: str):
    step = (
        {"id": "signed", "type": "wait", "event": "signed", "key": "deal", "timeout": "P5D"}
        if kind == "events"
        else {"id": "approve", "type": "interactive", "assignee": "group:desk"}
    )
    return from_dict(
        {
            "schema": "baton/1",
            "id": kind,
            "name": kind.title(),
            "trigger": {"type": "manual"},
            "variables": [{"name": "deal", "type": "text", "input": True}],
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "s", "type": "stage", "name": "S", "steps": [step]},
                {"id": "end", "type": "end"},
            ],
            "flows": [{"from": "start", "to": "s"}, {"from": "s", "to": "end"}],
        }
    )


def _prepare(engine: Engine, tag: str, count: int) -> tuple[list[str], list[str]]:
    """`count` runs waiting for an event (their keys) and `count` with an open item."""
    keys, items = [], []
    for i in range(count):
        key = f"{tag}-{i}"
        engine.start("events", {"deal": key})
        keys.append(key)
        run_id = engine.start("items", {"deal": key})
        items.append(engine.open_item_ids(run_id)[0])
    return keys, items


def _cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) used so far by these processes (0 for this process means
    `time.process_time`), from /proc where there is one."""
    total = 0.0
    for pid in pids:
        if pid == 0:
            total += time.process_time()
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def _drive(
    clients: int,
    work: list[str],
    call: Callable[[int, str], None],
    seconds: float,
    pids: list[int],
) -> dict[str, float]:
    """Spread `work` over `clients` threads calling `call(client, unit)`; time every call
    and the CPU time `pids` spent meanwhile."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    shares = [work[i::clients] for i in range(clients)]

    def client(index: int) -> None:
        mine = []
        for unit in shares[index]:
            if time.perf_counter() > deadline:
                break
            began = time.perf_counter()
            try:
                call(index, unit)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    cpu_before = _cpu_seconds(pids)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu = _cpu_seconds(pids) - cpu_before
    if failures:
        raise SystemExit(f"{len(failures)} calls failed, e.g. {failures[0]}")
    latencies.sort()
    return {
        "calls": len(latencies),
        "per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "cpu_ms": 1000 * cpu / max(1, len(latencies)),
    }


def _measure(
    args: argparse.Namespace,
    engine: Any,
    db: str,
    env: dict[str, str],
    helpers: list[int],
) -> dict[tuple[str, str], dict[str, float]]:
    """Both phases over HTTP, then in-process on `engine`; `helpers` are the processes
    beside the server that work for it (a Temporal worker and server)."""
    engine.add_user("ann", groups=["desk"])
    engine.add_user("esign")
    for kind in ("events", "items"):
        engine.activate(_definition(kind))
    tokens = {
        name: create_token(engine.catalogue if hasattr(engine, "catalogue") else engine,
                           name, "load").secret
        for name in ("ann", "esign")
    }  # fmt: skip
    print(f"preparing {4 * args.count} runs ...", file=sys.stderr)
    http_keys, http_items = _prepare(engine, "http", args.count)
    peer_keys, peer_items = _prepare(engine, "peer", args.count)

    results: dict[tuple[str, str], dict[str, float]] = {}
    server = ServerProcess(db, env=env)
    try:
        senders = [server.client(tokens["esign"]) for _ in range(args.clients)]
        workers = [server.client(tokens["ann"]) for _ in range(args.clients)]

        def http_event(i: int, key: str) -> None:
            reply = senders[i].post("/v1/events", json={"name": "signed", "key": key})
            if reply.status_code != 200 or len(reply.json()["runs"]) != 1:
                raise RuntimeError(reply.text)

        def http_complete(i: int, item: str) -> None:
            reply = workers[i].post(f"/v1/work/{item}/complete", json={"outputs": {}})
            if reply.status_code != 200:
                raise RuntimeError(reply.text)

        pids = [server.pid, *helpers]
        results["event delivery", "HTTP"] = _drive(
            args.clients, http_keys, http_event, args.seconds, pids
        )
        results["item completion", "HTTP"] = _drive(
            args.clients, http_items, http_complete, args.seconds, pids
        )
        for client in senders + workers:
            client.close()
    finally:
        server.stop()

    def peer_event(_i: int, key: str) -> None:
        if len(engine.send_event("signed", key, {})) != 1:
            raise RuntimeError(f"event {key} reached no run")

    def peer_complete(_i: int, item: str) -> None:
        engine.complete_item(item, "ann", {})

    pids = [0, *helpers]
    results["event delivery", "in-process"] = _drive(
        args.clients, peer_keys, peer_event, args.seconds, pids
    )
    results["item completion", "in-process"] = _drive(
        args.clients, peer_items, peer_complete, args.seconds, pids
    )
    return results


def _local(args: argparse.Namespace, folder: str) -> dict[tuple[str, str], dict[str, float]]:
    db = args.db or str(Path(folder) / "baton.db")
    engine = Engine(db)
    try:
        return _measure(args, engine, db, {}, [])
    finally:
        engine.close()


def _temporal(args: argparse.Namespace, folder: str) -> dict[tuple[str, str], dict[str, float]]:
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine
    from tests.engine.temporal.server import DevServer, find_temporal

    binary = find_temporal()
    if binary is None:
        raise SystemExit("the `temporal` CLI is not installed (scripts/setup.sh installs it)")
    db = args.db or str(Path(folder) / "catalogue.db")
    dev = DevServer(binary)
    env = {"BATON_RUNTIME": dev.address(), "BATON_TASK_QUEUE": "baton-load"}
    catalogue = Engine(db)
    worker = subprocess.Popen(
        [*baton_command(), "worker", "--db", db],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stderr=subprocess.DEVNULL,
    )
    engine = TemporalEngine(TemporalAddress(dev.target, "default", "baton-load"), catalogue)
    try:
        return _measure(args, engine, db, env, [worker.pid, dev.process.pid])
    finally:
        engine.close()
        worker.terminate()
        worker.wait(30)
        dev.stop()


def main(argv: list[str] | None = None) -> int:
    """Run both phases over HTTP and in-process, on each runtime asked for; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--count", type=int, default=400, help="calls per phase and mode")
    parser.add_argument("--seconds", type=float, default=30.0, help="time cap per phase")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument(
        "--runtime", choices=("local", "temporal", "both"), default="local",
        help="where runs are held (temporal: a dev server started here)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.count < 1 or args.clients < 1:
        parser.error("--count and --clients must be at least 1")
    if args.db and args.runtime == "both":
        parser.error("--db goes with one runtime (each needs a fresh database)")

    table: dict[tuple[str, str, str], dict[str, float]] = {}
    for runtime in ("local", "temporal"):
        if args.runtime not in (runtime, "both"):
            continue
        with tempfile.TemporaryDirectory(prefix="baton-api-load-") as folder:
            os.environ["BATON_OUTBOX"] = str(Path(folder) / "outbox")
            measure = _local if runtime == "local" else _temporal
            for (call, mode), row in measure(args, folder).items():
                table[runtime, call, mode] = row

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n{args.clients} concurrent clients, up to {args.count} calls or {args.seconds:.0f} s "
        f"per row; {os.cpu_count()} CPUs, load average {load:.1f} at the end"
    )
    print(
        f"{'runtime':<9} {'call':<17} {'mode':<11} {'calls':>6} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'CPU ms/call':>11}"
    )
    for (runtime, call, mode), r in table.items():
        print(
            f"{runtime:<9} {call:<17} {mode:<11} {r['calls']:>6.0f} {r['per_s']:>8.1f} "
            f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['cpu_ms']:>11.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
