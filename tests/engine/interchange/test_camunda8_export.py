"""`baton export --to bpmn --dialect camunda8`: FEEL and zeebe: extensions, and back again."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

import pytest

from engine.cli import main
from engine.definition import to_dict
from engine.errors import InterchangeError
from engine.interchange.bpmn_camunda8 import ZEEBE_NS
from engine.interchange.bpmn_export import export_bpmn
from engine.interchange.bpmn_import import import_bpmn
from engine.interchange.bpmn_names import BPMN_NS
from engine.interchange.feel import to_feel
from tests.engine.interchange import builders
from tests.engine.interchange.test_bpmn_export import DEFINITIONS

NS = {"bpmn": BPMN_NS, "zeebe": ZEEBE_NS}


def exported(definition) -> object:
    return fromstring(export_bpmn(definition, "camunda8"))


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_the_camunda8_export_imports_back_to_the_same_definition(name, tmp_path):
    definition = DEFINITIONS[name]()
    path = tmp_path / "c8.bpmn"
    path.write_text(export_bpmn(definition, "camunda8"), encoding="utf-8")
    assert to_dict(import_bpmn(path).definition) == to_dict(definition)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_the_camunda8_export_validates_against_the_omg_schema(name, bpmn_schema):
    xml = export_bpmn(DEFINITIONS[name](), "camunda8")
    assert [f"{e.path}: {e.reason}" for e in bpmn_schema.iter_errors(xml)] == []


def test_decision_conditions_are_feel_in_baton_order():
    root = exported(builders.example("deal_desk_approval"))
    texts = [e.text for e in root.iter(f"{{{BPMN_NS}}}conditionExpression")]
    assert "=quote_discount > 30" in texts
    assert "=(quote_discount > 15) and not(quote_discount > 30)" in texts
    assert all(e.get("language") is None for e in root.iter(f"{{{BPMN_NS}}}conditionExpression"))


def test_user_tasks_carry_zeebe_user_task_and_assignment():
    root = exported(builders.review_with_decision())
    task = root.find(".//bpmn:userTask[@id='Step_check']", NS)
    assert task.find(".//zeebe:userTask", NS) is not None
    assignment = task.find(".//zeebe:assignmentDefinition", NS)
    assert assignment.attrib == {"candidateGroups": "team"}


def test_dynamic_assignees_become_feel_assignment_expressions():
    # given steps assigned from the record's owner, a step output and a group variable
    root = exported(DEFINITIONS["salesforce_loan"]())

    def assignment(step: str) -> dict:
        task = root.find(f".//bpmn:userTask[@id='Step_{step}']", NS)
        return task.find(".//zeebe:assignmentDefinition", NS).attrib

    # then Zeebe evaluates the same reads, in FEEL, when it creates each task
    assert assignment("Check_Documents") == {"assignee": "=record_Owner.Username"}
    assert assignment("Second_Opinion") == {"assignee": "=Underwriter_Review_peerReviewer"}
    assert assignment("Compliance_Signoff") == {"candidateGroups": "=complianceGroup"}


def test_service_tasks_carry_job_type_retries_and_feel_inputs():
    definition = builders.orchestration(
        [
            builders.stage(
                "notify",
                builders.background(
                    "mail",
                    action="send_email",
                    inputs={"to": "owner", "subject": "'Deal ' + str(amount)"},
                    retry={"attempts": 4, "delay": "PT1M"},
                ),
            )
        ],
        [("start", "notify"), ("notify", "end")],
        variables=[
            {"name": "owner", "type": "text", "input": True},
            {"name": "amount", "type": "number", "input": True},
        ],
    )
    task = exported(definition).find(".//bpmn:serviceTask[@id='Step_mail']", NS)
    assert task.find(".//zeebe:taskDefinition", NS).attrib == {"type": "send_email", "retries": "4"}
    inputs = [i.attrib for i in task.iterfind(".//zeebe:ioMapping/zeebe:input", NS)]
    assert inputs == [
        {"source": "=owner", "target": "to"},
        {"source": '="Deal " + string(amount)', "target": "subject"},
    ]


def test_waits_get_a_message_subscription_with_their_correlation_key():
    root = exported(builders.example("employee_onboarding"))
    subscriptions = [s.get("correlationKey") for s in root.iter(f"{{{ZEEBE_NS}}}subscription")]
    assert subscriptions and all(k.startswith("=") for k in subscriptions)


def test_feel_translation_of_baton_expressions():
    steps = {"review"}
    assert to_feel("review.decision == 'approve' and not urgent", steps) == (
        '(review_decision = "approve") and not(urgent)'
    )
    assert to_feel("region in ['EU', 'UK']", set()) == 'list contains(["EU", "UK"], region)'
    assert to_feel("record.amount >= 1000 or x is None", set()) == (
        "(record_amount >= 1000) or (x = null)"
    )


def test_a_condition_with_no_feel_form_is_refused_naming_the_element(tmp_path, capsys):
    definition = builders.orchestration(
        [
            builders.stage("review", builders.interactive("check")),
            {"id": "verdict", "type": "decision"},
        ],
        [
            ("start", "review"),
            ("review", "verdict"),
            ("verdict", "end", "round(check.score, 1) > 2"),
            ("verdict", "end", "default"),
        ],
    )
    with pytest.raises(InterchangeError, match="cannot be written for camunda8") as caught:
        export_bpmn(definition, "camunda8")
    assert caught.value.element == "verdict"


def test_export_cli_takes_the_dialect_and_refuses_an_unknown_one(tmp_path, capsys):
    source = builders.EXAMPLES[0]
    out = tmp_path / "c8.bpmn"
    assert (
        main(["export", str(source), "--to", "bpmn", "--dialect", "camunda8", "-o", str(out)]) == 0
    )
    assert "zeebe:taskDefinition" in out.read_text() or "zeebe:userTask" in out.read_text()
    assert main(["export", str(source), "--to", "bpmn", "--dialect", "zeebe7", "-o", str(out)]) == 2
    assert "unknown BPMN dialect 'zeebe7'" in capsys.readouterr().err
