"""Structural undo commands: each edit is one undo entry; undo then redo is identical."""

from __future__ import annotations

import json

import pytest
from builders import text_of, two_stages
from PySide6.QtGui import QUndoCommand, QUndoStack

from designer.canvas.auto_layout import auto_layout
from designer.commands import (
    AddFlowCommand,
    AddNodeCommand,
    AddStepCommand,
    LinkAfterCommand,
    MoveNodesCommand,
    MoveStepCommand,
    RemoveNodeCommand,
    RemoveStepCommand,
    SetLayoutCommand,
    copy_fragment,
    delete_command,
    paste_command,
)
from designer.document import Document
from designer.document.factory import new_node, new_step
from engine.definition import Flow, Position


@pytest.fixture
def document() -> Document:
    return Document(two_stages())


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


def assert_round_trip(document: Document, stack: QUndoStack, command: QUndoCommand) -> str:
    """Push, undo (back to the start), redo (identical to after the push); returns after."""
    before = text_of(document)
    stack.push(command)
    after = text_of(document)
    assert after != before
    stack.undo()
    assert text_of(document) == before
    stack.redo()
    assert text_of(document) == after
    return after


def test_removing_a_node_removes_its_flows_and_one_undo_restores_both(document, stack):
    assert_round_trip(document, stack, RemoveNodeCommand(document, "decide"))
    assert document.definition.node("decide") is None
    assert not [f for f in document.definition.flows if "decide" in (f.source, f.target)]
    stack.undo()
    assert [f.target for f in document.definition.outgoing("decide")] == ["approval", "end"]


def test_adding_a_node_and_a_step_round_trip(document, stack):
    stage = new_node(document, "stage")
    assert_round_trip(document, stack, AddNodeCommand(document, stage, Position(x=5, y=5)))
    step = new_step(document, "wait")
    assert_round_trip(document, stack, AddStepCommand(document, stage.id, step, 0))
    assert document.stage_of(step.id).id == stage.id


def test_removing_a_step_drops_the_after_links_to_it(document, stack):
    assert_round_trip(document, stack, RemoveStepCommand(document, "a"))
    assert document.element("c").after == []
    stack.undo()
    assert document.element("c").after == ["a"]


def test_moving_a_step_to_another_stage_clears_links_that_would_dangle(document, stack):
    assert_round_trip(document, stack, MoveStepCommand(document, "a", "approval", 0))
    assert [s.id for s in document.definition.node("approval").steps] == ["a", "d"]
    assert document.element("c").after == []


def test_reordering_a_step_keeps_its_links(document, stack):
    assert_round_trip(document, stack, MoveStepCommand(document, "c", "intake", 0))
    assert [s.id for s in document.definition.node("intake").steps] == ["c", "a", "b"]
    assert document.element("c").after == ["a"]


def test_after_link_and_flow_and_moves_round_trip(document, stack):
    assert_round_trip(document, stack, LinkAfterCommand(document, "b", "c"))
    assert document.element("c").after == ["a", "b"]
    flow = Flow(source="approval", target="decide")
    assert_round_trip(document, stack, AddFlowCommand(document, flow))
    moves = {"intake": Position(x=140, y=200), "end": Position(x=1200, y=0)}
    assert_round_trip(document, stack, MoveNodesCommand(document, moves))


def test_auto_layout_is_one_command_placing_stages_left_to_right(document, stack):
    document.definition.layout.clear()
    positions = auto_layout(document.definition)
    assert_round_trip(document, stack, SetLayoutCommand(document, positions))
    x = {node_id: p.x for node_id, p in document.definition.layout.items()}
    assert x["start"] < x["intake"] < x["decide"] < x["approval"] < x["end"]
    assert stack.count() == 1


def test_auto_layout_keeps_a_rework_loop_from_pulling_stages_forward(document):
    document.add_flow(Flow(source="approval", target="intake"))  # a loop back
    positions = auto_layout(document.definition)
    assert positions["intake"].x < positions["approval"].x


def test_deleting_a_mixed_selection_is_one_undo_entry(document, stack):
    command = delete_command(document, ["b", ("intake", "decide"), "approval"])
    assert_round_trip(document, stack, command)
    assert stack.count() == 1
    assert document.element("b") is None and document.element("approval") is None


def test_the_start_node_cannot_be_deleted(document):
    assert delete_command(document, ["start"]) is None


def test_pasting_a_copy_gives_every_element_a_new_id_and_rewires_links(document, stack):
    text = copy_fragment(document, ["intake", "decide"])
    assert json.loads(text)["flows"] == [{"from": "intake", "to": "decide"}]
    command, created = paste_command(document, text)
    assert_round_trip(document, stack, command)
    assert created == ["intake_2", "decide_2"]
    copy = document.definition.node("intake_2")
    assert [s.id for s in copy.steps] == ["a_2", "b_2", "c_2"]
    assert copy.steps[2].after == ["a_2"]
    assert document.flow("intake_2", "decide_2") is not None
    assert document.position("intake_2").x == document.position("intake").x + 40


def test_pasting_loose_steps_goes_into_the_target_stage(document, stack):
    text = copy_fragment(document, ["a", "c"])
    command, _created = paste_command(document, text, target_stage="approval")
    assert_round_trip(document, stack, command)
    assert [s.id for s in document.definition.node("approval").steps] == ["d", "a_2", "c_2"]
    assert document.element("c_2").after == ["a_2"]


def test_pasting_text_that_is_not_a_fragment_does_nothing(document):
    assert paste_command(document, "hello") is None
    assert paste_command(document, json.dumps({"nodes": [{"id": 1}], "steps": []})) is None
