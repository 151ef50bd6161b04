"""The designer's document: intent methods, their inverses and the changes they announce."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from designer.commands import (
    RenameIdCommand,
    SetPropertiesCommand,
    UpdateFlowCommand,
    UpdateNodeCommand,
    UpdateStepCommand,
)
from designer.document import ChangeKind, Document
from engine.definition import (
    Flow,
    InteractiveStep,
    Position,
    StageNode,
    dumps_definition,
    load_definition,
)
from engine.errors import InvalidInput

EXAMPLE = "resources/examples/employee_onboarding.baton.json"


@pytest.fixture
def document() -> Document:
    return Document(load_definition(EXAMPLE))


def test_editing_a_step_announces_one_change_and_can_be_undone(document: Document) -> None:
    changes = []
    document.subscribe(changes.append)
    before = dumps_definition(document.definition)

    old = document.update_step("contract", {"name": "Review contract", "due": "P3D"})

    assert document.element("contract").name == "Review contract"
    assert [c.kind for c in changes] == [ChangeKind.STEP_CHANGED]
    assert changes[0].stage == "paperwork"
    document.update_step("contract", old)
    assert dumps_definition(document.definition) == before


def test_an_invalid_value_is_refused_and_nothing_changes(document: Document) -> None:
    before = dumps_definition(document.definition)

    with pytest.raises(InvalidInput) as refused:
        document.update_step("contract", {"due": "two days"})

    assert refused.value.element == "contract"
    assert refused.value.field == "due"
    assert "ISO 8601" in refused.value.message
    assert dumps_definition(document.definition) == before


def test_renaming_an_id_updates_flows_after_links_and_layout(document: Document) -> None:
    document.rename_id("paperwork", "hr_paperwork")
    document.rename_id("contract", "signed_contract")

    definition = document.definition
    assert document.flow("start", "hr_paperwork") is not None
    assert "hr_paperwork" in definition.layout and "paperwork" not in definition.layout
    assert document.element("payroll").after == ["signed_contract"]
    assert document.stage_of("signed_contract").id == "hr_paperwork"


def test_renaming_to_a_taken_id_is_refused(document: Document) -> None:
    with pytest.raises(InvalidInput, match="already used"):
        document.rename_id("contract", "payroll")
    with pytest.raises(InvalidInput, match="already used"):
        document.rename_id("contract", "employee")  # a variable's name


def test_removing_a_node_with_flows_is_refused_until_its_flows_go(document: Document) -> None:
    with pytest.raises(InvalidInput, match="flow"):
        document.remove_node("equipment")

    document.remove_flow("laptop_needed", "equipment")
    document.remove_flow("equipment", "first_week")
    node, index, position = document.remove_node("equipment")

    assert document.element("equipment") is None and document.element("laptop") is None
    document.add_node(node, position, index)
    assert document.element("laptop") is not None


def test_steps_move_between_stages_and_back(document: Document) -> None:
    before = dumps_definition(document.definition)

    old_stage, old_index = document.move_step("badge", "equipment", 0)

    assert document.stage_of("badge").id == "equipment"
    assert document.definition.node("equipment").steps[0].id == "badge"
    document.move_step("badge", old_stage, old_index)
    assert dumps_definition(document.definition) == before


def test_unique_ids_avoid_elements_variables_and_reserved_names(document: Document) -> None:
    assert document.unique_id("Contract") == "contract_2"
    assert document.unique_id("employee") == "employee_2"
    assert document.unique_id("record") == "record_2"
    assert document.unique_id("3rd stage!") == "_3rd_stage"


def test_adding_a_duplicate_flow_or_element_is_refused(document: Document) -> None:
    with pytest.raises(InvalidInput):
        document.add_flow(Flow(source="start", target="paperwork"))
    with pytest.raises(InvalidInput):
        document.add_node(StageNode(id="paperwork", type="stage"))
    with pytest.raises(InvalidInput):
        document.add_step("paperwork", InteractiveStep(id="laptop", type="interactive"))


def test_each_field_command_undoes_and_redoes_to_the_identical_document(
    document: Document,
) -> None:
    stack = QUndoStack()
    snapshots = [dumps_definition(document.definition)]
    commands = [
        SetPropertiesCommand(document, {"name": "Onboarding v2", "description": "New text"}),
        UpdateNodeCommand(document, "equipment", {"name": "IT kit", "max_visits": 2}),
        UpdateStepCommand(document, "laptop", {"assignee": "user:ivan"}),
        UpdateFlowCommand(document, "laptop_needed", "equipment", {"condition": "not x"}),
        RenameIdCommand(document, "first_week", "week_one"),
    ]
    for command in commands:
        stack.push(command)
        snapshots.append(dumps_definition(document.definition))

    for expected in reversed(snapshots[:-1]):
        stack.undo()
        assert dumps_definition(document.definition) == expected
    for expected in snapshots[1:]:
        stack.redo()
        assert dumps_definition(document.definition) == expected


def test_layout_moves_announce_node_moved_and_return_the_old_position(document: Document) -> None:
    changes = []
    document.subscribe(changes.append)
    before = document.position("paperwork")

    old = document.move_node("paperwork", Position(x=500, y=500))

    assert old == before and document.position("paperwork") == Position(x=500, y=500)
    assert changes[-1].kind is ChangeKind.NODE_MOVED and changes[-1].element == "paperwork"


def test_a_dry_run_refuses_exactly_what_the_edit_would_and_changes_nothing(document: Document):
    before = dumps_definition(document.definition)
    heard = []
    document.subscribe(heard.append)

    with pytest.raises(InvalidInput) as dry:
        document.check_step_update("contract", {"due": "two days"})
    with pytest.raises(InvalidInput) as real:
        document.update_step("contract", {"due": "two days"})

    assert (dry.value.field, dry.value.message) == (real.value.field, real.value.message)
    assert dumps_definition(document.definition) == before and heard == []


def test_dry_runs_accept_a_valid_edit_without_applying_it(document: Document):
    document.check_step_update("contract", {"due": "P3D"})
    document.check_rename("contract", "contract_check")
    document.check_flow_update("contract_ok", "withdrawn", {"condition": "True"})

    assert document.element("contract").due == "P2D"
    assert document.element("contract_check") is None


def test_a_blank_orchestration_id_is_refused(document: Document):
    with pytest.raises(InvalidInput, match="needs an ID"):
        document.set_properties({"id": "  "})
    assert document.definition.id == "employee_onboarding"
