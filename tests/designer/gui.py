"""Driving the designer like a user: real drops with real mime data, real mouse drags."""

from __future__ import annotations

from pathlib import Path

from builders import two_stages
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.canvas import palette_mime
from designer.window import MainWindow
from engine.definition import Orchestration, save_definition


def open_window(qtbot, tmp_path: Path, definition: Orchestration | None = None) -> MainWindow:
    """A shown window on a saved copy of `definition` (default: the two-stage sample)."""
    path = tmp_path / "sample.baton.json"
    save_definition(definition or two_stages(), path)
    window = MainWindow(recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert window.files.open_file(path)
    QApplication.processEvents()  # let the deferred fit-on-open run first
    window.view.set_zoom(1.0)
    window.view.centerOn(600, 200)
    QApplication.processEvents()
    return window


def view_point(window: MainWindow, scene_pos: QPointF) -> QPoint:
    """Where a scene point is on the canvas viewport."""
    return window.view.mapFromScene(scene_pos)


def drop_mime(window: MainWindow, mime: QMimeData, scene_pos: QPointF) -> None:
    """Deliver a drag enter, move and drop at a scene point to the canvas viewport."""
    viewport = window.view.viewport()
    pos = view_point(window, scene_pos)
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(pos, action, mime, buttons, mods))
    QApplication.sendEvent(viewport, QDragMoveEvent(pos, action, mime, buttons, mods))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(pos), action, mime, buttons, mods))


def drop_palette(window: MainWindow, kind: str, scene_pos: QPointF) -> None:
    """Drop a palette entry at a scene point, exactly as a drag from the palette would."""
    drop_mime(window, palette_mime(kind), scene_pos)


def drag(
    window: MainWindow,
    start: QPointF,
    end: QPointF,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    steps: int = 6,
) -> None:
    """Press at `start`, move in steps, release at `end` (scene coordinates)."""
    viewport = window.view.viewport()
    a, b = view_point(window, start), view_point(window, end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, a + (b - a) * (i / steps))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, b)
