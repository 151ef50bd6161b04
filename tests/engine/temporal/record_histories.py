"""Record the `BatonRun` histories the replay test replays (tests/engine/temporal/histories).

    .venv/bin/python -m tests.engine.temporal.record_histories [SCENARIO...]

Runs every conformance scenario (or those named, keeping the others' histories) on
Temporal (the dev server; the time-skipping server for those that move time) and writes
each run's workflow history as JSON. Record again only
on purpose: the committed histories are what runs already open in production look like,
and `test_replay.py` checks that today's workflow code still replays them. A change that
alters what the workflow does for them must be guarded with `workflow.patched(...)`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from engine.actions import register_action
from engine.runtime import Engine
from engine.temporal.address import TemporalAddress
from tests.engine.temporal.runtimes import (
    TimeSkippingServer,
    WorkerThread,
    add_people,
    temporal_driver,
)
from tests.engine.temporal.scenarios import ACTIONS, HISTORY_ONLY, SCENARIOS, USES_TIME
from tests.engine.temporal.server import DevServer, find_temporal, find_test_server

HISTORIES = Path(__file__).parent / "histories"


def main(names: list[str]) -> None:
    """Record the scenarios' histories into HISTORIES (replacing theirs): every scenario's,
    or only those named (a new scenario's, next to histories of older workflow code)."""
    chosen = [s for s in SCENARIOS + HISTORY_ONLY if not names or s.__name__ in names]
    unknown = set(names) - {s.__name__ for s in chosen}
    if unknown:
        raise SystemExit(f"no scenario named {', '.join(sorted(unknown))}")
    dev_binary, test_binary = find_temporal(), find_test_server()
    if dev_binary is None or test_binary is None:
        raise SystemExit("install the `temporal` extra first (scripts/setup.sh)")
    for name, action in ACTIONS.items():
        register_action(name, action)
    HISTORIES.mkdir(exist_ok=True)
    for scenario in chosen:
        for old in HISTORIES.glob(f"{scenario.__name__}-*.json"):
            old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BATON_OUTBOX"] = str(Path(folder) / "outbox")
        dev = DevServer(dev_binary)
        clock_server = TimeSkippingServer(str(test_binary))
        worker = WorkerThread(dev.target, "default", "baton-record")
        try:
            for scenario in chosen:
                os.environ["BATON_DB"] = str(Path(folder) / f"{scenario.__name__}.db")
                catalogue = Engine(os.environ["BATON_DB"])
                add_people(catalogue)
                if scenario in USES_TIME:
                    address = TemporalAddress(clock_server.target, "default", clock_server.queue)
                    driver = temporal_driver(address, catalogue, clock_server)
                else:
                    driver = temporal_driver(worker.address, catalogue)
                for index, run_id in enumerate(scenario(driver)):
                    history = driver.engine.history(run_id)
                    target = HISTORIES / f"{scenario.__name__}-{index}.json"
                    target.write_text(history.to_json(), encoding="utf-8")
                    print(f"recorded {target.name} ({len(history.events)} events)")
                    if scenario in USES_TIME:
                        continue  # the time-skipping server has no visibility to list them
                    # A run that continued as new: its earlier executions too.
                    for k, execution in enumerate(driver.engine.executions(run_id)[:-1]):
                        history = driver.engine.history(run_id, execution)
                        target = HISTORIES / f"{scenario.__name__}-{index}e{k}.json"
                        target.write_text(history.to_json(), encoding="utf-8")
                        print(f"recorded {target.name} ({len(history.events)} events)")
                driver.engine.close()
        finally:
            worker.stop()
            clock_server.stop()
            dev.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
