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
        self._prepared = False
        if parent is not None:
            parent.parts.append(self)

    def prepare_parts(self) -> None:
        """Add parts that depend on the document as it is when the command first runs.

        Called once, just before the first redo. In a compound edit an earlier sibling may
        already have changed what this command must take care of (a delete of several
        steps that link to each other), so such parts are found then, not at construction.
        """

    def redo(self) -> None:
        if not self._prepared:
            self._prepared = True
            self.prepare_parts()
        for part in self.parts:
            part.redo()

    def undo(self) -> None:
        for part in reversed(self.parts):
            part.undo()
