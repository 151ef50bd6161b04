"""Importing BPMN: Baton's own export comes back identical; edits without Baton data are refused."""

from __future__ import annotations

import pytest

from engine.definition import to_dict
from engine.errors import InterchangeError
from engine.interchange.bpmn_export import export_bpmn
from engine.interchange.bpmn_import import import_bpmn
from engine.validation import validate
from tests.engine.interchange import builders
from tests.engine.interchange.test_bpmn_export import DEFINITIONS


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_round_trip_through_bpmn_gives_back_the_same_definition(name, tmp_path):
    # given a definition exported to BPMN
    definition = DEFINITIONS[name]()
    path = tmp_path / "out.bpmn"
    path.write_text(export_bpmn(definition), encoding="utf-8")
    # when the file is imported
    result = import_bpmn(path)
    # then meaning and layout are identical and nothing is reported
    assert to_dict(result.definition) == to_dict(definition)
    assert not result.report


@pytest.mark.parametrize("name", [p.name.split(".")[0] for p in builders.EXAMPLES])
def test_imported_example_validates_clean(name, tmp_path):
    path = tmp_path / "out.bpmn"
    path.write_text(export_bpmn(builders.example(name)), encoding="utf-8")
    assert validate(import_bpmn(path).definition) == []


def test_a_task_renamed_in_a_modeller_keeps_its_new_name(tmp_path):
    # given an export where someone renamed a user task in their BPMN modeller
    xml = export_bpmn(builders.example("employee_onboarding"))
    path = tmp_path / "renamed.bpmn"
    path.write_text(xml.replace('name="Check signed contract"', 'name="Verify contract"'))
    # when it is imported, then the new name is taken
    definition = import_bpmn(path).definition
    step = next(s for _, s in definition.steps() if s.id == "contract")
    assert step.name == "Verify contract"


def test_foreign_bpmn_is_imported_with_what_has_no_baton_counterpart_reported():
    # given a BPMN file drawn in another tool
    path = builders.FIXTURES / "foreign_invoice.bpmn"
    # when it is imported
    result = import_bpmn(path)
    # then its tasks are stages and the gateway and call activity are explained
    assert [s.id for s in result.definition.stages()] == [
        "scan_stage",
        "approve_stage",
        "pay_stage",
    ]
    listed = dict((i.element, i.message) for i in result.report.items)
    assert "nothing to decide" in listed["inclusiveGateway route ('Route')"]
    assert "start_orchestration" in listed["callActivity pay ('Pay')"]


def test_element_added_in_a_modeller_without_baton_data_is_listed(tmp_path):
    # given a Baton export where a manual task was added inside a stage
    xml = export_bpmn(builders.review_with_decision())
    extra = '<bpmn:manualTask id="print_it" name="Print it" />'
    xml = xml.replace(
        '<bpmn:startEvent id="Stage_review-start" />',
        extra + '<bpmn:startEvent id="Stage_review-start" />',
    )
    path = tmp_path / "edited.bpmn"
    path.write_text(xml)
    # when it is imported, then that task is named in the refusal
    with pytest.raises(InterchangeError) as caught:
        import_bpmn(path)
    assert caught.value.problems == [
        ("manualTask print_it ('Print it')", "Baton has no manual task; use an interactive step")
    ]


def test_a_file_that_is_xml_but_not_bpmn_is_refused(tmp_path):
    path = tmp_path / "note.bpmn"
    path.write_text("<note><to>Ada</to></note>")
    with pytest.raises(InterchangeError, match=r"not a BPMN 2\.0 file"):
        import_bpmn(path)
