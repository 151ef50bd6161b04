"""Sizes that fit the screen a window opens on (Qt only, below every designer layer)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

# A window manager adds a title bar and borders outside the widget's geometry; before the
# first show their size is unknown, so this much is kept free until it is.
FRAME_ALLOWANCE = QSize(16, 40)


def fit_dialog(dialog: QWidget, preferred: QSize) -> None:
    """Size a roomy dialog (simulation, migration, process tests, audit log) at `preferred`,
    no larger than the screen it opens on: at 1024x700 a 1500x900 dialog had its buttons
    and the right of its charts off the screen."""
    screen = dialog.screen()
    if screen is not None:
        preferred = preferred.boundedTo(screen.availableGeometry().size() - FRAME_ALLOWANCE)
    dialog.resize(preferred)
