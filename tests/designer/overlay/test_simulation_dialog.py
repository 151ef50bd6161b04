"""The simulation dialog: edit a scenario, run it with progress and cancel, read and export."""

from __future__ import annotations

import csv
import json
import shutil

import pyqtgraph as pg
import pytest
from conftest import ONBOARDING

from designer.simulation import SimulationDialog
from designer.simulation.scenario_fields import outcomes_from_text, outcomes_text
from engine.errors import BatonError
from engine.simulation import load_scenario, scenario_path_for


@pytest.fixture
def definition_file(tmp_path):
    path = tmp_path / ONBOARDING.name
    shutil.copy(ONBOARDING, path)
    return path


@pytest.fixture
def dialog(qtbot, onboarding, definition_file) -> SimulationDialog:
    window = SimulationDialog(onboarding, definition_file)
    qtbot.addWidget(window)
    window.editor.runs.setValue(60)
    window.editor.per_day.setValue(4)
    window.show()
    return window


def _finish(qtbot, dialog: SimulationDialog, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=timeout)


def test_running_a_scenario_shows_progress_plots_and_the_heatmap(qtbot, dialog):
    seen = []

    assert dialog.run()
    dialog.thread.progressed.connect(lambda p: seen.append(p.fraction))
    assert not dialog.run_button.isEnabled()
    assert dialog.cancel_button.isEnabled()
    _finish(qtbot, dialog)

    result = dialog.last_result
    assert result is not None and result.runs_started == 60 and not result.canceled
    assert dialog.progress.value() == 1000
    assert seen and seen[-1] == 1.0
    assert any(isinstance(i, pg.BarGraphItem) for i in dialog.results.cycle_plot.plotItem.items)
    assert len(dialog.results.queue_plot.plotItem.listDataItems()) >= 3
    assert dialog.results.table.topLevelItemCount() == len(result.stages)
    assert dialog.results.tiles["Runs"].text() == "60"
    assert dialog.heatmap.active
    bottleneck = result.bottleneck.step_id
    assert dialog.heatmap.look_of(bottleneck).tag == "Bottleneck"
    assert dialog.results.bottleneck.isVisibleTo(dialog)


def test_cancel_stops_early_with_partial_results_and_a_responsive_ui(qtbot, dialog):
    # Many runs: the in-memory simulator finishes 20,000 onboarding runs in about 2 s, so a
    # smaller count could end before the click; 200,000 take 20 s or more.
    dialog.editor.runs.setValue(200_000)
    dialog.editor.per_day.setValue(1)  # unhurried: runs finish steadily, so progress moves

    dialog.run()
    # the UI thread keeps handling events while the worker simulates: the first progress
    # report (after 50 finished runs, well under a second) turns the busy bar into a
    # measured one; 60 s is a hang guard
    qtbot.waitUntil(lambda: dialog.progress.maximum() > 0, timeout=60_000)
    dialog.cancel_button.click()
    _finish(qtbot, dialog)

    assert dialog.last_result.canceled
    assert dialog.last_result.runs_started < 200_000
    assert dialog.progress.text().startswith("Canceled")
    assert dialog.run_button.isEnabled()


def test_story_4_it_is_the_bottleneck_until_a_second_technician_joins(qtbot, onboarding, tmp_path):
    # given the example's scenario beside the definition: a month of hires, one IT technician
    for source in (ONBOARDING, scenario_path_for(ONBOARDING)):
        shutil.copy(source, tmp_path / source.name)
    dialog = SimulationDialog(onboarding, tmp_path / ONBOARDING.name)
    qtbot.addWidget(dialog)
    assert dialog.scenario_label.text().endswith("employee_onboarding.scenario.json")
    dialog.run()
    _finish(qtbot, dialog)
    before = dialog.last_result
    assert before.bottleneck.step_id == "laptop"
    assert before.steps["laptop"].wait.mean > 48  # items wait days for IT

    # when the admin adds a second IT worker and simulates again
    dialog.editor.set_workers("group:it", 2)
    dialog.run()
    _finish(qtbot, dialog)

    # then laptops wait far less and runs finish sooner
    after = dialog.last_result
    assert after.steps["laptop"].wait.mean < before.steps["laptop"].wait.mean / 2
    assert after.cycle_time.mean < before.cycle_time.mean


def test_fewer_runs_than_asked_for_are_explained_in_the_status(qtbot, dialog):
    # given 60 runs at 4 a day, but arriving within 5 days only
    dialog.editor.horizon.setValue(5)

    dialog.run()
    _finish(qtbot, dialog)

    # then the status says how many arrived, why, and what to change
    arrived = dialog.last_result.arrivals
    assert 0 < arrived < 60
    assert (
        f"{arrived} of 60 runs arrived within the arrival horizon (5 days); "
        "lengthen the horizon, or remove it, to start all 60." in dialog.status.text()
    )


def test_the_scenario_is_saved_beside_the_definition_and_loaded_next_time(
    qtbot, dialog, onboarding, definition_file
):
    dialog.editor.seed.setValue(42)
    dialog.editor.set_workers("group:it", 3)

    saved = dialog.save_scenario_file()

    assert saved == scenario_path_for(definition_file)
    assert load_scenario(saved).seed == 42
    again = SimulationDialog(onboarding, definition_file)
    qtbot.addWidget(again)
    assert again.editor.seed.value() == 42
    assert again.editor.scenario().assignees["group:it"].workers == 3


def test_a_bad_duration_is_refused_with_the_step_named(qtbot, dialog):
    row = dialog.editor._step_ids.index("laptop")
    dialog.editor.steps.item(row, 2).setText("two days")

    assert not dialog.run()

    assert "laptop" in dialog.status.text()
    assert dialog.thread is None


def test_results_export_as_csv_and_json(qtbot, dialog, tmp_path):
    dialog.run()
    _finish(qtbot, dialog)

    csv_path = dialog.export("csv", tmp_path / "out.csv")
    json_path = dialog.export("json", tmp_path / "out.json")

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["step"] for r in rows] == list(dialog.last_result.steps)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["result"]["runs_started"] == 60
    assert data["scenario"]["arrivals"]["runs"] == 60


def test_output_weights_read_back_as_written():
    text = "decision: approve=9, reject=1; asset_tag=LT-{n}; count=3"

    outputs = outcomes_from_text(text, "laptop")

    assert outcomes_text(outputs) == text
    assert outputs["count"].value == 3
    with pytest.raises(BatonError):
        outcomes_from_text("decision: approve", "laptop")
