"""Expressions: `expression-syntax`, `unknown-name` and `unused-variable`."""

from __future__ import annotations

import pytest

from engine.definition import Output, RecordTrigger
from tests.engine.builders import (
    background,
    interactive,
    linear,
    problems,
    stage,
    variable,
    wait,
    with_decision,
)


def test_well_formed_expressions_everywhere_are_accepted():
    # given expressions in a flow, a stage exit, a step condition, inputs and a wait key
    definition = with_decision(
        "amount > 1000 and review.decision == 'approve' and run.id != ''",
        variables=[variable("amount", type="number"), variable("note", input=False)],
        trigger=RecordTrigger(type="record", object="Deal", condition="record.amount > 0"),
    )
    definition.nodes[1] = stage(
        "intake",
        interactive("review", outputs=[Output(name="decision")]),
        background("store", action="set_variables", inputs={"note": "f'{amount:.2f}'"}),
        wait(
            "hold", event="signed", key="lower(record.id)", condition="len([x for x in 'ab']) > 1"
        ),
        exit_condition="review.decision == 'reject'",
    )
    # then
    assert problems(definition, "expression-syntax") == []
    assert problems(definition, "unknown-name") == []
    assert problems(definition, "unused-variable") == []


@pytest.mark.parametrize("text", ["amount >", "amount = 1", "", "lambda: 1", "amount.__class__"])
def test_flow_condition_that_does_not_parse_is_reported(text):
    # given
    definition = with_decision(text)
    # when
    found = problems(definition, "expression-syntax")
    # then the decision and the flow's condition field are named
    assert [(d.element, d.field) for d in found] == [("check", "flows[big_deal].condition")]


def test_broken_input_mapping_names_the_input():
    # given
    step = background("store", action="set_variables", inputs={"payroll_id": "'P-' +"})
    # when
    found = problems(linear(stage("a", step)), "expression-syntax")
    # then
    assert [(d.element, d.field) for d in found] == [("store", "inputs.payroll_id")]


def test_broken_exit_condition_step_condition_and_key_are_reported():
    # given
    definition = linear(
        stage(
            "a",
            interactive("review", condition="1 +"),
            wait("hold", event="signed", key="(("),
            exit_condition="and",
        )
    )
    # when
    found = problems(definition, "expression-syntax")
    # then
    assert [(d.element, d.field) for d in found] == [
        ("a", "exit_condition"),
        ("review", "condition"),
        ("hold", "key"),
    ]


def test_broken_record_trigger_condition_is_reported():
    trigger = RecordTrigger(type="record", object="Deal", condition="record.amount >")
    found = problems(linear(stage("a"), trigger=trigger), "expression-syntax")
    assert [(d.element, d.field) for d in found] == [(None, "trigger.condition")]


def test_name_that_is_no_variable_or_step_is_reported():
    # given a condition with a misspelt variable
    definition = with_decision("ammount > 1000")
    # when
    found = problems(definition, "unknown-name")
    # then
    assert [(d.element, d.field) for d in found] == [("check", "flows[big_deal].condition")]
    assert "'ammount'" in found[0].message
    assert "did you mean 'amount'" in found[0].message


def test_reading_a_stage_id_is_reported():
    found = problems(with_decision("intake.done"), "unknown-name")
    assert "is a stage" in found[0].message


def test_calling_an_unknown_function_is_reported():
    found = problems(with_decision("sum(amount) > 1"), "unknown-name")
    assert "not an available function" in found[0].message


def test_input_variable_is_used_even_if_unread():
    definition = linear(stage("a"), variables=[variable("customer", input=True)])
    assert problems(definition, "unused-variable") == []


def test_variable_written_by_set_variables_is_used():
    step = background("store", action="set_variables", inputs={"note": "'x'"})
    definition = linear(stage("a", step), variables=[variable("note", input=False)])
    assert problems(definition, "unused-variable") == []


def test_variable_nothing_reads_or_writes_is_a_warning():
    # given a non-input variable used nowhere
    definition = linear(stage("a"), variables=[variable("note", input=False)])
    # when
    found = problems(definition, "unused-variable")
    # then
    assert [(d.severity, d.element) for d in found] == [("warning", "note")]
