"""The selected run colours the diagram and follows the engine, from any writer, within 1 s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import CONTRACT_OK, item_of, start_onboarding
from PySide6.QtCore import QPoint, Qt

from designer.canvas.overlay.looks import STATUS_COLORS
from designer.live.history import RunHistoryPanel
from designer.live.monitor import RunMonitor
from designer.live.runs_panel import RunsPanel


@pytest.fixture
def runs_panel(qtbot, bridge, onboarding) -> RunsPanel:
    panel = RunsPanel(bridge, onboarding, actor="ops")
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def history(qtbot, bridge) -> RunHistoryPanel:
    panel = RunHistoryPanel(bridge)
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def monitor(canvas, bridge, runs_panel, history) -> RunMonitor:
    return RunMonitor(canvas.scene, bridge, runs_panel, history)


def _color(monitor: RunMonitor, key) -> str | None:
    look = monitor.overlay.look_of(key)
    return look.color if look else None


def _select(qtbot, runs_panel: RunsPanel, monitor: RunMonitor, run_id: str) -> None:
    qtbot.waitUntil(lambda: runs_panel.model.row_of(run_id) >= 0, timeout=10_000)
    with qtbot.waitSignal(monitor.shown, timeout=10_000):
        runs_panel.select_run(run_id)


def test_selecting_a_run_colours_the_diagram(qtbot, engine, runs_panel, monitor):
    run_id = start_onboarding(engine)

    _select(qtbot, runs_panel, monitor, run_id)

    assert _color(monitor, "contract") == STATUS_COLORS["waiting"]
    assert monitor.overlay.look_of("contract").label.startswith("hr")
    assert _color(monitor, "payroll") == STATUS_COLORS["not_started"]
    assert monitor.overlay.look_of("paperwork").tag == "Current stage"
    assert monitor.overlay.look_of("equipment").veil  # not entered yet
    assert _color(monitor, ("start", "paperwork")) == STATUS_COLORS["completed"]
    assert monitor.overlay.look_of(("paperwork", "contract_ok")) is None


def test_overlay_follows_work_completed_in_this_window_and_by_a_second_engine(
    qtbot, engine, bridge, clock, runs_panel, monitor
):
    run_id = start_onboarding(engine)
    _select(qtbot, runs_panel, monitor, run_id)

    # given the designer's own engine (the bridge) completes HR's contract check
    contract = item_of(engine, run_id, "contract")
    bridge.submit(lambda e: e.complete_item(contract, "alice", CONTRACT_OK))
    qtbot.waitUntil(
        lambda: _color(monitor, "contract") == STATUS_COLORS["completed"], timeout=10_000
    )
    assert _color(monitor, "payroll") == STATUS_COLORS["completed"]
    assert _color(monitor, "badge") == STATUS_COLORS["waiting"]

    # when a second engine on the same file (the CLI, another window) moves the run on
    clock.advance(timedelta(hours=2))
    engine.send_event("badge_printed", "Ann Lee")

    # then the diagram follows within a second: IT equipment is now the current stage
    qtbot.waitUntil(lambda: _color(monitor, "badge") == STATUS_COLORS["completed"], timeout=10_000)
    qtbot.waitUntil(
        lambda: monitor.overlay.look_of("equipment").tag == "Current stage", timeout=10_000
    )
    assert _color(monitor, "laptop") == STATUS_COLORS["waiting"]
    assert _color(monitor, ("contract_ok", "laptop_needed")) == STATUS_COLORS["completed"]
    assert _color(monitor, ("laptop_needed", "equipment")) == STATUS_COLORS["completed"]
    assert _color(monitor, ("laptop_needed", "first_week")) is None

    engine.complete_item(item_of(engine, run_id, "laptop"), "bob", {"asset_tag": "LT-7"})
    engine.complete_item(item_of(engine, run_id, "accounts"), "dan", {})
    qtbot.waitUntil(lambda: _color(monitor, "plan") == STATUS_COLORS["waiting"], timeout=10_000)
    assert monitor.overlay.look_of("equipment").color == STATUS_COLORS["completed"]


def test_an_update_repaints_only_what_changed_and_never_rebuilds_the_scene(
    qtbot, engine, canvas, runs_panel, monitor
):
    run_id = start_onboarding(engine)
    _select(qtbot, runs_panel, monitor, run_id)
    items_before = set(canvas.scene.items())
    card = canvas.scene.card_item("contract")
    repaints = monitor.overlay.layer.repaints

    engine.complete_item(item_of(engine, run_id, "contract"), "alice", CONTRACT_OK)
    qtbot.waitUntil(
        lambda: _color(monitor, "contract") == STATUS_COLORS["completed"], timeout=10_000
    )

    assert canvas.scene.card_item("contract") is card
    assert items_before <= set(canvas.scene.items())
    # contract, payroll and badge changed (badge now waits longer); the stages did not
    assert monitor.overlay.layer.repaints - repaints <= 3


def test_double_clicking_a_waiting_step_asks_for_its_work_item(
    qtbot, engine, canvas, runs_panel, monitor
):
    run_id = start_onboarding(engine)
    _select(qtbot, runs_panel, monitor, run_id)
    card = canvas.scene.card_item("contract")
    canvas.view.centerOn(card)
    point = canvas.view.mapFromScene(card.mapToScene(card.boundingRect().center()))

    with qtbot.waitSignal(monitor.work_item_requested, timeout=10_000) as asked:
        qtbot.mouseDClick(canvas.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))

    assert asked.args == [item_of(engine, run_id, "contract")]
    assert not canvas.view.rename_editor.isVisible()  # no rename while a run is shown


def test_selecting_nothing_returns_the_canvas_to_design_mode(
    qtbot, engine, canvas, runs_panel, monitor
):
    run_id = start_onboarding(engine)
    _select(qtbot, runs_panel, monitor, run_id)

    monitor.clear()

    assert not monitor.overlay.active
    assert monitor.overlay.look_of("contract") is None
    assert all(type(i).__module__.startswith("designer.canvas.items") for i in canvas.scene.items())
