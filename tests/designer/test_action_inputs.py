"""A background step's action says which inputs it takes, and adding an input offers them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from designer.window import MainWindow
from engine.actions.registry import action_inputs, register_action, unregister_action

DEAL_DESK = Path(__file__).parents[2] / "resources/examples/deal_desk_approval.baton.json"


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _window_on_step(qtbot, tmp_path, step_id: str) -> MainWindow:
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    assert window.files.open_file(DEAL_DESK)
    _settle()
    card = window.scene.card_item(step_id)
    window.view.centerOn(card)
    _settle()
    point = window.view.mapFromScene(card.sceneBoundingRect().center())
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    _settle()
    return window


def test_the_action_field_names_the_inputs_the_action_takes(qtbot, tmp_path):
    # Given the deal desk's "Tell the deal owner" step (send_email) selected
    window = _window_on_step(qtbot, tmp_path, "notify_owner")
    form = window.panels.inspector.current_form()

    # Then its action field says what send_email takes
    level, text = form.editor("action").message()
    assert level == "hint" and "to, subject, body, cc, sender" in text

    # When the admin clicks "+ Add input"
    inputs = form.editor("inputs")
    QTest.mouseClick(inputs.add_button, Qt.MouseButton.LeftButton)
    _settle()

    # Then the new input is the first one send_email takes that the step does not set yet
    assert "cc" in window.document.element("notify_owner").inputs

    # And editing an input's name completes the action's input names
    row = inputs.table.rowCount() - 1
    inputs.table.setCurrentCell(row, 0)
    inputs.table.editItem(inputs.table.item(row, 0))
    editor = inputs.table.findChild(QLineEdit)
    assert editor is not None and editor.completer() is not None
    offered = editor.completer().model()
    names = [offered.index(i, 0).data() for i in range(offered.rowCount())]
    assert names == ["to", "subject", "body", "cc", "sender"]


def test_a_plugin_action_declares_its_inputs_with_an_attribute(qapp):
    def create_ticket(inputs, context):
        return {}

    create_ticket.inputs = ("title", "priority")
    register_action("create_ticket", create_ticket)
    try:
        assert action_inputs("create_ticket") == ("title", "priority")
    finally:
        unregister_action("create_ticket")
    assert action_inputs("no_such_action") == ()
