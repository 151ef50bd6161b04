"""Desktop notices for new work: a tray message when an item arrives for the acting user.

Shown only where the desktop has a system tray (`QSystemTrayIcon.isSystemTrayAvailable()`);
elsewhere (offscreen, some Wayland sessions) the inbox badge is the only sign, and no
hidden icon is created. Every decision is kept in `decided`, so tests can check it without
a tray.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from designer.canvas import theme


def notice_text(items: list[dict[str, Any]]) -> tuple[str, str]:
    """The title and body of the notice for newly arrived items."""
    if len(items) == 1:
        item = items[0]
        return "New work in your inbox", f"{item['title']} — {item['context']}"
    titles = ", ".join(i["title"] for i in items[:3]) + ("…" if len(items) > 3 else "")
    return f"{len(items)} new work items in your inbox", titles


class InboxNotifier(QObject):
    """Announces arrived items through the system tray, when there is one.

    Attributes:
        decided: (title, body) of every notice decided on, shown or not.
        tray: the tray icon, created on the first notice where a tray exists.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.decided: list[tuple[str, str]] = []
        self.tray: QSystemTrayIcon | None = None

    def items_arrived(self, items: list[dict[str, Any]]) -> bool:
        """Notify about `items`; returns whether a tray message was actually shown."""
        if not items:
            return False
        title, body = notice_text(items)
        self.decided.append((title, body))
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return False
        if self.tray is None:
            self.tray = QSystemTrayIcon(theme.icon("baton"), self)
            self.tray.setToolTip("Baton")
            self.tray.show()  # showMessage needs a visible icon
        self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8000)
        return True
