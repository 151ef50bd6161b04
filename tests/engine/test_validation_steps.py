"""Steps and trigger: `after` links (`unknown-reference`, `step-after-outside-stage`,
`step-cycle`), `empty-stage`, `missing-assignee`, `escalate_to`, `unknown-action`,
`wait-invalid` and `trigger-invalid`."""

from __future__ import annotations

import pytest

from engine.definition import RecordTrigger, ScheduleTrigger
from tests.engine.builders import (
    background,
    empty_stage,
    interactive,
    linear,
    problems,
    stage,
    wait,
)


def test_after_naming_an_earlier_step_of_the_stage_is_accepted():
    # given
    definition = linear(stage("a", interactive("first"), background("then", after=["first"])))
    # then
    assert problems(definition, "unknown-reference") == []
    assert problems(definition, "step-cycle") == []


def test_after_naming_no_step_is_reported():
    # given a typo in an after link
    definition = linear(stage("a", interactive("review"), background("notify", after=["reveiw"])))
    # when
    found = problems(definition, "unknown-reference")
    # then the step and field are named, with a suggestion
    assert [(d.element, d.field) for d in found] == [("notify", "after")]
    assert "did you mean 'review'" in found[0].message


def test_after_naming_a_step_of_another_stage_is_reported():
    # given
    definition = linear(
        stage("a", interactive("review")), stage("b", background("x", after=["review"]))
    )
    # when
    found = problems(definition, "step-after-outside-stage")
    # then
    assert [(d.element, d.field) for d in found] == [("x", "after")]
    assert "stage 'a'" in found[0].message


def test_after_links_within_the_stage_are_not_outside_it():
    definition = linear(stage("a", interactive("review"), background("x", after=["review"])))
    assert problems(definition, "step-after-outside-stage") == []


def test_steps_waiting_on_each_other_are_reported_once():
    # given three steps waiting in a ring
    definition = linear(
        stage(
            "a",
            interactive("one", after=["three"]),
            interactive("two", after=["one"]),
            interactive("three", after=["two"]),
        )
    )
    # when
    found = problems(definition, "step-cycle")
    # then one diagnostic names the first step of the ring and lists all of them
    assert [(d.element, d.field) for d in found] == [("one", "after")]
    assert "'one', 'two', 'three'" in found[0].message


def test_step_waiting_for_itself_is_reported():
    definition = linear(stage("a", interactive("one", after=["one"])))
    assert [d.element for d in problems(definition, "step-cycle")] == ["one"]


def test_link_to_a_later_step_without_a_loop_is_accepted():
    # given a step waiting for one listed after it (document order is not run order)
    definition = linear(stage("a", interactive("one", after=["two"]), interactive("two")))
    # then
    assert problems(definition, "step-cycle") == []


def test_stage_with_steps_is_not_empty():
    assert problems(linear(stage("a")), "empty-stage") == []


def test_stage_without_steps_is_a_warning():
    # given
    found = problems(linear(empty_stage("a")), "empty-stage")
    # then
    assert [(d.severity, d.element) for d in found] == [("warning", "a")]


@pytest.mark.parametrize("assignee", ["user:ana", "group:hr", "queue:support", "user:ana@x.org"])
def test_well_formed_assignees_are_accepted(assignee):
    definition = linear(stage("a", interactive("review", assignee=assignee)))
    assert problems(definition, "missing-assignee") == []


def test_interactive_step_without_assignee_is_reported():
    # given
    found = problems(linear(stage("a", interactive("review", assignee=None))), "missing-assignee")
    # then
    assert [(d.element, d.field) for d in found] == [("review", "assignee")]
    assert "user:NAME, group:NAME or queue:NAME" in found[0].message


@pytest.mark.parametrize("assignee", ["ana", "team:hr", "user:", "group:h r", "user:a:b", "  "])
def test_malformed_assignee_is_reported(assignee):
    definition = linear(stage("a", interactive("review", assignee=assignee)))
    assert [d.field for d in problems(definition, "missing-assignee")] == ["assignee"]


def test_malformed_escalate_to_is_an_unknown_reference():
    # given
    step = interactive("review", escalate_to="hr lead")
    # when
    found = problems(linear(stage("a", step)), "unknown-reference")
    # then the fix is spelled out
    assert [(d.element, d.field) for d in found] == [("review", "escalate_to")]
    assert "user:hr_lead" in found[0].message


def test_well_formed_escalate_to_is_accepted():
    step = interactive("review", escalate_to="user:hr_lead")
    assert problems(linear(stage("a", step)), "unknown-reference") == []


@pytest.mark.parametrize("action", ["send_email", "set_variables", "salesforce:Create_Account"])
def test_registered_actions_are_accepted(action):
    definition = linear(stage("a", background("run_it", action=action)))
    assert problems(definition, "unknown-action") == []


def test_unregistered_action_is_reported():
    # given a misspelt action
    definition = linear(stage("a", background("mail", action="send_emial")))
    # when
    found = problems(definition, "unknown-action")
    # then
    assert [(d.element, d.field) for d in found] == [("mail", "action")]
    assert "did you mean 'send_email'" in found[0].message


def test_background_step_without_action_is_reported():
    found = problems(linear(stage("a", background("mail", action=""))), "unknown-action")
    assert "has no action" in found[0].message


@pytest.mark.parametrize(
    "fields",
    [{"event": "badge_printed"}, {"timeout": "P5D"}, {"event": "signed", "key": "'x'"}],
)
def test_wait_with_an_event_or_a_timeout_is_accepted(fields):
    definition = linear(stage("a", wait("hold", **{"timeout": None} | fields)))
    assert problems(definition, "wait-invalid") == []


def test_wait_with_neither_event_nor_timeout_is_reported():
    # given
    definition = linear(stage("a", wait("hold", timeout=None)))
    # when
    found = problems(definition, "wait-invalid")
    # then
    assert [(d.element, d.field) for d in found] == [("hold", "event")]


def test_wait_with_a_key_but_no_event_is_reported():
    definition = linear(stage("a", wait("hold", key="'x'")))
    assert [d.field for d in problems(definition, "wait-invalid")] == ["key"]


def test_record_trigger_with_object_is_accepted():
    trigger = RecordTrigger(type="record", object="Employee", condition="record.status == 'hired'")
    assert problems(linear(stage("a"), trigger=trigger), "trigger-invalid") == []


def test_record_trigger_without_object_is_reported():
    # given
    trigger = RecordTrigger(type="record", object=" ")
    # when
    found = problems(linear(stage("a"), trigger=trigger), "trigger-invalid")
    # then
    assert [(d.element, d.field) for d in found] == [(None, "trigger.object")]


def test_record_trigger_listening_to_nothing_is_reported():
    trigger = RecordTrigger(type="record", object="Employee", on=[])
    found = problems(linear(stage("a"), trigger=trigger), "trigger-invalid")
    assert [d.field for d in found] == ["trigger.on"]


def test_schedule_with_valid_cron_is_accepted():
    trigger = ScheduleTrigger(type="schedule", cron="0 9 * * 1-5")
    assert problems(linear(stage("a"), trigger=trigger), "trigger-invalid") == []


@pytest.mark.parametrize("cron", ["", "0 25 * * *", "every monday", "0 9 * * 1 2026"])
def test_schedule_with_invalid_cron_is_reported(cron):
    # given
    trigger = ScheduleTrigger(type="schedule", cron=cron)
    # when
    found = problems(linear(stage("a"), trigger=trigger), "trigger-invalid")
    # then
    assert [d.field for d in found] == ["trigger.cron"]
    assert "0 9 * * 1" in found[0].message
