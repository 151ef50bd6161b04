"""Fault routes and outcomes in the designer, driven as an admin would.

The admin drops a "Failed end" from the palette, selects a stage, picks ⚡ on its context
pad and clicks the end: a fault flow is drawn dashed and red. They select the end and
type its outcome in the inspector. Each edit is one undo step.
"""

from __future__ import annotations

from pathlib import Path

from builders import two_stages
from gui import drop_palette, open_window
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.canvas import theme
from designer.canvas.items import StageItem
from designer.canvas.items.flow import FlowItem
from engine.definition import dumps_definition, load_definition

DEAL_DESK = Path(__file__).resolve().parents[2] / "resources/examples/deal_desk_approval.baton.json"


def _click_item(window, key) -> None:
    """Click an element on the canvas (a stage by its header)."""
    item = window.scene.item_for(key)
    window.view.centerOn(item.sceneBoundingRect().center())
    QApplication.processEvents()
    where = item.shape().boundingRect().center()
    if isinstance(item, StageItem):
        where = QPointF(item.width / 2, 20)  # the header: the body is covered by cards
    point = window.view.mapFromScene(item.mapToScene(where))
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    QApplication.processEvents()


def _pad_click(window, name: str) -> None:
    button = window.view.context_pad.buttons[name]
    assert button.isVisible(), f"the pad offers no {name}"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def _retype(qtbot, line, text: str) -> None:
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_an_admin_draws_a_fault_route_to_a_failed_end_and_undoes_it(qtbot, tmp_path):
    # given the sample open, and a "Failed end" dropped from the palette below it
    window = open_window(qtbot, tmp_path)
    document = window.document
    drop_palette(window, "failed_end", QPointF(700, 420))
    (failed,) = [n.id for n in document.definition.nodes if n.type == "end" and n.id != "end"]
    assert document.element(failed).outcome == "failed"
    before = dumps_definition(document.definition)

    # when they select the intake stage, pick the pad's fault route, and click that end
    _click_item(window, "intake")
    _pad_click(window, "fault")
    _click_item(window, failed)

    # then the stage has a fault flow there, drawn as a fault route
    route = document.definition.fault_flow("intake")
    assert route is not None and route.target == failed
    item = window.scene.item_for(("intake", failed))
    assert isinstance(item, FlowItem) and item.fault
    assert item.condition_text() == "⚡ fault"
    assert document.definition.outgoing("intake")[0].target == "decide"  # the way on stays

    # and one undo takes it away, redo brings it back
    window.undo_stack.undo()
    assert dumps_definition(document.definition) == before
    window.undo_stack.redo()
    assert document.definition.fault_flow("intake").target == failed


def test_the_pad_refuses_a_second_fault_route_from_one_stage(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    document = window.document
    _click_item(window, "intake")
    _pad_click(window, "fault")
    _click_item(window, "end")
    assert document.definition.fault_flow("intake").target == "end"

    # when they try a second one, to the approval stage
    _click_item(window, "intake")
    _pad_click(window, "fault")
    _click_item(window, "approval")

    # then nothing was added
    assert document.flow("intake", "approval") is None


def test_an_admin_sets_an_ends_outcome_in_the_inspector(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, two_stages())
    document = window.document
    inspector = window.panels.inspector

    # when they select the end and type a custom outcome
    _click_item(window, "end")
    editor = inspector.current_form().editor("outcome")
    assert editor.combo.currentText() == "completed"
    _retype(qtbot, editor.line, "withdrawn")

    # then the end carries it; undo gives back the default
    assert document.element("end").outcome == "withdrawn"
    window.undo_stack.undo()
    assert document.element("end").outcome == "completed"


def test_an_outcome_that_is_not_a_name_is_refused_where_it_is_typed(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    _click_item(window, "end")
    editor = window.panels.inspector.current_form().editor("outcome")

    _retype(qtbot, editor.line, "not ok!")

    assert window.document.element("end").outcome == "completed"
    assert "short name" in editor.message()[1]


def test_the_deal_desk_draws_its_rejection_route_dashed_and_red(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, load_definition(DEAL_DESK))

    fault = window.scene.item_for(("prepare", "rejected"))
    plain = window.scene.item_for(("prepare", "discount_level"))

    assert fault.fault and not plain.fault
    assert theme.FAULT_PEN.style() != theme.CONNECTOR_PEN.style()
    assert theme.FAULT_PEN.color() == theme.ERROR
