"""All runs of a version as a heatmap: where runs are now, time spent, failures, stuck runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import CONTRACT_OK, item_of, start_onboarding
from PySide6.QtCore import QRectF, Qt

from designer.canvas import geometry
from designer.canvas.items import StepCardItem
from designer.canvas.overlay import HeatCell, HeatmapData, HeatmapOverlay
from designer.canvas.overlay.heatmap import heat_color
from designer.live.aggregate import aggregate_runs, heatmap_of_runs
from designer.live.aggregate_panel import AggregatePanel
from designer.live.monitor import RunMonitor


@pytest.fixture
def three_runs(engine, clock) -> list[str]:
    """Two runs waiting on HR's contract check for two days, one moved on to the badge."""
    runs = [start_onboarding(engine, name) for name in ("Ann Lee", "Bo Chen", "Cy Diaz")]
    clock.advance(timedelta(hours=6))
    engine.complete_item(item_of(engine, runs[2], "contract"), "alice", CONTRACT_OK)
    clock.advance(timedelta(days=2))
    return runs


def test_the_step_most_runs_wait_at_is_the_hottest_and_called_out(engine, onboarding, three_runs):
    logs = {run_id: engine.log(run_id) for run_id in three_runs}

    aggregate = aggregate_runs(onboarding, logs, engine.clock.now(), version=1)
    data = heatmap_of_runs(aggregate, "now")

    assert aggregate.steps["contract"].now == 2
    assert aggregate.steps["badge"].now == 3
    assert data.bottleneck == "badge"
    median = heatmap_of_runs(aggregate, "median")
    # contract: 6 h for the finished one, 54 h so far for the two still open
    assert aggregate.steps["contract"].spent_hours == pytest.approx([54, 54, 6])
    assert median.cells["contract"].value == pytest.approx(54)
    assert median.bottleneck == "badge"


def test_failures_are_counted_per_step(onboarding):
    log = [
        {"seq": 1, "time": "2026-01-05T09:00:00.000000Z", "type": "run_started", "payload": {}},
        {
            "seq": 2,
            "time": "2026-01-05T09:00:00.000000Z",
            "type": "stage_entered",
            "payload": {"stage": "paperwork", "visit": 1},
        },
        {
            "seq": 3,
            "time": "2026-01-05T09:00:00.000000Z",
            "type": "step_started",
            "payload": {"step": "payroll"},
        },
        {
            "seq": 4,
            "time": "2026-01-05T10:30:00.000000Z",
            "type": "step_failed",
            "payload": {"step": "payroll", "error": "HR system down"},
        },
    ]

    aggregate = aggregate_runs(
        onboarding, {"r1": log}, datetime(2026, 1, 6, 9, tzinfo=UTC), version=1
    )

    assert aggregate.steps["payroll"].failures == 1
    assert aggregate.steps["payroll"].spent_hours == [1.5]
    assert heatmap_of_runs(aggregate, "failures").cells["payroll"].value == 1


def test_the_panel_paints_the_heatmap_and_lists_stuck_runs_with_their_reason(
    qtbot, engine, bridge, canvas, three_runs
):
    engine.deactivate_user("alice")  # HR's only member leaves: contract checks are stuck
    monitor = RunMonitor(canvas.scene, bridge)
    panel = AggregatePanel(bridge, canvas.scene, "employee_onboarding", monitor)
    qtbot.addWidget(panel)

    panel.show_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.heatmap.active, timeout=10_000)

    look = panel.heatmap.look_of("badge")
    assert look.tag == "Bottleneck"
    assert look.label.startswith("3 now")
    assert panel.heatmap.look_of("contract").color == heat_color(2 / 3).name()
    stuck = {panel.stuck.topLevelItem(i).text(0) for i in range(panel.stuck.topLevelItemCount())}
    assert stuck == set(three_runs[:2])
    assert "hr" in panel.stuck.topLevelItem(0).text(2)


def test_showing_a_run_hides_the_heatmap(qtbot, engine, bridge, canvas, three_runs):
    monitor = RunMonitor(canvas.scene, bridge)
    panel = AggregatePanel(bridge, canvas.scene, "employee_onboarding", monitor)
    qtbot.addWidget(panel)
    panel.show_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.heatmap.active, timeout=10_000)

    with qtbot.waitSignal(monitor.shown, timeout=10_000):
        monitor.show_run(three_runs[0])

    assert not panel.heatmap.active
    assert panel.heatmap.layer.decoration("contract") is None
    assert monitor.overlay.look_of("contract") is not None


def test_clearing_the_heatmap_removes_its_legend(qtbot, canvas):
    heatmap = HeatmapOverlay(canvas.scene)
    heatmap.apply(HeatmapData("Mean wait", {"laptop": HeatCell(30.0, "30 h")}, "0", "30 h"))
    legend = next(iter(heatmap._legends.values()))
    assert legend.isVisible()

    heatmap.clear()

    assert not legend.isVisible()
    assert heatmap.look_of("laptop") is None


def test_switching_orchestration_drops_the_old_heatmap(qtbot, engine, bridge, canvas, three_runs):
    panel = AggregatePanel(bridge, canvas.scene, "employee_onboarding")
    qtbot.addWidget(panel)
    panel.show_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.heatmap.active, timeout=10_000)

    with qtbot.waitSignal(panel.refreshed, timeout=10_000):
        panel.set_orchestration("deal_desk_approval")

    assert panel.aggregate.runs == 0
    assert panel.heatmap.look_of("contract") is None
    assert panel.summary.text() == "No runs of this orchestration yet."


def test_the_bottleneck_tag_never_covers_the_card_above(qtbot, canvas):
    # Given a heatmap whose bottleneck is the badge, under "Create payroll entry"
    heatmap = HeatmapOverlay(canvas.scene)
    cells = {"payroll": HeatCell(1.0, "1 now"), "badge": HeatCell(3.0, "3 now")}
    heatmap.apply(HeatmapData("Runs at this step now", cells, "0", "3", "badge", "3 of 3"))

    # When the diagram is painted at the zoom of the screenshots and at full size
    for zoom in (0.53, 1.0):
        canvas.view.resetTransform()
        canvas.view.scale(zoom, zoom)
        decoration = heatmap.layer.decoration("badge")
        decoration.painted_tag = None
        canvas.view.centerOn(decoration)
        canvas.view.grab()

        # Then the tag is drawn, and clear of every other card
        assert decoration.painted_tag is not None
        tag = decoration.mapRectToScene(decoration.painted_tag)
        others = [
            item
            for item in canvas.scene.items()
            if isinstance(item, StepCardItem) and item.step_id != "badge"
        ]
        assert others
        for card in others:
            card_rect = card.mapRectToScene(QRectF(0, 0, card.width, geometry.CARD_HEIGHT))
            assert not tag.intersects(card_rect), (zoom, card.step_id)


def test_a_refresh_after_a_change_reads_only_the_new_logs_and_counts_as_a_fresh_load(
    qtbot, engine, bridge, canvas, three_runs, monkeypatch
):
    from designer.live.aggregate import load_aggregate
    from engine.runtime import Engine

    # Given the heatmap shown (every run's log read once)
    panel = AggregatePanel(bridge, canvas.scene, "employee_onboarding")
    qtbot.addWidget(panel)
    panel.show_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.heatmap.active, timeout=10_000)
    read: list[str] = []
    log = Engine.log

    def counted(self, run_id, *args, **kwargs):  # the real read, counted
        read.append(run_id)
        return log(self, run_id, *args, **kwargs)

    monkeypatch.setattr(Engine, "log", counted)

    # When Ann's contract is approved elsewhere and the panel refreshes
    engine.complete_item(item_of(engine, three_runs[0], "contract"), "alice", CONTRACT_OK)
    with qtbot.waitSignal(panel.refreshed, timeout=10_000):
        pass  # the change feed's signal starts the refresh within a second

    # Then no run's log was read whole again (Ann's new events came with the change)
    assert read.count(three_runs[1]) == 0 and read.count(three_runs[2]) == 0

    # And the numbers are those of a fresh load
    monkeypatch.undo()
    fresh = load_aggregate(engine, "employee_onboarding", None)
    assert {k: v.now for k, v in panel.aggregate.steps.items()} == {
        k: v.now for k, v in fresh.steps.items()
    }
    assert panel.heatmap.look_of("contract").label.startswith("1 now")  # Bo only


def test_the_heatmap_counts_the_newest_runs_and_says_so_until_older_ones_are_added(
    qtbot, engine, bridge, canvas, clock, three_runs, monkeypatch
):
    # Given three older runs and two new ones at HR's contract check, two runs a page
    from designer.live import aggregate_panel

    monkeypatch.setattr(aggregate_panel, "HEAT_RUNS", 2)
    clock.advance(timedelta(hours=1))
    newest = [start_onboarding(engine, name) for name in ("Di Eve", "Ed Fry")]
    engine.deactivate_user("alice")  # every contract check is stuck now
    panel = AggregatePanel(bridge, canvas.scene, "employee_onboarding")
    qtbot.addWidget(panel)
    panel.show()

    # When the heatmap is shown
    panel.show_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.heatmap.active, timeout=10_000)

    # Then it counts the two newest runs, says older ones were left out, and lists as stuck
    # only runs it counted
    assert panel.summary.text().startswith("Newest 2 runs (older ones not counted) of version 1")
    assert panel.heatmap.look_of("contract").label.startswith("2 now")
    stuck = {panel.stuck.topLevelItem(i).text(0) for i in range(panel.stuck.topLevelItemCount())}
    assert stuck == set(newest)
    assert panel.count_older.isVisible()

    # When the operator counts older runs too, twice
    qtbot.mouseClick(panel.count_older, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.summary.text().startswith("Newest 4 runs"), timeout=10_000)
    qtbot.mouseClick(panel.count_older, Qt.MouseButton.LeftButton)

    # Then all five are counted and nothing is left out
    qtbot.waitUntil(lambda: panel.summary.text().startswith("5 runs of version 1"), timeout=10_000)
    assert not panel.count_older.isVisible()
    assert panel.heatmap.look_of("contract").label.startswith("4 now")
