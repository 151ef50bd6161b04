"""A whole editing session in the inspector undoes to the first document and redoes to the last."""

from __future__ import annotations

from panel_actions import retype
from PySide6.QtCore import Qt

from engine.definition import dumps_definition


def test_a_session_of_edits_undoes_and_redoes_exactly(qtbot, inspector, document, stack, selection):
    start = dumps_definition(document.definition)

    selection.clear()
    retype(qtbot, inspector.current_form().editor("name").line, "Hiring")
    selection.set(["paperwork"])
    retype(
        qtbot,
        inspector.current_form().editor("exit_condition").line,
        "contract.decision == 'reject'",
    )
    selection.set(["contract"])
    retype(qtbot, inspector.current_form().editor("due").line, "3d")
    selection.set([("contract_ok", "done")])
    default = inspector.current_form().editor("default").check
    default.setFocus()
    qtbot.keyClick(default, Qt.Key.Key_Space)
    selection.set(["badge"])
    retype(qtbot, inspector.current_form().editor("id").line, "badge_scan")
    inspector.header.type_action("interactive").trigger()
    end = dumps_definition(document.definition)

    assert stack.count() == 6
    for _ in range(6):
        stack.undo()
    assert dumps_definition(document.definition) == start
    for _ in range(6):
        stack.redo()
    assert dumps_definition(document.definition) == end
    assert document.element("badge_scan").type == "interactive"
    assert selection.keys() == ("badge_scan",)
