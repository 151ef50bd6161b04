"""Webhook delivery: deliveries per second, CPU and database commits per delivery.

A SQLite file (durable commits, the default) gets `--deliveries` queued `item.created`
deliveries (one run started per delivery); then `webhooks.deliver_pending` runs until none
is due, POSTing each to a receiver on loopback that answers 200 at once. The receiver lives
in this (parent) process; each measurement runs in a child process, so its CPU time is the
deliverer's alone.

The peer: the same measurement on another checkout (`--peer DIR`, e.g. a `git worktree` of
the commit before a change), in the same run, rounds alternating between the two so both
see the same load. Each line names the checkout it measured.

    .venv/bin/python benchmarks/webhook_delivery.py [--deliveries 1000] [--rounds 3] [--peer DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class _Answer200(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def measure(root: Path, url: str, count: int) -> dict[str, Any]:
    """In this process: queue `count` deliveries with `root`'s engine and deliver them."""
    sys.path.insert(0, str(root))
    from sqlalchemy import event

    import engine as engine_package
    from engine.definition import from_dict
    from engine.runtime import Engine
    from engine.runtime.webhooks import add_webhook, deliver_pending

    folder = Path(tempfile.mkdtemp(prefix="baton-webhooks-"))
    engine = Engine(str(folder / "baton.db"), outbox=folder / "outbox")
    engine.add_user("ann")
    step = {"id": "check", "name": "Check", "type": "interactive", "assignee": "user:ann"}
    engine.activate(
        from_dict(
            {
                "schema": "baton/1",
                "id": "review",
                "name": "Review",
                "version": 1,
                "trigger": {"type": "manual"},
                "nodes": [
                    {"id": "start", "type": "start"},
                    {"id": "s", "type": "stage", "name": "S", "steps": [step]},
                    {"id": "end", "type": "end"},
                ],
                "flows": [{"from": "start", "to": "s"}, {"from": "s", "to": "end"}],
            }
        )
    )
    add_webhook(engine, "review", url, ["item.created"])
    for _ in range(count):
        engine.start("review")
    commits: list[int] = []
    event.listen(engine.store.engine, "commit", lambda _conn: commits.append(1))
    wall, cpu = time.perf_counter(), time.process_time()
    delivered = 0
    while True:
        done = deliver_pending(engine)
        if not done:
            break
        delivered += done
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine.close()
    return {
        "checkout": str(Path(engine_package.__file__).resolve().parents[1]),
        "delivered": delivered,
        "wall": wall,
        "cpu": cpu,
        "commits": len(commits),
    }


def _child(root: Path, url: str, count: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(root), "--url", url, "--deliveries", str(count)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
        cwd=root,
    )
    if done.returncode != 0:
        raise SystemExit(f"webhook_delivery: the measurement in {root} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--peer", type=Path, help="another checkout measured in the same run")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.url, args.deliveries)))
        return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer200)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    roots = [ROOT] + ([args.peer.resolve()] if args.peer else [])
    results: dict[Path, list[dict[str, Any]]] = {root: [] for root in roots}
    load = os.getloadavg()[0]
    try:
        for round_number in range(args.rounds):
            for root in roots if round_number % 2 == 0 else list(reversed(roots)):
                results[root].append(_child(root, url, args.deliveries))
    finally:
        server.shutdown()
    print(f"{args.deliveries} deliveries, {args.rounds} rounds, load average {load:.1f} at start")
    print("| checkout | deliveries/s | CPU ms/delivery | commits/delivery |")
    print("| --- | ---: | ---: | ---: |")
    for rows in results.values():
        rate = statistics.median(r["delivered"] / r["wall"] for r in rows)
        cpu = statistics.median(1000 * r["cpu"] / r["delivered"] for r in rows)
        commits = statistics.median(r["commits"] / r["delivered"] for r in rows)
        print(f"| {rows[0]['checkout']} | {rate:.0f} | {cpu:.2f} | {commits:.3f} |")


if __name__ == "__main__":
    main()
