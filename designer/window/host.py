"""What the window lends its parts: narrow protocols, never the window itself.

A part (files, canvas actions, design panels, interchange, live panels, help) owns its
actions and the work behind them. What it needs from its surroundings is spelled out here,
one protocol per need, and the window hands each part a `WindowServices` that satisfies
them. A part can therefore not reach into another part or into the window's widgets: the
window wires parts together with signals and places their actions (menus.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QDockWidget, QWidget

    from designer.canvas import DiagramScene
    from designer.document import Document
    from designer.selection import Selection
    from engine.definition import Orchestration
    from engine.validation import Diagnostic


class DocumentHost(Protocol):
    """The open document and where to tell the user about it."""

    document: Document
    undo_stack: QUndoStack
    selection: Selection
    widget: QWidget  # the parent of a part's dialogs
    show_message: Callable[[str, int], None]  # (text, timeout in ms) in the status bar


class DiagramHost(DocumentHost, Protocol):
    """A document host that also shows the diagram (exports, run overlays)."""

    scene: DiagramScene
    current_path: Callable[[], Path | None]  # the file the document was opened from or saved to


class LiveHost(DiagramHost, Protocol):
    """What the Run menu's docks need: a place for docks and the problems list."""

    add_dock: Callable[[str, str, QWidget], QDockWidget]  # (key, title, widget), beside Problems
    remove_dock: Callable[[QDockWidget], None]
    show_problems: Callable[[list[Diagnostic]], None]  # show a result, Problems to the front


class UnsavedLoader(Protocol):
    """Opening a definition that is not on disk yet (an import), as the file part does it."""

    def confirm_discard(self) -> bool:
        """Ask about unsaved changes; True when the document may be replaced."""
        ...

    def load_unsaved(self, definition: Orchestration) -> None:
        """Show `definition` as a new, unsaved document."""
        ...


@dataclass(frozen=True)
class WindowServices:
    """The one object a window gives its parts; it satisfies every protocol above.

    Holding plain references and callables (not the window) keeps each part's reach
    exactly as wide as the protocol it declares.
    """

    document: Document
    undo_stack: QUndoStack
    selection: Selection
    widget: QWidget
    scene: DiagramScene
    show_message: Callable[[str, int], None]
    current_path: Callable[[], Path | None]
    add_dock: Callable[[str, str, QWidget], QDockWidget]
    remove_dock: Callable[[QDockWidget], None]
    show_problems: Callable[[list[Diagnostic]], None]
