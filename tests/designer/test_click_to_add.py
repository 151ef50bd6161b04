"""One click (or key) to add the next thing: palette double-click and Enter, "+" on a flow,
and a new flow let go on empty canvas (issue 19)."""

from __future__ import annotations

from gui import drag, open_window
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_build_without_drag import click

from designer.window import MainWindow


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _palette_row(window: MainWindow, kind: str) -> int:
    return window.palette.kinds().index(kind)


def _double_click_palette(window: MainWindow, kind: str) -> None:
    palette = window.palette
    rect = palette.visualItemRect(palette.item(_palette_row(window, kind)))
    QTest.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    _settle()


def test_double_clicking_a_palette_entry_appends_it_to_the_selected_node(qtbot, tmp_path):
    # Given the sample with its "Approval" stage selected
    window = open_window(qtbot, tmp_path)
    click(window, "approval")
    assert list(window.selection.keys()) == ["approval"]

    # When the admin double-clicks "Decision" in the palette
    _double_click_palette(window, "decision")

    # Then a decision follows Approval, connected, to its right, and it is selected
    new_id = window.selection.keys()[0]
    assert window.document.definition.node(new_id).type == "decision"
    assert window.document.flow("approval", new_id) is not None
    assert window.document.position(new_id).x > window.document.position("approval").x


def test_enter_on_a_palette_entry_adds_a_step_after_the_selected_step(qtbot, tmp_path):
    # Given the sample's first step selected, then the palette focused on "Wait step"
    window = open_window(qtbot, tmp_path)
    click(window, "a")
    palette = window.palette
    palette.setFocus()
    palette.setCurrentRow(_palette_row(window, "wait"))

    # When the admin presses Enter
    QTest.keyClick(palette, Qt.Key.Key_Return)
    _settle()

    # Then a wait step joins the stage right after "a", and Enter again adds another after it
    steps = [s.id for s in window.document.definition.node("intake").steps]
    first = window.selection.keys()[0]
    assert steps.index(first) == steps.index("a") + 1
    QTest.keyClick(palette, Qt.Key.Key_Return)
    _settle()
    steps = [s.id for s in window.document.definition.node("intake").steps]
    assert steps.index(window.selection.keys()[0]) == steps.index(first) + 1


def test_a_palette_entry_with_nothing_selected_lands_in_view_without_overlapping(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    window.selection.clear()
    _settle()

    _double_click_palette(window, "interactive")

    step_id = window.selection.keys()[0]
    stage = window.document.stage_of(step_id)
    assert stage is not None and stage.name.startswith("Stage")
    stage_item = window.scene.node_item(stage.id)
    others = [i for i in window.scene.node_items() if i is not stage_item]
    assert not any(i.box().intersects(stage_item.box()) for i in others)
    assert window.view.visible_scene_rect().intersects(stage_item.box())


def _pick_from_pad_menu(window: MainWindow, tool: str, row: int) -> None:
    button = window.view.context_pad.buttons[tool]
    assert button.isVisible()

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        for _ in range(row + 1):
            QTest.keyClick(menu, Qt.Key.Key_Down)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(50, choose)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    _settle()


def test_plus_on_a_flow_inserts_a_decision_keeping_the_condition_and_order(qtbot, tmp_path):
    # Given the sample, whose "Big deal?" decision leads to Approval if amount > 1000
    window = open_window(qtbot, tmp_path)
    order = [(f.source, f.target) for f in window.document.definition.flows]

    # When the admin selects that flow and picks "+" ▸ Insert a decision here
    click(window, ("decide", "approval"))
    assert list(window.selection.keys()) == [("decide", "approval")]
    _pick_from_pad_menu(window, "insert", 1)

    # Then the new decision sits on the flow: the branch keeps its condition and its place
    new_id = window.selection.keys()[0]
    assert window.document.definition.node(new_id).type == "decision"
    branch = window.document.flow("decide", new_id)
    assert branch is not None and branch.condition == "amount > 1000"
    assert window.document.flow(new_id, "approval") is not None
    assert window.document.flow("decide", "approval") is None
    flows = [(f.source, f.target) for f in window.document.definition.flows]
    assert flows.index(("decide", new_id)) == order.index(("decide", "approval"))
    # and it lies between the two, with Approval and what follows moved right if needed
    x = window.document.position
    assert x("decide").x < x(new_id).x < x("approval").x

    # And one Ctrl+Z puts everything back
    window.undo_stack.undo()
    assert [(f.source, f.target) for f in window.document.definition.flows] == order


def test_letting_a_new_flow_go_on_empty_canvas_offers_the_next_node_there(qtbot, tmp_path):
    # Given the sample, Approval selected so its edge handle shows
    window = open_window(qtbot, tmp_path)
    click(window, "approval")
    approval = window.scene.node_item("approval")
    handle = approval.mapToScene(approval.handle_center())
    empty = QPointF(handle.x() + 60, handle.y() + 260)
    assert window.scene.node_at(empty) is None

    # When the admin drags a new flow from the handle and lets go on empty canvas
    drag(window, handle, empty)
    _settle()

    # Then a menu offers the next node there; choosing the stage creates it, connected
    menu = window.view.next_menu
    assert menu is not None and menu.isVisible()
    menu.findChild(type(menu.actions()[0]), "next_stage").trigger()
    _settle()
    new_id = window.selection.keys()[0]
    assert window.document.definition.node(new_id).type == "stage"
    assert window.document.flow("approval", new_id) is not None
    item = window.scene.node_item(new_id)
    assert item.box().contains(QPointF(empty.x() + 10, empty.y()))
