"""The main window's size and place on the screen it opens on.

The designer prefers 1440x900, but many laptops and remote desktops offer less (1024x700
is common): a window larger than the screen has its status bar, its Inspector and the
right of the canvas cut off. So the opening size is the preferred one clamped to the
screen's available area (without panels and docks of the desktop), and a geometry restored
from a larger screen is pulled back onto this one.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QWidget

from designer.screens import FRAME_ALLOWANCE

PREFERRED = QSize(1440, 900)


def opening_size(screen: QScreen | None) -> QSize:
    """The preferred window size, no larger than the screen's available area."""
    if screen is None:
        return PREFERRED
    room = screen.availableGeometry().size() - FRAME_ALLOWANCE
    return PREFERRED.boundedTo(room).expandedTo(QSize(400, 300))


def clamp_restored(window: QWidget) -> None:
    """After restoreGeometry: a window saved on a bigger screen is made to fit this one."""
    screen = window.screen()
    if screen is None:
        return
    available = screen.availableGeometry()
    if window.isMaximized() or window.isFullScreen():
        return
    frame = window.frameGeometry()
    if available.contains(frame):
        return
    size = window.size().boundedTo(available.size() - FRAME_ALLOWANCE)
    window.resize(size)
    window.move(_inside(QRect(window.pos(), window.frameGeometry().size()), available))


def keep_on_screen(window: QWidget, grow: bool) -> None:
    """On first show, once the frame is known: fit the window onto the screen.

    `grow`: the window has the size `opening_size` gave it, which allowed for a frame of
    unknown size; now that it is known, the window takes the room it leaves.
    """
    screen = window.screen()
    if screen is None or window.isMaximized() or window.isFullScreen():
        return
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    extra = frame.size() - window.geometry().size()  # title bar and borders
    wanted = (PREFERRED if grow else window.size()).boundedTo(available.size() - extra)
    if wanted != window.size():
        window.resize(wanted.expandedTo(window.minimumSizeHint()))
    frame = window.frameGeometry()
    if not available.contains(frame):
        window.move(_inside(frame, available))


def _inside(frame: QRect, available: QRect) -> QPoint:
    """The top-left point that puts `frame` inside `available` (top-left wins if too big)."""
    x = min(frame.x(), available.right() + 1 - frame.width())
    y = min(frame.y(), available.bottom() + 1 - frame.height())
    return QPoint(max(x, available.x()), max(y, available.y()))
