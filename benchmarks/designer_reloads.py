"""The designer's reloads after a change, on Temporal and on local SQLite in the same run.

After every change anywhere, the designer's Runs panel re-reads the stuck reasons, the
Inbox the acting user's items (with each item's case), and the Heatmap every run's log of
the version. On Temporal each run read is a query of its workflow. With N open onboarding
runs, one of which has just moved (its contract approved), this times each reload:

* before: as the last release did it, every listed run read again (the engine's kept
  details dropped, no logs or cases held by the panel);
* after: as now, reading only the runs that moved (the engine keeps each run's detail with
  its event number; the panels keep logs and cases up to date from the change feed);
* local: the same calls on a local SQLite database (the peer; it has nothing to keep).

Each figure is the median of R repeats, wall ms and CPU ms (this process, plus on Temporal
the dev server and the `baton worker` process). The change feed's own poll (one listing
and a log query per moved run) is the same before and after and is not counted.

Run:  .venv/bin/python benchmarks/designer_reloads.py [--runs 60] [--repeats 5]
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.temporal_load import cpu_seconds  # noqa: E402
from designer.live.aggregate import KnownLogs, load_aggregate  # noqa: E402
from designer.live.inbox import _load_items  # noqa: E402
from designer.live.runs_panel import _stuck_map  # noqa: E402
from engine.definition import load_definition  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.engine.temporal.server import DevServer, find_temporal  # noqa: E402

EXAMPLE = ROOT / "resources" / "examples" / "employee_onboarding.baton.json"
APPROVE = {"decision": "approve", "start_date": "2026-03-02"}


def stage(engine: Any, runs: int) -> list[str]:
    """`runs` onboarding runs, each waiting on HR's contract check."""
    return [
        engine.start("employee_onboarding", {"employee": f"e{n}", "email": f"e{n}@example.com"})
        for n in range(runs)
    ]


class Panels:
    """What the three panels hold between reloads (cases by run, whole logs)."""

    def __init__(self) -> None:
        self.contexts: dict[str, str] = {}
        self.logs = KnownLogs()

    def reload(self, engine: Any) -> None:
        _stuck_map(engine)
        items = _load_items(engine, "hanna", dict(self.contexts)).items
        self.contexts.update((i["run"], i["context"]) for i in items)
        found = load_aggregate(engine, "employee_onboarding", None, self.logs.copy(), None)
        self.logs.keep(found.logs)

    def moved(self, engine: Any, run_id: str) -> None:
        """What the change feed hands the panels for a run that moved."""
        self.contexts.pop(run_id, None)
        self.logs.append(run_id, engine.log(run_id))


def timed(work: Callable[[], None], pids: list[int]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds(pids)
    work()
    return (time.perf_counter() - wall) * 1000, (cpu_seconds(pids) - cpu) * 1000


def measure(label: str, engine: Any, run_ids: list[str], repeats: int, pids: list[int]) -> None:
    """Before and after for one engine: each repeat moves one more run, then reloads."""
    before: list[tuple[float, float]] = []
    after: list[tuple[float, float]] = []
    panels = Panels()
    panels.reload(engine)  # the panels' first load, when they open
    kept = getattr(engine, "_details", None)

    def as_before() -> None:
        if kept is not None:
            kept.clear()  # the last release kept nothing: every run is queried
        Panels().reload(engine)

    for n in range(repeats):
        run_id = run_ids[n]
        item = next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == "contract")
        engine.complete_item(item, "hanna", APPROVE)
        panels.moved(engine, run_id)
        after.append(timed(lambda: panels.reload(engine), pids))
        before.append(timed(as_before, pids))
        panels.reload(engine)  # the caches as they were, for the next repeat
    for name, found in (("before", before), ("after", after)):
        wall = statistics.median(w for w, _ in found)
        cpu = statistics.median(c for _, c in found)
        print(f"| {label} | {len(run_ids)} | {name} | {wall:,.0f} | {cpu:,.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="open runs (default 60)")
    parser.add_argument("--repeats", type=int, default=5, help="reloads timed (default 5)")
    args = parser.parse_args()
    binary = find_temporal()
    if binary is None:
        raise SystemExit("designer_reloads: the `temporal` extra is not installed")
    from engine.temporal.address import TemporalAddress
    from engine.temporal.client import TemporalEngine

    definition = load_definition(EXAMPLE)
    folder = Path(tempfile.mkdtemp(prefix="baton-reloads-"))
    os.environ["BATON_OUTBOX"] = str(folder / "outbox")
    print(f"{args.runs} open runs, one more moved before each of {args.repeats} reloads")
    print("| runtime | runs | reload | wall ms | CPU ms |")
    print("| --- | --- | --- | --- | --- |")

    def catalogue(path: Path) -> Engine:
        engine = Engine(str(path))
        engine.add_user("hanna", groups=["hr"])
        engine.activate(definition)
        return engine

    local = catalogue(folder / "local.db")
    measure("local SQLite", local, stage(local, args.runs), args.repeats, [])
    local.close()

    server = DevServer(binary)
    worker = None
    try:
        catalogue(folder / "catalogue.db").close()
        env = {
            **os.environ,
            "BATON_DB": str(folder / "catalogue.db"),
            "BATON_RUNTIME": server.address(),
            "BATON_TASK_QUEUE": "baton-reloads",
        }
        baton = Path(sys.executable).parent / "baton"
        worker = subprocess.Popen([str(baton), "worker"], env=env, stderr=subprocess.DEVNULL)
        address = TemporalAddress(server.target, "default", "baton-reloads")
        engine = TemporalEngine(address, Engine(str(folder / "catalogue.db")))
        run_ids = stage(engine, args.runs)
        measure("Temporal", engine, run_ids, args.repeats, [server.process.pid, worker.pid])
        engine.close()
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
