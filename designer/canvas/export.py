"""Exporting the diagram as a PNG or SVG image (also usable from the CLI with a scene)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from designer.canvas import theme
from designer.canvas.scene import DiagramScene

MARGIN = 40.0


def _prepared(scene: DiagramScene) -> tuple[QRectF, list]:
    selected = scene.selectedItems()
    for item in selected:
        item.setSelected(False)  # the image shows the diagram, not the editing state
    # Every item, not just the nodes: a rework loop runs below the lowest node.
    bounds = scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    return bounds, selected


def export_png(scene: DiagramScene, path: Path, scale: float = 2.0) -> bool:
    """Write the whole diagram as a PNG at `scale` (2.0 = sharp on high-density screens)."""
    bounds, selected = _prepared(scene)
    image = QImage(
        QSize(int(bounds.width() * scale), int(bounds.height() * scale)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(theme.BACKGROUND)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    grid, scene.show_grid = scene.show_grid, False
    scene.render(painter, QRectF(image.rect()), bounds, Qt.AspectRatioMode.KeepAspectRatio)
    scene.show_grid = grid
    painter.end()
    for item in selected:
        item.setSelected(True)
    return image.save(str(path))


def export_svg(scene: DiagramScene, path: Path, title: str = "") -> bool:
    """Write the whole diagram as an SVG vector image."""
    bounds, selected = _prepared(scene)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(bounds.width()), int(bounds.height())))
    generator.setViewBox(QRectF(0, 0, bounds.width(), bounds.height()))
    generator.setTitle(title or "Baton orchestration")
    painter = QPainter(generator)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    grid, scene.show_grid = scene.show_grid, False
    scene.render(painter, QRectF(0, 0, bounds.width(), bounds.height()), bounds)
    scene.show_grid = grid
    painter.end()
    for item in selected:
        item.setSelected(True)
    return Path(path).is_file()


def render_definition_file(source: Path, output: Path, scale: float = 2.0) -> None:
    """Draw a definition file's diagram into a PNG or SVG image, without a window.

    Raises:
        DefinitionLoadError: the definition cannot be read (the CLI shows it in one line).
        OSError: the image cannot be written.
    """
    import os

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # an image needs no screen
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from designer.document import Document
    from designer.selection import Selection
    from engine.definition import load_definition

    definition = load_definition(source)
    app = QApplication.instance() or QApplication([])
    scene = DiagramScene(Document(definition), QUndoStack(), Selection())
    ok = (
        export_svg(scene, output, definition.name)
        if output.suffix.lower() == ".svg"
        else export_png(scene, output, scale)
    )
    scene.detach()
    del app
    if not ok:
        raise OSError(f"cannot write {output}")
