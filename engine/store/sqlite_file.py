"""Facts about a Baton SQLite file that need no SQLAlchemy, shared by the store
(`sqlite_dialect`, `faults`) and the read path without SQLAlchemy (`lite`)."""

from __future__ import annotations

from pathlib import Path

BUSY_SECONDS = 10
"""How long a writer waits for another process's write transaction (SQLite busy timeout)."""

QUICK_CHECK_LIMIT = 16 * 1024 * 1024
"""Files up to this size are checked (`PRAGMA quick_check`) every time they are opened."""


def marker(file: Path) -> Path:
    """The file that says "this database was found damaged"."""
    return file.with_name(file.name + ".damaged")
