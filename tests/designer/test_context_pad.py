"""Building without dragging: the context pad beside the selection, and the C key."""

from __future__ import annotations

from builders import two_stages
from gui import open_window
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.canvas.items import StageItem
from engine.definition import dumps_definition


def _pad_click(window, name: str) -> None:
    button = window.view.context_pad.buttons[name]
    assert button.isVisible(), f"the pad offers no {name}"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def _click_item(window, key) -> None:
    item = window.scene.item_for(key)
    window.view.centerOn(item.sceneBoundingRect().center())
    QApplication.processEvents()
    where = item.shape().boundingRect().center()
    if isinstance(item, StageItem):
        where = QPointF(item.width / 2, 20)  # the header: the body is covered by cards
    point = window.view.mapFromScene(item.mapToScene(where))
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    QApplication.processEvents()


def test_appending_a_stage_places_and_connects_it_in_one_undo_step(qtbot, tmp_path):
    # Given the approval stage selected
    window = open_window(qtbot, tmp_path)
    before = dumps_definition(window.document.definition)
    _click_item(window, "approval")
    assert window.view.context_pad.isVisible()

    # When the pad's "append stage" is clicked
    _pad_click(window, "append_stage")

    # Then a new stage sits right of it, connected, selected; one undo removes both
    document = window.document
    new_id = window.selection.keys()[0]
    assert document.element(new_id).name == "Stage 3" and new_id == "stage_3"
    assert document.flow("approval", new_id) is not None
    assert document.position(new_id).x > document.position("approval").x + 260
    window.undo_stack.undo()
    assert dumps_definition(document.definition) == before
    window.undo_stack.redo()
    assert document.flow("approval", new_id) is not None


def test_connect_to_then_click_the_target(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    assert window.document.flow("intake", "end") is None
    _click_item(window, "intake")

    _pad_click(window, "connect")
    _click_item(window, "end")

    assert window.document.flow("intake", "end") is not None
    window.undo_stack.undo()
    assert window.document.flow("intake", "end") is None


def test_c_connects_two_selected_nodes_left_to_right(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    window.selection.set(["end", "intake"])
    window.view.setFocus()

    QTest.keyClick(window.view, Qt.Key.Key_C)

    assert window.document.flow("intake", "end") is not None
    window.undo_stack.undo()
    assert window.document.flow("intake", "end") is None


def test_c_on_two_steps_of_a_stage_makes_the_lower_wait_for_the_upper(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    window.selection.set(["b", "a"])
    window.view.setFocus()

    QTest.keyClick(window.view, Qt.Key.Key_C)

    assert window.document.element("b").after == ["a"]
    window.undo_stack.undo()
    assert window.document.element("b").after == []


def test_runs_after_then_click_the_step_it_waits_for(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, two_stages())
    _click_item(window, "b")

    _pad_click(window, "after")
    _click_item(window, "a")

    assert window.document.element("b").after == ["a"]


def test_add_step_menu_adds_the_chosen_type_at_the_end_of_the_stage(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    _click_item(window, "approval")
    menu = window.view.context_pad.buttons["add_step"].menu()

    next(a for a in menu.actions() if a.objectName() == "add_wait").trigger()

    steps = window.document.element("approval").steps
    assert [s.type for s in steps] == ["interactive", "wait"]
    assert window.selection.keys() == (steps[-1].id,)
    window.undo_stack.undo()
    assert len(window.document.element("approval").steps) == 1
