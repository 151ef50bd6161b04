"""View ▸ Theme applies to the whole window, panels included, and is remembered."""

from __future__ import annotations

from gui import open_window
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from designer.canvas import theme
from designer.window import MainWindow


def _window_is_dark(window: MainWindow) -> bool:
    color = window.panels.inspector.palette().color(QPalette.ColorRole.Window)
    return color.lightness() < 100


def test_choosing_dark_darkens_the_panels_and_the_canvas_and_is_remembered(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    try:
        # When the admin picks View ▸ Theme ▸ Dark
        window.appearance.theme_actions["dark"].trigger()
        QApplication.processEvents()

        # Then the inspector panel and the canvas are both dark
        assert theme.is_dark
        assert _window_is_dark(window)

        # And a new window (next session) starts dark
        window.close()
        again = MainWindow(recovery_dir=tmp_path / "recovery")
        qtbot.addWidget(again)
        assert again.appearance.choice == "dark" and theme.is_dark

        # When Light is picked, everything is light again
        again.appearance.theme_actions["light"].trigger()
        QApplication.processEvents()
        assert not theme.is_dark and not _window_is_dark(again)
    finally:
        QApplication.styleHints().unsetColorScheme()
        theme.apply(False)
