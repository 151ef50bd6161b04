"""Qt without a window: an application on the offscreen platform and a scene of a definition.

Used by `baton export --to svg|png|markdown` and `baton selftest`, which draw diagrams from
the command line, on servers and in CI where no display exists.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from designer.canvas.scene import DiagramScene
from designer.document import Document
from designer.selection import Selection
from engine.definition import Orchestration

_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")
_application: QApplication | None = None  # kept here so the one we create lives on


def application() -> QApplication:
    """The running QApplication, or a new one (offscreen when there is no display).

    The platform must be chosen before the first QApplication exists; an explicit
    QT_QPA_PLATFORM is respected. Windows and macOS always have a display platform.
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    no_display = not any(os.environ.get(v) for v in _DISPLAY_VARIABLES)
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    global _application
    _application = QApplication(sys.argv[:1])
    _application.setApplicationName("Baton")
    _application.setOrganizationName("Baton")
    return _application


def scene_for(definition: Orchestration) -> DiagramScene:
    """A scene drawing `definition` exactly as the canvas does (no window, no view)."""
    application()
    document = Document(definition)
    # The scene keeps references to its undo stack and selection; parent them to it so
    # they live exactly as long as the scene.
    undo_stack = QUndoStack()
    selection = Selection()
    scene = DiagramScene(document, undo_stack, selection)
    undo_stack.setParent(scene)
    selection.setParent(scene)
    return scene
