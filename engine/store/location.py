"""Which database a command uses: `--db`, else `BATON_DB`, else the shared default file.

Free of SQLAlchemy, so the SQLite read path (`engine.store.lite`) finds the file without it.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "BATON_DB"

_SQLITE_FILE = "sqlite:///"


def default_db_url() -> str:
    """The SQLite file in the user data folder, shared by the CLI and the designer."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("baton", appauthor=False))
    return f"{_SQLITE_FILE}{folder / 'baton.db'}"


def resolve_db_url(db: str | None = None) -> str:
    """An explicit `--db`, else `BATON_DB`, else the default file.

    A plain path (no `scheme://`) means a SQLite file.
    """
    chosen = db or os.environ.get(DB_ENV) or default_db_url()
    if "://" not in chosen:
        chosen = f"{_SQLITE_FILE}{Path(chosen).expanduser().resolve()}"
    return chosen


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a URL that names an ordinary SQLite file by its absolute path
    (`sqlite:////abs/file.db`, what `resolve_db_url` makes of a path), else None: another
    database, an in-memory or relative one, or a URL with options, which only SQLAlchemy's
    URL rules read correctly."""
    if not url.startswith(_SQLITE_FILE) or "?" in url:
        return None
    path = url[len(_SQLITE_FILE) :]
    if not path.startswith("/") or path.startswith("//"):
        return None
    return Path(path)
