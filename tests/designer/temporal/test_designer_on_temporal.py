"""The designer on a Temporal runtime, used as the scale-out walkthrough's reader uses it:
runs are started from the CLI (here: the test's own `TemporalEngine`), the window connects
to the same dev server and catalogue, lists the runs, and an assignee completes work from
the inbox; the overlay, history and heatmap show the Baton events the workflow recorded.

Generous waits (60 s) are hang guards only: each change shows within the 1 s poll.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QRadioButton
from temporal_helpers import APPROVE, ONBOARDING, item_of, start_onboarding

from designer.canvas.overlay.looks import STATUS_COLORS
from designer.live.connect_dialog import TEMPORAL, ConnectEngineDialog
from designer.live.connection import Connection
from designer.live.runs_model import STATUS
from designer.window import MainWindow

GUARD = 60_000


@pytest.fixture
def window(qtbot, tmp_path, on_temporal, monkeypatch) -> MainWindow:
    monkeypatch.setenv("BATON_USER", "alice")
    shown = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(shown)
    shown.show()
    assert shown.files.open_file(ONBOARDING)
    yield shown
    shown.live.close()


def test_runs_started_from_the_cli_show_in_the_runs_panel(qtbot, cli, window, runtime):
    # Given a run started from the CLI on Temporal
    first = start_onboarding(cli, "Ada Byron")

    # When the designer (BATON_RUNTIME set, as in the walkthrough) opens its Runs panel
    window.live.show_dock("runs")
    runs = window.live.runs

    # Then the status bar names the runtime and the catalogue, and the run is listed
    label = window.live.engine_label.text()
    assert label == f"Engine: {runtime} · as alice"
    assert "catalogue.db" in window.live.engine_label.toolTip()
    qtbot.waitUntil(lambda: runs.model.row_of(first) >= 0, timeout=GUARD)

    # And a run started afterwards appears without a refresh (the Temporal change feed)
    second = start_onboarding(cli, "Bo Chen")
    qtbot.waitUntil(lambda: runs.model.row_of(second) >= 0, timeout=GUARD)


def test_completing_work_in_the_inbox_moves_the_temporal_run_on(qtbot, cli, window):
    run_id = start_onboarding(cli, "Ada Byron")
    contract = item_of(cli, run_id, "contract")

    # Given alice's inbox lists HR's contract check of the run started from the CLI
    window.live.show_dock("inbox")
    inbox = window.live.inbox
    qtbot.waitUntil(lambda: inbox.item_ids() == [contract], timeout=GUARD)

    # When she opens it, approves and completes it
    inbox.open_item(contract)
    qtbot.waitUntil(lambda: inbox.guide.form is not None and inbox.guide.form.isVisible(),
                    timeout=GUARD)  # fmt: skip
    approve = inbox.guide.form.editor("decision").findChild(QRadioButton, "choice_approve")
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(inbox.item_completed, timeout=GUARD):
        qtbot.mouseClick(inbox.guide.complete_button, Qt.MouseButton.LeftButton)

    # Then the workflow recorded it (the CLI sees it at once) and the inbox empties
    steps = {s["id"]: s["status"] for s in cli.run(run_id)["steps"]}
    assert steps["contract"] == "completed"
    completed = [e for e in cli.log(run_id) if e["type"] == "item_completed"]
    assert completed[-1]["actor"] == "alice"
    qtbot.waitUntil(lambda: inbox.item_ids() == [], timeout=GUARD)
    assert "The run moves on" in inbox.guide.banner.text()


def test_work_completed_elsewhere_leaves_the_inbox_and_reassigning_hands_it_over(
    qtbot, cli, window
):
    ada = start_onboarding(cli, "Ada Byron")
    bo = start_onboarding(cli, "Bo Chen")
    window.live.show_dock("inbox")
    inbox = window.live.inbox
    qtbot.waitUntil(lambda: len(inbox.item_ids()) == 2, timeout=GUARD)

    # When an admin completes Ada's contract from the CLI, it leaves alice's inbox
    cli.complete_item(item_of(cli, ada, "contract"), "root", APPROVE)
    bo_item = item_of(cli, bo, "contract")
    qtbot.waitUntil(lambda: inbox.item_ids() == [bo_item], timeout=GUARD)

    # And when alice hands Bo's check to root from the work guide, it is root's
    inbox.open_item(bo_item)
    qtbot.waitUntil(lambda: inbox.guide.context is not None, timeout=GUARD)
    qtbot.mouseClick(inbox.guide.reassign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.dialog is not None and inbox.dialog.isVisible(), timeout=GUARD)
    inbox.dialog.to.setCurrentText("user:root")
    qtbot.mouseClick(inbox.dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.item_ids() == [], timeout=GUARD)
    assert cli.run(bo)["open_items"][0]["assignee"] == "user:root"
    assert cli.log(bo)[-1]["actor"] == "alice"


def test_the_overlay_history_and_heatmap_show_the_events_the_workflow_recorded(qtbot, cli, window):
    run_id = start_onboarding(cli, "Ada Byron")
    cli.complete_item(item_of(cli, run_id, "contract"), "alice", APPROVE)
    start_onboarding(cli, "Bo Chen")
    live = window.live
    live.show_dock("runs")
    live.show_dock("history")
    qtbot.waitUntil(lambda: live.runs.model.row_of(run_id) >= 0, timeout=GUARD)

    # When the run is selected, the diagram shows where it is
    with qtbot.waitSignal(live.monitor.shown, timeout=GUARD):
        live.runs.select_run(run_id)
    overlay = live.monitor.overlay
    assert overlay.look_of("contract").color == STATUS_COLORS["completed"]
    assert overlay.look_of("badge").color == STATUS_COLORS["waiting"]

    # And the history scrubber holds every Baton event the workflow recorded
    history = live.history
    qtbot.waitUntil(lambda: history.slider.maximum() == len(cli.log(run_id)), timeout=GUARD)

    # And the heatmap over both runs counts who waits where
    live.show_dock("heatmap")
    heatmap = live.heatmap
    heatmap.show_button.setChecked(True)
    qtbot.waitUntil(lambda: heatmap.heatmap.active, timeout=GUARD)
    assert heatmap.heatmap.look_of("contract").label.startswith("1 now")
    assert heatmap.heatmap.look_of("badge").label.startswith("2 now")  # both wait for it


def test_pausing_and_resuming_from_the_runs_toolbar_reach_the_workflow(qtbot, cli, window):
    run_id = start_onboarding(cli, "Ada Byron")
    window.live.show_dock("runs")
    runs = window.live.runs
    qtbot.waitUntil(lambda: runs.model.row_of(run_id) >= 0, timeout=GUARD)
    runs.select_run(run_id)

    def status() -> str:
        return runs.model.index(runs.model.row_of(run_id), STATUS).data()

    runs.actions_by_name["pause"].trigger()
    qtbot.waitUntil(lambda: status() == "Paused", timeout=GUARD)
    runs.actions_by_name["resume"].trigger()
    qtbot.waitUntil(lambda: status() == "Waiting", timeout=GUARD)
    assert [e["type"] for e in cli.log(run_id)][-2:] == ["run_paused", "run_resumed"]


def _tested(qtbot, dialog: ConnectEngineDialog, address: str) -> str:
    dialog.address.setText(address)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: not dialog.testing(), timeout=GUARD)
    return dialog.result.text()


def test_connect_to_engine_accepts_a_temporal_runtime_and_refuses_in_one_line(
    qtbot, temporal_server, runtime, tmp_path
):
    dialog = ConnectEngineDialog(Connection(str(tmp_path / "catalogue.db"), "alice"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.runtime.setCurrentIndex(TEMPORAL)
    assert dialog.database_label.text() == "Catalogue database"
    assert dialog.address.isVisible() and dialog.api_key.isVisible()

    # The dev server: it works, and the connection carries the address
    assert _tested(qtbot, dialog, runtime) == (
        f"Connected: {runtime} (catalogue {tmp_path / 'catalogue.db'}) works."
    )
    assert dialog.connection.runtime == runtime

    # A namespace the server does not have, and a server that is not there
    missing = _tested(qtbot, dialog, runtime.rsplit("/", 1)[0] + "/nowhere")
    assert "namespace 'nowhere' does not exist" in missing and "\n" not in missing
    closed = _tested(qtbot, dialog, "temporal://127.0.0.1:1/default")
    assert closed.startswith("cannot reach Temporal at temporal://127.0.0.1:1/default")
    assert "\n" not in closed and "Traceback" not in closed

    # A malformed address: OK refuses it in the same line and the dialog stays open
    dialog.address.setText("temporal:/nohost")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and "is not a runtime address" in dialog.result.text()


def test_connecting_from_the_dialog_switches_the_window_to_temporal(
    qtbot, cli, tmp_path, runtime, catalogue_path, monkeypatch
):
    monkeypatch.delenv("BATON_RUNTIME", raising=False)
    run_id = start_onboarding(cli, "Ada Byron")
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    assert window.files.open_file(ONBOARDING)

    # When the user picks Temporal in File ▸ Connect to engine… and presses OK
    dialog = window.live.open_connect_dialog()
    dialog.runtime.setCurrentIndex(TEMPORAL)
    dialog.address.setText(runtime)
    dialog.url.setText(str(catalogue_path))
    dialog.user.setText("alice")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    # Then the status bar says so and the Runs panel lists the Temporal run
    assert window.live.engine_label.text() == f"Engine: {runtime} · as alice"
    window.live.show_dock("runs")
    qtbot.waitUntil(lambda: window.live.runs.model.row_of(run_id) >= 0, timeout=GUARD)
    window.live.close()
    assert Path(catalogue_path).exists()


def test_an_unreachable_runtime_is_named_in_the_status_bar(qtbot, tmp_path, monkeypatch):
    # Given BATON_RUNTIME names a server that is not there
    monkeypatch.setenv("BATON_RUNTIME", "temporal://127.0.0.1:1/default")
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()

    # When the Runs panel opens (the engine is tried on the bridge's thread), the status
    # bar says it is not connected, with the reason as its tooltip
    window.live.show_dock("runs")
    label = window.live.engine_label
    qtbot.waitUntil(lambda: label.text().endswith("· not connected"), timeout=GUARD)
    assert label.toolTip().startswith("cannot reach Temporal at temporal://127.0.0.1:1/default")
    window.live.close()
