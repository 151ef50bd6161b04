"""Dialogs of the designer."""

from designer.dialogs.find import FindElementDialog

__all__ = ["FindElementDialog"]
