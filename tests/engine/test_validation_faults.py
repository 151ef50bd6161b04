"""Fault routes and end outcomes: `fault-route` and `end-outcome`."""

from __future__ import annotations

from engine.definition import EndNode
from tests.engine.builders import (
    background,
    codes,
    decision,
    end,
    flow,
    orchestration,
    problems,
    stage,
    start,
    with_decision,
)


def _charging(*extra_nodes, extra_flows=()):
    """start -> charge (a background step) -> end, plus what a test adds."""
    return orchestration(
        [start(), stage("charge", background("bill")), end(), *extra_nodes],
        [flow("start", "charge"), flow("charge", "end"), *extra_flows],
    )


def test_a_fault_route_to_an_end_marked_failed_is_clean():
    definition = _charging(
        EndNode(id="failed", type="end", outcome="failed"),
        extra_flows=[flow("charge", "failed", fault=True)],
    )

    assert codes(definition) == []


def test_a_fault_flow_is_not_counted_as_a_second_way_on():
    # given a stage with its flow and a fault flow to a remedy stage that then ends
    definition = _charging(
        stage("remedy"),
        extra_flows=[flow("charge", "remedy", fault=True), flow("remedy", "end")],
    )

    assert problems(definition, "stage-flow") == []
    assert codes(definition) == []


def test_a_fault_route_that_never_reaches_an_end_is_reported_on_its_stage():
    # given a fault route into a remedy stage that loops with another forever
    definition = _charging(
        stage("remedy", max_visits=2),
        stage("again"),
        extra_flows=[
            flow("charge", "remedy", fault=True),
            flow("remedy", "again"),
            flow("again", "remedy"),
        ],
    )

    found = problems(definition, "fault-route")

    assert [(d.element, d.field) for d in found] == [("charge", "flows[remedy].fault")]
    assert "no path of flows reaches an end" in found[0].message
    assert "\n" not in found[0].message


def test_a_fault_flow_from_a_decision_is_reported():
    definition = with_decision()
    definition.flows.append(flow("check", "end", fault=True))

    found = problems(definition, "fault-route")

    assert [d.element for d in found] == ["check"]
    assert "only stages have fault routes" in found[0].message


def test_a_stage_with_two_fault_flows_is_reported():
    definition = _charging(
        EndNode(id="a", type="end", outcome="failed"),
        EndNode(id="b", type="end", outcome="rejected"),
        extra_flows=[flow("charge", "a", fault=True), flow("charge", "b", fault=True)],
    )

    found = problems(definition, "fault-route")

    assert [d.element for d in found] == ["charge"]
    assert "2 fault flows" in found[0].message


def test_a_fault_flow_with_a_condition_is_reported():
    definition = _charging(
        EndNode(id="failed", type="end", outcome="failed"),
        extra_flows=[flow("charge", "failed", fault=True, condition="true")],
    )

    found = problems(definition, "fault-route")

    assert [(d.element, d.field) for d in found] == [("charge", "flows[failed].condition")]


def test_a_fault_flow_on_a_stage_that_cannot_fail_is_a_warning():
    # given a stage with only an interactive step (nothing that fails) and a fault route
    definition = orchestration(
        [start(), stage("review"), end(), EndNode(id="failed", type="end", outcome="failed")],
        [flow("start", "review"), flow("review", "end"), flow("review", "failed", fault=True)],
    )

    (found,) = problems(definition, "fault-route")

    assert (found.severity, found.element) == ("warning", "review")


def test_an_end_with_an_outcome_that_is_not_a_name_is_reported():
    definition = orchestration(
        [start(), stage("s"), EndNode(id="done", type="end", outcome="not ok!")],
        [flow("start", "s"), flow("s", "done")],
    )

    found = problems(definition, "end-outcome")

    assert [(d.element, d.field) for d in found] == [("done", "outcome")]


def test_a_custom_outcome_name_is_accepted():
    definition = orchestration(
        [start(), stage("s"), EndNode(id="done", type="end", outcome="withdrawn")],
        [flow("start", "s"), flow("s", "done")],
    )

    assert codes(definition) == []


def test_expressions_may_read_the_fault():
    # given a decision after a fault route that reads fault.step
    definition = orchestration(
        [
            start(),
            stage("charge", background("bill")),
            decision("why"),
            stage("remedy"),
            end(),
        ],
        [
            flow("start", "charge"),
            flow("charge", "end"),
            flow("charge", "why", fault=True),
            flow("why", "remedy", condition="fault.step == 'bill'"),
            flow("why", "end", default=True),
            flow("remedy", "end"),
        ],
    )

    assert problems(definition, "unknown-name") == []
    assert codes(definition) == []


def test_a_fault_flow_beside_the_ordinary_flow_to_the_same_node_is_reported():
    # given a stage whose fault route and flow both lead to the end
    definition = _charging(extra_flows=[flow("charge", "end", fault=True)])

    found = problems(definition, "fault-route")

    assert [(d.element, d.field) for d in found] == [("charge", "flows[end].fault")]
    assert "both its flow and its fault flow" in found[0].message
