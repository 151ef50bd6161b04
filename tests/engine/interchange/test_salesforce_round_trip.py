"""Salesforce → Baton → Salesforce keeps what a Salesforce admin keeps in source control.

The fixture `Loan_Review.flow-meta.xml` is hand-written in the shape Salesforce writes:
assignees resolved at run time (record owner, a related record, a step output, a variable,
a constant), evaluation flows with inputs, inputs that read other steps' outputs, named
decision outcomes, and a loop back to an earlier stage.
"""

from __future__ import annotations

from xml.etree import ElementTree

from engine.cli import main
from engine.definition import load_definition
from engine.interchange.loops import PROPOSED_MAX_VISITS
from engine.interchange.salesforce_export import export_salesforce
from engine.interchange.salesforce_import import import_salesforce
from engine.interchange.salesforce_xml import SF_NS
from engine.validation import validate
from tests.engine.interchange.builders import FIXTURES
from tests.engine.interchange.metadata_diff import differences

LOAN = FIXTURES / "Loan_Review.flow-meta.xml"
SUPPLIER = FIXTURES / "Supplier_Onboarding.flow-meta.xml"
NS = {"sf": SF_NS}


def notes_for(report, element: str) -> list[str]:
    return [item.message for item in report.items if item.element == element]


def test_export_of_an_import_matches_the_original_element_by_element(tmp_path):
    # given a Salesforce orchestration imported into Baton
    definition = import_salesforce(LOAN).definition
    # when it is exported back
    exported = tmp_path / "Loan_Review.flow-meta.xml"
    exported.write_text(export_salesforce(definition).text)
    # then every element, name, label, connector and input is as it was
    assert differences(LOAN, exported) == []


def test_the_round_trip_also_holds_through_the_saved_file(tmp_path, capsys):
    saved = tmp_path / "loan.baton.json"
    assert main(["import", str(LOAN), "-o", str(saved)]) == 0
    exported = tmp_path / "Loan_Review.flow-meta.xml"
    assert main(["export", str(saved), "--to", "salesforce", "-o", str(exported)]) == 0
    assert differences(LOAN, exported) == []


def test_decision_outcomes_keep_their_api_names_and_labels():
    definition = import_salesforce(LOAN).definition
    outcomes = [(f.id, f.name, f.target) for f in definition.outgoing("Loan_Outcome")]
    assert outcomes == [
        ("Approved_Outcome", "Approved", "Stage_Funding"),
        ("More_Information", "Needs more information", "Stage_Intake"),
        (None, "Declined", "Stage_Decline"),
    ]


def test_a_loop_gets_a_proposed_max_visits_on_its_entry_stage_with_a_note():
    # given an orchestration whose decision routes back to the first stage
    result = import_salesforce(LOAN)
    # then that stage, where the loop is entered, is bounded and the admin is told
    assert result.definition.node("Stage_Intake").max_visits == PROPOSED_MAX_VISITS == 10
    assert result.definition.node("Stage_Underwriting").max_visits is None
    assert any("max_visits 10 is proposed" in m for m in notes_for(result.report, "Stage_Intake"))
    assert not [d for d in validate(result.definition) if d.code == "unguarded-cycle"]


def test_evaluation_flows_keep_their_inputs():
    result = import_salesforce(LOAN)
    variables = {v.name: v for v in result.definition.variables}
    stage_exit = variables["Intake_Complete_Eval_met"]
    assert result.definition.node("Stage_Intake").exit_condition == "Intake_Complete_Eval_met"
    assert '"applicationId": ["elementReference", "$Record.Id"]' in stage_exit.description
    assert '"minimumScore": ["numberValue", "600.0"]' in stage_exit.description
    assert "applicationId, minimumScore kept" in " ".join(notes_for(result.report, "Stage_Intake"))
    step_entry = variables["Needs_Compliance_Eval_met"]
    assert '"amount": ["elementReference", "$Record.Amount__c"]' in step_entry.description


def test_inputs_reading_other_steps_outputs_become_baton_expressions():
    definition = import_salesforce(LOAN).definition
    steps = {step.id: step for _, step in definition.steps()}
    assert steps["Score_Applicant"].inputs == {
        "applicationId": "record.Id",
        "documentsComplete": "Check_Documents.complete",
    }
    assert steps["Disburse_Funds"].inputs["score"] == "Score_Applicant.score"
    assert [o.name for o in steps["Check_Documents"].outputs] == ["complete"]


def test_assignees_resolved_at_run_time_become_dynamic_assignees():
    # given assignees Salesforce computes from the record, a related record, a step's
    # output, a variable and a constant
    result = import_salesforce(LOAN)
    steps = {step.id: step for _, step in result.definition.steps()}
    # then each is an assignee_from expression of the same kind, and the import is clean
    assert {
        step_id: (step.assignee, step.assignee_from, step.assignee_kind)
        for step_id, step in steps.items()
        if step.type == "interactive"
    } == {
        "Check_Documents": (None, "record.Owner.Username", "user"),
        "Underwriter_Review": (None, "record.Branch__r.Manager_Username__c", "user"),
        "Second_Opinion": (None, "Underwriter_Review.peerReviewer", "user"),
        "Compliance_Signoff": (None, "complianceGroup", "group"),
        "Branch_Signoff": (None, "Fallback_Approver", "user"),
    }
    assert validate(result.definition) == []
    # and only references export could not write back as they were are kept aside
    assert "$Record.Owner:User.Username" in steps["Check_Documents"].guidance
    assert "Assignee" not in steps["Compliance_Signoff"].guidance


def test_an_edited_dynamic_assignee_is_exported_as_the_new_reference():
    definition = import_salesforce(LOAN).definition
    step = next(s for _, s in definition.steps() if s.id == "Check_Documents")
    step.assignee_from = "record.Reviewer__r.Username"
    step.assignee_kind = "queue"

    root = ElementTree.fromstring(export_salesforce(definition).text)

    (written,) = [
        s.find("sf:assignees", NS)
        for s in root.iter(f"{{{SF_NS}}}stageSteps")
        if s.findtext("sf:name", namespaces=NS) == "Check_Documents"
    ]
    assert written.findtext("sf:assignee/sf:elementReference", namespaces=NS) == (
        "$Record.Reviewer__r.Username"
    )
    assert written.findtext("sf:assigneeType", namespaces=NS) == "Queue"


def test_an_assignee_read_from_a_formula_gets_a_text_stand_in_not_exported_back(tmp_path):
    # given a step assigned from a formula resource, which Baton does not import
    path = tmp_path / "Loan_Review.flow-meta.xml"
    path.write_text(
        LOAN.read_text().replace(
            "<elementReference>Fallback_Approver</elementReference>",
            "<elementReference>Approver_Formula</elementReference>",
        )
    )
    # when
    result = import_salesforce(path)
    # then the definition validates, the stand-in is named and export leaves it out
    assert [d for d in validate(result.definition) if d.severity == "error"] == []
    standin = next(v for v in result.definition.variables if v.name == "Approver_Formula")
    assert standin.type == "text"
    assert any("resource Approver_Formula" in m for m in notes_for(result.report, "Branch_Signoff"))
    exported = export_salesforce(result.definition).text
    assert "<name>Approver_Formula</name>" not in exported
    assert "<elementReference>Approver_Formula</elementReference>" in exported


def test_a_flow_constant_becomes_a_variable_and_goes_back_as_a_constant():
    definition = import_salesforce(LOAN).definition
    constant = next(v for v in definition.variables if v.name == "Fallback_Approver")
    assert constant.default == "lending.lead@example.com"
    assert "<constants>" in export_salesforce(definition).text


def test_import_exits_1_when_the_written_definition_has_errors_and_says_so(tmp_path, capsys):
    # given an assignee read from $User, which Baton has no counterpart for
    source = tmp_path / "Loan_Review.flow-meta.xml"
    source.write_text(
        LOAN.read_text().replace("$Record.Owner:User.Username", "$User.Manager.Username")
    )
    out = tmp_path / "loan.baton.json"
    assert main(["import", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert out.exists() and load_definition(out).id == "Loan_Review"
    assert "the assignee $User.Manager.Username is not mapped" in err
    assert "error missing-assignee [Check_Documents.assignee]" in err
    assert f"baton: {out} has 1 validation error(s)" in err


def test_import_exits_0_when_the_written_definition_is_clean(tmp_path, capsys):
    out = tmp_path / "supplier.baton.json"
    assert main(["import", str(SUPPLIER), "-o", str(out)]) == 0
    assert "validation error" not in capsys.readouterr().err


def test_metadata_baton_does_not_map_is_listed_with_what_to_do(tmp_path):
    text = (
        LOAN.read_text()
        .replace(
            "<label>Loan review</label>",
            "<label>Loan review</label>"
            "<interviewLabel>Loan {!$Flow.CurrentDateTime}</interviewLabel>",
        )
        .replace(
            "<actionName>Disburse_Funds_Flow</actionName>",
            "<actionName>Disburse_Funds_Flow</actionName><requiresAsyncProcessing>true"
            "</requiresAsyncProcessing><runAsUser>false</runAsUser>",
        )
    )
    path = tmp_path / "Loan_Review.flow-meta.xml"
    path.write_text(text)
    report = import_salesforce(path).report
    assert any(
        m.startswith("interviewLabel not mapped") for m in notes_for(report, "orchestration")
    )
    assert [m for m in notes_for(report, "Disburse_Funds") if "not mapped" in m] == [
        "requiresAsyncProcessing not mapped to Baton and not written back on export; "
        "set them again in Salesforce after deploying an export"
    ]


def test_the_record_changed_flag_maps_to_the_record_triggers_update_mode(tmp_path):
    # given the flag true (start only when a save makes the criteria met)
    definition = import_salesforce(LOAN).definition
    assert definition.trigger.every_update is False
    assert not notes_for(import_salesforce(LOAN).report, "start")
    # when it is false, Salesforce starts on every qualifying update, and so does Baton
    path = tmp_path / "Loan_Review.flow-meta.xml"
    path.write_text(
        LOAN.read_text().replace(
            "<doesRequireRecordChangedToMeetCriteria>true",
            "<doesRequireRecordChangedToMeetCriteria>false",
        )
    )
    every = import_salesforce(path)
    assert every.definition.trigger.every_update is True
    assert not notes_for(every.report, "start")
    # and export writes the flag back as it was
    exported = tmp_path / "out.flow-meta.xml"
    exported.write_text(export_salesforce(every.definition).text)
    assert differences(path, exported) == []


def test_one_evaluation_flow_used_with_different_inputs_keeps_each_set(tmp_path):
    # given the same evaluation flow deciding a stage's exit and a step's entry, each with
    # its own inputs (as real orchestrations reuse one status check for every stage)
    path = tmp_path / "Loan_Review.flow-meta.xml"
    path.write_text(
        LOAN.read_text().replace(
            "<entryActionName>Needs_Compliance_Eval</entryActionName>",
            "<entryActionName>Intake_Complete_Eval</entryActionName>",
        )
    )
    # when imported
    definition = import_salesforce(path).definition
    # then each use reads its own stand-in, holding its own inputs
    assert definition.node("Stage_Intake").exit_condition == "Intake_Complete_Eval_met"
    step = next(s for _, s in definition.steps() if s.id == "Compliance_Signoff")
    assert step.condition == "Intake_Complete_Eval_met_2"
    # and export gives every input back where it was
    exported = tmp_path / "out.flow-meta.xml"
    exported.write_text(export_salesforce(definition).text)
    assert differences(path, exported) == []


def test_flow_builder_layout_settings_are_named_in_the_report(tmp_path):
    # given a flow saved from Flow Builder's auto-layout canvas, with a go-to connector
    path = tmp_path / "Loan_Review.flow-meta.xml"
    path.write_text(
        LOAN.read_text().replace(
            "<processType>Orchestrator</processType>",
            "<processMetadataValues><name>CanvasMode</name><value>"
            "<stringValue>AUTO_LAYOUT_CANVAS</stringValue></value></processMetadataValues>"
            "<processType>Orchestrator</processType>",
        )
    )
    # then the admin learns what the export will not carry
    (note,) = [m for m in notes_for(import_salesforce(path).report, "orchestration")]
    assert note.startswith("Flow Builder settings (CanvasMode) are not written back")
