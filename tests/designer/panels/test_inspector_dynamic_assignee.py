"""An interactive step's dynamic assignee in the inspector: typed as an expression (with
completion of the names it may read), its kind chosen from a list, one undoable edit each."""

from __future__ import annotations

from panel_actions import retype
from PySide6.QtCore import Qt


def test_typing_an_assignee_from_sets_it_on_the_step(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    editor = inspector.current_form().editor("assignee_from")

    retype(qtbot, editor.line, "record.Owner")

    assert document.element("contract").assignee_from == "record.Owner"
    assert stack.count() == 1
    stack.undo()
    assert document.element("contract").assignee_from is None


def test_the_assignee_from_field_completes_the_names_an_expression_may_read(
    qtbot, inspector, selection
):
    selection.set(["contract"])
    line = inspector.current_form().editor("assignee_from").line
    line.setFocus()

    qtbot.keyClicks(line, "rec")

    completions = line.name_completer().completionModel()
    shown = [completions.index(row, 0).data() for row in range(completions.rowCount())]
    assert "record" in shown


def test_the_assignee_kind_is_chosen_from_user_group_or_queue(
    qtbot, inspector, document, selection
):
    selection.set(["contract"])
    kind = inspector.current_form().editor("assignee_kind")
    combo = kind.combo

    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)

    assert document.element("contract").assignee_kind == "group"
