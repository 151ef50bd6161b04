"""The diagram canvas: scene, items, gestures, view, palette."""

from designer.canvas.palette import PALETTE_MIME, PalettePanel, palette_mime
from designer.canvas.scene import DiagramScene
from designer.canvas.view import DiagramView

__all__ = ["PALETTE_MIME", "DiagramScene", "DiagramView", "PalettePanel", "palette_mime"]
