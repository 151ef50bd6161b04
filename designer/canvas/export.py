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
    bounds = scene.diagram_bounds().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
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
