"""Renaming an id from the inspector, next to a canvas that drops its selection on resets."""

from __future__ import annotations

import pytest
from panel_actions import retype

from designer.document import ChangeKind
from engine.definition import dumps_definition


@pytest.fixture
def canvas_like(document, selection):
    """Stands in for the canvas: it rebuilds on a reset and forgets what was selected."""

    def rebuild(change) -> None:
        if change.kind is ChangeKind.RESET:
            selection.clear()

    return document.subscribe(rebuild)


def test_rename_keeps_the_element_selected_and_the_cursor_in_place(
    qtbot, canvas_like, inspector, document, stack, selection
):
    selection.set(["contract"])
    id_editor = inspector.current_form().editor("id")

    retype(qtbot, id_editor.line, "contract_check")

    assert selection.keys() == ("contract_check",)
    assert inspector.target().key == "contract_check"
    assert inspector.current_form().editor("id").line.hasFocus()


def test_undo_and_redo_of_a_rename_follow_the_element(
    qtbot, canvas_like, inspector, document, stack, selection
):
    selection.set(["contract"])
    before = dumps_definition(document.definition)
    retype(qtbot, inspector.current_form().editor("id").line, "contract_check")
    after = dumps_definition(document.definition)

    stack.undo()
    assert selection.keys() == ("contract",)
    assert dumps_definition(document.definition) == before
    stack.redo()
    assert selection.keys() == ("contract_check",)
    assert dumps_definition(document.definition) == after
