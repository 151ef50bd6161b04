"""Bytes a completed run takes in a SQLite database, table by table (`dbstat`).

Two processes run to completion, each `--runs` times, into their own file (durable
commits, the default): the employee onboarding example (three stages, seven steps, four
work items completed by people, an event, an email) and the 9-step background process of
`engine_vs_spiff.py`. In the same run, the peer: the same runs with every finished run's
state snapshot and stage and step rows kept, as revisions before 0008 did (for the whole
previous release as a peer, run this script from its checkout in the same session).

Bytes per run are the growth of the pages each table and index takes (`dbstat`, after a
checkpoint) divided by the runs; the `payload` column is the bytes of the rows themselves,
the rest is page space (headers, free space of half-full pages). Each line also gives the
pages a run writes to the write-ahead log (every commit writes each page it changed: what
a durable commit waits for). The last lines are
`onboarding bytes per run: X` and `background bytes per run: X`.

    .venv/bin/python benchmarks/run_size.py [--runs N] [--tables]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.engine_vs_spiff import baton_definition  # noqa: E402
from engine.definition import from_dict, load_definition  # noqa: E402
from engine.runtime import Engine, VirtualClock, writes  # noqa: E402
from engine.runtime import state as run_state  # noqa: E402

EXAMPLE = ROOT / "resources/examples/employee_onboarding.baton.json"
OUTPUTS = {
    "contract": {"decision": "approve", "start_date": "2026-02-02"},
    "laptop": {"asset_tag": "LT-0042"},
    "plan": {"buddy": "Chris Lee"},
}


def onboarding_run(engine: Engine, number: int) -> None:
    """One hire from start to first day: every item completed, the badge event sent."""
    employee = f"Employee {number}"
    run_id = engine.start(
        "employee_onboarding", {"employee": employee, "email": f"e{number}@example.com"}
    )

    def complete_open_items() -> None:
        for item in engine.work_items():
            if item["run"] == run_id:
                engine.complete_item(item["id"], "admin", OUTPUTS.get(item["step"], {}))

    complete_open_items()
    engine.send_event("badge_printed", employee, {"badge_no": number})
    complete_open_items()
    complete_open_items()
    if engine.run(run_id)["status"] != "completed":
        raise SystemExit(f"the onboarding run {run_id} did not complete")


def background_run(engine: Engine, _number: int) -> None:
    """One 9-step background run (it completes within the start call)."""
    engine.start("bench_background")


def _pages(db: Path) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, sum(pgsize), sum(payload) FROM dbstat GROUP BY name")
        return {name: (pages, payload) for name, pages, payload in rows}


def measure(
    folder: Path, name: str, run: Callable[[Engine, int], None], runs: int
) -> tuple[float, dict[str, tuple[float, float]]]:
    """Bytes per run in total and per table: (pages, payload)."""
    db = folder / f"{name}.db"
    engine = Engine(str(db), clock=VirtualClock(), outbox=folder / f"{name}-outbox")
    engine.add_user("admin", admin=True)
    engine.activate(load_definition(EXAMPLE))
    engine.activate(from_dict(baton_definition("background")))
    run(engine, -1)  # the first run creates the first page of every table
    engine.store.checkpoint()
    before = _pages(db)
    for number in range(runs):
        run(engine, number)
    engine.store.checkpoint()
    after = _pages(db)
    engine.close()
    tables = {
        table: (
            (pages - before.get(table, (0, 0))[0]) / runs,
            (load - before.get(table, (0, 0))[1]) / runs,
        )
        for table, (pages, load) in after.items()
    }
    return sum(pages for pages, _ in tables.values()), tables


def wal_pages(folder: Path, name: str, run: Callable[[Engine, int], None], runs: int) -> float:
    """Pages written to the write-ahead log per run (each page once per commit it is in):
    the log is emptied before each run, so its length afterwards is that run's writes."""
    db = folder / f"{name}-wal.db"
    engine = Engine(str(db), clock=VirtualClock(), outbox=folder / f"{name}-wal-outbox")
    engine.add_user("admin", admin=True)
    engine.activate(load_definition(EXAMPLE))
    engine.activate(from_dict(baton_definition("background")))
    for number in range(runs):  # the first runs fill the tables' first pages
        run(engine, number)
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    frames = 0
    for number in range(runs):
        engine.store.checkpoint()
        run(engine, runs + number)
        frames += (db.with_name(db.name + "-wal").stat().st_size - 32) // (page + 24)
    engine.close()
    return frames / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="runs of each process")
    parser.add_argument("--tables", action="store_true", help="print every table's share")
    args = parser.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for process, run in (("onboarding", onboarding_run), ("background", background_run)):
            original = run_state.STATE_FROM_LOG
            # The peer: snapshots and stage/step rows of finished runs kept (before 0008).
            run_state.STATE_FROM_LOG = writes.STATE_FROM_LOG = frozenset()
            try:
                peer, _ = measure(folder, f"{process}-snapshots", run, args.runs)
            finally:
                run_state.STATE_FROM_LOG = writes.STATE_FROM_LOG = original
            total, tables = measure(folder, process, run, args.runs)
            results[process] = total
            wal = wal_pages(folder, process, run, max(1, min(args.runs, 50)))
            print(
                f"{process}: {total:8,.0f} bytes per run "
                f"(finished runs' snapshots and step rows kept: {peer:,.0f}); "
                f"{wal:.1f} WAL pages written per run"
            )
            if args.tables:
                for table, (pages, load) in sorted(tables.items(), key=lambda t: -t[1][0]):
                    if pages:
                        print(f"    {table:36} {pages:7,.0f} B  (rows {load:6,.0f} B)")
    for process, total in results.items():
        print(f"{process} bytes per run: {total:.0f}")


if __name__ == "__main__":
    main()
