"""Exported BPMN is executed, not just written: SpiffWorkflow runs it along Baton's path.

Each story completes work items with the outputs a Baton run would get, lets waits receive
their message or time out, and checks the stages entered, the steps done in each (with
`after` order) and the end reached. `test_bpmn_matches_baton` runs the same scenarios on
Baton's own engine and compares the two paths.
"""

from __future__ import annotations

from engine.interchange.bpmn_export import export_bpmn
from tests.engine.interchange.scenarios import SCENARIOS
from tests.engine.interchange.spiff_runner import SpiffRun, run_bpmn


def run(name: str) -> SpiffRun:
    scenario = SCENARIOS[name]
    definition = scenario.definition()
    return run_bpmn(export_bpmn(definition), f"Process_{definition.id}", **scenario.kwargs())


def before(result: SpiffRun, first: str, second: str) -> bool:
    steps = result.steps()
    return steps.index(first) < steps.index(second)


def test_approved_hire_who_needs_a_laptop_goes_through_all_three_stages():
    # given employee onboarding, an approved contract and a printed badge
    # when its export runs on SpiffWorkflow
    result = run("hire_with_laptop")
    # then it visits the stages and steps Baton would, and ends onboarded
    assert result.completed and result.end() == "done"
    assert result.stages() == ["paperwork", "equipment", "first_week"]
    visits = dict(result.steps_by_stage())
    assert sorted(visits["paperwork"]) == ["badge", "contract", "payroll"]
    assert before(result, "contract", "payroll")
    assert sorted(visits["equipment"]) == ["accounts", "laptop"]
    assert visits["first_week"] == ["plan", "welcome"]


def test_hire_without_laptop_skips_the_equipment_stage():
    result = run("hire_without_laptop")
    assert result.completed and result.stages() == ["paperwork", "first_week"]


def test_rejected_contract_skips_payroll_and_ends_withdrawn():
    # given a contract the HR group rejects, and a badge that never arrives
    result = run("offer_withdrawn")
    # then payroll's condition skips it, the badge wait times out, and the run ends withdrawn
    assert result.completed and result.end() == "withdrawn"
    assert result.stages() == ["paperwork"]
    assert sorted(result.steps()) == ["badge", "contract"]
    assert result.data["badge_timed_out"] is True


def test_deal_desk_rework_loop_follows_the_discount_decisions_in_order():
    # given quotes at 35% (both reviews; finance rejects), 20% (finance rejects), then 10%
    result = run("deal_reworked_twice")
    # then the first true condition wins each time (35 > 30 goes to the full review)
    assert result.completed and result.end() == "approved"
    assert result.stages() == [
        "prepare",
        "full_review",
        "prepare",
        "finance_review",
        "prepare",
        "close",
    ]
    assert sorted(dict(result.steps_by_stage())["close"]) == ["notify_owner", "record_approval"]


def test_small_discount_goes_straight_to_close():
    result = run("small_discount")
    assert result.completed and result.stages() == ["prepare", "close"]


def test_customer_form_timing_out_once_sends_a_chaser_then_kicks_off():
    # given a setup form that times out the first week and arrives the second
    result = run("form_late_once")
    # then the chase stage runs once between the two visits of the setup stage
    assert result.completed and result.end() == "live"
    assert result.stages() == ["welcome", "setup", "chase", "setup", "kickoff"]
    assert before(result, "schedule_call", "train_team")


def test_generated_decision_goes_each_way():
    approved, rejected = run("review_approved"), run("review_rejected")
    assert approved.completed and approved.stages() == ["review", "publish"]
    assert rejected.completed and rejected.stages() == ["review", "archive"]


def test_generated_after_chain_runs_steps_in_dependency_order():
    result = run("after_chain")
    assert result.completed and sorted(result.steps()) == ["a", "b", "c", "d", "e"]
    assert before(result, "a", "b") and before(result, "a", "c")
    assert before(result, "b", "d") and before(result, "c", "d")


def test_generated_guarded_loop_returns_to_the_draft_until_approved():
    result = run("loop_until_approved")
    assert result.completed
    assert result.stages() == ["draft", "review"] * 3


def test_step_condition_skips_and_exit_condition_ends_the_stage_early():
    # given triage approved (so escalation is skipped) and a fix approved at once
    result = run("exit_early")
    # then escalate never runs and the second opinion is cancelled by the exit condition
    assert result.completed and result.end() == "end"
    assert result.steps_by_stage() == [("triage", ["assess"]), ("resolve", ["fix"])]


def test_step_condition_runs_the_step_and_stage_waits_for_all_steps_otherwise():
    result = run("escalate_and_second_opinion")
    assert result.completed
    assert result.steps_by_stage() == [
        ("triage", ["assess", "escalate"]),
        ("resolve", ["fix", "second_opinion"]),
    ]
