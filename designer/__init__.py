"""Baton's designer: the PySide6 desktop studio (depends on `engine`, never the reverse)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("baton-studio")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
