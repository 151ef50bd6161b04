"""HTTP API under load: requests/s and latency for event delivery and item completion,
next to the very same engine calls made in-process (the peer), in the same run.

Several client threads (each its own keep-alive connection) send events that each complete
one waiting run, then complete work items (each completion finishes one run), through a
real `baton serve` on loopback. The peer makes the same calls on the same kind of prepared
runs with the same number of threads sharing one in-process `Engine`, as the server does.
Bounded: each phase stops after --count calls or --seconds, whichever comes first.

Run:  .venv/bin/python benchmarks/api_load.py [--clients 4] [--count 400] [--seconds 30]
      [--db postgresql://...]    (default: a fresh SQLite file in a temporary folder)
The machine is usually shared: read the figures next to their peer, never alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.api.tokens import create_token  # noqa: E402
from engine.definition import from_dict  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.engine.api.server_process import ServerProcess  # noqa: E402


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


def _process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by a process: `pid` from /proc (Linux), or
    this process when None."""
    if pid is None:
        return time.process_time()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _drive(
    clients: int,
    work: list[str],
    call: Callable[[int, str], None],
    seconds: float,
    cpu_of: int | None = None,
) -> dict[str, float]:
    """Spread `work` over `clients` threads calling `call(client, unit)`; time every call.

    `cpu_of`: the process whose CPU time the calls cost (the server), None for this one.
    On a loaded machine wall-clock rates move with the neighbours; CPU per call less so."""
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
    cpu_before = _process_cpu(cpu_of)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu = _process_cpu(cpu_of) - cpu_before
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


def main(argv: list[str] | None = None) -> int:
    """Run both phases over HTTP and in-process; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--count", type=int, default=400, help="calls per phase and mode")
    parser.add_argument("--seconds", type=float, default=30.0, help="time cap per phase")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.clients < 1:
        parser.error("--count and --clients must be at least 1")

    with tempfile.TemporaryDirectory(prefix="baton-api-load-") as folder:
        db = args.db or str(Path(folder) / "baton.db")
        os.environ["BATON_OUTBOX"] = str(Path(folder) / "outbox")
        engine = Engine(db)
        engine.add_user("ann", groups=["desk"])
        engine.add_user("esign")
        for kind in ("events", "items"):
            engine.activate(_definition(kind))
        tokens = {name: create_token(engine, name, "load").secret for name in ("ann", "esign")}
        print(f"preparing {4 * args.count} runs on {engine.store.url} ...", file=sys.stderr)
        http_keys, http_items = _prepare(engine, "http", args.count)
        peer_keys, peer_items = _prepare(engine, "peer", args.count)

        results: dict[tuple[str, str], dict[str, float]] = {}
        server = ServerProcess(db)
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

            pid = server.pid
            results["event delivery", "HTTP"] = _drive(
                args.clients, http_keys, http_event, args.seconds, pid
            )
            results["item completion", "HTTP"] = _drive(
                args.clients, http_items, http_complete, args.seconds, pid
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

        results["event delivery", "in-process"] = _drive(
            args.clients, peer_keys, peer_event, args.seconds
        )
        results["item completion", "in-process"] = _drive(
            args.clients, peer_items, peer_complete, args.seconds
        )
        engine.close()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n{args.clients} concurrent clients, up to {args.count} calls or {args.seconds:.0f} s "
        f"per row; {os.cpu_count()} CPUs, load average {load:.1f} at the end"
    )
    print("(CPU ms/call: the server process's CPU over HTTP, this process's in-process)")
    print(
        f"{'call':<17} {'mode':<11} {'calls':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms/call':>12}"
    )
    for (call, mode), r in results.items():
        print(
            f"{call:<17} {mode:<11} {r['calls']:>6.0f} {r['per_s']:>8.1f} "
            f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['cpu_ms']:>12.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
