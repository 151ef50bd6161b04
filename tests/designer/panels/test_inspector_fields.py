"""The inspector, driven like a user: select, type, press Enter; check document and stack."""

from __future__ import annotations

from panel_actions import retype
from PySide6.QtCore import Qt

from engine.definition import dumps_definition


def test_editing_step_name_is_one_undoable_command(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    before = dumps_definition(document.definition)

    retype(qtbot, inspector.current_form().editor("name").line, "Verify contract")

    assert document.element("contract").name == "Verify contract"
    assert stack.count() == 1
    after = dumps_definition(document.definition)
    stack.undo()
    assert dumps_definition(document.definition) == before
    assert inspector.current_form().editor("name").line.text() == "Check signed contract"
    stack.redo()
    assert dumps_definition(document.definition) == after


def test_invalid_duration_is_shown_inline_and_never_written(
    qtbot, inspector, document, stack, selection
):
    selection.set(["contract"])
    due = inspector.current_form().editor("due")

    retype(qtbot, due.line, "two days")

    level, text = due.message()
    assert level == "error" and "ISO 8601" in text
    assert due.line.property("invalid") is True
    assert document.element("contract").due == "P2D"
    assert stack.count() == 0


def test_shorthand_duration_is_stored_as_iso(qtbot, inspector, document, selection):
    selection.set(["contract"])
    due = inspector.current_form().editor("due")

    retype(qtbot, due.line, "1d 12h")

    assert document.element("contract").due == "P1DT12H"
    assert due.message() == ("hint", "= 1 day 12 hours")


def test_expression_syntax_error_shows_while_typing(qtbot, inspector, stack, selection):
    selection.set(["badge"])
    condition = inspector.current_form().editor("condition")
    condition.line.setFocus()

    qtbot.keyClicks(condition.line, "contract.decision ==")

    level, text = condition.message()
    assert level == "error" and "does not parse" in text
    assert stack.count() == 0
    qtbot.keyClicks(condition.line, " 'approve'")
    assert condition.message() == ("", "")


def test_unknown_name_in_expression_warns_but_is_written(qtbot, inspector, document, selection):
    selection.set(["badge"])
    condition = inspector.current_form().editor("condition")

    retype(qtbot, condition.line, "salary > 10")

    assert condition.message()[0] == "warning"
    assert document.element("badge").condition == "salary > 10"


def test_completion_offers_step_ids_and_outputs(qtbot, inspector, selection):
    selection.set(["badge"])
    line = inspector.current_form().editor("condition").line
    line.setFocus()

    qtbot.keyClicks(line, "con")

    model = line.name_completer().completionModel()
    offered = {model.index(row, 0).data() for row in range(model.rowCount())}
    assert {"contract", "contract.decision"} <= offered
    assert "payroll" not in offered


def test_invalid_id_is_refused_and_nothing_is_pushed(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    editor = inspector.current_form().editor("id")

    retype(qtbot, editor.line, "2contract")

    assert editor.message()[0] == "error"
    assert document.element("contract") is not None
    assert stack.count() == 0


def test_taken_id_is_refused(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    editor = inspector.current_form().editor("id")

    retype(qtbot, editor.line, "payroll")

    assert editor.message() == ("error", "The ID 'payroll' is already used.")
    assert stack.count() == 0


def test_choosing_a_completion_replaces_the_word_at_the_cursor(qtbot, inspector, selection):
    selection.set(["badge"])
    line = inspector.current_form().editor("condition").line
    line.setFocus()
    qtbot.keyClicks(line, "len(contract.de")

    line.name_completer().activated.emit("contract.decision")

    assert line.text() == "len(contract.decision"
    assert line.cursorPosition() == len("len(contract.decision")


def test_escape_gives_back_the_stored_value(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    line = inspector.current_form().editor("name").line
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "Half-typed")

    qtbot.keyClick(line, Qt.Key.Key_Escape)

    assert line.text() == "Check signed contract"
    assert stack.count() == 0


def test_turning_retry_on_writes_a_default_policy(qtbot, inspector, document, stack, selection):
    selection.set(["payroll"])
    retry = inspector.current_form().editor("retry")
    retry.enabled.setFocus()

    qtbot.keyClick(retry.enabled, Qt.Key.Key_Space)

    assert document.element("payroll").retry.model_dump() == {"attempts": 1, "delay": "PT0S"}
    retype(qtbot, retry.rows.editor("delay").line, "5m")
    assert document.element("payroll").retry.delay == "PT5M"
    assert stack.count() == 2


def test_adding_a_variable_from_the_orchestration_form(
    qtbot, inspector, document, stack, selection
):
    selection.clear()
    variables = inspector.current_form().editor("variables")

    qtbot.mouseClick(variables.add_button, Qt.MouseButton.LeftButton)
    description = variables.detail.editor("description").text
    description.setFocus()
    qtbot.keyClicks(description, "Cost centre of the hire.")
    qtbot.keyClick(description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert [v.name for v in document.definition.variables] == ["employee", "variable_1"]
    assert document.definition.variables[1].description == "Cost centre of the hire."
    stack.undo()
    stack.undo()
    assert [v.name for v in document.definition.variables] == ["employee"]


def test_pending_edit_is_committed_before_saving(qtbot, inspector, document, selection):
    selection.set(["contract"])
    guidance = inspector.current_form().editor("guidance").text
    guidance.setFocus()
    qtbot.keyClicks(guidance, "Typed, not yet committed. ")

    inspector.commit_pending_edit()

    assert document.element("contract").guidance.startswith("Typed, not yet committed. ")
    assert guidance.hasFocus()
