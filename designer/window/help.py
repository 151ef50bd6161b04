"""Help ▸ Keyboard Shortcuts and Help ▸ About."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from designer import __version__
from designer.window.actions import Entry, make_action

# Gestures have no menu entry, so the table lists them by hand.
GESTURES = (
    ("Zoom", "Ctrl + wheel, pinch"),
    ("Pan", "Middle-drag, Space + drag"),
    ("Connect two nodes", "Drag from a node's right-edge handle, or the pad's → then click"),
    ("Make a step wait for another", "The pad's ⤷ then click it, or Alt + drag to it"),
    ("Append a connected stage, decision or end", "The pad beside the selected node"),
    ("Reorder or move a step", "Drag the step card"),
    ("Select several", "Drag on empty canvas, Ctrl/Shift + click"),
    ("Move off the grid", "Alt while dragging a node; arrows nudge, Shift+arrows by 1 px"),
    ("Cancel a drag", "Esc"),
)


class HelpActions:
    """The Help menu. `listed` gives the actions whose shortcuts the table shows."""

    def __init__(self, parent: QWidget, listed: Callable[[], Iterable[QAction]]) -> None:
        self._parent, self._listed = parent, listed
        self.shortcuts_action = make_action(
            parent,
            "&Keyboard Shortcuts",
            self.show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
        )
        self.about_action = make_action(parent, "&About Baton", self.show_about)

    def actions(self) -> list[QAction]:
        """Keyboard Shortcuts and About."""
        return [self.shortcuts_action, self.about_action]

    def menu_sections(self) -> dict[str, list[Entry]]:
        """help: Keyboard Shortcuts, About."""
        return {"help": [self.shortcuts_action, self.about_action]}

    def show_about(self) -> None:
        """The About box, with the version."""
        QMessageBox.about(
            self._parent,
            "About Baton",
            f"<h3>Baton {__version__}</h3><p>Design, simulate and run orchestrations: "
            "multi-stage, multi-person business processes, on your desktop.</p>"
            "<p>Open source, Apache-2.0.</p>",
        )

    def show_shortcuts(self) -> None:
        """A table of keyboard shortcuts and mouse gestures."""
        rows = shortcut_rows(self._listed())
        cells = "".join(f"<tr><td>{a}</td><td><b>{b}</b></td></tr>" for a, b in rows)
        QMessageBox.information(
            self._parent, "Keyboard shortcuts", f"<table cellspacing=6>{cells}</table>"
        )


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, then the mouse gestures."""
    rows = []
    for action in actions:
        if not action.shortcut().isEmpty():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((action.text().replace("&", ""), keys))
    return rows + list(GESTURES)
