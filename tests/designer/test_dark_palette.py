"""The dark palette really darkens the canvas a user looks at (read back from the window)."""

from __future__ import annotations

from builders import EXAMPLE
from gui import open_window
from PySide6.QtCore import QPoint

from engine.definition import load_definition


def test_the_dark_palette_darkens_the_canvas(qtbot, tmp_path):
    # Given the onboarding example open in a window
    window = open_window(qtbot, tmp_path, load_definition(EXAMPLE))
    try:
        # When the dark palette is chosen
        window.set_dark(True)
        window.view.fit()
        picture = window.grab().toImage()
        # Then the canvas's corner, as drawn on screen, is dark
        corner = picture.pixelColor(
            window.view.mapTo(window, window.view.rect().topLeft()) + QPoint(8, 8)
        )
        assert corner.lightness() < 60
    finally:
        window.set_dark(False)
