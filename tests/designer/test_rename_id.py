"""Renaming an element's id: the canvas keeps its items and the selection follows the element."""

from __future__ import annotations

import pytest
from builders import text_of
from gui import open_window

from designer.commands import RenameIdCommand
from designer.document import Change, ChangeKind


@pytest.fixture
def window(qtbot, tmp_path):
    return open_window(qtbot, tmp_path)


def test_renaming_a_stage_announces_one_rename_naming_both_ids(window):
    heard: list[Change] = []
    window.document.subscribe(heard.append)

    window.undo_stack.push(RenameIdCommand(window.document, "intake", "triage"))

    assert [(c.kind, c.old_id, c.element) for c in heard] == [
        (ChangeKind.ELEMENT_RENAMED, "intake", "triage")
    ]


def test_renaming_a_stage_keeps_its_items_and_moves_its_flows_to_the_new_id(window):
    # given the intake stage selected on the canvas
    stage, card = window.scene.node_item("intake"), window.scene.card_item("a")
    flow_in = window.scene.flow_item("start", "intake")
    window.selection.set(["intake"])

    # when its id changes
    window.undo_stack.push(RenameIdCommand(window.document, "intake", "triage"))

    # then the same items draw it under the new id, still selected, and nothing was rebuilt
    assert window.scene.node_item("triage") is stage and window.scene.node_item("intake") is None
    assert window.scene.card_item("a") is card
    assert window.scene.flow_item("start", "triage") is flow_in
    assert window.scene.flow_item("start", "intake") is None
    assert window.scene.flow_item("triage", "decide") is not None
    assert window.selection.keys() == ("triage",) and stage.isSelected()


def test_undoing_a_step_rename_restores_the_id_and_the_after_links(window):
    # given step a, which c waits for, renamed while selected
    before = text_of(window.document)
    card = window.scene.card_item("a")
    window.selection.set(["a"])
    window.undo_stack.push(RenameIdCommand(window.document, "a", "check"))
    assert window.scene.card_item("check") is card
    assert window.document.element("c").after == ["check"]
    assert window.selection.keys() == ("check",)

    # when the rename is undone
    window.undo_stack.undo()

    # then the document, the card and the selection are as before
    assert text_of(window.document) == before
    assert window.scene.card_item("a") is card and window.selection.keys() == ("a",)
    window.undo_stack.redo()
    assert window.scene.card_item("check") is card


def test_a_selected_flow_follows_a_rename_of_its_source(window):
    window.selection.set([("decide", "approval")])

    window.undo_stack.push(RenameIdCommand(window.document, "decide", "route"))

    assert window.selection.keys() == (("route", "approval"),)
    assert window.scene.flow_item("route", "approval").isSelected()
