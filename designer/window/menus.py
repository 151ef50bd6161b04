"""Where every part's actions go: the one place that lays out the menu bar and the toolbar.

Parts (files, canvas, design panels, interchange, live panels, help) create and own their
actions and expose them in named sections (`menu_sections()`, `toolbar_sections()`); this
module decides the order and the separators. Adding an action to a part and a section here
is all it takes; nothing searches menus by their text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QToolBar

from designer.window.actions import Entry, WindowPart
from designer.window.appearance import AppearanceActions
from designer.window.canvas_actions import CanvasActions
from designer.window.design_panels import DesignPanels
from designer.window.files import FileActions
from designer.window.help import HelpActions
from designer.window.interchange import InterchangeActions
from designer.window.live_panels import LivePanels

SEPARATOR: list[Entry] = []  # an empty section: a separator line between its neighbours


@dataclass(frozen=True)
class WindowParts:
    """The parts of one main window, each owning its actions."""

    files: FileActions
    canvas: CanvasActions
    panels: DesignPanels
    interchange: InterchangeActions
    live: LivePanels
    help: HelpActions
    appearance: AppearanceActions

    def all(self) -> tuple[WindowPart, ...]:
        """Every part, in menu-bar order."""
        return (
            self.files,
            self.canvas,
            self.panels,
            self.interchange,
            self.live,
            self.help,
            self.appearance,
        )

    def actions(self) -> list[QAction]:
        """Every action of every part."""
        return [action for part in self.all() for action in part.actions()]


@dataclass(frozen=True)
class Menus:
    """What the window keeps of the layout: View takes dock toggles as docks appear."""

    view: QMenu
    toolbar: QToolBar


def place(window: QMainWindow, parts: WindowParts) -> Menus:
    """Fill the window's menu bar and toolbar from the parts' sections."""
    files = parts.files.menu_sections()
    canvas = parts.canvas.menu_sections()
    interchange = parts.interchange.menu_sections()
    live = parts.live.menu_sections()
    bar = window.menuBar()
    file_menu = _menu(bar, "&File", files["open"], SEPARATOR, files["save"], interchange["import"])
    export = file_menu.addMenu("&Export")
    _fill(export, interchange["images"], SEPARATOR, interchange["formats"])
    _fill(file_menu, SEPARATOR, live["connect"], SEPARATOR, files["quit"])
    _menu(
        bar,
        "&Edit",
        canvas["history"],
        SEPARATOR,
        canvas["clipboard"],
        SEPARATOR,
        canvas["select"],
        parts.panels.menu_sections()["find"],
    )
    view = _menu(
        bar,
        "&View",
        canvas["zoom"],
        SEPARATOR,
        canvas["show"],
        parts.appearance.menu_sections()["theme"],
        SEPARATOR,
        canvas["arrange"],
    )
    _menu(bar, "&Run", live["run"], SEPARATOR, live["docks"])
    _menu(bar, "&Help", parts.help.menu_sections()["help"])
    toolbar = _toolbar(window, parts)
    _install_shortcuts(window, parts.actions())
    return Menus(view=view, toolbar=toolbar)


def _toolbar(window: QMainWindow, parts: WindowParts) -> QToolBar:
    canvas = parts.canvas.toolbar_sections()
    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    sections = (
        parts.files.toolbar_sections()["files"],
        canvas["history"],
        canvas["zoom"],
        canvas["arrange"],
    )
    for i, section in enumerate(sections):
        if i:
            toolbar.addSeparator()
        toolbar.addActions(section)
    window.addToolBar(toolbar)
    return toolbar


def _install_shortcuts(window: QMainWindow, actions: Sequence[QAction]) -> None:
    # Window-wide shortcuts keep working while the menu bar is hidden; actions a part scoped
    # to one widget (the canvas's editing keys) stay on that widget.
    window.addActions(
        [a for a in actions if a.shortcutContext() == Qt.ShortcutContext.WindowShortcut]
    )


def _menu(bar: QMenuBar, title: str, *sections: Sequence[Entry]) -> QMenu:
    menu = bar.addMenu(title)
    _fill(menu, *sections)
    return menu


def _fill(menu: QMenu, *sections: Sequence[Entry]) -> None:
    for section in sections:
        if not section:
            menu.addSeparator()
        for entry in section:
            if isinstance(entry, QMenu):
                menu.addMenu(entry)
            else:
                menu.addAction(entry)
