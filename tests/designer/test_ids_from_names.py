"""Ids are made from names and follow a rename until something refers to them."""

from __future__ import annotations

from builders import two_stages
from PySide6.QtGui import QUndoStack

from designer.commands import AddNodeCommand, AddStepCommand, RenameCommand, UpdateFlowCommand
from designer.document import Document
from designer.document.factory import new_node, new_step
from designer.document.naming import slug
from engine.definition import dumps_definition


def _document_with_new_stage() -> tuple[Document, QUndoStack, str, str]:
    document, stack = Document(two_stages()), QUndoStack()
    stage = new_node(document, "stage")
    stack.push(AddNodeCommand(document, stage))
    step = new_step(document, "interactive")
    stack.push(AddStepCommand(document, stage.id, step))
    return document, stack, stage.id, step.id


def test_new_elements_take_their_ids_from_their_names(qapp):
    document, _, stage_id, step_id = _document_with_new_stage()
    assert document.element(stage_id).name == "Stage 3" and stage_id == "stage_3"
    assert document.element(step_id).name == "Review" and step_id == "review"
    assert slug("Sign contract") == "sign_contract" and slug("2nd check") == "_2nd_check"


def test_renaming_a_new_step_carries_its_id_and_undo_restores_both(qapp):
    # Given a new step still called "Review"
    document, stack, _, step_id = _document_with_new_stage()
    before = dumps_definition(document.definition)

    # When the admin names it
    command = RenameCommand(document, step_id, "Sign contract")
    stack.push(command)

    # Then its id follows the name, in one undo step
    assert command.new_id == "sign_contract"
    assert document.element("sign_contract").name == "Sign contract"
    assert document.element(step_id) is None
    stack.undo()
    assert dumps_definition(document.definition) == before
    stack.redo()
    assert document.element("sign_contract") is not None


def test_an_id_named_in_a_condition_stays_put(qapp):
    # Given a new decision whose flow condition names the new step
    document, stack, _, step_id = _document_with_new_stage()
    stack.push(UpdateFlowCommand(document, "decide", "approval", {"condition": f"{step_id}.ok"}))

    # When the step is renamed
    command = RenameCommand(document, step_id, "Sign contract")
    stack.push(command)

    # Then the name changes but the id the condition uses does not
    assert command.new_id == step_id
    assert document.element(step_id).name == "Sign contract"


def test_an_id_the_admin_chose_stays_put(qapp):
    # Given the sample's step "a" (named "Check form": its id was not made from its name)
    document, stack = Document(two_stages()), QUndoStack()

    stack.push(RenameCommand(document, "a", "Check the form"))

    assert document.element("a").name == "Check the form"


def test_two_steps_of_one_name_get_distinct_ids(qapp):
    document, stack, stage_id, step_id = _document_with_new_stage()
    other = new_step(document, "interactive")
    stack.push(AddStepCommand(document, stage_id, other))
    first = RenameCommand(document, step_id, "Sign")
    stack.push(first)
    second = RenameCommand(document, other.id, "Sign")
    stack.push(second)
    assert first.new_id == "sign" and second.new_id == "sign_2"
