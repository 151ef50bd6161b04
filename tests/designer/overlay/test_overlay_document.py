"""Run status never enters the document: no undo entry, no dirty file, design mode intact."""

from __future__ import annotations

import shutil

import pytest
from conftest import CONTRACT_OK, ONBOARDING, item_of, start_onboarding

from designer.canvas.overlay import OverlayState, RunOverlay
from designer.canvas.overlay.looks import STATUS_COLORS
from designer.live.monitor import RunMonitor
from designer.window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path) -> MainWindow:
    main = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(main)
    path = tmp_path / ONBOARDING.name
    shutil.copy(ONBOARDING, path)
    assert main.files.open_file(path, confirmed=True)
    return main


def test_watching_a_run_makes_no_undo_entry_and_leaves_the_file_clean(
    qtbot, window, engine, bridge
):
    changes = []
    window.document.subscribe(changes.append)
    saved = window.document.definition.model_dump()
    monitor = RunMonitor(window.scene, bridge)
    run_id = start_onboarding(engine)

    with qtbot.waitSignal(monitor.shown, timeout=10_000):
        monitor.show_run(run_id)
    engine.complete_item(item_of(engine, run_id, "contract"), "alice", CONTRACT_OK)
    qtbot.waitUntil(
        lambda: monitor.overlay.look_of("payroll").status == "completed", timeout=10_000
    )
    monitor.clear()

    assert window.undo_stack.count() == 0
    assert window.undo_stack.isClean()
    assert not window.files.is_dirty()
    assert not window.isWindowModified()
    assert changes == []
    assert window.document.definition.model_dump() == saved


def test_an_edit_while_a_run_is_shown_is_the_only_undo_entry_and_keeps_the_overlay(window):
    overlay = RunOverlay(window.scene)
    overlay.apply(OverlayState(statuses={"contract": "waiting"}, current_stage="paperwork"))

    window.canvas.auto_layout()  # one real edit: moves every node

    assert window.undo_stack.count() == 1
    assert window.files.is_dirty()
    decoration = overlay.layer.decoration("contract")
    assert decoration is not None
    assert decoration.parentItem() is window.scene.card_item("contract")
    window.undo_stack.undo()
    assert not window.files.is_dirty()
    assert overlay.look_of("contract").color == STATUS_COLORS["waiting"]


def test_decorations_move_onto_the_new_items_when_the_scene_is_rebuilt(window):
    overlay = RunOverlay(window.scene)
    overlay.apply(OverlayState(statuses={"contract": "completed"}, path=["paperwork"]))
    old_card = window.scene.card_item("contract")

    window.document.reset(window.document.definition)  # as when a file is reopened

    new_card = window.scene.card_item("contract")
    assert new_card is not old_card
    decoration = overlay.layer.decoration("contract")
    assert decoration is not None and decoration.parentItem() is new_card
    assert overlay.layer.decoration(("start", "paperwork")) is not None


def test_clearing_the_overlay_leaves_only_the_designed_items(window):
    designed = len(window.scene.items())
    overlay = RunOverlay(window.scene)
    overlay.apply(OverlayState(statuses={"contract": "failed"}, errors={"contract": "boom"}))
    assert len(window.scene.items()) > designed

    overlay.clear()

    assert len(window.scene.items()) == designed
    assert not window.undo_stack.count()
