"""BPMN from other tools imports best effort, with every element accounted for.

The fixtures under `fixtures/foreign/` are hand-written in the shapes Camunda Modeler 7 and 8,
bpmn.io, MIWG-style (Signavio-like) files and SpiffWorkflow's tests use.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.cli import main
from engine.definition import BackgroundStep, InteractiveStep, WaitStep
from engine.errors import InterchangeError
from engine.interchange import import_file
from engine.interchange.bpmn_foreign_conditions import translate_condition
from engine.interchange.bpmn_names import BPMN_NS
from engine.interchange.safe_xml import local_name, namespace_of, read_xml_file
from engine.validation import validate
from tests.engine.interchange.baton_runner import run_baton
from tests.engine.interchange.builders import FIXTURES

FOREIGN = sorted((FIXTURES / "foreign").glob("*.bpmn"))
KINDS = [p.stem for p in FOREIGN]
UNTRANSLATED = {"camunda7_message_start"}
"""Kinds whose only validation errors are conditions with no Baton form, kept as written."""
_NOT_ELEMENTS = {
    "incoming",
    "outgoing",
    "flowNodeRef",
    "text",
    "script",
    "conditionExpression",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "documentation",
    "extensionElements",
    "sequenceFlow",
    "laneSet",
    "childLaneSet",
}


def imported(kind: str):
    return import_file(FIXTURES / "foreign" / f"{kind}.bpmn")


def steps_of(definition) -> dict:
    return {step.id: step for _, step in definition.steps()}


def errors_of(definition) -> list:
    return [d for d in validate(definition) if d.severity == "error"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_imports_to_a_definition_that_validates(kind):
    # when a foreign file is imported
    result = imported(kind)
    # then it validates clean, or its only errors are conditions kept as written
    errors = errors_of(result.definition)
    if kind in UNTRANSLATED:
        assert errors and all(e.code == "expression-syntax" for e in errors)
        assert any("kept as written" in i.message for i in result.report.items)
    else:
        assert errors == []


def test_at_least_ten_of_the_kinds_import_clean():
    clean = [k for k in KINDS if not errors_of(imported(k).definition)]
    assert len(KINDS) >= 15 and len(clean) >= 10, clean


def _elements(element):
    """BPMN elements with ids under `element`, not inside extensions or event sub-processes."""
    for child in element:
        if namespace_of(child.tag) != BPMN_NS or local_name(child.tag) in _NOT_ELEMENTS:
            continue
        if local_name(child.tag).endswith("EventDefinition"):
            continue
        if child.get("id"):
            yield child
        if child.get("triggeredByEvent") != "true":
            yield from _elements(child)


@pytest.mark.parametrize("kind", KINDS)
def test_every_element_of_the_imported_process_is_in_the_report(kind):
    # given a foreign file and the process Baton imports from it
    path = FIXTURES / "foreign" / f"{kind}.bpmn"
    result = import_file(path)
    process = next(
        p
        for p in read_xml_file(path).iter(f"{{{BPMN_NS}}}process")
        if p.get("id") == result.definition.id
    )
    # then each element in it is named with what it became or why it was left out
    reported = {i.element.split(" ")[1] for i in result.report.items if " " in i.element}
    missing = [e.get("id") for e in _elements(process) if e.get("id") not in reported]
    assert missing == []


def test_a_parallel_block_of_user_tasks_becomes_one_stage_of_parallel_steps():
    definition = imported("camunda8_parallel_user_tasks").definition
    stage = definition.node("Gateway_fork")
    assert [s.id for s in stage.steps] == ["Task_hr", "Task_tech", "Task_ref"]
    assert all(s.after == [] for s in stage.steps)


def test_chains_inside_a_parallel_block_keep_their_order():
    steps = steps_of(imported("spiff_parallel").definition)
    assert steps["Check_a"].after == ["Set_a"]
    assert steps["Set_b"].after == []


def test_user_task_assignees_come_from_each_dialect():
    hiring = steps_of(imported("camunda8_parallel_user_tasks").definition)
    assert hiring["Task_hr"].assignee == "group:hr"
    assert hiring["Task_tech"].assignee == "user:lead.engineer"
    invoice = steps_of(imported("camunda7_invoice").definition)
    assert invoice["approve"].assignee == "group:management"
    assert invoice["review"].assignee == "user:demo"
    lanes = steps_of(imported("spiff_lanes").definition)
    assert (lanes["Activity_A1"].assignee, lanes["Activity_B1"].assignee) == ("group:A", "group:B")


def test_an_assignee_computed_at_run_time_becomes_a_dynamic_assignee_reading_an_input():
    # given a Camunda 8 user task assigned by the FEEL expression =hiringManager
    result = imported("camunda8_parallel_user_tasks")
    step = steps_of(result.definition)["Task_ref"]
    # then the step is assigned from the same name, which becomes an input variable
    assert (step.assignee, step.assignee_from, step.assignee_kind) == (
        None,
        "hiringManager",
        "user",
    )
    assert "hiringManager" in {v.name for v in result.definition.variables if v.input}
    (note,) = [
        i.message
        for i in result.report.items
        if i.element.endswith("Task_ref ('Check references')")
    ]
    assert "'=hiringManager' is computed when the task starts" in note


def test_a_juel_candidate_group_expression_becomes_a_group_assignee_from(tmp_path):
    path = tmp_path / "juel.bpmn"
    path.write_text(
        (FIXTURES / "foreign" / "camunda7_invoice.bpmn")
        .read_text()
        .replace(
            'camunda:candidateGroups="management"', 'camunda:candidateGroups="${approverGroup}"'
        )
    )
    step = steps_of(import_file(path).definition)["approve"]
    assert (step.assignee_from, step.assignee_kind) == ("approverGroup", "group")


def test_service_tasks_become_background_steps_with_their_worker_retries_and_inputs():
    step = steps_of(imported("camunda8_parallel_user_tasks").definition)["Task_offer"]
    assert isinstance(step, BackgroundStep) and step.action == "bpmn:serviceTask"
    assert step.inputs == {
        "implementation": "'zeebe job send-offer'",
        "to": "candidate.email",
        "yearly": "salary * 12",
    }
    assert step.retry is not None and step.retry.attempts == 5


def test_camunda7_form_fields_become_outputs_that_conditions_read():
    definition = imported("camunda7_invoice").definition
    approve = steps_of(definition)["approve"]
    assert isinstance(approve, InteractiveStep)
    assert [(o.name, o.type) for o in approve.outputs] == [
        ("approved", "boolean"),
        ("comment", "text"),
    ]
    conditions = {f.target: f.condition for f in definition.outgoing("approved_gw")}
    assert conditions["prepare_stage"] == "approve.approved"


def test_feel_and_juel_comparisons_translate_and_others_are_refused():
    assert translate_condition('=score >= 7 and references = "good"').expression == (
        'score >= 7 and references == "good"'
    )
    assert translate_condition("${amount > 1000 && !vip}").expression == "amount > 1000 and not vip"
    refused = translate_condition('${order.getShipping().equals("express")}')
    assert refused.expression is None and "getShipping" in refused.why


def test_an_untranslatable_condition_is_kept_as_written_for_the_admin():
    definition = imported("camunda7_message_start").definition
    (conditional,) = [f for f in definition.outgoing("express_gw") if f.condition]
    assert conditional.condition == '${order.getShipping().equals("express")}'


def test_an_event_based_gateway_becomes_a_wait_and_a_decision_on_timed_out():
    definition = imported("camunda8_payment").definition
    (wait,) = definition.node("await_stage").steps
    assert isinstance(wait, WaitStep)
    assert (wait.event, wait.key, wait.timeout) == ("payment-confirmed", "orderId", "PT15M")
    routes = {f.target: (f.condition, f.default) for f in definition.outgoing("await_route")}
    assert routes == {"refund_stage": ("await_wait.timed_out", False), "paid": (None, True)}


def test_timers_become_due_dates_and_wait_timeouts():
    call = steps_of(imported("miwg_a3_events").definition)["call"]
    assert isinstance(call, InteractiveStep) and call.due == "P2D"
    payment = steps_of(imported("camunda7_message_start").definition)["await_payment"]
    assert isinstance(payment, WaitStep)
    assert (payment.event, payment.timeout) == ("payment-received", "P7D")


def test_embedded_sub_processes_are_flattened_into_stages():
    definition = imported("miwg_a4_pools_subprocess").definition
    assert [s.id for s in definition.stages()] == [
        "qualify_stage",
        "price_stage",
        "check_stage",
        "send_quote_stage",
    ]
    assert definition.outgoing("check_stage")[0].target == "send_quote_stage"


def test_a_loop_back_is_bounded_with_max_visits():
    definition = imported("camunda7_invoice").definition
    assert definition.node("approve_stage").max_visits == 10


def test_elements_without_a_counterpart_are_reported_and_never_abort():
    result = imported("miwg_b1_elements")
    report = {i.element: i.message for i in result.report.items}
    assert "event sub-process" in report["subProcess on_cancel ('On cancellation')"]
    assert "data objects" in report["dataObject do_order ('Order')"]
    assert "multi-instance" in report["serviceTask ship_goods ('Ship goods')"]
    assert "may take several paths" in report["inclusiveGateway incl ('What to ship?')"]


def test_baton_import_of_a_foreign_file_prints_the_report_and_exits_0(tmp_path, capsys):
    out = tmp_path / "hiring.baton.json"
    path: Path = FIXTURES / "foreign" / "camunda8_parallel_user_tasks.bpmn"
    assert main(["import", str(path), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "baton: note: userTask Task_hr ('HR screening'): step Task_hr" in err


def test_a_file_with_only_a_black_box_pool_is_refused(tmp_path):
    path = tmp_path / "pool.bpmn"
    path.write_text(
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        '<collaboration id="c"><participant id="p" name="Client"/></collaboration></definitions>'
    )
    with pytest.raises(InterchangeError, match="no process with elements"):
        import_file(path)


def test_an_imported_camunda_process_runs_on_baton_along_its_conditions(tmp_path):
    # given the Camunda 7 invoice approval, imported
    definition = imported("camunda7_invoice").definition
    # when the approver first sends it back, it is clarified, then approved
    run = run_baton(
        definition,
        tmp_path,
        answers={
            "approve": lambda visit: {"approved": visit > 1, "comment": "ok"},
            "review": {"clarified": True},
        },
    )
    # then it loops once through review and ends processed
    assert run.completed
    assert run.stages() == [
        "assign_stage",
        "approve_stage",
        "review_stage",
        "approve_stage",
        "prepare_stage",
        "archive_stage",
    ]
    assert run.path[-1] == "end:end_ok"


def test_an_imported_payment_times_out_into_the_refund_path(tmp_path):
    definition = imported("camunda8_payment").definition
    run = run_baton(definition, tmp_path, inputs={"amount": 50}, arrivals={"await_wait": False})
    assert run.completed and run.path[-1] == "end:failed"
    assert "stage:refund_stage" in run.path


def _sequence(count: int) -> str:
    ids = ["s", *(f"t{i}" for i in range(count)), "e"]
    tasks = "".join(f'<task id="{i}" name="Task {i}"/>' for i in ids[1:-1])
    flows = "".join(
        f'<sequenceFlow id="f{n}" sourceRef="{ids[n]}" targetRef="{ids[n + 1]}"/>'
        for n in range(len(ids) - 1)
    )
    return (
        f'<definitions xmlns="{BPMN_NS}"><process id="big"><startEvent id="s"/>{tasks}'
        f'<endEvent id="e"/>{flows}</process></definitions>'
    )


def test_a_foreign_process_of_5000_tasks_imports_without_hanging(tmp_path):
    path = tmp_path / "big.bpmn"
    path.write_text(_sequence(5000))
    began = time.perf_counter()
    definition = import_file(path).definition
    assert len(definition.stages()) == 5000
    assert time.perf_counter() - began < 60  # a hang guard: a few seconds unloaded


def test_sub_processes_nested_thousands_deep_are_refused_in_one_line(tmp_path):
    path = tmp_path / "deep.bpmn"
    depth = 3000
    path.write_text(
        f'<definitions xmlns="{BPMN_NS}"><process id="deep"><startEvent id="s"/>'
        + "".join(f'<subProcess id="p{i}">' for i in range(depth))
        + "</subProcess>" * depth
        + "</process></definitions>"
    )
    with pytest.raises(InterchangeError, match="nested more than 50 deep") as caught:
        import_file(path)
    assert caught.value.file == str(path)
