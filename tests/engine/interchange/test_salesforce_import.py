"""Importing Salesforce Flow Orchestrations: stages, steps, decisions, and an honest report."""

from __future__ import annotations

import pytest

from engine.definition import InteractiveStep
from engine.errors import InterchangeError
from engine.interchange.salesforce_import import import_salesforce
from engine.validation import validate
from tests.engine.interchange.builders import FIXTURES

WARRANTY = FIXTURES / "Warranty_Claim_Handling.flow-meta.xml"
SUPPLIER = FIXTURES / "Supplier_Onboarding.flow-meta.xml"


def steps_of(definition, stage_id):
    return {step.id: step for step in definition.node(stage_id).steps}


def test_record_triggered_start_becomes_record_trigger_with_its_entry_criteria():
    definition = import_salesforce(WARRANTY).definition
    trigger = definition.trigger
    assert trigger.type == "record" and trigger.object == "Warranty_Claim__c"
    assert trigger.on == ["created", "updated"]
    assert trigger.condition == (
        "record.Status__c == 'Submitted'"
        " and (record.Amount__c > 500 or record.Priority__c == 'High')"
    )


def test_autolaunched_orchestration_starts_by_hand_with_its_input_variables():
    definition = import_salesforce(SUPPLIER).definition
    assert definition.trigger.type == "manual"
    inputs = {v.name: (v.type, v.default) for v in definition.variables if v.input}
    assert inputs == {
        "supplierId": ("text", None),
        "annualSpend": ("number", None),
        "isStrategic": ("boolean", False),
    }


def test_stages_and_steps_keep_names_labels_positions_and_order():
    definition = import_salesforce(WARRANTY).definition
    stages = [s.id for s in definition.stages()]
    assert stages == ["Stage_Intake", "Stage_Approval", "Stage_Settlement", "Stage_Closure"]
    assert definition.node("Stage_Intake").name == "Intake"
    assert (definition.layout["Stage_Approval"].x, definition.layout["Stage_Approval"].y) == (
        900,
        80,
    )
    assert list(steps_of(definition, "Stage_Intake")) == [
        "Verify_Claim",
        "Fetch_Purchase_History",
        "Assess_Damage",
    ]


def test_interactive_steps_get_assignees_and_background_steps_stand_in_actions():
    definition = import_salesforce(WARRANTY).definition
    intake = steps_of(definition, "Stage_Intake")
    assert intake["Verify_Claim"].assignee == "queue:Claims_Intake"
    assert intake["Assess_Damage"].assignee == "group:Field_Assessors"
    manager = steps_of(definition, "Stage_Approval")["Manager_Approval"]
    assert manager.assignee == "user:claims.manager@example.com"
    assert manager.guidance == "Salesforce screen flow: Approve_Payout_Screen"
    history = intake["Fetch_Purchase_History"]
    assert history.action == "salesforce:Fetch_Purchase_History_Flow"
    assert history.inputs == {"claimId": "record.Id"}
    refund = steps_of(definition, "Stage_Settlement")["Issue_Refund"]
    assert refund.inputs == {"amount": "record.Amount__c", "currencyCode": "'EUR'"}


def test_entry_condition_on_another_steps_completion_becomes_after():
    definition = import_salesforce(WARRANTY).definition
    assert steps_of(definition, "Stage_Intake")["Assess_Damage"].after == ["Verify_Claim"]
    assert steps_of(definition, "Stage_Settlement")["Notify_Customer"].after == ["Issue_Refund"]


def test_decision_rules_become_ordered_conditional_flows_with_a_default():
    definition = import_salesforce(WARRANTY).definition
    leaving = [(f.target, f.condition, f.default) for f in definition.outgoing("Route_Claim")]
    assert leaving == [
        ("Stage_Closure", "not Verify_Claim.isValid", False),
        (
            "Stage_Approval",
            "record.Amount__c > 5000 or Assess_Damage.severity == 'Total loss'",
            False,
        ),
        ("Stage_Settlement", None, True),
    ]
    assert [f.target for f in definition.outgoing("Stage_Closure")] == ["end"]


def test_evaluation_flow_exit_becomes_a_stand_in_the_admin_fills_in_and_is_reported():
    result = import_salesforce(WARRANTY)
    stage = result.definition.node("Stage_Approval")
    assert stage.exit_condition == "Approval_Complete_Eval_met"
    standin = next(v for v in result.definition.variables if v.name == "Approval_Complete_Eval_met")
    assert standin.type == "boolean" and standin.default is False
    assert any(
        i.element == "Stage_Approval" and "Approval_Complete_Eval" in i.message
        for i in result.report.items
    )


def test_exit_conditions_and_other_entry_conditions_become_expressions():
    result = import_salesforce(SUPPLIER)
    definition = result.definition
    assert definition.node("Compliance_Check").exit_condition == "Compliance_Review.approved"
    screening = steps_of(definition, "Compliance_Check")["Sanctions_Screening"]
    assert screening.condition == "annualSpend >= 100000"
    assert [f.condition for f in definition.outgoing("Spend_Tier")] == [
        "isStrategic or annualSpend >= 1000000",
        None,
    ]


def test_what_cannot_be_mapped_is_listed_never_dropped_silently():
    report = import_salesforce(SUPPLIER).report
    lines = report.lines()
    assert not any("fault path" in line for line in lines)  # mapped: see the next test
    assert any(line.startswith("Create_Vendor_Record: output vendorNumber") for line in lines)
    assert any(
        line.startswith("Sanctions_Screening: Baton checks the entry condition once")
        for line in lines
    )


def test_a_stage_fault_path_becomes_a_fault_route():
    # given a stage whose faultConnector leads back to the compliance check
    definition = import_salesforce(SUPPLIER).definition

    # then a failing Activation step routes the run there instead of failing it
    fault = definition.fault_flow("Activation")
    assert (fault.target, fault.fault) == ("Compliance_Check", True)
    assert [f.target for f in definition.outgoing("Activation")] != ["Compliance_Check"]


@pytest.mark.parametrize("fixture", [WARRANTY, SUPPLIER], ids=["record", "autolaunched"])
def test_imported_orchestration_validates_clean(fixture):
    assert validate(import_salesforce(fixture).definition) == []


def test_an_assignee_read_from_the_record_becomes_a_dynamic_assignee(tmp_path):
    text = WARRANTY.read_text().replace(
        "<stringValue>Claims_Intake</stringValue>",
        "<elementReference>$Record.OwnerId</elementReference>",
    )
    path = tmp_path / "Owner_Assigned.flow-meta.xml"
    path.write_text(text)
    result = import_salesforce(path)
    step = steps_of(result.definition, "Stage_Intake")["Verify_Claim"]
    assert isinstance(step, InteractiveStep) and step.assignee is None
    assert (step.assignee_from, step.assignee_kind) == ("record.OwnerId", "queue")
    assert validate(result.definition) == []


def test_a_screen_flow_is_refused_as_not_an_orchestration(tmp_path):
    path = tmp_path / "Intake_Form.flow-meta.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Flow xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>61.0</apiVersion>'
        "<label>Intake form</label><processType>Flow</processType><status>Active</status>"
        "<screens><name>Ask</name><label>Ask</label></screens></Flow>"
    )
    with pytest.raises(InterchangeError, match="this is a screen flow, not an orchestration"):
        import_salesforce(path)


def test_a_bpmn_file_given_as_salesforce_metadata_is_refused():
    with pytest.raises(InterchangeError, match="not Salesforce Flow metadata"):
        import_salesforce(FIXTURES / "foreign_invoice.bpmn")


def test_a_stage_named_end_does_not_clash_with_the_end_node(tmp_path):
    path = tmp_path / "Ends.flow-meta.xml"
    path.write_text(SUPPLIER.read_text().replace("Activation", "end"))
    definition = import_salesforce(path).definition
    assert [n.id for n in definition.nodes if n.type == "end"] == ["end_"]
    assert validate(definition) == []


GROUPED_ENTRY = """<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Grouped entry</label>
    <processType>Orchestrator</processType>
    <start><connector><targetReference>Billing</targetReference></connector></start>
    <orchestratedStages>
        <name>Billing</name>
        <label>Billing</label>
        <stageSteps>
            <name>Invoice</name>
            <actionName>Create_Invoice_Flow</actionName>
            <actionType>stepBackground</actionType>
        </stageSteps>
        <stageSteps>
            <name>Remind</name>
            <actionName>Send_Reminder_Flow</actionName>
            <actionType>stepBackground</actionType>
            <entryConditionLogic>1 AND (2 OR 3)</entryConditionLogic>
            <entryConditions>
                <leftValueReference>Invoice.Status</leftValueReference>
                <operator>EqualTo</operator>
                <rightValue><stringValue>Completed</stringValue></rightValue>
            </entryConditions>
            <entryConditions>
                <leftValueReference>amount</leftValueReference>
                <operator>GreaterThan</operator>
                <rightValue><numberValue>100.0</numberValue></rightValue>
            </entryConditions>
            <entryConditions>
                <leftValueReference>priority</leftValueReference>
                <operator>EqualTo</operator>
                <rightValue><stringValue>High</stringValue></rightValue>
            </entryConditions>
        </stageSteps>
    </orchestratedStages>
</Flow>
"""


def test_entry_logic_of_completions_and_other_conditions_keeps_its_grouping(tmp_path):
    # given a step that waits for the invoice and then for either of two facts
    path = tmp_path / "Grouped_Entry.flow-meta.xml"
    path.write_text(GROUPED_ENTRY)
    # when it is imported
    step = steps_of(import_salesforce(path).definition, "Billing")["Remind"]
    # then it waits for the invoice and keeps the OR of the rest
    assert step.after == ["Invoice"]
    assert step.condition == "amount > 100 or priority == 'High'"
