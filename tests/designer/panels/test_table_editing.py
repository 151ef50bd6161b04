"""Editing a table cell in the inspector: one command, and the view keeps its editors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit


def _qt_warnings(qtlog) -> list[str]:
    return [r.message for r in qtlog.records if "commitData" in r.message]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Tab], ids=["enter", "tab"])
def test_renaming_an_output_in_its_cell_leaves_no_stray_editor(
    qtbot, qtlog, inspector, document, stack, selection, key
):
    # Given the outputs table of an interactive step
    selection.set(["contract"])
    outputs = inspector.current_form().editor("outputs")
    table = outputs.table

    # When the user double-clicks the name cell, types a new name and presses Enter or Tab
    cell = table.visualItemRect(table.item(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    editor = table.viewport().focusWidget() or QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "verdict")
    qtbot.keyClick(editor, key)
    QApplication.processEvents()

    # Then the document has the new name in one undo step, and Qt complained of nothing
    assert [o.name for o in document.element("contract").outputs] == ["verdict"]
    assert stack.count() == 1
    assert _qt_warnings(qtlog) == []
    stack.undo()
    assert [o.name for o in document.element("contract").outputs] == ["decision"]
    stack.redo()
    assert [o.name for o in document.element("contract").outputs] == ["verdict"]
