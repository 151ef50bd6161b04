"""Moving open runs to a new version: `plan_migration` and `apply_migration`, per run.

Builds 2 x N runs of the onboarding example (version 1) on one database, spread over its
stages as in the story test (contract open, badge awaited, IT equipment, first week), then
activates version 2 (security training added, badge wait removed). It times, for N runs:

- plan: previewing all N (one read transaction);
- apply: moving them (one transaction per run);
- the peer, in the same run on the other N runs: pausing each run (`Engine.pause`, also
  one engine call per run, the lightest operator action that writes a run).

Run:  .venv/bin/python benchmarks/migrate_runs.py [--runs 200] [--db URL]
(default: a fresh SQLite file in a temporary folder). The machine is shared: read the
figures next to their peer, not as absolutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.migration import Selection, apply_migration, plan_migration
from engine.runtime import Engine
from tests.engine.migration.onboarding import (
    hire,
    version_1,
    version_2,
    work,
)

SHAPES = ("contract_open", "badge_only", "equipment", "first_week")


def _populate(engine: Engine, count: int) -> list[str]:
    runs = []
    for n in range(count):
        shape = SHAPES[n % len(SHAPES)]
        name = f"hire-{n}"
        run_id = hire(engine, name)
        if shape != "contract_open":
            work(engine, run_id, "contract")
        if shape in ("equipment", "first_week"):
            engine.send_event("badge_printed", key=name)
        if shape == "first_week":
            work(engine, run_id, "laptop")
            work(engine, run_id, "accounts")
        runs.append(run_id)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs moved (and paused)")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="baton-migrate-bench-")
    engine = Engine(args.db or str(Path(folder) / "baton.db"), outbox=Path(folder) / "outbox")
    for user, groups, queues in (
        ("alice", ["hr", "security"], []),
        ("bob", ["it"], ["it_service_desk"]),
        ("manager", [], []),
    ):
        engine.add_user(user, groups=groups, queues=queues)
    engine.activate(version_1())
    started = time.perf_counter()
    runs = _populate(engine, 2 * args.runs)
    print(f"built {len(runs)} runs of version 1 in {time.perf_counter() - started:.1f} s")
    engine.activate(version_2())
    moved, paused = runs[: args.runs], runs[args.runs :]
    selection = Selection("employee_onboarding", 1, 2, runs=tuple(moved))

    started = time.perf_counter()
    plan = plan_migration(engine, selection)
    plan_s = time.perf_counter() - started
    assert len(plan.runs) == args.runs and not plan.blocked

    started = time.perf_counter()
    result = apply_migration(engine, selection, "benchmark", None)
    apply_s = time.perf_counter() - started
    assert len(result.moved) == args.runs

    started = time.perf_counter()
    for run_id in paused:
        engine.pause(run_id, "benchmark peer")
    pause_s = time.perf_counter() - started

    per = 1000 / args.runs
    print(f"{'':<28}{'total s':>10}{'ms per run':>12}")
    for label, seconds in (
        ("migrate plan", plan_s),
        ("migrate apply", apply_s),
        ("peer: pause each run", pause_s),
    ):
        print(f"{label:<28}{seconds:>10.2f}{seconds * per:>12.2f}")
    engine.close()


if __name__ == "__main__":
    main()
