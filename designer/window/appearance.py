"""View ▸ Theme: System, Light or Dark, for the whole window (panels too, not the canvas only).

The choice sets the application's colour scheme and palette (Fusion style, which every
standard widget follows, with a palette from the canvas's own colours, so panels and canvas
match), and the canvas palette (`window.set_dark`). "System" follows the desktop and keeps
following it. The choice is remembered between sessions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from designer.canvas.theme import DARK, LIGHT
from designer.window.actions import Entry

THEMES = (("system", "&System"), ("light", "&Light"), ("dark", "&Dark"))
_SCHEMES = {
    "system": Qt.ColorScheme.Unknown,
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


class AppearanceActions:
    """The Theme submenu; `set_dark` restyles the canvas and the window's own colours."""

    def __init__(self, parent: QWidget, set_dark: Callable[[bool], None]) -> None:
        self._set_dark = set_dark
        self.menu = QMenu("&Theme", parent)
        self._group = QActionGroup(parent)
        self._group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for name, text in THEMES:
            action = QAction(text, parent)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, n=name: self.use(n))
            self._group.addAction(action)
            self.menu.addAction(action)
            self.theme_actions[name] = action
        self.theme_actions["system"].setChecked(True)
        self.choice = "system"
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._scheme_changed)

    def use(self, name: str) -> None:
        """Apply a theme to the whole application: "system", "light" or "dark"."""
        self.choice = name
        self.theme_actions[name].setChecked(True)
        QGuiApplication.styleHints().setColorScheme(_SCHEMES[name])
        dark = self.is_dark()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if app.style().name().lower() != "fusion":
                app.setStyle("Fusion")  # draws every widget from the palette alone
            app.setPalette(window_palette(dark) if name != "system" or dark else QPalette())
            repolish_styled(app)
        self._set_dark(dark)

    def is_dark(self) -> bool:
        """Whether the window is dark now."""
        if self.choice != "system":
            return self.choice == "dark"
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark

    def _scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self.use("system")

    def actions(self) -> list[QAction]:
        """The three theme choices."""
        return list(self.theme_actions.values())

    def menu_sections(self) -> dict[str, list[Entry]]:
        """theme (a submenu of View)."""
        return {"theme": [self.menu]}

    def save_settings(self, settings: QSettings) -> None:
        """Remember the theme chosen."""
        settings.setValue("view/theme", self.choice)

    def restore_settings(self, settings: QSettings) -> None:
        """Apply the theme chosen last time (System the first time)."""
        name = settings.value("view/theme", "system", type=str)
        if name in self.theme_actions and name != "system":
            self.use(name)


def window_palette(dark: bool) -> QPalette:
    """The widgets' palette made from the canvas colours (light or dark)."""
    c = {role: QColor(value) for role, value in (DARK if dark else LIGHT).items()}
    palette = QPalette()
    role = QPalette.ColorRole
    for target, color in (
        (role.Window, c["stage_header"] if dark else c["background"]),
        (role.WindowText, c["text"]),
        (role.Base, c["background"] if dark else c["surface"]),
        (role.AlternateBase, c["surface"] if dark else c["stage_body"]),
        (role.Text, c["text"]),
        (role.Button, c["surface"] if dark else c["stage_header"]),
        (role.ButtonText, c["text"]),
        (role.ToolTipBase, c["surface"]),
        (role.ToolTipText, c["text"]),
        (role.PlaceholderText, c["muted"]),
        (role.Highlight, c["accent"]),
        (role.HighlightedText, QColor("#ffffff") if not dark else QColor("#111111")),
        (role.Link, c["accent"]),
        (role.Mid, c["outline"]),
        (role.Midlight, c["outline"]),
        (role.Dark, c["shadow"] if dark else c["outline"]),
    ):
        palette.setColor(target, color)
    muted = c["muted"]
    for target in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, target, muted)
    return palette


def repolish_styled(app: QApplication) -> None:
    """Re-apply every widget's own style sheet, so it takes the new palette.

    A widget with a style sheet keeps the palette it was polished with: after a switch
    from light to dark the inbox list stayed white (its selected row white on lavender
    the other way round) and the history's bold title stayed dark on dark.
    """
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)
