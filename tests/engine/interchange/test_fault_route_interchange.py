"""Fault routes and end outcomes through BPMN and Salesforce: mapped where the target
format has the piece, kept for Baton (and reported) where it has not."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

import pytest

from engine.definition import from_dict, to_dict
from engine.errors import InterchangeError
from engine.interchange import export_markdown
from engine.interchange.bpmn_export import export_bpmn
from engine.interchange.bpmn_import import import_bpmn
from engine.interchange.salesforce_export import export_salesforce, write_sfdx_project
from engine.interchange.salesforce_import import import_salesforce
from engine.interchange.salesforce_xml import SF_NS

BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
SF = {"sf": SF_NS}


def _billing(fault_target: str = "remedy"):
    """charge (a background step) -> end; its fault route leads to `fault_target`."""
    return from_dict(
        {
            "schema": "baton/1",
            "id": "billing",
            "name": "Billing",
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "charge",
                    "type": "stage",
                    "steps": [{"id": "bill", "type": "background", "action": "log"}],
                },
                {
                    "id": "remedy",
                    "type": "stage",
                    "steps": [{"id": "fix", "type": "interactive", "assignee": "user:bob"}],
                },
                {"id": "end", "type": "end"},
                {"id": "gave_up", "type": "end", "outcome": "failed"},
            ],
            "flows": [
                {"from": "start", "to": "charge"},
                {"from": "charge", "to": "end"},
                {"from": "charge", "to": fault_target, "fault": True, "name": "Billing failed"},
                {"from": "remedy", "to": "gave_up"},
            ],
        }
    )


def test_a_fault_route_exports_as_an_error_boundary_event_on_the_stage(tmp_path):
    # given a stage with a fault route to a remedy stage
    root = fromstring(export_bpmn(_billing()))

    # then the sub-process carries an interrupting error boundary event...
    process = root.find("bpmn:process", BPMN)
    (boundary,) = process.findall("bpmn:boundaryEvent", BPMN)
    assert boundary.get("attachedToRef") == "Stage_charge"
    assert boundary.get("cancelActivity") == "true"
    error_ref = boundary.find("bpmn:errorEventDefinition", BPMN).get("errorRef")
    assert root.find(f"bpmn:error[@id='{error_ref}']", BPMN) is not None
    # ...whose sequence flow leads to the remedy, and the stage has one ordinary flow
    flows = process.findall("bpmn:sequenceFlow", BPMN)
    (fault,) = [f for f in flows if f.get("sourceRef") == boundary.get("id")]
    assert fault.get("targetRef") == "Stage_remedy"
    assert [f.get("targetRef") for f in flows if f.get("sourceRef") == "Stage_charge"] == [
        "EndEvent_end"
    ]


def test_bpmn_export_then_import_keeps_the_fault_route_and_the_outcome(tmp_path):
    path = tmp_path / "billing.bpmn"
    path.write_text(export_bpmn(_billing()), encoding="utf-8")

    back = import_bpmn(path).definition

    assert to_dict(back) == to_dict(_billing())


def test_a_boundary_event_of_another_kind_is_refused_by_name(tmp_path):
    # given a Baton export where a modeller turned the error into a timer boundary event
    text = export_bpmn(_billing()).replace(
        '<bpmn:errorEventDefinition errorRef="Error_baton_fault" />',
        "<bpmn:timerEventDefinition />",
    )
    path = tmp_path / "edited.bpmn"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(InterchangeError) as refused:
        import_bpmn(path)

    problems = refused.value.problems
    assert any("Stage_charge-fault" in where for where, _ in problems)


def test_a_fault_route_to_a_stage_exports_as_a_salesforce_fault_connector(tmp_path):
    result = export_salesforce(_billing())
    root = fromstring(result.text)

    charge = next(
        s
        for s in root.iterfind("sf:orchestratedStages", SF)
        if s.findtext("sf:name", namespaces=SF) == "charge"
    )
    assert charge.findtext("sf:faultConnector/sf:targetReference", namespaces=SF) == "remedy"

    path, _ = write_sfdx_project(_billing(), tmp_path)
    assert to_dict(import_salesforce(path).definition) == to_dict(_billing())


def test_a_fault_route_to_an_end_is_reported_and_kept_for_baton(tmp_path):
    # given a fault route straight to an end: Salesforce fault paths lead to elements only
    definition = _billing(fault_target="gave_up")
    result = export_salesforce(definition)

    assert "faultConnector" not in result.text
    assert any("kept for Baton only" in line for line in result.report.lines())
    path, _ = write_sfdx_project(definition, tmp_path)
    assert to_dict(import_salesforce(path).definition) == to_dict(definition)


def test_the_process_document_says_where_a_failing_stage_leads():
    text = export_markdown(_billing())

    assert "**If it fails:**" in text
    assert "- If a step fails for good → **remedy**" in text
    assert "the run ends (**gave_up**, outcome *failed*)" in text
