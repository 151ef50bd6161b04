"""Ids and names: `invalid-id` and `duplicate-id`."""

from __future__ import annotations

import pytest

from engine.definition import Output
from tests.engine.builders import (
    background,
    interactive,
    linear,
    problems,
    stage,
    variable,
)


def test_identifier_ids_and_names_are_accepted():
    # given ids, variable and output names that are all identifiers
    definition = linear(
        stage("_review_2", interactive("approve_deal", outputs=[Output(name="decision")])),
        variables=[variable("amount_eur")],
    )
    # when / then
    assert problems(definition, "invalid-id") == []


@pytest.mark.parametrize("bad_id", ["2nd_review", "credit check", "check-credit", "café", ""])
def test_step_id_that_is_not_an_identifier_is_reported(bad_id):
    # given a step whose id expressions could not read
    definition = linear(stage("review", interactive(bad_id)))
    # when
    found = problems(definition, "invalid-id")
    # then the step is named, with the field and a way to fix it
    assert [(d.element, d.field) for d in found] == [(bad_id, "id")]
    assert "letters, digits and underscores" in found[0].message


@pytest.mark.parametrize("reserved", ["record", "run", "if", "True", "null"])
def test_reserved_word_as_stage_id_is_reported(reserved):
    # given a stage named like a reserved word of expressions
    definition = linear(stage(reserved))
    # when
    found = problems(definition, "invalid-id")
    # then
    assert [d.element for d in found] == [reserved]
    assert "reserved" in found[0].message


def test_variable_named_run_is_reported():
    # given a variable that would hide `run` in expressions
    definition = linear(stage("review"), variables=[variable("run")])
    # when
    found = problems(definition, "invalid-id")
    # then
    assert [(d.element, d.field) for d in found] == [("run", "name")]


def test_step_id_equal_to_a_variable_name_is_reported():
    # given a step and a variable both called `amount`
    definition = linear(stage("review", interactive("amount")), variables=[variable("amount")])
    # when
    found = problems(definition, "invalid-id")
    # then the step is reported, saying what clashes
    assert [d.element for d in found] == ["amount"]
    assert "variable" in found[0].message


def test_output_name_that_cannot_be_read_as_attribute_is_reported():
    # given an output called "final decision"
    step = interactive("approve", outputs=[Output(name="final decision")])
    # when
    found = problems(linear(stage("review", step)), "invalid-id")
    # then
    assert [(d.element, d.field) for d in found] == [("approve", "outputs.final decision")]


def test_orchestration_id_that_is_not_an_identifier_is_reported():
    # given
    definition = linear(stage("review"), id="deal desk")
    # when
    found = problems(definition, "invalid-id")
    # then
    assert [(d.element, d.field) for d in found] == [(None, "id")]


def test_unique_ids_are_accepted():
    # given distinct ids across stages and steps
    definition = linear(stage("a", interactive("x")), stage("b", interactive("y")))
    # then
    assert problems(definition, "duplicate-id") == []


def test_step_sharing_an_id_with_a_stage_is_reported():
    # given a step in stage `b` whose id is the id of stage `a`
    definition = linear(stage("a"), stage("b", background("a")))
    # when
    found = problems(definition, "duplicate-id")
    # then the later element is reported and the first owner is named
    assert [(d.element, d.field) for d in found] == [("a", "id")]
    assert "stage 'a'" in found[0].message


def test_two_steps_with_one_id_in_different_stages_are_reported():
    # given
    definition = linear(stage("a", interactive("check")), stage("b", interactive("check")))
    # when
    found = problems(definition, "duplicate-id")
    # then
    assert len(found) == 1
    assert "step 'check' of stage 'b'" in found[0].message


def test_variable_declared_twice_is_reported():
    # given
    definition = linear(stage("a"), variables=[variable("amount"), variable("amount")])
    # when
    found = problems(definition, "duplicate-id")
    # then
    assert [(d.element, d.field) for d in found] == [("amount", "name")]


def test_output_declared_twice_is_reported():
    # given
    step = interactive("approve", outputs=[Output(name="decision"), Output(name="decision")])
    # when
    found = problems(linear(stage("review", step)), "duplicate-id")
    # then
    assert [(d.element, d.field) for d in found] == [("approve", "outputs.decision")]


def test_an_id_with_a_line_break_is_reported_even_among_thousands_of_clean_ones():
    # given many clean stages and one step whose id hides a line break between two words
    clean = [stage(f"stage_{n}", interactive(f"task_{n}")) for n in range(200)]
    definition = linear(*clean, stage("last", interactive("check\ncredit")))
    # when
    found = problems(definition, "invalid-id")
    # then exactly that step is named
    assert [(d.element, d.field) for d in found] == [("check\ncredit", "id")]


def test_a_repeated_stage_id_and_a_repeated_step_id_are_both_reported():
    # given one stage id used twice and one step id used twice (the counts balance)
    definition = linear(
        stage("a", interactive("one")),
        stage("a", interactive("two")),
        stage("b", interactive("three")),
        stage("c", interactive("three")),
    )
    # when
    found = problems(definition, "duplicate-id")
    # then both repeats are reported, in document order
    assert [d.element for d in found] == ["a", "three"]


def test_an_output_named_like_a_python_keyword_is_reported():
    # given an output expressions could not read as step.output
    step = interactive("approve", outputs=[Output(name="ok"), Output(name="class")])
    # when
    found = problems(linear(stage("review", step)), "invalid-id")
    # then
    assert [(d.element, d.field) for d in found] == [("approve", "outputs.class")]
