"""Pictures for people (tests/artifacts/, git-ignored): a run mid-way through onboarding on the
diagram, the heatmap of a week of runs, and story 4's simulation (IT is the bottleneck)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from conftest import ARTIFACTS, CONTRACT_OK, ONBOARDING, item_of, start_onboarding
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from designer.live.aggregate_panel import AggregatePanel
from designer.live.monitor import RunMonitor
from designer.simulation import SimulationDialog
from engine.simulation import scenario_path_for


@pytest.fixture(autouse=True)
def _artifacts() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def test_picture_of_a_run_midway_through_onboarding(qtbot, engine, clock, bridge, canvas):
    run_id = start_onboarding(engine, "Ann Lee")
    clock.advance(timedelta(hours=5))
    engine.complete_item(item_of(engine, run_id, "contract"), "alice", CONTRACT_OK)
    clock.advance(timedelta(hours=20))
    engine.send_event("badge_printed", "Ann Lee")
    clock.advance(timedelta(hours=3))
    engine.complete_item(item_of(engine, run_id, "laptop"), "bob", {"asset_tag": "LT-1234"})
    clock.advance(timedelta(hours=29, minutes=10))
    monitor = RunMonitor(canvas.scene, bridge)

    with qtbot.waitSignal(monitor.shown, timeout=10_000):
        monitor.show_run(run_id)
    canvas.view.fit()

    assert monitor.overlay.look_of("accounts").label == "it_service_desk · 1 d 8 h"
    assert canvas.view.grab().save(str(ARTIFACTS / "overlay-onboarding.png"))


def test_picture_of_the_heatmap_of_a_week_of_runs(qtbot, engine, clock, bridge, canvas):
    runs = [start_onboarding(engine, f"Hire {n}", laptop=n % 3 != 0) for n in range(14)]
    for n, run_id in enumerate(runs[:10]):
        clock.advance(timedelta(hours=4 + n))
        engine.complete_item(item_of(engine, run_id, "contract"), "alice", CONTRACT_OK)
        engine.send_event("badge_printed", f"Hire {n}")
    for run_id in runs[:3]:
        clock.advance(timedelta(hours=6))
        if any(i["step"] == "laptop" for i in engine.run(run_id)["open_items"]):
            engine.complete_item(item_of(engine, run_id, "laptop"), "bob", {"asset_tag": "LT"})
    clock.advance(timedelta(days=2))
    engine.deactivate_user("dan")  # the service desk's only member left: accounts are stuck
    panel = AggregatePanel(bridge, canvas.scene, "employee_onboarding")
    board = QSplitter(Qt.Orientation.Vertical)
    board.addWidget(canvas.view)
    board.addWidget(panel)
    board.resize(1500, 900)
    board.setSizes([620, 280])
    qtbot.addWidget(board)
    board.show()

    panel.show_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.heatmap.active, timeout=10_000)
    canvas.view.fit()

    assert panel.heatmap.look_of("accounts").tag == "Bottleneck"
    assert panel.stuck.topLevelItemCount() >= 6  # at least every run waiting on accounts
    assert board.grab().save(str(ARTIFACTS / "heatmap-runs.png"))
    canvas.view.setParent(None)  # the canvas fixture owns the view and closes it


def test_pictures_of_a_month_of_hires_where_it_is_the_bottleneck(qtbot, onboarding, tmp_path):
    # the example's own scenario: ~1.5 hires a day for a month, one IT technician
    for source in (ONBOARDING, scenario_path_for(ONBOARDING)):
        shutil.copy(source, tmp_path / source.name)
    dialog = SimulationDialog(onboarding, tmp_path / ONBOARDING.name)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.run()
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=30_000)
    dialog.results.tabs.setCurrentIndex(1)

    assert dialog.last_result.bottleneck.step_id == "laptop"
    assert dialog.grab().save(str(ARTIFACTS / "simulation-results.png"))
    dialog.resize(1700, 820)
    dialog.splitter.setSizes([480, 1220])  # the scenario narrower, the diagram wider
    with qtbot.waitSignal(dialog.view.zoom_changed):
        dialog.tabs.setCurrentIndex(1)
    assert dialog.grab().save(str(ARTIFACTS / "simulation-heatmap.png"))
