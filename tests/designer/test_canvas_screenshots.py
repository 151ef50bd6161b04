"""Screenshots of real diagrams, saved under tests/artifacts/ for people to look at."""

from __future__ import annotations

from pathlib import Path

from builders import EXAMPLE
from gui import open_window
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from benchmarks.synthetic import generate
from benchmarks.wrapped_layout import wrap_layout
from designer.canvas.export import export_png
from engine.definition import load_definition

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _shoot(window, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    window.view.minimap.refresh()
    QApplication.processEvents()
    path = ARTIFACTS / name
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() >= 1200 and not image.isNull()
    return path


def test_screenshot_of_the_onboarding_example(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, load_definition(EXAMPLE))
    window.view.fit()
    _shoot(window, "onboarding_window.png")
    window.selection.set(["contract"])
    window.view.set_zoom(1.0)
    window.view.center_on_key("paperwork")
    _shoot(window, "onboarding_zoom_100.png")
    assert export_png(window.scene, ARTIFACTS / "onboarding_export.png")


def test_screenshot_of_the_two_thousand_step_diagram(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, wrap_layout(generate(200, 10)))
    assert window.scene.counts()[1] == 2000
    window.view.fit()
    _shoot(window, "synthetic_2000_fit.png")
    window.view.set_zoom(0.6)
    window.view.center_on_key("stage_55")
    _shoot(window, "synthetic_2000_zoom_60.png")


def test_screenshot_of_the_dark_palette(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, load_definition(EXAMPLE))
    try:
        window.set_dark(True)
        window.view.fit()
        path = _shoot(window, "onboarding_dark.png")
        corner = QImage(str(path)).pixelColor(
            window.view.mapTo(window, window.view.rect().topLeft()) + QPoint(8, 8)
        )
        assert corner.lightness() < 60  # the canvas background went dark
    finally:
        window.set_dark(False)
    assert window.scene.backgroundBrush() is not None
