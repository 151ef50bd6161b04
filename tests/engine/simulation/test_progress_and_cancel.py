"""What a designer dialog needs: progress reports, cancel with partial results, JSON."""

from __future__ import annotations

import csv
import json

import pytest

from engine.simulation import simulate
from tests.engine.simulation.helpers import example, scenario

ONBOARDING = example("employee_onboarding")


def test_progress_is_reported_until_complete():
    seen = []
    simulate(ONBOARDING, scenario(arrivals={"runs": 50, "per_day": 10}), progress=seen.append)
    assert len(seen) >= 10
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert seen[-1].fraction == 1.0
    assert seen[-1].runs_finished == seen[-1].runs_planned == 50


def test_cancel_stops_early_with_partial_results():
    seen = []
    result = simulate(
        ONBOARDING,
        scenario(arrivals={"runs": 200, "per_day": 10}),
        progress=seen.append,
        should_cancel=lambda: len(seen) >= 5,
    )
    assert result.canceled
    assert 0 < result.runs_started < 200
    assert result.runs_completed < result.runs_started
    assert result.to_json()["canceled"] is True


def test_results_are_plain_json_with_per_step_heat_values():
    result = simulate(ONBOARDING, scenario(arrivals={"runs": 10, "per_day": 5}))
    data = json.loads(json.dumps(result.to_json()))
    assert set(data["steps"]["laptop"]) >= {"wait", "work", "time", "overdue", "failed"}
    assert len(data["assignees"]["group:it"]["series_utilization"]) == 100
    heat = result.heatmap("mean_time_h")
    assert list(heat) == [s.id for _, s in ONBOARDING.steps()]
    assert heat["laptop"] > 0
    scaled = result.heatmap("mean_time_h", normalized=True)
    assert max(scaled.values()) == 1.0
    assert scaled["payroll"] == 0.0


def test_tables_flatten_into_csv_rows(tmp_path):
    result = simulate(ONBOARDING, scenario(arrivals={"runs": 10, "per_day": 5}))
    rows = result.rows("steps")
    with (tmp_path / "steps.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    read = list(csv.DictReader((tmp_path / "steps.csv").open()))
    assert [r["step_id"] for r in read] == [s.id for _, s in ONBOARDING.steps()]
    assert float(read[3]["wait_mean"]) == pytest.approx(result.steps["laptop"].wait.mean)
    assert len(result.rows("runs")) == 10
