"""Salesforce → Baton → Salesforce keeps what a Salesforce admin keeps in source control.

The fixture `Loan_Review.flow-meta.xml` is hand-written in the shape Salesforce writes:
assignees resolved at run time (record owner, a related record, a step output, a variable,
a constant), evaluation flows with inputs, inputs that read other steps' outputs, named
decision outcomes, and a loop back to an earlier stage.
"""

from __future__ import annotations

from engine.cli import main
from engine.definition import load_definition
from engine.interchange.loops import PROPOSED_MAX_VISITS
from engine.interchange.salesforce_export import export_salesforce
from engine.interchange.salesforce_import import import_salesforce
from engine.validation import validate
from tests.engine.interchange.builders import FIXTURES
from tests.engine.interchange.metadata_diff import differences

LOAN = FIXTURES / "Loan_Review.flow-meta.xml"
SUPPLIER = FIXTURES / "Supplier_Onboarding.flow-meta.xml"


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
    assert main(["import", str(LOAN), "-o", str(saved)]) == 1  # run-time assignees: see below
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


def test_assignees_resolved_at_run_time_are_reported_and_kept_for_export():
    result = import_salesforce(LOAN)
    steps = {step.id: step for _, step in result.definition.steps()}
    for step_id, shown in [
        ("Check_Documents", "$Record.Owner:User.Username"),
        ("Underwriter_Review", "$Record.Branch__r.Manager_Username__c"),
        ("Second_Opinion", "Stage_Underwriting.Underwriter_Review.Outputs.peerReviewer"),
        ("Compliance_Signoff", "complianceGroup"),
        ("Branch_Signoff", "Fallback_Approver"),
    ]:
        assert steps[step_id].assignee is None
        assert shown in steps[step_id].guidance
        assert any(shown in m and "run time" in m for m in notes_for(result.report, step_id))


def test_a_flow_constant_becomes_a_variable_and_goes_back_as_a_constant():
    definition = import_salesforce(LOAN).definition
    constant = next(v for v in definition.variables if v.name == "Fallback_Approver")
    assert constant.default == "lending.lead@example.com"
    assert "<constants>" in export_salesforce(definition).text


def test_import_exits_1_when_the_written_definition_has_errors_and_says_so(tmp_path, capsys):
    out = tmp_path / "loan.baton.json"
    assert main(["import", str(LOAN), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert out.exists() and load_definition(out).id == "Loan_Review"
    assert "error missing-assignee [Check_Documents.assignee]" in err
    assert f"baton: {out} has 5 validation error(s)" in err


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


def test_the_record_changed_flag_is_noted_only_when_salesforce_starts_more_often(tmp_path):
    # given the flag true (start only when a save makes the criteria true), as Baton does
    assert not notes_for(import_salesforce(LOAN).report, "start")
    # when it is false, Salesforce starts on every qualifying update: the admin is told
    path = tmp_path / "Loan_Review.flow-meta.xml"
    path.write_text(
        LOAN.read_text().replace(
            "<doesRequireRecordChangedToMeetCriteria>true",
            "<doesRequireRecordChangedToMeetCriteria>false",
        )
    )
    (note,) = notes_for(import_salesforce(path).report, "start")
    assert "Baton starts only when an update makes the condition true" in note
