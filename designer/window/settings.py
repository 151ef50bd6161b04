"""Where the designer keeps its preferences (window layout, view toggles, recent files)."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def designer_settings() -> QSettings:
    """The designer's settings store (tests redirect it to a scratch folder)."""
    return QSettings("Baton", "Baton designer")
