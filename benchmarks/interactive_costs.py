"""Where an interactive run's time goes: the per-run cost breakdown behind
`engine_vs_spiff.py`'s `interactive ratio` line, next to SpiffWorkflow in the same run.

The same process and calls as that benchmark (3 stages x 3 parallel interactive steps; per
run one start, nine completions, three `open_item_ids` and three worker passes
`Engine.tick()` that deliver the stage's three notices as `.eml` files). For each kind of
call it prints how many a run makes and their CPU and wall time per run; then how many
disk waits a run makes (durable commits, relaxed commits, file and folder syncs) and what
one of each costs on this disk right now, so the wall time can be read as CPU plus waits.

Rounds alternate between the engines and each keeps its best round (the machines these run
on are shared).

With `--smtp` the passes send the notices to a real SMTP server (aiosmtpd, in a process of
its own so that its CPU time is not counted) instead of writing them to the folder.

Run:  .venv/bin/python benchmarks/interactive_costs.py [--runs N] [--rounds R] [--level L]
      [--smtp]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine_vs_spiff as peer
import notice_delivery
from sqlalchemy import event

from engine.actions import mailfiles, smtp
from engine.runtime import Engine

CALLS = ("start", "complete_item", "open_item_ids", "tick")
SYNC_FILE, SYNC_FOLDER = mailfiles._sync_file, mailfiles._sync_folder
"""The engine's own syncs (before `_count_file_syncs` wraps them)."""


class Meter:
    """CPU and wall time per kind of call, and the disk waits, over one round."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.waits: dict[str, int] = defaultdict(int)

    def timed(self, name: str, call, *args):  # type: ignore[no-untyped-def]
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return call(*args)
        finally:
            self.cpu[name] += time.process_time() - cpu
            self.wall[name] += time.perf_counter() - wall
            self.calls[name] += 1


METER = Meter()


def _count_commits(engine: Engine) -> None:
    """Count commits by whether they wait for the disk (SQLite's level at commit time)."""
    relaxed: set[int] = set()

    def traced(connection):  # type: ignore[no-untyped-def]
        def on_statement(sql: str) -> None:
            key = id(connection)
            if sql.startswith("PRAGMA synchronous=NORMAL"):
                relaxed.add(key)
            elif sql.startswith("PRAGMA synchronous="):
                relaxed.discard(key)
            elif sql == "COMMIT":
                durable = engine.store.synchronous == "FULL" and key not in relaxed
                METER.waits["durable commits" if durable else "commits without a wait"] += 1

        return on_statement

    engine.store.engine.dispose()  # new connections, each traced from its first statement
    if engine.store._writer is not None:  # the kept writer too (its connection predates this)
        engine.store._writer._discard()

    @event.listens_for(engine.store.engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.set_trace_callback(traced(dbapi_connection))


def _count_file_syncs() -> None:
    def counted_file(fd: int) -> None:
        METER.waits["file syncs"] += 1
        SYNC_FILE(fd)

    def counted_folder(folder_fd: int) -> None:
        METER.waits["folder syncs"] += 1
        SYNC_FOLDER(folder_fd)

    def counted_journal(fd: int) -> None:
        METER.waits["sent journal syncs"] += 1
        SYNC_FILE(fd)

    mailfiles._sync_file = counted_file
    mailfiles._sync_folder = counted_folder
    smtp._sync_file = counted_journal


def baton_round(engine: Engine, runs: int) -> Meter:
    global METER
    METER = meter = Meter()
    for _ in range(runs):
        run_id = meter.timed("start", engine.start, "bench_interactive")
        for _stage in range(peer.STAGES):
            meter.timed("tick", engine.tick)
            for item_id in meter.timed("open_item_ids", engine.open_item_ids, run_id):
                meter.timed("complete_item", engine.complete_item, item_id, "bench")
    return meter


def spiff_round(runs: int) -> tuple[float, float]:
    """SpiffWorkflow's (CPU, wall) seconds per interactive run."""
    cpu, wall = time.process_time(), time.perf_counter()
    peer.spiff_interactive(runs)
    return (time.process_time() - cpu) / runs, (time.perf_counter() - wall) / runs


def sync_costs(folder: Path, level: str, samples: int = 50) -> dict[str, float]:
    """Wall seconds of one wait of each kind on this disk, now (the median of `samples`)."""
    found: dict[str, list[float]] = defaultdict(list)
    db = sqlite3.connect(folder / "probe.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    for index in range(samples):
        for name, synchronous in (("durable commit", level), ("commit without a wait", "NORMAL")):
            db.execute(f"PRAGMA synchronous={synchronous}")
            began = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t VALUES (?)", (index,))
            db.execute("COMMIT")
            found[name].append(time.perf_counter() - began)
        file = folder / f"probe-{index}.eml"
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, b"x" * 700)
        began = time.perf_counter()
        SYNC_FILE(fd)
        found["file sync"].append(time.perf_counter() - began)
        os.close(fd)
        folder_fd = os.open(folder, os.O_RDONLY)
        began = time.perf_counter()
        SYNC_FOLDER(folder_fd)
        found["folder sync"].append(time.perf_counter() - began)
        os.close(folder_fd)
    db.close()
    return {name: sorted(times)[len(times) // 2] for name, times in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="interactive runs per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--level", default="FULL", choices=("FULL", "NORMAL"))
    parser.add_argument("--smtp", action="store_true", help="send the notices by SMTP")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.smtp:
            port = stack.enter_context(notice_delivery.smtp_server())
            stack.enter_context(notice_delivery.smtp_environment(port))
        measure(args)


def measure(args: argparse.Namespace) -> None:
    _count_file_syncs()
    best: Meter | None = None
    spiff_best = (float("inf"), float("inf"))
    with tempfile.TemporaryDirectory() as folder:
        engine = peer._engine(Path(folder) / "bench.db", args.level)
        baton_round(engine, 5)  # warm up (imports, caches, the first pages)
        peer.spiff_interactive(5)
        _count_commits(engine)
        for _ in range(max(1, args.rounds)):
            meter = baton_round(engine, args.runs)
            if best is None or sum(meter.wall.values()) < sum(best.wall.values()):
                best = meter
            spiff = spiff_round(args.runs)
            spiff_best = min(spiff_best, spiff, key=lambda pair: pair[1])
        costs = sync_costs(Path(folder), args.level)
        engine.close()
    assert best is not None
    runs = args.runs
    print(
        f"interactive run, {args.level}, notices {'sent by SMTP' if args.smtp else 'to files'}; "
        f"best of {args.rounds} rounds of {runs} runs; "
        f"load average {os.getloadavg()[0]:.1f}; pid {os.getpid()}"
    )
    cpu_total = wall_total = 0.0
    for name in CALLS:
        calls = best.calls[name] / runs
        cpu, wall = best.cpu[name] / runs * 1e3, best.wall[name] / runs * 1e3
        cpu_total += cpu
        wall_total += wall
        print(
            f"  {name:14} {calls:4.0f} per run  cpu {cpu:6.2f} ms  wall {wall:6.2f} ms  "
            f"(per call cpu {cpu / calls:.3f} ms)"
        )
    print(f"  {'baton, all':14}            cpu {cpu_total:6.2f} ms  wall {wall_total:6.2f} ms")
    spiff_cpu, spiff_wall = spiff_best[0] * 1e3, spiff_best[1] * 1e3
    print(
        f"  {'spiff, all':14}            cpu {spiff_cpu:6.2f} ms  wall {spiff_wall:6.2f} ms "
        "(in memory)"
    )
    waits = {name: count / runs for name, count in sorted(best.waits.items())}
    print("disk waits per run: " + ", ".join(f"{n:.1f} {name}" for name, n in waits.items()))
    print(
        "one wait now (median): "
        + ", ".join(f"{name} {seconds * 1e3:.3f} ms" for name, seconds in costs.items())
    )
    print(
        f"ratio (spiff / baton per run): wall {spiff_wall / wall_total:.2f}, "
        f"cpu {spiff_cpu / cpu_total:.2f}"
    )


if __name__ == "__main__":
    main()
