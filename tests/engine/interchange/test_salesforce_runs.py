"""Imported Salesforce orchestrations run to completion, on Baton and (exported) on Spiff.

The flows Salesforce steps call stay in Salesforce; Baton's engine runs them as stand-in
actions `salesforce:<FlowApiName>` that complete with no outputs, so nothing is registered here.
"""

from __future__ import annotations

from engine.interchange import export_bpmn, import_salesforce
from tests.engine.interchange.baton_runner import run_baton
from tests.engine.interchange.builders import FIXTURES
from tests.engine.interchange.spiff_runner import run_bpmn
from tests.engine.interchange.test_bpmn_matches_baton import shape

CLAIM = {"Status__c": "Submitted", "Amount__c": 8000, "Priority__c": "Low"}


def warranty():
    return import_salesforce(FIXTURES / "Warranty_Claim_Handling.flow-meta.xml").definition


def supplier():
    return import_salesforce(FIXTURES / "Supplier_Onboarding.flow-meta.xml").definition


def test_a_saved_high_value_claim_runs_through_approval_to_closure(tmp_path):
    # given the imported record-triggered orchestration and a claim of 8,000 saved as Submitted
    answers = {"Verify_Claim": {"isValid": True}, "Assess_Damage": {"severity": "Repairable"}}
    # when Baton runs it
    run = run_baton(warranty(), tmp_path, answers=answers, record=CLAIM)
    # then the high-value rule routes it through the manager's approval, and it completes
    assert run.completed and run.end() == "end"
    assert run.stages() == ["Stage_Intake", "Stage_Approval", "Stage_Settlement", "Stage_Closure"]
    assert run.steps().index("Verify_Claim") < run.steps().index("Assess_Damage")


def test_an_invalid_claim_goes_straight_to_closure(tmp_path):
    answers = {"Verify_Claim": {"isValid": False}, "Assess_Damage": {"severity": "Repairable"}}
    run = run_baton(warranty(), tmp_path, answers=answers, record=CLAIM)
    assert run.completed and run.stages() == ["Stage_Intake", "Stage_Closure"]


def test_a_strategic_supplier_needs_the_executive_sign_off(tmp_path):
    # given the autolaunched orchestration started by hand for a strategic supplier
    inputs = {"supplierId": "SUP-9", "annualSpend": 250000, "isStrategic": True}
    # when Baton runs it with compliance approved
    run = run_baton(
        supplier(), tmp_path, inputs=inputs, answers={"Compliance_Review": {"approved": True}}
    )
    # then it passes every stage, screening runs (spend >= 100k), and it completes
    assert run.completed
    assert run.stages() == [
        "Collect_Documents",
        "Compliance_Check",
        "Executive_Signoff",
        "Activation",
    ]
    assert "Request_Documents" in run.steps() and "Activate_In_ERP" in run.steps()


def test_spiffworkflow_runs_an_imported_orchestration_along_baton_s_path(tmp_path):
    definition = supplier()
    inputs = {"supplierId": "SUP-3", "annualSpend": 50000, "isStrategic": False}
    answers = {"Compliance_Review": {"approved": True}}
    baton = run_baton(definition, tmp_path, inputs=inputs, answers=answers)
    spiff = run_bpmn(
        export_bpmn(definition), "Process_Supplier_Onboarding", inputs=inputs, answers=answers
    )
    assert baton.completed and shape(spiff) == shape(baton)
    assert baton.stages() == ["Collect_Documents", "Compliance_Check", "Activation"]
