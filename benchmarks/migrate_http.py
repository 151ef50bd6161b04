"""One `POST /v1/migrations` moving thousands of runs, and a colleague starting runs meanwhile.

Builds `--runs` open runs of a one-stage orchestration (version 1) on one database, then
activates version 2 (one more step in that stage) and starts a real `baton serve` on it.
An admin moves every run with one request (`"all": true`) while a colleague's client starts
runs of another orchestration (`POST /v1/runs`) one after another. Printed, measured in the
same run:

- the move: wall time, ms per run, the server's CPU time;
- the colleague's start latency (p50, p95, max) during the move, next to the peer: the
  same client starting runs for the same length of time with no move going on.

Each run moves in its own short write transaction, so the colleague's worst start waits for
about one run's move, not for the whole request.

Run:  .venv/bin/python benchmarks/migrate_http.py [--runs 2000] [--db URL]
(default: a fresh SQLite file in a temporary folder). The machine is usually shared: read
the figures next to their peer, never alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.api_load import _cpu_seconds  # noqa: E402
from engine.api.tokens import create_token  # noqa: E402
from engine.runtime import Engine, triggers  # noqa: E402
from tests.engine.api.server_process import ServerProcess  # noqa: E402
from tests.engine.runtime.builders import (  # noqa: E402
    background,
    interactive,
    orchestration,
    stage,
)


def _build(engine: Engine, count: int) -> None:
    engine.add_user("root", admin=True)
    engine.add_user("ann")
    engine.activate(orchestration("desk", stage("s", interactive("answer", "user:ann"))))
    engine.activate(orchestration("hire", stage("s", interactive("sign", "user:ann"))))
    for first in range(0, count, 200):
        with engine.unit() as unit:
            for _ in range(min(200, count - first)):
                triggers.start(unit, "hire")
    note = background("note", action="set_variables", inputs={})
    engine.activate(orchestration("hire", stage("s", interactive("sign", "user:ann"), note)))


def _colleague(client, stop: threading.Event, latencies: list[float]) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        reply = client.post("/v1/runs", json={"orchestration": "desk"})
        if reply.status_code not in (200, 201):
            raise SystemExit(f"start failed: {reply.status_code} {reply.text}")
        latencies.append(time.perf_counter() - began)


def _summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{len(ordered):>6} starts  p50 {statistics.median(ordered) * 1000:7.1f} ms"
        f"  p95 {p95 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms"
    )


def main() -> None:
    """Build, move with one request while a colleague works, then the peer window."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="open runs moved")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="baton-migrate-http-")
    db = args.db or str(Path(folder) / "baton.db")
    engine = Engine(db, outbox=Path(folder) / "outbox")
    began = time.perf_counter()
    _build(engine, args.runs)
    print(f"built {args.runs} runs of version 1 in {time.perf_counter() - began:.1f} s")
    admin = create_token(engine, "root", "bench").secret
    colleague = create_token(engine, "ann", "bench").secret
    engine.close()

    server = ServerProcess(db, env={"BATON_OUTBOX": str(Path(folder) / "outbox")})
    try:
        mover = server.client(admin, timeout=3600)
        worker = server.client(colleague, timeout=600)
        during: list[float] = []
        stop = threading.Event()
        thread = threading.Thread(target=_colleague, args=(worker, stop, during))
        thread.start()
        cpu_before = _cpu_seconds([server.pid])
        began = time.perf_counter()
        body = {"orchestration": "hire", "from": 1, "to": 2, "all": True, "reason": "bench"}
        reply = mover.post("/v1/migrations", json=body)
        move_s = time.perf_counter() - began
        move_cpu = _cpu_seconds([server.pid]) - cpu_before
        stop.set()
        thread.join()
        if reply.status_code != 200:
            raise SystemExit(f"move failed: {reply.status_code} {reply.text}")
        result = reply.json()
        if len(result["moved"]) != args.runs:
            moved, refused = len(result["moved"]), result["refused"][:3]
            raise SystemExit(f"moved {moved} of {args.runs}: {refused}")

        alone: list[float] = []
        stop = threading.Event()
        thread = threading.Thread(target=_colleague, args=(worker, stop, alone))
        thread.start()
        time.sleep(move_s)
        stop.set()
        thread.join()
        mover.close()
        worker.close()
    finally:
        server.stop()

    print(
        f"POST /v1/migrations, {args.runs} runs: {move_s:.1f} s wall"
        f" ({move_s * 1000 / args.runs:.2f} ms per run), server CPU {move_cpu:.1f} s"
    )
    print(f"colleague during the move:   {_summary(during)}")
    print(f"peer, nobody moving runs:    {_summary(alone)}")


if __name__ == "__main__":
    main()
