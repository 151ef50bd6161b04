"""Persistence: SQLAlchemy Core tables on SQLite (default) or another database.

The package's names are imported on first use, not with the package: `engine.store.lite`
and `engine.store.location` serve `baton runs` on a SQLite file without SQLAlchemy, which
importing `Store` would load (most of that command's start-up; benchmarks/cli_startup.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.errors import StoreTooNew, StoreTooOld
    from engine.store.location import DB_ENV, default_db_url, resolve_db_url
    from engine.store.store import Store
    from engine.store.times import format_time, parse_time

_LAZY = {
    "DB_ENV": "engine.store.location",
    "Store": "engine.store.store",
    "StoreTooNew": "engine.errors",
    "StoreTooOld": "engine.errors",
    "default_db_url": "engine.store.location",
    "format_time": "engine.store.times",
    "parse_time": "engine.store.times",
    "resolve_db_url": "engine.store.location",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "DB_ENV",
    "Store",
    "StoreTooNew",
    "StoreTooOld",
    "default_db_url",
    "format_time",
    "parse_time",
    "resolve_db_url",
]
