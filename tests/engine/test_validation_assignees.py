"""Dynamic assignees in validation: `assignee_from` is an expression checked like any other,
stands in for a fixed assignee, and may not be given beside one."""

from __future__ import annotations

from engine.definition import loads_definition
from tests.engine.builders import codes, interactive, linear, problems, stage, variable


def _dynamic(step_id: str, assignee_from: str, **fields):
    return interactive(step_id, assignee=None, assignee_from=assignee_from, **fields)


def test_an_assignee_from_a_variable_or_the_record_validates_clean():
    # given steps assigned from an input variable and from the triggering record
    definition = linear(
        stage("a", _dynamic("review", "reviewer"), _dynamic("sign", "record.Owner.Username")),
        variables=[variable("reviewer")],
    )
    # then nothing is reported: a dynamic assignee is an assignee
    assert codes(definition) == []


def test_an_assignee_from_reading_an_unknown_name_is_reported_on_its_field():
    # given a typo in the variable name
    definition = linear(stage("a", _dynamic("review", "reviwer")), variables=[variable("reviewer")])
    # when
    (found,) = problems(definition, "unknown-name")
    # then the step and field are named, with a suggestion
    assert (found.element, found.field) == ("review", "assignee_from")
    assert "did you mean 'reviewer'" in found.message


def test_an_assignee_from_that_does_not_parse_is_a_syntax_error():
    definition = linear(stage("a", _dynamic("review", "record.Owner.")))
    (found,) = problems(definition, "expression-syntax")
    assert (found.element, found.field) == ("review", "assignee_from")


def test_a_fixed_assignee_beside_an_assignee_from_is_a_conflict():
    definition = linear(
        stage("a", interactive("review", assignee="user:ana", assignee_from="record.Owner"))
    )
    (found,) = problems(definition, "assignee-conflict")
    assert found.element == "review"
    assert "keep one of them" in found.message


def test_an_assignee_from_reading_a_step_it_does_not_wait_for_is_reported():
    # given the signer is named by a step of the same stage that runs in parallel
    definition = linear(
        stage(
            "a",
            interactive("pick", outputs=[{"name": "signer"}]),
            _dynamic("sign", "pick.signer"),
        )
    )
    # when
    (found,) = problems(definition, "condition-needs-after")
    # then the fix is to wait for it
    assert (found.element, found.field) == ("sign", "assignee_from")
    assert "add 'pick' to its 'after'" in found.message


def test_an_assignee_from_reading_an_undeclared_output_is_reported():
    definition = linear(
        stage(
            "a",
            interactive("pick", outputs=[{"name": "signer"}]),
            _dynamic("sign", "pick.singer", after=["pick"]),
        )
    )
    (found,) = problems(definition, "unknown-output")
    assert (found.element, found.field) == ("sign", "assignee_from")


def test_a_baton_1_file_with_a_dynamic_assignee_loads_and_saves_its_fields():
    # given a file as an admin writes it
    text = """{"schema": "baton/1", "id": "p", "nodes": [
        {"id": "s", "type": "stage", "steps": [{"id": "t", "type": "interactive",
         "assignee_from": "team", "assignee_kind": "group"}]}]}"""
    # when
    definition = loads_definition(text)
    # then
    step = definition.stages()[0].steps[0]
    assert (step.assignee, step.assignee_from, step.assignee_kind) == (None, "team", "group")
