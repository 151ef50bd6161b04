"""How a window part makes its actions and shows them to the window.

A part creates and owns its `QAction`s and exposes them in named sections; the window's
menus.py decides where each section goes (menu bar, toolbar), as orange-canvas-core's
scheme editor hands `toolbarActions()` to its main window. No part adds itself to a menu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from designer.canvas import theme

# A menu section holds actions and, for submenus a part owns (Open Recent), menus.
Entry = QAction | QMenu
Shortcut = QKeySequence.StandardKey | str | list[QKeySequence] | None


class WindowPart(Protocol):
    """A part of the main window: it owns its actions, the window places them."""

    def actions(self) -> list[QAction]:
        """Every action of the part (for shortcuts, the shortcut table and restyling)."""
        ...

    def menu_sections(self) -> dict[str, list[Entry]]:
        """The part's actions grouped by purpose; menus.py places each group."""
        ...


def make_action(
    parent: QObject,
    text: str,
    slot: Callable[..., object],
    shortcut: Shortcut = None,
    icon: str | None = None,
    tip: str = "",
) -> QAction:
    """One action with its shortcut(s), themed icon and status tip, triggering `slot`."""
    action = QAction(text, parent)
    if icon:
        action.setIcon(theme.icon(icon))
        action.setProperty("icon_name", icon)  # restyle() re-tints it for dark mode
    if isinstance(shortcut, list):
        action.setShortcuts(shortcut)
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
    action.triggered.connect(slot)
    return action


def set_icon(action: QAction, icon: str) -> None:
    """Give an action made elsewhere (undo, redo) a themed icon that follows restyle()."""
    action.setIcon(theme.icon(icon))
    action.setProperty("icon_name", icon)


def restyle(actions: Iterable[QAction]) -> None:
    """Re-tint the actions' icons for the current palette (light/dark)."""
    for action in actions:
        name = action.property("icon_name")
        if name:
            action.setIcon(theme.icon(name))
