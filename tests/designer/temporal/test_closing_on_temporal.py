"""Closing the window while a Temporal call is in flight: the worker is down, an operator
pauses a run (the command waits up to 30 s for a worker), then closes the window. The
window goes at once; the call is canceled on the engine's thread, which then ends.

The bounds are hang guards: closing takes well under a second, the call would take 30 s.
"""

from __future__ import annotations

import threading
import time

import pytest
from temporal_helpers import ONBOARDING, start_onboarding

from designer.live.bridge import wait_for_closed_bridges
from designer.window import MainWindow
from engine.temporal.channel import WORKER_WAIT

GUARD = 60_000


@pytest.fixture
def window(qtbot, tmp_path, on_temporal, monkeypatch) -> MainWindow:
    monkeypatch.setenv("BATON_USER", "root")
    shown = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(shown)
    shown.show()
    assert shown.files.open_file(ONBOARDING)
    return shown


def test_closing_the_window_while_a_temporal_call_waits_does_not_wait_for_it(
    qtbot, cli, temporal_worker, window
):
    # Given a run listed in the Runs panel, and then the task queue's worker gone
    run_id = start_onboarding(cli, "Ada Byron")
    window.live.show_dock("runs")
    runs = window.live.runs
    qtbot.waitUntil(lambda: runs.model.row_of(run_id) >= 0, timeout=GUARD)
    temporal_worker.stop()
    bridge = window.live.bridge

    # When the operator pauses it (the command now waits for a worker) and closes the window
    answers: list[object] = []
    started = threading.Event()

    def pause(engine):
        started.set()
        return engine.pause(run_id, "root")

    bridge.submit(pause, answers.append, answers.append)
    qtbot.waitUntil(started.is_set, timeout=GUARD)
    qtbot.wait(1000)  # the command is on its way to the server
    assert answers == []  # still waiting for a worker
    began = time.monotonic()
    window.close()
    closed_in = time.monotonic() - began

    # Then the window closed without waiting for the call (it would take 30 s)
    assert not window.isVisible()
    assert closed_in < WORKER_WAIT / 3, f"closing took {closed_in:.1f} s"
    # And the engine's thread ends soon after (its call canceled), without an answer
    assert wait_for_closed_bridges(GUARD)
    qtbot.wait(200)
    assert answers == []
