"""A simulation result as a heatmap on the diagram: queue wait per step, the bottleneck flagged."""

from __future__ import annotations

from designer.canvas.overlay import HeatCell, HeatmapData, format_hours
from designer.runs.formatting import counted
from engine.simulation import SimulationResult

METRICS = {
    "mean_wait_h": "Mean wait in the assignee's queue",
    "mean_work_h": "Mean working time",
    "mean_time_h": "Mean time at the step",
    "failed": "Failed steps",
    "overdue": "Items past due",
}


def heatmap_of_simulation(result: SimulationResult, metric: str = "mean_wait_h") -> HeatmapData:
    """Per-step `metric` of a result (see `METRICS`), with the simulator's bottleneck."""
    hours = metric.endswith("_h")
    values = result.heatmap(metric)
    cells = {}
    for step_id, step in result.steps.items():
        if not step.started:
            continue
        value = values[step_id]
        label = format_hours(value) if hours else f"{value:g}"
        if hours and metric == "mean_wait_h":
            label = f"waits {label}" if value > 0 else "no queue"
        cells[step_id] = HeatCell(
            value=value,
            label=label,
            tooltip=(
                f"{step.name}: {step.started} started, {step.completed} completed, "
                f"{step.failed} failed\nwait {format_hours(step.wait.mean)} (p90 "
                f"{format_hours(step.wait.p90)}), work {format_hours(step.work.mean)}, "
                f"total {format_hours(step.time.mean)}"
            ),
        )
    top = max((c.value for c in cells.values()), default=0.0)
    bottleneck = result.bottleneck
    return HeatmapData(
        title=f"{METRICS[metric]} · {counted(result.runs_started, 'simulated run')}",
        cells=cells,
        low_text=format_hours(0) if hours else "0",
        high_text=format_hours(top) if hours else f"{top:g}",
        bottleneck=bottleneck.step_id if bottleneck else None,
        bottleneck_note=bottleneck.message if bottleneck else "",
    )
