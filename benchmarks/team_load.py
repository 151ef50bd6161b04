"""Team mode under load: 8 processes on one PostgreSQL database, then an integrity audit.

Six "desk" processes (each its own Engine, as its own user) start runs, complete work
items picked at random from the shared queue (so desks collide on the same items) and
send events; two `baton worker` processes fire the timers. Half-way through, one worker is
killed with SIGKILL (mid-transaction, wherever it is) and a fresh one takes its place.

Afterwards the audit checks, for every run: the event log is gap-free (1..seq), replaying
it rebuilds exactly what the state tables show, no work item was completed twice or has a
completion without its event, every run a desk started exists and every completion a desk
was told succeeded is recorded as theirs, and no timer is left overdue.

Run:  .venv/bin/python benchmarks/team_load.py [--duration 60] [--db postgresql://...]
Without --db it starts its own durable PostgreSQL server on loopback and deletes it after.
Exit code 0 when the audit passes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from engine.definition import from_dict  # noqa: E402
from engine.errors import BatonError  # noqa: E402
from engine.runtime import Engine, eventrows  # noqa: E402
from engine.runtime.events import EventType  # noqa: E402
from engine.store.schema import events, runs, timers, waits, work_items  # noqa: E402

DESKS, WORKERS = 6, 2


def definition():
    """intake (a review item + a wait for event `go`) -> process (a counter, a 1 s
    cool-off timer) -> approve (an item) -> end."""

    def step(i, **kw):
        return {"id": i, "name": i.title(), **kw}

    return from_dict(
        {
            "schema": "baton/1",
            "id": "claim",
            "name": "Claim",
            "trigger": {"type": "manual"},
            "variables": [
                {"name": "key", "type": "text", "input": True, "required": True},
                {"name": "n", "type": "number", "default": 0},
            ],
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "intake",
                    "type": "stage",
                    "name": "Intake",
                    "steps": [
                        step("review", type="interactive", assignee="group:team"),
                        step("signal", type="wait", event="go", key="key"),
                    ],
                },
                {
                    "id": "process",
                    "type": "stage",
                    "name": "Process",
                    "steps": [
                        step(
                            "count",
                            type="background",
                            action="set_variables",
                            inputs={"n": "n + 1"},
                        ),
                        step("cool", type="wait", timeout="PT1S"),
                    ],
                },
                {
                    "id": "approve",
                    "type": "stage",
                    "name": "Approve",
                    "steps": [step("sign", type="interactive", assignee="group:team")],
                },
                {"id": "end", "type": "end"},
            ],
            "flows": [
                {"from": "start", "to": "intake"},
                {"from": "intake", "to": "process"},
                {"from": "process", "to": "approve"},
                {"from": "approve", "to": "end"},
            ],
        }
    )


def desk(url: str, name: str, ready: object, duration: float, out: str, seed: int) -> None:
    """One desktop: start runs, complete random shared items, send events for `duration`."""
    rng = random.Random(seed)
    engine = Engine(url)
    ready.wait()  # type: ignore[attr-defined]  # every process loaded: the clock starts
    deadline = time.time() + duration
    started, completed, sent = [], [], 0
    conflicts = calls = 0
    pick_item = (
        select(work_items.c.id)
        .where(work_items.c.status == "open")
        .order_by(func.random())
        .limit(1)
    )
    pick_wait = select(waits.c.key).where(waits.c.event == "go").order_by(func.random()).limit(1)
    while time.time() < deadline:
        roll = rng.random()
        try:
            if roll < 0.3:
                started.append(engine.start("claim", {"key": f"{name}-{len(started)}"}, name))
            elif roll < 0.8:
                with engine.store.read() as conn:
                    item = conn.execute(pick_item).scalar()
                if item is None:
                    continue
                engine.complete_item(item, name)
                completed.append(item)
            else:
                with engine.store.read() as conn:
                    key = conn.execute(pick_wait).scalar()
                if key is None:
                    continue
                sent += len(engine.send_event("go", key))
            calls += 1
        except BatonError:
            conflicts += 1  # another desk got there first: the engine said so clearly
    engine.close()
    Path(out).write_text(
        json.dumps(
            {
                "name": name,
                "calls": calls,
                "conflicts": conflicts,
                "started": started,
                "completed": completed,
                "events": sent,
            }
        )
    )


def _baton() -> list[str]:
    script = Path(sys.executable).parent / "baton"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli.app"]


def _worker(url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*_baton(), "worker", "--poll", "0.1"],
        env={**os.environ, "BATON_DB": url, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def audit(engine: Engine, reports: list[dict]) -> list[str]:
    """Every integrity problem found (empty when all holds)."""
    problems: list[str] = []
    if not any(r["started"] for r in reports):
        problems.append("no run was started: the load never happened")
    with engine.store.read() as conn:
        run_rows = conn.execute(select(runs.c.id, runs.c.seq, runs.c.status)).all()
        items = conn.execute(select(work_items)).all()
        completions = conn.execute(
            select(events.c.run_id, events.c.payload).where(
                events.c.type == eventrows.code(EventType.ITEM_COMPLETED)
            )
        ).all()
        overdue = conn.execute(
            select(func.count())
            .select_from(timers)
            .where(
                timers.c.due_at
                < (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            )
        ).scalar()
    for row in run_rows:
        log = engine.log(row.id)
        if [e["seq"] for e in log] != list(range(1, row.seq + 1)):
            problems.append(f"run {row.id}: event log has gaps or does not end at seq {row.seq}")
        rebuilt = engine.replay(row.id)
        detail = engine.run(row.id)
        tables = {
            "status": detail["status"],
            "stage": detail["stage"],
            "steps": {s["id"]: s["status"] for s in detail["steps"]},
            "items": {i.id: i.status for i in items if i.run_id == row.id},
        }
        replayed = {
            "status": rebuilt["status"],
            "stage": rebuilt["stage"],
            "steps": {k: v["status"] for k, v in rebuilt["steps"].items()},
            "items": {k: v["status"] for k, v in rebuilt["items"].items()},
        }
        if tables != replayed:
            problems.append(f"run {row.id}: state tables differ from its replayed log")
    per_item: dict[str, int] = {}
    for c in completions:
        item = eventrows.payload(EventType.ITEM_COMPLETED, c.payload)["item"]
        per_item[item] = per_item.get(item, 0) + 1
    twice = [i for i, n in per_item.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} item(s) completed more than once: {twice[:5]}")
    by_id = {i.id: i for i in items}
    for item in items:
        if item.status == "completed" and per_item.get(item.id) != 1:
            problems.append(f"item {item.id} is completed without exactly one completion event")
    known_runs = {r.id for r in run_rows}
    for report in reports:
        lost = [r for r in report["started"] if r not in known_runs]
        if lost:
            problems.append(f"{report['name']}: {len(lost)} started run(s) missing: {lost[:3]}")
        for item_id in report["completed"]:
            item = by_id.get(item_id)
            if item is None or item.status != "completed" or item.completed_by != report["name"]:
                problems.append(f"{report['name']}: completion of {item_id} not recorded as theirs")
    if overdue:
        problems.append(f"{overdue} timer(s) still overdue after the workers drained")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--db", help="an existing PostgreSQL URL (default: start a server)")
    args = parser.parse_args(argv)

    server = None
    url = args.db
    if url is None:
        from tests.engine.pg_server import PgServer, find_bin_dir

        bin_dir = find_bin_dir()
        if bin_dir is None:
            print("team_load: PostgreSQL server binaries not found (apt install postgresql)")
            return 2
        server = PgServer(bin_dir, durable=True)
        url = server.empty_database()
    try:
        return _load(url, args.duration)
    finally:
        if server is not None:
            server.stop()


def _load(url: str, duration: float) -> int:
    engine = Engine(url)
    for i in range(DESKS):
        engine.add_user(f"desk{i}", groups=["team"])
    engine.activate(definition())
    with engine.store.read() as conn:
        events_before = conn.execute(select(func.count()).select_from(events)).scalar() or 0

    ctx = multiprocessing.get_context("spawn")
    folder = Path(tempfile.mkdtemp(prefix="baton-load-"))
    ready = ctx.Barrier(DESKS + 1)
    desks = [
        ctx.Process(
            target=desk, args=(url, f"desk{i}", ready, duration, str(folder / f"{i}.json"), i)
        )
        for i in range(DESKS)
    ]
    for proc in desks:
        proc.start()
    workers = [_worker(url) for _ in range(WORKERS)]
    ready.wait(timeout=120)
    began = time.time()
    time.sleep(duration / 2)
    workers[0].send_signal(signal.SIGKILL)  # wherever it is, perhaps mid-transaction
    workers[0].wait()
    print(f"killed worker pid {workers[0].pid} with SIGKILL at {duration / 2:.0f}s; restarted")
    workers[0] = _worker(url)
    for proc in desks:
        proc.join()
    elapsed = time.time() - began
    with engine.store.read() as conn:
        events_after = conn.execute(select(func.count()).select_from(events)).scalar() or 0
    time.sleep(1.5)  # let the last cool-off timers fall due; the workers fire them
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    engine.tick()  # anything a stopping worker left due

    reports = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    shutil.rmtree(folder, ignore_errors=True)
    calls = sum(r["calls"] for r in reports)
    conflicts = sum(r["conflicts"] for r in reports)
    transitions = events_after - events_before
    with engine.store.read() as conn:
        run_count = conn.execute(select(func.count()).select_from(runs)).scalar()
        done = conn.execute(
            select(func.count()).select_from(runs).where(runs.c.status == "completed")
        ).scalar()
    print(f"processes: {DESKS} desks + {WORKERS} workers for {elapsed:.1f}s on {engine.store.url}")
    print(f"runs: {run_count} started, {done} completed")
    print(f"desk calls: {calls} ok ({calls / elapsed:.0f}/s), {conflicts} refused as conflicts")
    print(f"transitions: {transitions} events, {transitions / elapsed:.0f} transitions/s")
    started = time.time()
    problems = audit(engine, reports)
    engine.close()
    print(f"audit of {run_count} runs took {time.time() - started:.1f}s")
    for problem in problems[:20]:
        print(f"PROBLEM: {problem}")
    print("integrity: " + ("FAILED" if problems else "OK"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
