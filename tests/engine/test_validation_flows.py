"""Flows and the node graph: `unknown-reference` (flows), `start-flow`, `stage-flow`,
`decision-default`, `flow-condition`, `unreachable`, `dead-end` and `unguarded-cycle`."""

from __future__ import annotations

from tests.engine.builders import (
    codes,
    decision,
    end,
    flow,
    linear,
    orchestration,
    problems,
    stage,
    start,
    variable,
    with_decision,
)


def test_flows_between_existing_nodes_are_accepted():
    assert problems(with_decision(), "unknown-reference") == []


def test_flow_to_a_missing_node_is_reported():
    # given a stage whose flow leads to a node that was deleted
    definition = linear(stage("review"))
    definition.flows[-1].target = "archive"
    # when
    found = problems(definition, "unknown-reference")
    # then the flow's source and its `to` field are named
    assert [(d.element, d.field) for d in found] == [("review", "to")]
    assert "'archive' names no node" in found[0].message


def test_flow_to_a_step_is_reported_as_such():
    # given a flow that points at a step instead of a node
    definition = linear(stage("review"))
    definition.flows[-1].target = "review_task"
    # when
    found = problems(definition, "unknown-reference")
    # then
    assert "is a step" in found[0].message


def test_single_start_with_one_flow_is_accepted():
    assert problems(linear(stage("review")), "start-flow") == []


def test_missing_start_is_reported():
    # given a definition without a start node
    definition = orchestration([stage("review"), end()], [flow("review", "end")])
    # when
    found = problems(definition, "start-flow")
    # then
    assert [d.element for d in found] == [None]
    assert "add one" in found[0].message


def test_second_start_is_reported():
    # given two start nodes
    definition = linear(stage("review"))
    definition.nodes.append(start("other_start"))
    definition.flows.append(flow("other_start", "review"))
    # when
    found = problems(definition, "start-flow")
    # then
    assert [d.element for d in found] == ["other_start"]


def test_start_with_two_outgoing_flows_is_reported():
    # given
    definition = linear(stage("a"), stage("b"))
    definition.flows.append(flow("start", "b"))
    # when
    found = problems(definition, "start-flow")
    # then
    assert [d.element for d in found] == ["start"]
    assert "2 outgoing flows" in found[0].message


def test_start_without_outgoing_flow_is_reported():
    # given
    definition = linear(stage("a"))
    del definition.flows[0]
    # then
    assert [d.element for d in problems(definition, "start-flow")] == ["start"]


def test_stage_with_one_outgoing_flow_is_accepted():
    assert problems(linear(stage("a"), stage("b")), "stage-flow") == []


def test_stage_without_outgoing_flow_is_reported():
    # given a stage nothing leaves
    definition = linear(stage("a"), stage("b"))
    definition.flows = [f for f in definition.flows if f.source != "b"]
    # when
    found = problems(definition, "stage-flow")
    # then
    assert [d.element for d in found] == ["b"]
    assert "no outgoing flow" in found[0].message


def test_stage_with_two_outgoing_flows_is_reported():
    # given
    definition = linear(stage("a"), stage("b"))
    definition.flows.append(flow("a", "end"))
    # when
    found = problems(definition, "stage-flow")
    # then the message suggests a decision
    assert [d.element for d in found] == ["a"]
    assert "decision" in found[0].message


def test_decision_with_a_default_and_a_condition_is_accepted():
    assert problems(with_decision(), "decision-default") == []


def test_decision_without_default_is_reported():
    # given
    definition = with_decision()
    definition.flows[3].default = False
    definition.flows[3].condition = "amount <= 1000"
    # when
    found = problems(definition, "decision-default")
    # then
    assert [d.element for d in found] == ["check"]
    assert "no default flow" in found[0].message


def test_decision_with_two_defaults_is_reported():
    # given
    definition = with_decision()
    definition.flows[2].condition = None
    definition.flows[2].default = True
    # when
    found = problems(definition, "decision-default")
    # then both the extra default and the missing conditional flow are said
    messages = " / ".join(d.message for d in found)
    assert "several default flows" in messages
    assert "no conditional flow" in messages


def test_flow_from_decision_without_condition_or_default_is_reported():
    # given a third flow from the decision with nothing on it
    definition = with_decision()
    definition.flows.append(flow("check", "end"))
    # when
    found = problems(definition, "decision-default")
    # then
    assert [(d.element, d.field) for d in found] == [("check", "flows[end].condition")]


def test_condition_on_a_flow_leaving_a_stage_is_reported():
    # given
    definition = linear(stage("a"), variables=[variable("amount")])
    definition.flows[1].condition = "amount > 5"
    # when
    found = problems(definition, "flow-condition")
    # then
    assert [(d.element, d.field) for d in found] == [("a", "flows[end].condition")]


def test_conditions_on_flows_leaving_a_decision_are_accepted():
    assert problems(with_decision(), "flow-condition") == []


def test_every_node_reached_from_start_is_accepted():
    assert problems(with_decision(), "unreachable") == []


def test_stage_no_flow_leads_to_is_reported():
    # given a stage that is connected onward but nothing flows into
    definition = linear(stage("a"))
    definition.nodes.insert(2, stage("orphan"))
    definition.flows.append(flow("orphan", "end"))
    # when
    found = problems(definition, "unreachable")
    # then
    assert [d.element for d in found] == ["orphan"]


def test_stage_reached_only_through_an_end_node_is_unreachable():
    # given a flow leaving the end node (runs complete at the end and never follow it)
    definition = linear(stage("a"))
    definition.nodes.insert(2, stage("after_end"))
    definition.flows += [flow("end", "after_end"), flow("after_end", "end")]
    # then
    assert [d.element for d in problems(definition, "unreachable")] == ["after_end"]


def test_path_to_an_end_from_every_node_is_accepted():
    assert problems(with_decision(), "dead-end") == []


def test_loop_with_no_way_out_is_a_dead_end():
    # given a decision whose both branches lead into a loop that never reaches the end
    definition = orchestration(
        [start(), stage("a", max_visits=2), decision("d"), stage("b"), end()],
        [
            flow("start", "a"),
            flow("a", "d"),
            flow("d", "b", condition="amount > 1"),
            flow("d", "a", default=True),
            flow("b", "a"),
        ],
        variables=[variable("amount")],
    )
    # when
    found = problems(definition, "dead-end")
    # then one diagnostic names the whole loop
    assert [d.element for d in found] == ["a"]
    assert "'a', 'd', 'b'" in found[0].message


def test_definition_without_end_node_is_a_dead_end():
    # given
    definition = orchestration([start(), stage("a")], [flow("start", "a")])
    # when
    found = problems(definition, "dead-end")
    # then
    assert [d.element for d in found] == [None]
    assert "no end node" in found[0].message


def test_stage_without_outgoing_flow_is_reported_once_not_as_dead_end_too():
    # given
    definition = linear(stage("a"))
    del definition.flows[1]
    # then the stage-flow diagnostic says what to connect; dead-end adds nothing
    assert "stage-flow" in codes(definition)
    assert "dead-end" not in codes(definition)


def test_loop_guarded_by_max_visits_is_accepted():
    # given a rework loop back to a stage with max_visits
    definition = with_decision()
    definition.nodes[1].max_visits = 3
    definition.flows[3].target = "intake"
    # then
    assert problems(definition, "unguarded-cycle") == []
    assert problems(definition, "dead-end") == []


def test_loop_without_max_visits_is_reported():
    # given the same rework loop without the guard
    definition = with_decision()
    definition.flows[3].target = "intake"
    # when
    found = problems(definition, "unguarded-cycle")
    # then the stage to guard is named, on its max_visits field
    assert [(d.element, d.field) for d in found] == [("intake", "max_visits")]
    assert "set max_visits" in found[0].message


def test_inner_loop_that_avoids_the_guarded_stage_is_reported():
    # given a guarded outer loop a -> b -> d1 -> a and an inner loop b -> d2 -> b
    definition = orchestration(
        [start(), stage("a", max_visits=2), stage("b"), decision("d1"), decision("d2"), end()],
        [
            flow("start", "a"),
            flow("a", "b"),
            flow("b", "d2"),
            flow("d2", "b", condition="amount > 1"),
            flow("d2", "d1", default=True),
            flow("d1", "a", condition="amount > 2"),
            flow("d1", "end", default=True),
        ],
        variables=[variable("amount")],
    )
    # when
    found = problems(definition, "unguarded-cycle")
    # then only the inner loop is unguarded
    assert [d.element for d in found] == ["b"]
