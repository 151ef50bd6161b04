"""The designer guide's document-review orchestration, built with clicks and keys only.

The story is the one docs/user/designer.md tells; no drag is used anywhere.

File ▸ New; the context pad appends stages, a decision and ends and adds steps; names are
typed in place (double-click); the inspector takes the assignee, outputs, action, event,
the condition and the default flow. The result validates clean, and the ids read like the
names (`read_the_document`), so the condition is written with them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton

from designer.canvas.items import StageItem
from designer.window import MainWindow
from engine.definition import dumps_definition
from engine.validation import validate


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _point_of(window: MainWindow, key) -> QPointF:
    item = window.scene.item_for(key)
    if isinstance(key, tuple):  # a flow: a point on its line
        return item.line().pointAtPercent(0.6)
    where = item.shape().boundingRect().center()
    if isinstance(item, StageItem):
        where = QPointF(item.width / 2, 20)  # the header: the body holds the cards
    return item.mapToScene(where)


def click(window: MainWindow, key, double: bool = False) -> None:
    """Click (or double-click) an element where a user would."""
    scene_point = _point_of(window, key)
    window.view.centerOn(scene_point)
    _settle()
    point = window.view.mapFromScene(scene_point)
    viewport = window.view.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    if double:
        QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    _settle()


def pad(window: MainWindow, tool: str, menu_row: int | None = None) -> str:
    """Click a tool of the context pad (and pick a row of its menu); returns the selection."""
    button: QToolButton = window.view.context_pad.buttons[tool]
    assert button.isVisible()
    if menu_row is not None:

        def choose() -> None:
            menu = QApplication.activePopupWidget()
            for _ in range(menu_row + 1):
                QTest.keyClick(menu, Qt.Key.Key_Down)
            QTest.keyClick(menu, Qt.Key.Key_Return)

        QTimer.singleShot(50, choose)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    _settle()
    return window.selection.keys()[0]


def name_it(window: MainWindow, key: str, name: str) -> str:
    """Double-click the element, type its name, Enter; returns its id afterwards."""
    click(window, key, double=True)
    editor = window.view.rename_editor
    assert editor.isVisible()
    editor.selectAll()
    QTest.keyClicks(editor, name)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    _settle()
    return window.selection.keys()[0]


def type_into(line: QLineEdit, text: str) -> None:
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_Return)
    _settle()


def test_the_document_review_is_built_with_clicks_and_keys_only(qtbot, tmp_path):
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    _settle()
    new_action = window.files.new_action
    toolbar_new = next(
        b for b in window.findChildren(QToolButton) if b.defaultAction() is new_action
    )
    QTest.mouseClick(toolbar_new, Qt.MouseButton.LeftButton)
    _settle()
    inspector = window.panels.inspector
    document = window.document

    # Stage "Review" after the start
    click(window, "start")
    review = name_it(window, pad(window, "append_stage"), "Review")

    # Its three steps: a person reads, an action files a copy, a wait for the signature
    click(window, review)
    read = name_it(window, pad(window, "add_step", menu_row=0), "Read the document")
    form = inspector.current_form()
    assignee = form.editor("assignee")
    assignee.kind.setFocus()
    QTest.keyClick(assignee.kind, Qt.Key.Key_Down)  # Nobody -> User
    QTest.keyClick(assignee.kind, Qt.Key.Key_Down)  # User -> Group
    _settle()
    type_into(inspector.current_form().editor("assignee").name, "legal")
    outputs = inspector.current_form().editor("outputs")
    QTest.mouseClick(outputs.add_button, Qt.MouseButton.LeftButton)
    _settle()
    outputs = inspector.current_form().editor("outputs")
    outputs.select_row(0)
    type_into(outputs.detail.editor("choices").line, "approve, reject")
    table = outputs.table
    cell = table.visualItemRect(table.item(0, 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    cell_editor = QApplication.focusWidget()
    assert isinstance(cell_editor, QLineEdit)
    cell_editor.selectAll()
    QTest.keyClicks(cell_editor, "decision")
    QTest.keyClick(cell_editor, Qt.Key.Key_Return)
    _settle()

    click(window, review)
    copy = name_it(window, pad(window, "add_step", menu_row=1), "File a copy")
    action = inspector.current_form().editor("action").combo
    type_into(action.lineEdit(), "log")

    click(window, review)
    signed = name_it(window, pad(window, "add_step", menu_row=2), "Wait for signature")
    type_into(inspector.current_form().editor("event").line, "document_signed")

    # A decision, a second stage, two ends
    click(window, review)
    approved = name_it(window, pad(window, "append_decision"), "Approved?")
    publish = name_it(window, pad(window, "append_stage"), "Publish")
    click(window, publish)
    name_it(window, pad(window, "add_step", menu_row=1), "Publish the document")
    type_into(inspector.current_form().editor("action").combo.lineEdit(), "log")
    click(window, publish)
    published = name_it(window, pad(window, "append_end"), "Published")
    click(window, approved)
    rejected = name_it(window, pad(window, "append_end"), "Rejected")

    # The condition on the way to Publish, the default to Rejected
    click(window, (approved, publish))
    type_into(inspector.current_form().editor("condition").line, f"{read}.decision == 'approve'")
    click(window, (approved, rejected))
    default = inspector.current_form().editor("default").check
    default.setFocus()
    QTest.keyClick(default, Qt.Key.Key_Space)
    _settle()

    # Then the orchestration is whole, named as typed, and validates clean
    definition = document.definition
    assert [review, approved, publish, published, rejected] == [
        "review",
        "approved",
        "publish",
        "published",
        "rejected",
    ]
    assert (read, copy, signed) == ("read_the_document", "file_a_copy", "wait_for_signature")
    step = document.element(read)
    assert step.assignee == "group:legal"
    assert [(o.name, o.choices) for o in step.outputs] == [("decision", ["approve", "reject"])]
    assert document.flow(approved, publish).condition == "read_the_document.decision == 'approve'"
    assert document.flow(approved, rejected).default
    assert [d.message for d in validate(definition)] == []

    # And every click and key was one undo step: all of them undo to File ▸ New, and redo
    built = dumps_definition(definition)
    stack = window.undo_stack
    while stack.canUndo():
        stack.undo()
    assert [n.id for n in document.definition.nodes] == ["start"]
    while stack.canRedo():
        stack.redo()
    assert dumps_definition(document.definition) == built
