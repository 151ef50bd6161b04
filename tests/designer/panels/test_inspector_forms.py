"""Inspector forms for each kind of selection, and how they follow the document."""

from __future__ import annotations

from panel_actions import retype
from PySide6.QtCore import Qt

from engine.definition import dumps_definition
from engine.validation import Diagnostic


def test_nothing_selected_edits_the_orchestration_name(
    qtbot, inspector, document, stack, selection
):
    selection.clear()
    assert inspector.target().kind == "orchestration"

    retype(qtbot, inspector.current_form().editor("name").line, "Hiring")

    assert document.definition.name == "Hiring"
    assert inspector.header.title.text() == "Hiring"
    stack.undo()
    assert document.definition.name == "Employee onboarding"


def test_changing_assignee_kind_with_the_combo(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    assignee = inspector.current_form().editor("assignee")
    assert assignee.kind.currentText() == "Group"

    assignee.kind.setFocus()
    qtbot.keyClick(assignee.kind, Qt.Key.Key_Down)  # Group -> Queue

    assert document.element("contract").assignee == "queue:hr"
    assert stack.count() == 1
    stack.undo()
    assert assignee.kind.currentText() == "Group"


def test_adding_an_output_row_is_one_command(qtbot, inspector, document, stack, selection):
    selection.set(["contract"])
    outputs = inspector.current_form().editor("outputs")

    qtbot.mouseClick(outputs.add_button, Qt.MouseButton.LeftButton)

    assert [o.name for o in document.element("contract").outputs] == ["decision", "output_1"]
    assert stack.count() == 1
    assert outputs.table.rowCount() == 2


def test_editing_an_output_in_the_detail_form(qtbot, inspector, document, selection):
    selection.set(["contract"])
    outputs = inspector.current_form().editor("outputs")
    outputs.select_row(0)

    retype(qtbot, outputs.detail.editor("choices").line, "approve, reject, defer")

    assert document.element("contract").outputs[0].choices == ["approve", "reject", "defer"]
    assert outputs.table.selectionModel().selectedRows()[0].row() == 0


def test_renaming_an_id_updates_references_and_the_selection(
    qtbot, inspector, document, stack, selection
):
    selection.set(["contract"])
    before = dumps_definition(document.definition)

    retype(qtbot, inspector.current_form().editor("id").line, "contract_check")

    assert document.element("payroll").after == ["contract_check"]
    assert selection.keys() == ("contract_check",)
    assert inspector.target().key == "contract_check"
    stack.undo()
    assert dumps_definition(document.definition) == before
    assert selection.keys() == ("contract",)
    assert inspector.current_form().editor("id").line.text() == "contract"


def test_undo_refreshes_the_form_without_stealing_focus(
    qtbot, inspector, document, stack, selection
):
    selection.set(["contract"])
    form = inspector.current_form()
    retype(qtbot, form.editor("name").line, "Verify contract")
    guidance = form.editor("guidance").text
    guidance.setFocus()

    stack.undo()

    assert form.editor("name").line.text() == "Check signed contract"
    assert guidance.hasFocus()


def test_after_lists_sibling_steps_to_check(qtbot, inspector, document, selection):
    selection.set(["payroll"])
    after = inspector.current_form().editor("after")
    items = [after.list.item(i) for i in range(after.list.count())]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in items] == ["contract", "badge"]

    items[1].setCheckState(Qt.CheckState.Checked)

    assert document.element("payroll").after == ["contract", "badge"]


def test_flow_form_edits_condition_and_default(qtbot, inspector, document, selection):
    selection.set([("contract_ok", "done")])
    form = inspector.current_form()
    assert set(form.editors()) == {"condition", "default", "fault", "id", "name"}

    retype(qtbot, form.editor("condition").line, "contract.decision != 'reject'")
    form.editor("default").check.setFocus()
    qtbot.keyClick(form.editor("default").check, Qt.Key.Key_Space)

    flow = document.flow("contract_ok", "done")
    assert flow.condition == "contract.decision != 'reject'"
    assert flow.default is True


def test_trigger_type_switch_shows_its_fields(qtbot, inspector, document, selection):
    selection.clear()
    trigger = inspector.current_form().editor("trigger")

    trigger.kind.setFocus()
    qtbot.keyClick(trigger.kind, Qt.Key.Key_End)  # Manual -> Schedule

    assert document.definition.trigger.type == "schedule"
    retype(qtbot, trigger.current_rows().editor("cron").line, "0 9 * * 1")
    assert document.definition.trigger.cron == "0 9 * * 1"


def test_stage_max_visits_spin_box(qtbot, inspector, document, selection):
    selection.set(["paperwork"])
    spin = inspector.current_form().editor("max_visits").spin
    assert spin.text() == "Not set"

    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    qtbot.keyClick(spin, Qt.Key.Key_Return)

    assert document.element("paperwork").max_visits == 2


def test_several_selected_lists_them_and_narrows_on_activation(qtbot, inspector, selection):
    selection.set(["contract", ("start", "paperwork")])
    assert inspector.target().kind == "several"
    assert inspector.current_form() is None
    listed = inspector.selected_list()
    assert [listed.item(i).text() for i in range(listed.count())] == [
        "Check signed contract",
        "start → HR paperwork",
    ]

    listed.setFocus()
    listed.setCurrentRow(1)
    qtbot.keyClick(listed, Qt.Key.Key_Return)

    assert selection.keys() == (("start", "paperwork"),)
    assert inspector.target().kind == "flow"


def test_removed_element_falls_back_to_a_note(inspector, document, selection):
    selection.set(["badge"])

    document.remove_step("badge")

    assert inspector.target().kind == "missing"


def test_decision_lists_its_flows_in_order_and_selects_one(qtbot, inspector, document, selection):
    selection.set(["contract_ok"])
    flows = inspector.relation_list("flows")
    texts = [flows.item(i).text() for i in range(flows.count())]
    assert texts == [
        "from HR paperwork",
        "1. to done  · if contract.decision == 'approve'",
    ]

    flows.setFocus()
    flows.setCurrentRow(1)
    qtbot.keyClick(flows, Qt.Key.Key_Return)

    assert selection.keys() == (("contract_ok", "done"),)
    assert inspector.target().kind == "flow"


def test_stage_steps_list_follows_the_document(inspector, document, selection):
    selection.set(["paperwork"])
    steps = inspector.relation_list("steps")
    assert steps.count() == 3

    document.remove_step("badge")

    assert steps.count() == 2


def test_validation_problems_of_the_shown_element_sit_above_its_form(inspector, selection):
    missing = Diagnostic("error", "missing-assignee", "contract", "assignee", "Choose who.")
    elsewhere = Diagnostic("error", "unreachable", "done", None, "Nothing leads here.")
    selection.set(["contract"])

    inspector.set_diagnostics([missing, elsewhere])

    assert inspector.problems.shown() == [missing]
    inspector.problems.field_chosen.emit("assignee")
    assert inspector.current_form().editor("assignee").kind.hasFocus()
    selection.set(["payroll"])
    assert inspector.problems.shown() == []
    assert not inspector.problems.isVisible()


def test_background_inputs_are_edited_as_name_and_expression(qtbot, inspector, document, selection):
    selection.set(["payroll"])
    inputs = inspector.current_form().editor("inputs")
    table = inputs.table

    table.setFocus()
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    cell = table.focusWidget()
    cell.selectAll()
    qtbot.keyClicks(cell, "'P-' + upper(employee)")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.wait(10)  # item views commit an editor's data on the next event-loop pass

    assert document.element("payroll").inputs == {"payroll_id": "'P-' + upper(employee)"}


def test_broken_input_expression_is_not_written(qtbot, inspector, document, stack, selection):
    selection.set(["payroll"])
    table = inspector.current_form().editor("inputs").table

    table.setFocus()
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    cell = table.focusWidget()
    cell.selectAll()
    qtbot.keyClicks(cell, "'P-' +")
    assert cell.property("invalid") is True
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.wait(10)

    assert document.element("payroll").inputs == {"payroll_id": "'P-' + employee"}
    assert stack.count() == 0
    assert inspector.current_form().editor("inputs").message()[0] == "error"


def test_a_flow_problem_opens_the_flow_and_its_field(inspector, document, selection):
    bad = Diagnostic(
        "error", "flow-condition", "contract_ok", "flows[done].condition", "It never holds."
    )
    inspector.set_diagnostics([bad])

    inspector.reveal_diagnostic(bad)

    assert selection.keys() == (("contract_ok", "done"),)
    assert inspector.problems.shown() == [bad]
    assert inspector.current_form().editor("condition").line.hasFocus()


def test_real_validation_of_a_missing_default_flow_shows_on_the_decision(
    inspector, document, selection
):
    from designer.window.validation import ValidationController

    controller = ValidationController(document)
    inspector.set_diagnostics(controller.validate_now())
    selection.set(["contract_ok"])

    assert [d.code for d in inspector.problems.shown()] == ["decision-default"]


def test_changing_a_step_type_keeps_id_name_and_start(inspector, document, stack, selection):
    selection.set(["payroll"])
    before = dumps_definition(document.definition)

    inspector.header.type_action("wait").trigger()

    step = document.element("payroll")
    assert (step.type, step.name, step.after) == ("wait", "Create payroll entry", ["contract"])
    assert "event" in inspector.current_form().editors()
    assert [s.id for s in document.stage_of("payroll").steps] == ["contract", "payroll", "badge"]
    stack.undo()
    assert dumps_definition(document.definition) == before
    assert inspector.header.type_action("background").isChecked()


def test_trigger_kind_explains_itself(inspector, document, selection):
    selection.clear()
    trigger = inspector.current_form().editor("trigger")

    document.set_properties({"trigger": {"type": "record", "object": "Employee"}})

    level, text = trigger.message()
    assert level == "hint" and text.startswith("A run starts when a record of this type")


def test_problem_links_read_as_words():
    from designer.panels.inspector.problems_strip import field_words

    assert field_words("flows[done].condition") == "condition of the flow to done"
    assert field_words("inputs.payroll_id") == "inputs: payroll_id"
    assert field_words("escalate_to") == "escalate to"
