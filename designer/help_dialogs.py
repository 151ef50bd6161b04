"""Help ▸ About and Help ▸ Keyboard Shortcuts."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from designer import __version__

if TYPE_CHECKING:
    from designer.window_actions import WindowActions

# Gestures have no menu entry, so the table lists them by hand.
GESTURES = (
    ("Zoom", "Ctrl + wheel, pinch"),
    ("Pan", "Middle-drag, Space + drag"),
    ("Connect two nodes", "Drag from a node's right-edge handle"),
    ("Make a step wait for another", "Alt + drag from the first step to the second"),
    ("Reorder or move a step", "Drag the step card"),
    ("Select several", "Drag on empty canvas, Ctrl/Shift + click"),
    ("Move off the grid", "Alt while dragging a node; arrows nudge, Shift+arrows by 1 px"),
    ("Cancel a drag", "Esc"),
)


def show_about(parent: QWidget) -> None:
    """The About box, with the version."""
    QMessageBox.about(
        parent,
        "About Baton",
        f"<h3>Baton {__version__}</h3><p>Design, simulate and run orchestrations: "
        "multi-stage, multi-person business processes, on your desktop.</p>"
        "<p>Open source, Apache-2.0.</p>",
    )


def shortcut_rows(actions: WindowActions) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, then the mouse gestures."""
    rows = []
    for field in fields(actions):
        action = getattr(actions, field.name)
        if isinstance(action, QAction) and not action.shortcut().isEmpty():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append((action.text().replace("&", ""), keys))
    return rows + list(GESTURES)


def show_shortcuts(parent: QWidget, actions: WindowActions) -> None:
    """A table of keyboard shortcuts and mouse gestures."""
    cells = "".join(f"<tr><td>{a}</td><td><b>{b}</b></td></tr>" for a, b in shortcut_rows(actions))
    QMessageBox.information(parent, "Keyboard shortcuts", f"<table cellspacing=6>{cells}</table>")
