"""`baton export` and `baton import` from the command line."""

from __future__ import annotations

from engine.cli import main
from engine.definition import dumps_definition, load_definition, to_dict
from tests.engine.interchange import builders
from tests.engine.runtime.builders import orchestration, stage, var, wait

EMPLOYEE = next(p for p in builders.EXAMPLES if p.name.startswith("employee_onboarding"))


def test_export_to_bpmn_then_import_gives_back_the_definition(tmp_path, capsys):
    bpmn = tmp_path / "onboarding.bpmn"
    assert main(["export", str(EMPLOYEE), "--to", "bpmn", "-o", str(bpmn)]) == 0
    out = tmp_path / "back.baton.json"
    assert main(["import", str(bpmn), "-o", str(out)]) == 0
    assert to_dict(load_definition(out)) == to_dict(load_definition(EMPLOYEE))
    assert f"wrote {out}" in capsys.readouterr().out


def test_export_to_salesforce_writes_an_sfdx_project_and_notes_what_did_not_fit(tmp_path, capsys):
    project = tmp_path / "sf"
    assert main(["export", str(EMPLOYEE), "--to", "salesforce", "-o", str(project)]) == 0
    flow = project / "force-app/main/default/flows/employee_onboarding.flow-meta.xml"
    assert flow.exists() and (project / "sfdx-project.json").exists()
    assert "baton: note: badge: Salesforce has no wait step" in capsys.readouterr().err


def test_import_of_a_salesforce_orchestration_prints_its_report(tmp_path, capsys):
    out = tmp_path / "supplier.baton.json"
    fixture = builders.FIXTURES / "Supplier_Onboarding.flow-meta.xml"
    assert main(["import", str(fixture), "-o", str(out)]) == 0
    imported = load_definition(out)
    assert imported.id == "Supplier_Onboarding"
    assert "baton: note: Create_Vendor_Record: output" in capsys.readouterr().err
    # the stage's fault path is now a fault route, not a note
    assert imported.fault_flow("Activation").target == "Compliance_Check"


def test_import_never_overwrites_an_existing_file_unless_forced(tmp_path, capsys):
    out = tmp_path / "taken.baton.json"
    out.write_text("keep me")
    fixture = builders.FIXTURES / "Supplier_Onboarding.flow-meta.xml"
    assert main(["import", str(fixture), "-o", str(out)]) == 2
    assert out.read_text() == "keep me"
    assert "exists already" in capsys.readouterr().err
    assert main(["import", str(fixture), "-o", str(out), "--force"]) == 0


def test_a_refused_import_exits_2_with_one_clear_message(tmp_path, capsys):
    empty = tmp_path / "empty.bpmn"
    empty.write_text('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')
    assert main(["import", str(empty)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("baton: error:") and "Traceback" not in err


def _buffered_wait(tmp_path):
    source = tmp_path / "nda.baton.json"
    signed = wait("signed", event="nda_signed", key="ref", buffer="PT1H")
    definition = orchestration("nda", stage("s", signed), variables=[var("ref", input=True)])
    source.write_text(dumps_definition(definition))
    return source


def test_a_wait_steps_event_buffer_survives_bpmn_export_and_import(tmp_path, capsys):
    # given a wait step that keeps events sent up to an hour early
    source = _buffered_wait(tmp_path)

    # when it goes to BPMN and back
    bpmn = tmp_path / "nda.bpmn"
    assert main(["export", str(source), "--to", "bpmn", "-o", str(bpmn)]) == 0
    back = tmp_path / "back.baton.json"
    assert main(["import", str(bpmn), "-o", str(back)]) == 0

    # then the buffer is in the file as Baton's extension, and comes back
    assert "<baton:buffer>PT1H</baton:buffer>" in bpmn.read_text()
    (_, step), *_ = load_definition(back).steps()
    assert step.buffer == "PT1H"


def test_a_wait_steps_event_buffer_is_reported_for_salesforce_and_kept_for_baton(tmp_path, capsys):
    source = _buffered_wait(tmp_path)

    project = tmp_path / "sf"
    assert main(["export", str(source), "--to", "salesforce", "-o", str(project)]) == 0
    err = capsys.readouterr().err
    flow = project / "force-app/main/default/flows/nda.flow-meta.xml"
    back = tmp_path / "back.baton.json"
    assert main(["import", str(flow), "-o", str(back)]) == 0

    assert "signed: the event buffer PT1H has no Salesforce form" in err
    (_, step), *_ = load_definition(back).steps()
    assert step.buffer == "PT1H"
