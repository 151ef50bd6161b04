"""Cut, copy, paste and duplicate through the window's actions; auto-layout; badges."""

from __future__ import annotations

import pytest
from builders import text_of
from gui import open_window
from PySide6.QtGui import QGuiApplication

from designer.commands import FRAGMENT_MIME
from designer.window import MainWindow
from engine.validation import Diagnostic


@pytest.fixture
def window(qtbot, tmp_path):
    return open_window(qtbot, tmp_path)


def test_copy_then_paste_adds_a_copy_with_new_ids_beside_the_original(window):
    before = text_of(window.document)
    window.selection.set(["intake", "decide"])
    window.canvas.copy_action.trigger()
    assert QGuiApplication.clipboard().mimeData().hasFormat(FRAGMENT_MIME)
    window.canvas.paste_action.trigger()
    assert set(window.selection.keys()) == {"intake_2", "decide_2"}
    assert window.scene.flow_item("intake_2", "decide_2") is not None
    assert window.scene.card_item("a_2").parentItem() is window.scene.node_item("intake_2")
    window.undo_stack.undo()
    assert text_of(window.document) == before


def test_cut_removes_and_paste_brings_back_the_same_content(window):
    window.selection.set(["b"])
    window.canvas.cut_action.trigger()
    assert window.document.element("b") is None
    window.selection.set(["approval"])
    window.canvas.paste_action.trigger()
    (pasted,) = window.selection.keys()
    assert window.document.stage_of(pasted).id == "approval"
    assert window.document.element(pasted).name == "Create record"


def test_duplicate_copies_without_touching_the_clipboard(window):
    QGuiApplication.clipboard().setText("unrelated")
    window.selection.set(["approval"])
    window.canvas.duplicate_action.trigger()
    assert window.selection.keys() == ("approval_2",)
    assert QGuiApplication.clipboard().text() == "unrelated"


def test_paste_works_between_two_windows(window, qtbot, tmp_path):
    other = MainWindow(recovery_dir=tmp_path / "other")
    qtbot.addWidget(other)
    window.selection.set(["approval"])
    window.canvas.copy_action.trigger()
    other.canvas.paste_action.trigger()
    assert other.document.element("d") is not None
    assert other.scene.node_item("approval") is not None


def test_auto_layout_is_one_undo_entry_that_puts_the_flow_left_to_right(window):
    before = text_of(window.document)
    window.canvas.auto_layout_action.trigger()
    layout = window.document.definition.layout
    assert layout["start"].x < layout["intake"].x < layout["decide"].x < layout["end"].x
    assert window.scene.node_item("decide").pos().x() == layout["decide"].x
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert text_of(window.document) == before


def test_select_all_selects_nodes_steps_and_flows(window):
    window.canvas.select_all_action.trigger()
    keys = set(window.selection.keys())
    assert {"start", "intake", "a", "d", ("decide", "end")} <= keys


def test_selection_set_elsewhere_is_followed_by_the_canvas(window):
    window.selection.set([("decide", "approval")])
    assert window.scene.flow_item("decide", "approval").isSelected()
    window.selection.clear()
    assert not window.scene.selectedItems()


def test_diagnostics_badge_the_offending_items_with_their_message(window):
    window.apply_diagnostics(
        [
            Diagnostic("error", "missing-assignee", "c", "assignee", "Call client has no assignee"),
            Diagnostic("warning", "no-default", "decide", None, "add a default flow"),
        ]
    )
    card, decision = window.scene.card_item("c"), window.scene.node_item("decide")
    assert card.badge == "error" and "no assignee" in card.toolTip()
    assert decision.badge == "warning"
    assert window._counts_label.text() == "1 error   1 warning"
    window.apply_diagnostics([])
    assert card.badge is None and card.toolTip() == "Call client · interactive step c"


def test_a_name_change_refreshes_only_its_card(window):
    card = window.scene.card_item("a")
    other = window.scene.card_item("b")
    from designer.commands import UpdateStepCommand

    window.undo_stack.push(UpdateStepCommand(window.document, "a", {"name": "Check the form"}))
    assert window.scene.card_item("a") is card and window.scene.card_item("b") is other
    assert card._name.text == "Check the form"


def test_export_writes_png_and_svg_images_of_the_whole_diagram(window, tmp_path):
    from PySide6.QtGui import QImage

    from designer.canvas.export import export_png, export_svg

    png, svg = tmp_path / "d.png", tmp_path / "d.svg"
    assert export_png(window.scene, png) and export_svg(window.scene, svg, "Sample")
    bounds = window.scene.itemsBoundingRect()
    assert QImage(str(png)).width() == int((bounds.width() + 80) * 2)
    assert "<svg" in svg.read_text() and "Approve" in svg.read_text()


def test_help_lists_standard_shortcuts_and_gestures(window, dialogs):
    window.help.shortcuts_action.trigger()
    window.help.about_action.trigger()
    (table,) = [text for kind, text in dialogs if kind == "information"]
    assert "Undo" in table and "Alt + drag" in table
    assert any(kind == "about" for kind, _ in dialogs)


def test_middle_drag_pans_the_view(window):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    viewport = window.view.viewport()
    before = window.view.visible_scene_rect().center()
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, pos=QPoint(400, 300))
    QTest.mouseMove(viewport, QPoint(300, 250))
    QTest.mouseRelease(viewport, Qt.MouseButton.MiddleButton, pos=QPoint(300, 250))
    after = window.view.visible_scene_rect().center()
    assert (after - before).x() == pytest.approx(100, abs=2)
    assert window.undo_stack.count() == 0


def test_after_auto_layout_no_connector_cuts_through_a_node(qtbot, tmp_path):
    from PySide6.QtGui import QPainterPathStroker
    from PySide6.QtWidgets import QApplication

    from engine.definition import load_definition

    for example in ("deal_desk_approval", "customer_onboarding", "employee_onboarding"):
        definition = load_definition(f"resources/examples/{example}.baton.json")
        window = open_window(qtbot, tmp_path, definition)
        window.canvas.auto_layout_action.trigger()
        QApplication.processEvents()  # backward flows are routed again once all moved
        scene = window.scene
        for flow in definition.flows:
            # The stroke, not the path: an open path counts as the area it encloses.
            stroker = QPainterPathStroker()
            stroker.setWidth(1.0)
            path = stroker.createStroke(scene.flow_item(flow.source, flow.target).line())
            for node in definition.nodes:
                if node.id in (flow.source, flow.target):
                    continue
                box = scene.node_item(node.id).box().adjusted(4, 4, -4, -4)
                assert not path.intersects(box), (
                    f"{example}: {flow.source}→{flow.target} cuts {node.id}"
                )
        window.undo_stack.setClean()


def test_a_rework_loop_runs_under_the_nodes_it_skips():
    from PySide6.QtCore import QPointF, QRectF

    from designer.canvas.items.flow import route

    source, target = QRectF(800, 100, 64, 64), QRectF(100, 100, 260, 150)
    path = route(source, QPointF(864, 132), target, QPointF(100, 122), True, floor=400)
    assert path.boundingRect().bottom() >= 436
    assert path.currentPosition() == QPointF(100, 122)


def test_fit_and_export_include_the_lane_of_a_rework_loop(qtbot, tmp_path):
    from designer.canvas.auto_layout import auto_layout
    from engine.definition import load_definition

    # The deal desk in one row (auto-layout): its rework loops run in a lane under it.
    definition = load_definition("resources/examples/deal_desk_approval.baton.json")
    definition = definition.model_copy(update={"layout": auto_layout(definition)})
    window = open_window(qtbot, tmp_path, definition)
    lowest_node = max(
        item.box().bottom()
        for item in map(window.scene.node_item, ["prepare", "full_review", "full_verdict"])
    )
    assert window.scene.diagram_bounds().bottom() > lowest_node + 30


def test_the_cheap_diagram_bounds_equal_what_qt_finds_by_asking_every_item(window):
    window.canvas.auto_layout_action.trigger()
    window.scene.selection.clear()
    assert window.scene.diagram_bounds() == window.scene.itemsBoundingRect()
