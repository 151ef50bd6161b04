"""Run ▸ Migrate runs… is reached from the main window, for the orchestration that is open."""

from __future__ import annotations

import os
from pathlib import Path

from designer.live.migrate_dialog import MigrateRunsDialog
from designer.window import MainWindow
from engine.definition import load_definition
from engine.runtime import Engine

EXAMPLE = Path(__file__).resolve().parents[2] / "resources/examples/employee_onboarding.baton.json"


def test_the_run_menu_opens_migrate_runs_for_the_open_orchestration(qtbot, tmp_path):
    # given two versions of onboarding on the engine, and version 1 open in the designer
    engine = Engine(os.environ["BATON_DB"])
    engine.activate(load_definition(EXAMPLE))
    engine.start("employee_onboarding", {"employee": "Ann", "email": "ann@example.com"})
    second = load_definition(EXAMPLE).model_copy(update={"description": "version 2"})
    engine.activate(second)
    engine.close()
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(EXAMPLE)
    run_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Run")
    assert window.live.migrate_action in run_menu.actions()

    # when the admin chooses Run ▸ Migrate runs…
    window.live.migrate_action.trigger()

    # then the dialog is open on this orchestration, proposing version 1 -> 2
    dialog = window.findChild(MigrateRunsDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.plan_button.isEnabled, timeout=10_000)
    assert (dialog.from_box.currentData(), dialog.to_box.currentData()) == (1, 2)
    dialog.close()
    window.live.close()
