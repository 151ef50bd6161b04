"""The history scrubber replays the overlay at any past moment, exactly as it looked then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import CONTRACT_OK, item_of, start_onboarding

from designer.canvas.overlay.looks import STATUS_COLORS
from designer.live.history import RunHistoryPanel
from designer.live.monitor import RunMonitor


@pytest.fixture
def history(qtbot, bridge) -> RunHistoryPanel:
    panel = RunHistoryPanel(bridge)
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def monitor(canvas, bridge, history) -> RunMonitor:
    return RunMonitor(canvas.scene, bridge, history_panel=history)


def _watch(qtbot, monitor: RunMonitor, history: RunHistoryPanel, run_id: str) -> None:
    with qtbot.waitSignal(monitor.shown, timeout=10_000):
        monitor.show_run(run_id)
    with qtbot.waitSignal(history.moment_changed, timeout=10_000):
        history.set_run(run_id)


def _caught_up(engine, monitor: RunMonitor, run_id: str):
    return lambda: monitor.last_seq == engine.log(run_id)[-1]["seq"]


def test_each_past_moment_shows_exactly_what_the_overlay_showed_then(
    qtbot, engine, clock, canvas, monitor, history
):
    run_id = start_onboarding(engine)
    _watch(qtbot, monitor, history, run_id)
    seen = [(monitor.last_seq, dict(monitor.overlay.layer.looks))]

    def step(action) -> None:
        clock.advance(timedelta(hours=3))
        action()
        qtbot.waitUntil(_caught_up(engine, monitor, run_id), timeout=10_000)
        seen.append((monitor.last_seq, dict(monitor.overlay.layer.looks)))

    step(lambda: engine.complete_item(item_of(engine, run_id, "contract"), "alice", CONTRACT_OK))
    step(lambda: engine.send_event("badge_printed", "Ann Lee"))
    step(lambda: engine.complete_item(item_of(engine, run_id, "laptop"), "bob", {"asset_tag": "7"}))
    qtbot.waitUntil(lambda: history.slider.maximum() == len(engine.log(run_id)), timeout=10_000)

    for seq, looks_then in seen:
        with qtbot.waitSignal(history.moment_changed):
            history.select_moment(seq)
        assert monitor.overlay.layer.looks == looks_then, f"after event {seq}"

    assert monitor.pinned is None  # the last moment is live again


def test_a_pinned_moment_stays_put_while_the_run_moves_on(
    qtbot, engine, clock, canvas, monitor, history
):
    run_id = start_onboarding(engine)
    _watch(qtbot, monitor, history, run_id)
    first = monitor.last_seq
    engine.complete_item(item_of(engine, run_id, "contract"), "alice", CONTRACT_OK)
    qtbot.waitUntil(_caught_up(engine, monitor, run_id), timeout=10_000)
    qtbot.waitUntil(lambda: history.slider.maximum() == len(engine.log(run_id)), timeout=10_000)

    history.select_moment(first)
    engine.send_event("badge_printed", "Ann Lee")
    qtbot.waitUntil(_caught_up(engine, monitor, run_id), timeout=10_000)

    assert monitor.pinned == first
    assert monitor.overlay.look_of("contract").color == STATUS_COLORS["waiting"]

    history.live_button.setChecked(True)

    assert monitor.pinned is None
    assert monitor.overlay.look_of("badge").color == STATUS_COLORS["completed"]
    assert monitor.overlay.look_of("equipment").tag == "Current stage"
