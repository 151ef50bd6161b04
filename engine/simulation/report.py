"""The readable text report of a simulation (what `baton simulate` prints by default)."""

from __future__ import annotations

from engine.simulation.results import SimulationResult


def _h(hours: float) -> str:
    return f"{hours:.1f}"


def _table(rows: list[list[str]], headers: list[str]) -> list[str]:
    cells = [headers, *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]


def format_report(
    result: SimulationResult, scenario_label: str = "defaults", remarks: tuple[str, ...] = ()
) -> str:
    """The result as aligned plain-text tables (no colours, easy to grep).

    Args:
        remarks: lines said right under the title (what the command line changed).
    """
    r = result
    lines = [
        f"Simulation of {r.definition}: {r.runs_started} runs, seed {r.seed}, "
        f"scenario: {scenario_label}" + (" (CANCELED: partial results)" if r.canceled else ""),
        f"Virtual time: {r.virtual_hours / 24:.1f} days; throughput "
        f"{r.throughput_per_day:.2f} runs/day",
        f"Runs: {r.runs_completed} completed, {r.runs_failed} failed, {r.runs_canceled} "
        f"canceled, {r.runs_unfinished} unfinished",
        "Ends: " + (", ".join(f"{k} {v}" for k, v in r.ends.items()) or "none"),
        "Outcomes: " + (", ".join(f"{k} {v}" for k, v in r.outcomes.items()) or "none"),
        f"Cycle time (h): mean {_h(r.cycle_time.mean)}, p50 {_h(r.cycle_time.p50)}, "
        f"p90 {_h(r.cycle_time.p90)}, p99 {_h(r.cycle_time.p99)}, max {_h(r.cycle_time.max)}",
        f"SLA breaches (items past due): {r.sla_breaches}",
        "Bottleneck: " + (r.bottleneck.message if r.bottleneck else "none (no item waited)"),
        "",
        "Steps (hours; wait = in a queue, work = being worked on)",
    ]
    if r.faults:
        taken = ", ".join(f"{stage} {count}" for stage, count in r.faults.items())
        lines.insert(lines.index(""), f"Fault routes taken: {taken}")
    if r.shortfall:
        lines.insert(1, f"Note: {r.shortfall}")
    lines[1:1] = [f"Note: {remark}" for remark in remarks]
    if r.arrivals != r.runs_started:
        # Record-triggered arrivals whose condition did not hold, or starts refused.
        lines.insert(2, f"Arrivals: {r.arrivals}, which started {r.runs_started} runs")
    lines += _table(
        [
            [
                s.step_id,
                s.stage_id,
                s.assignee or s.type,
                str(s.started),
                _h(s.time.mean),
                _h(s.time.p90),
                _h(s.wait.mean),
                _h(s.work.mean),
                str(s.overdue),
                str(s.failed),
            ]
            for s in r.steps.values()
        ],
        [
            "step",
            "stage",
            "assignee/type",
            "runs",
            "mean",
            "p90",
            "wait",
            "work",
            "overdue",
            "failed",
        ],
    )
    lines += ["", "Stages (hours)"]
    lines += _table(
        [
            [
                s.stage_id,
                str(s.visits),
                str(s.runs),
                str(s.runs_looping),
                str(s.max_visits),
                _h(s.time.mean),
                _h(s.time.p90),
                _h(s.wait.mean),
                _h(s.work.mean),
            ]
            for s in r.stages.values()
        ],
        [
            "stage",
            "visits",
            "runs",
            "looped",
            "max visits",
            "mean",
            "p90",
            "item wait",
            "item work",
        ],
    )
    lines += ["", "Assignees"]
    lines += _table(
        [
            [
                a.assignee,
                str(a.workers),
                str(a.items),
                _h(a.wait.mean),
                str(a.max_waiting),
                f"{a.utilization:.0%}",
                str(a.overdue),
            ]
            for a in r.assignees.values()
        ],
        ["assignee", "workers", "items", "wait h", "max queue", "utilization", "overdue"],
    )
    if r.failures:
        lines += ["", "Failures"]
        lines += [f"  {count} x {reason}" for reason, count in r.failures.items()]
    if r.notes:
        lines += ["", "Notes"]
        lines += [f"  {note}" for note in r.notes]
    return "\n".join(lines)
