"""Reading a Baton SQLite file with the standard library's `sqlite3`, without SQLAlchemy.

Importing SQLAlchemy is most of what `baton runs` costs to start (benchmarks/cli_startup.py),
so a list command on a SQLite file reads through a plain connection when the file is
plainly healthy: it exists, carries no damage marker, passes the same quick check `Store`
runs on small files, and is at this build's schema revision. Anything else (another
database, a missing, damaged, older or newer file, any error while looking) is left to
`Store`, which opens it or refuses it in its own words and exit code: one place decides
what a fault is called. A busy file is the exception: asking `Store` would wait for the
same lock a second time, so it is refused here at once, in `Store`'s words
(`engine.store.faults`).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING
from urllib.parse import quote

from engine.store import sqlite_file
from engine.store.location import plain_sqlite_file
from engine.store.revision import HEAD
from engine.store.sqlite_file import QUICK_CHECK_LIMIT, marker

if TYPE_CHECKING:
    from engine.errors import StoreFault


def open_for_reading(url: str) -> sqlite3.Connection | None:
    """A connection for queries only to the SQLite file at `url` (a resolved URL, see
    `engine.store.location.resolve_db_url`), or None when `Store` must open it.

    The connection never creates the file and takes no write lock; it waits for a busy
    file as long as `Store` does. Its caller answers a `sqlite3.Error` met later the same
    way: `busy_fault`, else repeating the read through `Store`.

    Raises:
        StoreFault: the file stayed locked for `BUSY_SECONDS` (see `busy_fault`).
    """
    file = plain_sqlite_file(url)
    if file is None or not file.is_file() or marker(file).exists():
        return None
    try:
        conn = sqlite3.connect(
            f"file:{quote(str(file))}?mode=rw",
            uri=True,
            timeout=sqlite_file.BUSY_SECONDS,
            isolation_level=None,
        )
    except sqlite3.Error:
        return None
    try:
        # Damaged pages are noticed as they are read rather than yielding wrong rows.
        conn.execute("PRAGMA cell_size_check=ON")
        healthy = file.stat().st_size > QUICK_CHECK_LIMIT or conn.execute(
            "PRAGMA quick_check(1)"
        ).fetchall() == [("ok",)]
        found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except (sqlite3.Error, OSError) as exc:
        conn.close()
        fault = busy_fault(exc, url)
        if fault is not None:
            raise fault from None
        return None
    if not healthy or found != [(HEAD,)]:
        conn.close()
        return None
    return conn


def busy_fault(exc: BaseException, url: str) -> StoreFault | None:
    """The fault `Store` reports for a file another process kept locked past the busy
    wait, or None when `exc` is something else."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if not name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return None
    from engine.store import faults  # the words every other command uses

    return faults.describe(exc, url)
