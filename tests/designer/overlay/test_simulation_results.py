"""Simulation results read calmly: utilization per period, legends beside plots, one unit
per table column (bug 19.7)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from conftest import ONBOARDING

from designer.simulation import SimulationDialog
from designer.simulation.results_panel import DURATION_COLUMNS
from designer.simulation.series import DAYS, HOURS, MINUTES, column_unit, utilization_by_period


def test_nights_do_not_count_as_idle_time():
    # Given two days of 8-hour bins: night (no working hours), morning busy, evening idle
    ends = [8.0, 16.0, 24.0, 32.0, 40.0, 48.0]
    utilization = [0.0, 1.0, 0.0, 0.0, 0.5, 0.0]
    capacity = [0.0, 8.0, 1.0, 0.0, 8.0, 1.0]

    # When merged per day
    days, percents = utilization_by_period(ends, utilization, capacity, 24.0)

    # Then each day's value is busy time over that day's working time only
    assert days == [0.5, 1.5]
    assert percents == pytest.approx([800 / 9, 400 / 9])


def test_a_period_without_working_hours_has_no_value():
    _, percents = utilization_by_period([24.0, 48.0], [0.0, 0.5], [0.0, 8.0], 24.0)
    assert math.isnan(percents[0]) and percents[1] == pytest.approx(50.0)


def test_a_column_takes_the_unit_of_its_largest_value():
    assert column_unit([0.2, 3.0, 70.0]) is DAYS
    assert column_unit([0.2, 3.0]) is HOURS
    assert column_unit([0.2, None]) is MINUTES
    assert DAYS.format(70.0) == "2.9" and HOURS.format(0.25) == "0.2"


@pytest.fixture
def finished(qtbot, onboarding, tmp_path) -> SimulationDialog:
    import shutil

    path = tmp_path / ONBOARDING.name
    shutil.copy(ONBOARDING, path)
    dialog = SimulationDialog(onboarding, path)
    qtbot.addWidget(dialog)
    dialog.editor.runs.setValue(60)
    dialog.editor.per_day.setValue(4)
    dialog.show()
    assert dialog.run()
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=20_000)
    return dialog


def test_utilization_is_plotted_per_period_with_the_legend_outside(finished):
    results = finished.results
    result = finished.last_result
    busy = [name for name, who in result.assignees.items() if who.items]

    # Then each assignee's line has one point per day or week, not one per bin
    lines = results.utilization_plot.plotItem.listDataItems()
    assert len(lines) == len(busy)
    for line in lines:
        x, y = line.getData()
        assert len(x) < len(next(iter(result.assignees.values())).series_hours) / 2
        values = y[~np.isnan(y)]
        assert ((values >= 0) & (values <= 100)).all()

    # And the legend sits under the plots, not over their lines
    assert results.utilization_plot.plotItem.legend is None
    assert results.queue_plot.plotItem.legend is None
    assert results.utilization_legend.names == busy == results.queue_legend.names


def test_each_waiting_and_working_column_uses_one_unit_named_in_its_header(finished):
    table = finished.results.table
    for column in DURATION_COLUMNS:
        header = table.headerItem().text(column)
        assert re.search(r"\((min|h|d)\)$", header), header
        for i in range(table.topLevelItemCount()):
            stage = table.topLevelItem(i)
            cells = [stage.text(column)] + [
                stage.child(j).text(column) for j in range(stage.childCount())
            ]
            for cell in cells:
                assert cell == "" or re.fullmatch(r"\d+(\.\d)?", cell), (header, cell)
