"""Editing on the canvas the way a user does: palette drops, drags, keys, undo and redo."""

from __future__ import annotations

import pytest
from builders import text_of
from gui import drag, drop_palette, open_window
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from designer.canvas import geometry
from designer.canvas.palette import ENTRIES

EMPTY_SPOT = QPointF(400, 500)


@pytest.fixture
def window(qtbot, tmp_path):
    return open_window(qtbot, tmp_path)


def assert_undo_redo(window, before: str) -> None:
    """Undo returns to `before`; redo returns to what the edit made, identically."""
    after = text_of(window.document)
    window.undo_stack.undo()
    assert text_of(window.document) == before
    window.undo_stack.redo()
    assert text_of(window.document) == after


def stage_point(window, stage_id: str, index: int) -> QPointF:
    """A scene point in the middle of a stage's card slot `index`."""
    item = window.scene.node_item(stage_id)
    y = geometry.card_top(index) + geometry.CARD_HEIGHT / 2
    return item.mapToScene(QPointF(geometry.STAGE_WIDTH / 2, y))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.kind)
def test_dropping_each_palette_entry_on_empty_canvas_creates_it(window, entry):
    before = text_of(window.document)
    drop_palette(window, entry.kind, EMPTY_SPOT)
    (new_id,) = window.selection.keys()
    element = window.document.element(new_id)
    # A "Failed end" is an end whose outcome is failed.
    assert element.type == {"failed_end": "end"}.get(entry.kind, entry.kind)
    if window.document.is_step(new_id):  # a step alone makes its own stage
        stage = window.document.stage_of(new_id)
        assert [s.id for s in stage.steps] == [new_id]
        assert window.scene.card_item(new_id) is not None
    else:
        assert window.scene.node_item(new_id).sceneBoundingRect().contains(EMPTY_SPOT)
    assert window.undo_stack.count() == 1
    assert_undo_redo(window, before)


def test_a_wait_step_dropped_on_empty_canvas_makes_a_numbered_stage(window):
    # Given the two-stage sample; when a wait step is dropped on empty canvas
    drop_palette(window, "wait", EMPTY_SPOT)

    # Then its new stage is "Stage 3" (not "Wait for event"), with an id made from that name
    (step_id,) = window.selection.keys()
    stage = window.document.stage_of(step_id)
    assert (stage.name, stage.id) == ("Stage 3", "stage_3")
    assert window.document.element(step_id).name == "Wait for event"


@pytest.mark.parametrize("kind", ["interactive", "background", "wait"])
def test_dropping_a_step_on_a_stage_inserts_it_where_it_was_dropped(window, kind):
    before = text_of(window.document)
    drop_palette(window, kind, stage_point(window, "intake", 1) - QPointF(0, 26))
    (new_id,) = window.selection.keys()
    steps = [s.id for s in window.document.definition.node("intake").steps]
    assert steps == ["a", new_id, "b", "c"]
    assert window.scene.node_item("intake").cards[1].step_id == new_id
    assert_undo_redo(window, before)


def test_dragging_from_the_edge_handle_to_a_node_connects_them(window):
    before = text_of(window.document)
    approval = window.scene.node_item("approval")
    drag(window, approval.mapToScene(approval.handle_center()), stage_point(window, "intake", 0))
    assert window.document.flow("approval", "intake") is not None
    assert window.scene.flow_item("approval", "intake") is not None
    assert_undo_redo(window, before)


def test_a_flow_into_the_start_node_is_refused(window):
    before = text_of(window.document)
    intake = window.scene.node_item("intake")
    start = window.scene.node_item("start")
    drag(window, intake.mapToScene(intake.handle_center()), start.mapToScene(QPointF(20, 20)))
    assert text_of(window.document) == before
    assert window.undo_stack.count() == 0
    assert start.drop_state is None  # the refusal feedback is cleared after the drag


def test_alt_dragging_between_steps_makes_the_second_wait_for_the_first(window):
    before = text_of(window.document)
    drag(
        window,
        stage_point(window, "intake", 1),
        stage_point(window, "intake", 2),
        Qt.KeyboardModifier.AltModifier,
    )
    assert window.document.element("c").after == ["a", "b"]
    assert_undo_redo(window, before)


def test_an_after_link_that_would_make_a_cycle_is_refused(window):
    drag(
        window,
        stage_point(window, "intake", 2),
        stage_point(window, "intake", 0),
        Qt.KeyboardModifier.AltModifier,
    )
    assert window.document.element("a").after == []
    assert window.undo_stack.count() == 0


def test_dragging_a_step_reorders_it_within_its_stage(window):
    before = text_of(window.document)
    drag(
        window, stage_point(window, "intake", 0), stage_point(window, "intake", 2) + QPointF(0, 20)
    )
    assert [s.id for s in window.document.definition.node("intake").steps] == ["b", "c", "a"]
    assert_undo_redo(window, before)


def test_dragging_a_step_into_another_stage_moves_it(window):
    before = text_of(window.document)
    drag(
        window,
        stage_point(window, "intake", 1),
        stage_point(window, "approval", 0) - QPointF(0, 20),
    )
    assert [s.id for s in window.document.definition.node("approval").steps] == ["b", "d"]
    assert window.scene.card_item("b").parentItem() is window.scene.node_item("approval")
    assert_undo_redo(window, before)


def test_moving_a_node_is_one_snapped_command_pushed_on_release(window):
    before = text_of(window.document)
    decide = window.scene.node_item("decide")
    grab = decide.mapToScene(QPointF(32, 32))
    drag(window, grab, grab + QPointF(47, 93), steps=10)
    assert window.undo_stack.count() == 1
    position = window.document.position("decide")
    # The flow line snaps, so connectors to neighbours snapped the same way run straight.
    flow_line = position.y + decide.anchor_y
    assert (position.x % geometry.GRID, flow_line % geometry.GRID) == (0, 0)
    assert decide.pos() == QPointF(position.x, position.y)
    assert_undo_redo(window, before)


def test_rubber_band_selects_what_it_touches(window):
    drag(window, QPointF(-60, 60), QPointF(450, 130))
    assert {"start", "intake"} <= set(window.selection.keys())


def test_delete_key_removes_the_selection_and_undo_restores_it(window):
    before = text_of(window.document)
    window.selection.set(["decide"])
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert window.document.element("decide") is None
    assert window.scene.node_item("decide") is None
    assert_undo_redo(window, before)


def test_f2_renames_in_place(window):
    before = text_of(window.document)
    window.selection.set(["b"])
    window.canvas.rename_action.trigger()
    editor = window.view.rename_editor
    assert editor.isVisible() and editor.text() == "Create record"
    editor.setText("Create CRM record")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.element("b").name == "Create CRM record"
    assert not editor.isVisible()
    assert_undo_redo(window, before)


def test_double_click_opens_the_rename_editor_and_escape_changes_nothing(window):
    before = text_of(window.document)
    point = window.view.mapFromScene(stage_point(window, "approval", 0))
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    editor = window.view.rename_editor
    assert editor.isVisible() and editor.text() == "Approve"
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert text_of(window.document) == before


def test_ctrl_wheel_zooms_around_the_pointer(window):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = window.view.viewport()
    center = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(
        center,
        viewport.mapToGlobal(center),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)
    assert window.view.zoom() == pytest.approx(1.44)
    assert window._zoom_label.text() == "144 %"


def test_a_refused_target_is_outlined_and_the_cursor_says_no_while_dragging(window):
    intake = window.scene.node_item("intake")
    start = window.scene.node_item("start")
    viewport = window.view.viewport()
    QTest.mousePress(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        window.view.mapFromScene(intake.mapToScene(intake.handle_center())),
    )
    QTest.mouseMove(viewport, window.view.mapFromScene(start.mapToScene(QPointF(20, 20))))
    assert start.drop_state == "refuse"
    assert viewport.cursor().shape() == Qt.CursorShape.ForbiddenCursor
    QTest.keyClick(viewport, Qt.Key.Key_Escape)  # Escape abandons the gesture
    assert start.drop_state is None
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton)
    assert window.undo_stack.count() == 0


def test_space_drag_pans_instead_of_moving_what_is_under_the_pointer(window):
    viewport = window.view.viewport()
    before = window.view.visible_scene_rect().center()
    grab = window.view.mapFromScene(stage_point(window, "intake", 0))
    QTest.keyPress(window.view, Qt.Key.Key_Space)
    drag(
        window, stage_point(window, "intake", 0), stage_point(window, "intake", 0) + QPointF(-80, 0)
    )
    QTest.keyRelease(window.view, Qt.Key.Key_Space)
    assert window.view.visible_scene_rect().center().x() == pytest.approx(before.x() + 80, abs=2)
    assert window.undo_stack.count() == 0
    assert viewport.childAt(grab) is None  # no editor or overlay was opened by the drag


def test_hovering_a_step_tells_its_id_and_type(window):
    assert window.scene.card_item("a").toolTip() == "Check form · interactive step a"


def test_arrow_keys_nudge_the_selected_node_as_one_undo_entry(window):
    before = text_of(window.document)
    x0 = window.document.position("decide").x
    window.selection.set(["decide"])
    for _ in range(3):
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_Right)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert window.document.position("decide").x == x0 + 3 * geometry.GRID
    assert window.undo_stack.count() == 1
    assert_undo_redo(window, before)


def test_pasting_twice_places_the_second_copy_further_out(window):
    window.selection.set(["approval"])
    window.canvas.copy_action.trigger()
    window.canvas.paste_action.trigger()
    window.canvas.paste_action.trigger()
    x = window.document.position("approval").x
    assert window.document.position("approval_2").x == x + 40
    assert window.document.position("approval_3").x == x + 80


def test_right_click_selects_the_element_and_offers_the_edit_actions(window):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    point = window.view.mapFromScene(stage_point(window, "approval", 0))
    viewport = window.view.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.RightButton, pos=point)
    reason = QContextMenuEvent.Reason.Mouse
    QApplication.sendEvent(viewport, QContextMenuEvent(reason, point, viewport.mapToGlobal(point)))
    menu = QApplication.activePopupWidget()
    assert menu is not None
    labels = [a.text().replace("&", "") for a in menu.actions()]
    menu.close()
    assert window.selection.keys() == ("d",)
    assert {"Cut", "Copy", "Paste", "Delete", "Rename"} <= set(labels)


def test_a_pinch_on_a_touchpad_zooms(window):
    from PySide6.QtGui import QNativeGestureEvent, QPointingDevice
    from PySide6.QtWidgets import QApplication

    viewport = window.view.viewport()
    center = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        center,
        center,
        QPointF(viewport.mapToGlobal(center)),
        0.25,
        QPointF(),
        0,
    )
    QApplication.sendEvent(viewport, event)
    assert window.view.zoom() == pytest.approx(1.25)


def test_dragging_a_node_to_the_edge_scrolls_the_view_along(window, qtbot):
    viewport = window.view.viewport()
    decide = window.scene.node_item("decide")
    grab = window.view.mapFromScene(decide.mapToScene(QPointF(32, 32)))
    before = window.view.visible_scene_rect().center()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grab)
    edge = QPoint(viewport.width() - 3, grab.y())
    QTest.mouseMove(viewport, edge)
    qtbot.waitUntil(
        lambda: window.view.visible_scene_rect().center().x() > before.x() + 50, timeout=10_000
    )
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, edge)
    assert window.undo_stack.count() == 1  # the node came along: one move
    assert window.document.position("decide").x > 500 + 100
