"""What expressions and set_variables steps refer to: `unknown-output`, `unknown-variable`
and `condition-needs-after`."""

from __future__ import annotations

from engine.definition import Output
from tests.engine.builders import background, interactive, linear, problems, stage, variable

QUOTE = interactive("quote", outputs=[Output(name="discount", type="number")])


def _deal(*steps, variables=None):
    """start -> quote_stage (a quote step declaring `discount`) -> approval (steps) -> end."""
    return linear(
        stage("quoting", QUOTE),
        stage("approval", *steps),
        variables=variables if variables is not None else [variable("amount", type="number")],
    )


def test_a_misspelled_output_is_reported_with_the_declared_ones():
    # given a condition reading quote.discont where quote declares discount
    definition = _deal(interactive("sign_off", condition="quote.discont > 15"))
    # when
    found = problems(definition, "unknown-output")
    # then the step and field are named, with the likely fix
    assert [(d.severity, d.element, d.field) for d in found] == [("error", "sign_off", "condition")]
    assert "did you mean 'discount'?" in found[0].message


def test_a_declared_output_is_not_reported():
    definition = _deal(interactive("sign_off", condition="quote.discount > 15"))
    assert problems(definition, "unknown-output") == []


def test_an_output_of_an_action_is_not_guessed_at():
    # given a step reading what a plugin action returns (only its run can tell)
    definition = _deal(
        background("price", action="log"),
        interactive("sign_off", after=["price"], condition="price.total > 15"),
    )
    # then nothing is reported
    assert problems(definition, "unknown-output") == []


def test_set_variables_writing_an_undeclared_variable_is_reported():
    # given a set_variables step writing `aproved`, while the variable is `approved`
    definition = _deal(
        background("store", action="set_variables", inputs={"aproved": "amount < 5000"}),
        variables=[variable("amount", type="number"), variable("approved", type="boolean")],
    )
    # when
    found = problems(definition, "unknown-variable")
    # then the input is named, with the likely fix
    assert [(d.element, d.field) for d in found] == [("store", "inputs.aproved")]
    assert "did you mean 'approved'?" in found[0].message


def test_set_variables_writing_a_declared_variable_is_not_reported():
    definition = _deal(
        background("store", action="set_variables", inputs={"approved": "amount < 5000"}),
        variables=[variable("amount", type="number"), variable("approved", type="boolean")],
    )
    assert problems(definition, "unknown-variable") == []


def test_a_condition_reading_a_sibling_it_does_not_wait_for_is_reported():
    # given two steps of one stage: sign_off's condition reads review, without `after`
    definition = _deal(
        interactive("review", outputs=[Output(name="decision")]),
        interactive("sign_off", condition="review.decision == 'approve'"),
    )
    # when
    found = problems(definition, "condition-needs-after")
    # then the fix is named
    assert [(d.element, d.field) for d in found] == [("sign_off", "condition")]
    assert "add 'review' to its 'after'" in found[0].message


def test_a_condition_reading_a_sibling_it_waits_for_through_another_is_not_reported():
    # given sign_off waits for check, which waits for review
    definition = _deal(
        interactive("review", outputs=[Output(name="decision")]),
        interactive("check", after=["review"]),
        interactive("sign_off", after=["check"], condition="review.decision == 'approve'"),
    )
    assert problems(definition, "condition-needs-after") == []


def test_a_condition_reading_an_earlier_stage_needs_no_after():
    definition = _deal(interactive("sign_off", condition="quote.discount > 15"))
    assert problems(definition, "condition-needs-after") == []
