"""Small helpers that build definitions for the panel tests."""

from __future__ import annotations

from engine.definition import (
    BackgroundStep,
    DecisionNode,
    EndNode,
    Flow,
    InteractiveStep,
    Orchestration,
    Output,
    StageNode,
    StartNode,
    Variable,
    WaitStep,
)


def contract_step(**fields) -> InteractiveStep:
    values = {
        "id": "contract",
        "name": "Check signed contract",
        "type": "interactive",
        "assignee": "group:hr",
        "outputs": [Output(name="decision", choices=["approve", "reject"], required=True)],
        "due": "P2D",
    }
    return InteractiveStep(**{**values, **fields})


def onboarding() -> Orchestration:
    """start -> paperwork (contract, payroll after contract, badge wait) -> ok? -> end."""
    paperwork = StageNode(
        id="paperwork",
        type="stage",
        name="HR paperwork",
        steps=[
            contract_step(),
            BackgroundStep(
                id="payroll",
                name="Create payroll entry",
                type="background",
                after=["contract"],
                action="set_variables",
                inputs={"payroll_id": "'P-' + employee"},
            ),
            WaitStep(id="badge", name="Badge printed", type="wait", event="badge_printed"),
        ],
    )
    return Orchestration(
        id="employee_onboarding",
        name="Employee onboarding",
        variables=[Variable(name="employee", input=True, required=True)],
        nodes=[
            StartNode(id="start", type="start"),
            paperwork,
            DecisionNode(id="contract_ok", type="decision", name="Contract approved?"),
            EndNode(id="done", type="end"),
        ],
        flows=[
            Flow(source="start", target="paperwork"),
            Flow(source="paperwork", target="contract_ok"),
            Flow(source="contract_ok", target="done", condition="contract.decision == 'approve'"),
        ],
    )


def big_definition(stages: int, steps_per_stage: int) -> Orchestration:
    """A long chain of stages full of interactive steps without assignees."""
    nodes: list = [StartNode(id="start", type="start")]
    flows = []
    previous = "start"
    for s in range(stages):
        steps = [
            InteractiveStep(id=f"s{s}_t{t}", type="interactive") for t in range(steps_per_stage)
        ]
        nodes.append(StageNode(id=f"stage_{s}", type="stage", steps=steps))
        flows.append(Flow(source=previous, target=f"stage_{s}"))
        previous = f"stage_{s}"
    nodes.append(EndNode(id="end", type="end"))
    flows.append(Flow(source=previous, target="end"))
    return Orchestration(id="big", nodes=nodes, flows=flows)
