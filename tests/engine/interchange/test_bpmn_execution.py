"""Exported BPMN is executed, not just written: SpiffWorkflow runs it along Baton's path.

Each story completes work items with the outputs a Baton run would get, lets waits receive
their message or time out, and checks the stages entered, the steps done in each (with
`after` order) and the end reached — the path a Baton run takes through the same definition.
"""

from __future__ import annotations

from engine.interchange.bpmn_export import export_bpmn
from tests.engine.interchange import builders
from tests.engine.interchange.spiff_runner import SpiffRun, run_bpmn

HIRE = {"employee": "Ada", "email": "ada@example.org", "needs_laptop": True, "payroll_id": None}
CONTRACT_OK = {"decision": "approve", "start_date": "2026-03-02"}


def run(definition, **scenario) -> SpiffRun:
    return run_bpmn(export_bpmn(definition), f"Process_{definition.id}", **scenario)


def before(result: SpiffRun, first: str, second: str) -> bool:
    steps = result.steps()
    return steps.index(first) < steps.index(second)


def test_approved_hire_who_needs_a_laptop_goes_through_all_three_stages():
    # given employee onboarding, an approved contract and a printed badge
    definition = builders.example("employee_onboarding")
    # when it runs on SpiffWorkflow
    result = run(
        definition,
        inputs=HIRE,
        answers={"contract": CONTRACT_OK, "laptop": {"asset_tag": "LT-7"}, "plan": {"buddy": "Bo"}},
        arrivals={"badge": True},
    )
    # then it visits the same stages and steps as Baton and ends onboarded
    assert result.completed and result.end() == "done"
    assert result.stages() == ["paperwork", "equipment", "first_week"]
    visits = dict(result.steps_by_stage())
    assert sorted(visits["paperwork"]) == ["badge", "contract", "payroll"]
    assert before(result, "contract", "payroll")
    assert sorted(visits["equipment"]) == ["accounts", "laptop"]
    assert visits["first_week"] == ["plan", "welcome"]


def test_hire_without_laptop_skips_the_equipment_stage():
    result = run(
        builders.example("employee_onboarding"),
        inputs=HIRE | {"needs_laptop": False},
        answers={"contract": CONTRACT_OK, "plan": {"buddy": "Bo"}},
        arrivals={"badge": True},
    )
    assert result.completed and result.stages() == ["paperwork", "first_week"]


def test_rejected_contract_skips_payroll_and_ends_withdrawn():
    # given a contract the HR group rejects, and a badge that never arrives
    result = run(
        builders.example("employee_onboarding"),
        inputs=HIRE,
        answers={"contract": {"decision": "reject", "start_date": "2026-03-02"}},
    )
    # then payroll's condition skips it, the badge wait times out, and the run ends withdrawn
    assert result.completed and result.end() == "withdrawn"
    assert result.stages() == ["paperwork"]
    assert sorted(result.steps()) == ["badge", "contract"]
    assert result.data["badge_timed_out"] is True


def test_deal_desk_rework_loop_follows_the_discount_decisions_in_order():
    # given quotes at 35% (both reviews; finance rejects), 20% (finance rejects), then 10%
    discounts = [35, 20, 10]
    result = run(
        builders.example("deal_desk_approval"),
        inputs={"deal_name": "Acme", "amount": 50000, "owner_email": "o@example.org"},
        answers={
            "quote": lambda visit: {"discount": discounts[visit - 1]},
            "finance_signoff": {"decision": "reject"},
            "legal_signoff": {"decision": "approve"},
            "finance_approval": {"decision": "reject", "comment": "margin"},
        },
    )
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
    result = run(
        builders.example("deal_desk_approval"),
        inputs={"deal_name": "Acme", "amount": 1000, "owner_email": "o@example.org"},
        answers={"quote": {"discount": 5}},
    )
    assert result.completed and result.stages() == ["prepare", "close"]


def test_customer_form_timing_out_once_sends_a_chaser_then_kicks_off():
    # given a setup form that times out the first week and arrives the second
    result = run(
        builders.example("customer_onboarding"),
        inputs={"customer": "Globex", "contact_email": "it@globex.example"},
        answers={"schedule_call": {"call_date": "2026-04-01"}},
        arrivals={"setup_form": [False, True]},
    )
    # then the chase stage runs once between the two visits of the setup stage
    assert result.completed and result.end() == "live"
    assert result.stages() == ["welcome", "setup", "chase", "setup", "kickoff"]
    assert before(result, "schedule_call", "train_team")


def test_generated_decision_goes_each_way():
    definition = builders.review_with_decision()
    approved = run(definition, answers={"check": {"decision": "approve"}})
    rejected = run(definition, answers={"check": {"decision": "reject"}})
    assert approved.completed and approved.stages() == ["review", "publish"]
    assert rejected.completed and rejected.stages() == ["review", "archive"]


def test_generated_after_chain_runs_steps_in_dependency_order():
    result = run(builders.after_chain(), answers={"c": {"decision": "approve"}})
    assert result.completed and sorted(result.steps()) == ["a", "b", "c", "d", "e"]
    assert before(result, "a", "b") and before(result, "a", "c")
    assert before(result, "b", "d") and before(result, "c", "d")


def test_generated_guarded_loop_returns_to_the_draft_until_approved():
    verdicts = ["reject", "reject", "approve"]
    result = run(
        builders.guarded_loop(),
        answers={"approve_it": lambda visit: {"decision": verdicts[visit - 1]}},
    )
    assert result.completed
    assert result.stages() == ["draft", "review"] * 3


def test_step_condition_skips_and_exit_condition_ends_the_stage_early():
    # given triage approved (so escalation is skipped) and a fix approved at once
    result = run(
        builders.conditional_and_exit(),
        inputs={"ticket": "T-1"},
        answers={"assess": {"decision": "approve"}, "fix": {"decision": "approve"}},
    )
    # then escalate never runs and the second opinion is cancelled by the exit condition
    assert result.completed and result.end() == "end"
    assert result.steps_by_stage() == [("triage", ["assess"]), ("resolve", ["fix"])]


def test_step_condition_runs_the_step_and_stage_waits_for_all_steps_otherwise():
    result = run(
        builders.conditional_and_exit(),
        inputs={"ticket": "T-2"},
        answers={
            "assess": {"decision": "reject"},
            "fix": {"decision": "reject"},
            "second_opinion": {"decision": "approve"},
        },
    )
    assert result.completed
    assert result.steps_by_stage() == [
        ("triage", ["assess", "escalate"]),
        ("resolve", ["fix", "second_opinion"]),
    ]
