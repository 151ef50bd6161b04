"""Exporting to Salesforce Orchestrator metadata that deploys, and that comes back the same."""

from __future__ import annotations

import json
from xml.etree.ElementTree import fromstring

import pytest

from engine.definition import to_dict
from engine.interchange.salesforce_export import export_salesforce, write_sfdx_project
from engine.interchange.salesforce_import import import_salesforce
from engine.interchange.salesforce_xml import SF_NS
from tests.engine.interchange import builders
from tests.engine.interchange.test_bpmn_export import DEFINITIONS
from tests.engine.interchange.test_salesforce_import import SUPPLIER, WARRANTY

NS = {"sf": SF_NS}


def exported(definition):
    return fromstring(export_salesforce(definition).text)


def step_element(root, step_id):
    return next(
        s
        for s in root.iterfind(".//sf:stageSteps", NS)
        if s.findtext("sf:name", namespaces=NS) == step_id
    )


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_import_of_the_export_gives_back_the_same_orchestration(name, tmp_path):
    # given a definition written into an SFDX project
    definition = DEFINITIONS[name]()
    path, _ = write_sfdx_project(definition, tmp_path)
    # when the flow file is imported again
    result = import_salesforce(path)
    # then it is the same orchestration, with nothing to report
    assert to_dict(result.definition) == to_dict(definition)
    assert result.report.lines() == []


@pytest.mark.parametrize("fixture", [WARRANTY, SUPPLIER], ids=["record", "autolaunched"])
def test_salesforce_orchestration_survives_a_trip_through_baton(fixture, tmp_path):
    first = import_salesforce(fixture).definition
    path, _ = write_sfdx_project(first, tmp_path)
    assert to_dict(import_salesforce(path).definition) == to_dict(first)


def test_export_is_a_draft_orchestrator_flow_in_the_metadata_namespace():
    root = exported(builders.example("employee_onboarding"))
    assert root.tag == f"{{{SF_NS}}}Flow"
    assert root.findtext("sf:processType", namespaces=NS) == "Orchestrator"
    assert root.findtext("sf:status", namespaces=NS) == "Draft"
    assert float(root.findtext("sf:apiVersion", namespaces=NS)) >= 58
    start = root.find("sf:start", NS)
    assert start.findtext("sf:object", namespaces=NS) == "Employee"
    assert start.findtext("sf:recordTriggerType", namespaces=NS) == "CreateAndUpdate"
    assert start.findtext("sf:triggerType", namespaces=NS) == "RecordAfterSave"
    assert start.findtext("sf:filters/sf:field", namespaces=NS) == "status"


def test_interactive_steps_carry_the_record_id_input_and_named_assignees():
    root = exported(builders.example("employee_onboarding"))
    contract = step_element(root, "contract")
    params = {
        p.findtext("sf:name", namespaces=NS): p.findtext(
            "sf:value/sf:elementReference", namespaces=NS
        )
        for p in contract.iterfind("sf:inputParameters", NS)
    }
    assert params == {"ActionInput__RecordId": "$Record.Id"}
    assert contract.findtext("sf:assignees/sf:assignee/sf:stringValue", namespaces=NS) == "hr"
    assert contract.findtext("sf:assignees/sf:assigneeType", namespaces=NS) == "Group"
    plan = step_element(root, "plan")
    assert plan.findtext("sf:assignees/sf:assigneeType", namespaces=NS) == "User"


def test_after_becomes_a_step_completed_entry_condition():
    root = exported(builders.after_chain())
    d = step_element(root, "d")
    conditions = [
        (
            c.findtext("sf:leftValueReference", namespaces=NS),
            c.findtext("sf:operator", namespaces=NS),
            c.findtext("sf:rightValue/sf:stringValue", namespaces=NS),
        )
        for c in d.iterfind("sf:entryConditions", NS)
    ]
    assert conditions == [
        ("b.Status", "EqualTo", "Completed"),
        ("c.Status", "EqualTo", "Completed"),
    ]
    assert d.findtext("sf:entryConditionLogic", namespaces=NS) == "and"


def test_decision_conditions_become_rules_in_order_with_a_default_connector():
    root = exported(builders.example("deal_desk_approval"))
    decision = next(
        d
        for d in root.iterfind("sf:decisions", NS)
        if d.findtext("sf:name", namespaces=NS) == "discount_level"
    )
    rules = [
        (
            r.findtext("sf:connector/sf:targetReference", namespaces=NS),
            r.findtext("sf:conditions/sf:leftValueReference", namespaces=NS),
            r.findtext("sf:conditions/sf:operator", namespaces=NS),
            r.findtext("sf:conditions/sf:rightValue/sf:numberValue", namespaces=NS),
        )
        for r in decision.iterfind("sf:rules", NS)
    ]
    assert rules == [
        ("full_review", "quote.Outputs.discount", "GreaterThan", "30.0"),
        ("finance_review", "quote.Outputs.discount", "GreaterThan", "15.0"),
    ]
    assert decision.findtext("sf:defaultConnector/sf:targetReference", namespaces=NS) == "close"


def test_manual_orchestration_gets_a_record_id_input_for_its_work_guides():
    result = export_salesforce(builders.example("deal_desk_approval"))
    root = fromstring(result.text)
    record_id = next(
        v
        for v in root.iterfind("sf:variables", NS)
        if v.findtext("sf:name", namespaces=NS) == "recordId"
    )
    assert record_id.findtext("sf:isInput", namespaces=NS) == "true"
    assert any(i.element == "recordId" for i in result.report.items)


def test_what_salesforce_cannot_hold_is_reported_on_export():
    report = export_salesforce(builders.example("customer_onboarding")).report
    lines = report.lines()
    assert any(line.startswith("setup_form: Salesforce has no wait step") for line in lines)
    assert any(line.startswith("welcome_email: Baton's action 'send_email'") for line in lines)
    assert any(line.startswith("setup: Salesforce has no loop guard") for line in lines)


def test_export_is_laid_out_as_an_sfdx_source_project(tmp_path):
    path, _ = write_sfdx_project(builders.example("deal_desk_approval"), tmp_path)
    assert path == tmp_path / "force-app/main/default/flows/deal_desk_approval.flow-meta.xml"
    project = json.loads((tmp_path / "sfdx-project.json").read_text())
    assert project["packageDirectories"] == [{"path": "force-app", "default": True}]


def test_a_step_relabelled_in_salesforce_keeps_its_baton_only_details(tmp_path):
    # given an exported orchestration whose step an admin relabelled in Salesforce
    definition = builders.example("employee_onboarding")
    path, _ = write_sfdx_project(definition, tmp_path)
    path.write_text(
        path.read_text().replace(
            "<label>Check signed contract</label>", "<label>Verify the contract</label>"
        )
    )
    # when it is imported, the new label wins and guidance, outputs and due date stay
    result = import_salesforce(path)
    contract = next(s for s in result.definition.node("paperwork").steps if s.id == "contract")
    assert contract.name == "Verify the contract"
    assert contract.due == "P2D" and [o.name for o in contract.outputs] == [
        "decision",
        "start_date",
    ]
    assert any(
        i.element == "paperwork" and "changed in Salesforce" in i.message
        for i in result.report.items
    )
