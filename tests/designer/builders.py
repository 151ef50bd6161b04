"""Small definitions for designer tests, built in code rather than long JSON literals."""

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
    dumps_definition,
)

EXAMPLE = "resources/examples/employee_onboarding.baton.json"


def two_stages() -> Orchestration:
    """start → intake (a, b, c; c after a) → decide → approval (d) → end, decide → end."""
    intake = StageNode(
        id="intake",
        type="stage",
        name="Intake",
        steps=[
            InteractiveStep(id="a", type="interactive", name="Check form", assignee="user:ann"),
            BackgroundStep(id="b", type="background", name="Create record", action="set_variables"),
            InteractiveStep(id="c", type="interactive", name="Call client", after=["a"]),
        ],
    )
    approval = StageNode(
        id="approval",
        type="stage",
        name="Approval",
        steps=[InteractiveStep(id="d", type="interactive", name="Approve", assignee="group:fin")],
    )
    return Orchestration(
        id="sample",
        name="Sample",
        nodes=[
            StartNode(id="start", type="start"),
            intake,
            DecisionNode(id="decide", type="decision", name="Big deal?"),
            approval,
            EndNode(id="end", type="end", name="Done"),
        ],
        flows=[
            Flow(source="start", target="intake"),
            Flow(source="intake", target="decide"),
            Flow(source="decide", target="approval", condition="amount > 1000"),
            Flow(source="decide", target="end", default=True),
            Flow(source="approval", target="end"),
        ],
        layout={
            "start": Position(x=0, y=100),
            "intake": Position(x=100, y=98),
            "decide": Position(x=500, y=88),
            "approval": Position(x=700, y=98),
            "end": Position(x=1100, y=100),
        },
    )


def text_of(document_or_definition: object) -> str:
    """The canonical file text of a document or definition (to compare states)."""
    definition = getattr(document_or_definition, "definition", document_or_definition)
    return dumps_definition(definition)  # type: ignore[arg-type]
