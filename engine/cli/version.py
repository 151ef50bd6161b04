"""The installed version of Baton, without importing the command-line framework."""

from __future__ import annotations


def baton_version() -> str:
    """The installed version, from pyproject.toml via the package metadata."""
    from importlib.metadata import version

    try:
        return version("baton-studio")
    except Exception:
        return "0+unknown"
