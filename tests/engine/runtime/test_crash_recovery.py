"""A worker killed with SIGKILL mid-action: nothing completed is lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.actions import register_action, unregister_action
from engine.runtime import Engine, VirtualClock
from tests.engine.runtime.builders import background, interactive, orchestration, stage, wait

REPO = Path(__file__).resolve().parents[3]

# The worker: registers a `deliver` action that announces itself and then hangs, and runs
# one `tick` on the wall clock (years after the run's virtual start, so the timer is due).
WORKER = textwrap.dedent(
    """
    import sys, threading
    from engine.actions import register_action
    from engine.runtime import Engine

    def deliver(inputs, context):
        print("IN_ACTION", flush=True)
        threading.Event().wait()

    register_action("deliver", deliver)
    Engine(sys.argv[1]).tick()
    """
)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_a_worker_killed_mid_action_leaves_the_run_before_the_transition(tmp_path):
    # given a run whose first stage is done by a person and then waits on a one-hour timer
    db = str(tmp_path / "crash.db")
    clock = VirtualClock(datetime(2020, 1, 1, 9, tzinfo=UTC))
    engine = Engine(db, clock=clock)
    engine.add_user("alice")
    engine.add_user("bob")
    # activation checks that `deliver` is a registered action; the worker registers its own
    register_action("deliver", lambda inputs, context: {})
    try:
        engine.activate(
            orchestration(
                "shipping",
                stage("prepare", interactive("review"), wait("cool_off", timeout="PT1H")),
                stage(
                    "ship", interactive("pack", "user:bob"), background("deliver", action="deliver")
                ),
            )
        )
    finally:
        unregister_action("deliver")
    run_id = engine.start("shipping")
    review = engine.work_items()[0]["id"]
    engine.complete_item(review, "alice")
    log_before = engine.log(run_id)

    # when a worker fires the timer, enters the next stage and is killed inside `deliver`
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, db],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = worker.stdout.readline()
    assert line.strip() == "IN_ACTION", worker.stderr.read()
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    # then the run is exactly as it was before that transition
    assert engine.log(run_id) == log_before
    assert engine.run(run_id)["stage"] == "prepare"
    assert [i["step"] for i in engine.work_items(include_closed=True)] == ["review"]

    # and a restarted worker runs the step again (at-least-once) without duplicating work
    calls = []
    register_action("deliver", lambda inputs, context: calls.append(context.attempt) or {})
    try:
        engine.advance(datetime(2020, 1, 1, 11, tzinfo=UTC))
    finally:
        unregister_action("deliver")
    assert calls == [1]
    items = engine.work_items(include_closed=True)
    assert sorted(i["step"] for i in items) == ["pack", "review"]
    engine.complete_item(next(i["id"] for i in items if i["step"] == "pack"), "bob")
    assert engine.run(run_id)["status"] == "completed"
    engine.close()
