"""Run ▸ Activate and the live docks, from the main window, against a real SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

from designer.commands import UpdateStepCommand
from designer.window import MainWindow
from engine.runtime import Engine

EXAMPLES = Path(__file__).resolve().parents[2] / "resources/examples"


def open_example(qtbot, tmp_path: Path, name: str) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(EXAMPLES / f"{name}.baton.json")
    return window


def test_a_drawing_session_never_opens_the_run_database(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path, "deal_desk_approval")

    assert window.live.bridge is None
    assert not Path(os.environ["BATON_DB"]).exists()


def test_activate_puts_the_definition_on_the_engine_and_shows_its_runs(qtbot, tmp_path):
    # given the deal-desk example open in the designer
    window = open_example(qtbot, tmp_path, "deal_desk_approval")

    # when the admin chooses Run ▸ Activate
    window.live.activate_action.trigger()

    # then the engine (the same database the CLI uses) has it, and the Runs dock is shown
    qtbot.waitUntil(lambda: window.live.runs is not None, timeout=10_000)
    engine = Engine(os.environ["BATON_DB"])
    qtbot.waitUntil(
        lambda: any(d["id"] == "deal_desk_approval" for d in engine.definitions()), timeout=10_000
    )
    assert window.live.docks["runs"].isVisible()

    # and a run started elsewhere (here: another engine on the file) appears in the panel
    engine.start(
        "deal_desk_approval", {"deal_name": "Acme", "amount": 1000, "owner_email": "o@example.com"}
    )
    qtbot.waitUntil(lambda: window.live.runs.model.rowCount() == 1, timeout=10_000)
    engine.close()


def test_activating_a_definition_with_errors_is_refused_and_points_at_problems(
    qtbot, tmp_path, dialogs
):
    window = open_example(qtbot, tmp_path, "deal_desk_approval")
    window.undo_stack.push(UpdateStepCommand(window.document, "quote", {"assignee": None}))

    assert window.live.activate() is False

    assert dialogs and dialogs[-1][0] == "warning" and "error" in dialogs[-1][1]
    assert window.problems_dock.isVisible()
    assert window.live.bridge is None  # nothing reached the engine


def test_run_menu_offers_simulation_on_the_diagram_as_drawn(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path, "employee_onboarding")

    dialog = window.live.simulate()

    assert dialog.definition.id == "employee_onboarding"
    dialog.close()


def test_the_live_docks_include_the_heatmap_and_follow_the_open_file(qtbot, tmp_path):
    window = open_example(qtbot, tmp_path, "employee_onboarding")
    window.live.show_dock("heatmap")

    assert window.live.heatmap.orchestration == "employee_onboarding"
    assert window.files.open_file(EXAMPLES / "deal_desk_approval.baton.json")
    assert window.live.heatmap.orchestration == "deal_desk_approval"


def test_opening_another_file_empties_the_history_of_the_previous_files_run(qtbot, tmp_path):
    # Given the deal desk's run shown in the History dock
    window = open_example(qtbot, tmp_path, "deal_desk_approval")
    window.live.activate_action.trigger()
    qtbot.waitUntil(lambda: window.live.runs is not None, timeout=10_000)
    engine = Engine(os.environ["BATON_DB"])
    qtbot.waitUntil(
        lambda: any(d["id"] == "deal_desk_approval" for d in engine.definitions()), timeout=10_000
    )
    run_id = engine.start(
        "deal_desk_approval", {"deal_name": "Acme", "amount": 1000, "owner_email": "o@x.com"}
    )
    engine.close()
    qtbot.waitUntil(lambda: window.live.runs.model.rowCount() == 1, timeout=10_000)
    window.live.runs.select_run(run_id)
    history = window.live.history
    qtbot.waitUntil(lambda: history.model.rowCount() > 0, timeout=10_000)

    # When another orchestration is opened
    assert window.files.open_file(EXAMPLES / "customer_onboarding.baton.json")

    # Then the History no longer shows the deal desk's run
    assert history.run_id is None
    assert history.model.rowCount() == 0
    assert history.title.text() == "No run selected"
