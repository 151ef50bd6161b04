"""The base of structural commands: compound edits whose parts undo together.

Qt's own child commands (a QUndoCommand created with a parent) are owned by the parent on
the C++ side while PySide still tracks their Python halves, and deleting the undo stack
then frees them twice. So our compound commands keep their parts in a Python list and run
them in order themselves: parts redo first to last, and undo last to first.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand


class CompoundCommand(QUndoCommand):
    """An undo command made of parts (commands created with `parent=` this one)."""

    def __init__(self, text: str = "", parent: CompoundCommand | None = None) -> None:
        super().__init__(text)  # never a Qt parent: see the module docstring
        self.parts: list[CompoundCommand] = []
        if parent is not None:
            parent.parts.append(self)

    def redo(self) -> None:
        for part in self.parts:
            part.redo()

    def undo(self) -> None:
        for part in reversed(self.parts):
            part.undo()
