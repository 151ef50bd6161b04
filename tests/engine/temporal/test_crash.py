"""Crash: SIGKILL a Temporal worker in the middle of an action, start another. The run goes
on, the action runs again on the new worker, and its email exists once (its idempotency
key), with nothing lost from the run's log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.actions import register_action, unregister_action
from engine.definition import load_definition, save_definition
from engine.temporal.address import TemporalAddress
from engine.temporal.client import TemporalEngine
from tests.engine.runtime.builders import background, interactive, orchestration, stage
from tests.engine.temporal.crash_worker import email_then_note

HANG_GUARD = 120.0
"""Seconds to wait for a worker to reach the action (10x what it takes under load)."""


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.engine.temporal.crash_worker"],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {HANG_GUARD:.0f} s")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_worker_killed_mid_action_loses_nothing_and_sends_no_duplicate(
    catalogue, temporal_server, task_queue, tmp_path, monkeypatch
):
    # given a run whose first step sends an email and then holds its worker
    notes, outbox = tmp_path / "notes", tmp_path / "outbox"
    env = {
        **os.environ,
        "BATON_DB": str(tmp_path / "catalogue.db"),  # the catalogue fixture's file
        "BATON_OUTBOX": str(outbox),
        "BATON_RUNTIME": temporal_server.address(),
        "BATON_TASK_QUEUE": task_queue + "-crash",
        "BATON_TEST_NOTES": str(notes),
    }
    monkeypatch.setenv("BATON_TEMPORAL_HEARTBEAT", "3")
    register_action("email_then_note", email_then_note)  # known to the catalogue's checks
    tengine = TemporalEngine(
        TemporalAddress(temporal_server.target, "default", env["BATON_TASK_QUEUE"]), catalogue
    )
    path = tmp_path / "welcome.baton.json"
    save_definition(
        orchestration(
            "welcome",
            stage(
                "s",
                background("mail", "email_then_note", inputs={"to": "'ada@example.com'"}),
                interactive("next", after=["mail"]),
            ),
        ),
        path,
    )
    tengine.activate(load_definition(path))
    first = _worker({**env, "BATON_TEST_HOLD": "1"})
    started: dict[str, str] = {}
    starter = threading.Thread(target=lambda: started.update(run=tengine.start("welcome")))
    starter.start()
    second = None
    try:
        _wait_for(lambda: notes.exists() and any(notes.iterdir()), "the first attempt")
        # when that worker is killed mid-action and another one starts
        first.send_signal(signal.SIGKILL)
        first.wait(60)
        second = _worker(env)
        starter.join(HANG_GUARD)
        assert not starter.is_alive(), "the run did not go on after the worker died"
        # then the action ran again, the run went on, and the email exists once
        assert len(list(notes.iterdir())) == 2
        run = tengine.run(started["run"])
        assert {s["id"]: s["status"] for s in run["steps"]} == {
            "mail": "completed",
            "next": "waiting",
        }
        assert len(list(outbox.glob("*.eml"))) == 1
        types = [e["type"] for e in tengine.log(started["run"])]
        assert types.count("step_completed") == 1 and "item_created" in types
    finally:
        unregister_action("email_then_note")
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(60)
