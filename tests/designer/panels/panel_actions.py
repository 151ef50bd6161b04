"""What a user does with the keyboard in the panels, as small helpers for the tests."""

from __future__ import annotations

from PySide6.QtCore import Qt


def retype(qtbot, line, text: str) -> None:
    """Focus a line edit, replace its text by typing, and press Enter."""
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
