"""Generated orchestrations of any size, for the canvas benchmark and the big-diagram tests.

Stages are chained start → stage_1 → … → end, laid out in rows of `per_row`. Every tenth
stage is followed by a decision that either goes on or ends the run early, so the diagram
has branches and condition labels like a real one. Steps mix the three types; every third
step waits for the one before it (an `after` link).
"""

from __future__ import annotations

from engine.definition import (
    BackgroundStep,
    DecisionNode,
    EndNode,
    Flow,
    InteractiveStep,
    Orchestration,
    Position,
    StageNode,
    StartNode,
    WaitStep,
)

COLUMN, ROW_GAP = 400, 120


def generate(stages: int, steps_per_stage: int, per_row: int = 10) -> Orchestration:
    """An orchestration with `stages` stages of `steps_per_stage` steps each."""
    nodes: list = [StartNode(id="start", type="start", name="Start")]
    flows: list[Flow] = []
    layout: dict[str, Position] = {}
    row_height = 44 + steps_per_stage * 58 + 20 + ROW_GAP
    layout["start"] = Position(x=0, y=40)
    previous = "start"
    for s in range(1, stages + 1):
        stage_id = f"stage_{s}"
        steps = [_step(s, k) for k in range(1, steps_per_stage + 1)]
        nodes.append(StageNode(id=stage_id, type="stage", name=f"Stage {s}", steps=steps))
        row, col = divmod(s - 1, per_row)
        layout[stage_id] = Position(x=120 + col * COLUMN, y=row * row_height + 20)
        flows.append(Flow(source=previous, target=stage_id, default=previous.startswith("check_")))
        previous = stage_id
        if s % 10 == 0 and s < stages:
            decision_id, early_end = f"check_{s}", f"stopped_{s}"
            nodes.append(DecisionNode(id=decision_id, type="decision", name=f"Continue after {s}?"))
            nodes.append(EndNode(id=early_end, type="end", name="Stopped"))
            position = layout[stage_id]
            layout[decision_id] = Position(x=position.x + 300, y=position.y + row_height - 110)
            layout[early_end] = Position(x=position.x + 312, y=position.y + row_height - 20)
            flows.append(Flow(source=stage_id, target=decision_id))
            flows.append(Flow(source=decision_id, target=early_end, condition="stop == True"))
            previous = decision_id
    nodes.append(EndNode(id="end", type="end", name="Done"))
    row, col = divmod(stages, per_row)
    layout["end"] = Position(x=120 + col * COLUMN, y=row * row_height + 20)
    flows.append(Flow(source=previous, target="end"))
    return Orchestration(
        id=f"synthetic_{stages}x{steps_per_stage}",
        name=f"Synthetic {stages} stages of {steps_per_stage} steps",
        nodes=nodes,
        flows=flows,
        layout=layout,
    )


def _step(stage: int, k: int) -> InteractiveStep | BackgroundStep | WaitStep:
    step_id = f"s{stage}_{k}"
    after = [f"s{stage}_{k - 1}"] if k % 3 == 0 else []
    if k % 3 == 1:
        return InteractiveStep(
            id=step_id,
            type="interactive",
            name=f"Review item {k}",
            assignee=f"group:team_{k % 4}",
            after=after,
        )
    if k % 3 == 2:
        return BackgroundStep(
            id=step_id,
            type="background",
            name=f"Update record {k}",
            action="set_variables",
            after=after,
        )
    return WaitStep(
        id=step_id, type="wait", name=f"Wait for signal {k}", event=f"signal_{k}", after=after
    )
