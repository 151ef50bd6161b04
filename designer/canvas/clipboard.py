"""Cut, copy, paste, duplicate and delete on the canvas selection.

The clipboard holds a JSON fragment under a Baton mime type (and as plain text, so it can
be pasted into a chat or an issue); any Baton window, in this process or another, pastes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from designer.commands import FRAGMENT_MIME, copy_fragment, delete_command, paste_command

if TYPE_CHECKING:
    from designer.canvas.scene import DiagramScene

PASTE_OFFSET = (40.0, 40.0)
_pasted: dict[int, tuple[str, int]] = {}  # scene -> (last fragment pasted, how many times)


def copy_selection(scene: DiagramScene) -> bool:
    """Put the selected elements on the clipboard. False when nothing copyable is selected."""
    text = copy_fragment(scene.document, scene.selection.keys())
    if text is None:
        return False
    mime = QMimeData()
    mime.setData(FRAGMENT_MIME, text.encode())
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    return True


def delete_selection(scene: DiagramScene) -> bool:
    """Delete the selected elements as one undo entry."""
    command = delete_command(scene.document, scene.selection.keys())
    if command is None:
        return False
    scene.push(command)
    return True


def cut_selection(scene: DiagramScene) -> bool:
    """Copy, then delete as one undo entry named Cut."""
    if not copy_selection(scene):
        return False
    command = delete_command(scene.document, scene.selection.keys())
    if command is not None:
        command.setText("Cut")
        scene.push(command)
    return True


def paste(scene: DiagramScene, text: str | None = None) -> list[str]:
    """Paste the clipboard's fragment (or `text`); selects and returns the new elements."""
    if text is None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(FRAGMENT_MIME):
            return []
        text = bytes(mime.data(FRAGMENT_MIME).data()).decode()
    # Pasting the same fragment again steps further out, so copies never stack exactly.
    repeat = _pasted.get(id(scene), ("", 0))
    times = repeat[1] + 1 if repeat[0] == text else 1
    _pasted[id(scene)] = (text, times)
    offset = (PASTE_OFFSET[0] * times, PASTE_OFFSET[1] * times)
    result = paste_command(scene.document, text, offset=offset, target_stage=_target_stage(scene))
    if result is None:
        return []
    command, created = result
    scene.push(command)
    scene.select_keys(created)
    return created


def duplicate(scene: DiagramScene) -> list[str]:
    """Copy the selection into the document again, beside itself, without the clipboard."""
    text = copy_fragment(scene.document, scene.selection.keys())
    return paste(scene, text) if text else []


def _target_stage(scene: DiagramScene) -> str | None:
    """Loose steps paste into the selected stage (or the stage of the selected step)."""
    key = scene.selection.single()
    if not isinstance(key, str):
        return None
    document = scene.document
    node = document.definition.node(key)
    if node is not None:
        return key if node.type == "stage" else None
    stage = document.stage_of(key)
    return stage.id if stage else None
