"""Writing a simulation's results for a spreadsheet (CSV, one row per step) or a script (JSON)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from engine.definition.io import write_atomic
from engine.simulation import Scenario, SimulationResult, dumps_scenario

CSV_COLUMNS = (
    "stage",
    "step",
    "name",
    "type",
    "assignee",
    "started",
    "completed",
    "failed",
    "skipped",
    "canceled",
    "overdue",
    "mean_wait_h",
    "p90_wait_h",
    "mean_work_h",
    "mean_time_h",
    "p50_time_h",
    "p90_time_h",
)


def write_results_csv(result: SimulationResult, path: str | Path) -> Path:
    """Per-step results, one row each, times in hours."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for step in result.steps.values():
            writer.writerow(
                [
                    step.stage_id,
                    step.step_id,
                    step.name,
                    step.type,
                    step.assignee or "",
                    step.started,
                    step.completed,
                    step.failed,
                    step.skipped,
                    step.canceled,
                    step.overdue,
                    round(step.wait.mean, 4),
                    round(step.wait.p90, 4),
                    round(step.work.mean, 4),
                    round(step.time.mean, 4),
                    round(step.time.p50, 4),
                    round(step.time.p90, 4),
                ]
            )
    return path


def write_results_json(
    result: SimulationResult, path: str | Path, scenario: Scenario | None = None
) -> Path:
    """Every measured number (`SimulationResult.to_json`) and the scenario that produced it."""
    data = {"result": result.to_json()}
    if scenario is not None:
        data["scenario"] = json.loads(dumps_scenario(scenario))
    path = Path(path)
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
