"""Everything SQLite-specific lives here: WAL mode, durable commits, busy timeout,
immediate write locks, and the checks that keep Baton away from a damaged file.

Commits are durable by default (`PRAGMA synchronous=FULL`): once a command reports success,
its transaction survives a crash of Baton, of the operating system and a power cut.
`BATON_SQLITE_SYNCHRONOUS=NORMAL` trades the last point for speed (WAL with NORMAL: a commit
survives a crash of Baton; a power cut can lose the last commits, never corrupt the file).

Other databases (PostgreSQL) need none of this; `configure` is a no-op for them.

A damaged file is never written to: SQLite reports most damage as it meets it (`file is
not a database`, `database disk image is malformed`); the store then leaves a marker file
beside the database (`FILE.damaged`, see `mark_damaged`), and every later open runs
`PRAGMA quick_check` before anything else while the marker is there. Files up to
`QUICK_CHECK_LIMIT` bytes are checked on every open anyway (about 3 ms per MB here), since
flipped bytes in a page SQLite reads without complaint would otherwise go unnoticed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url

from engine.errors import StoreFault
from engine.store import faults
from engine.store.sqlite_file import QUICK_CHECK_LIMIT, marker

SHORT_READ = "baton_short_read"
"""The mark `engine.store.sqlite_writer` leaves in a connection's `info` while a short
read borrows the kept write connection (its transactions are then read-only)."""

SYNCHRONOUS_ENV = "BATON_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_LEVELS = ("FULL", "NORMAL")
"""What `BATON_SQLITE_SYNCHRONOUS` accepts; the first is the default."""


def synchronous_level(value: str | None = None) -> str:
    """The `PRAGMA synchronous` level to use: `value`, else the environment, else FULL.

    Raises:
        StoreFault: a level other than FULL or NORMAL (nothing was opened).
    """
    chosen = value if value is not None else os.environ.get(SYNCHRONOUS_ENV, "")
    level = chosen.strip().upper() or SYNCHRONOUS_LEVELS[0]
    if level not in SYNCHRONOUS_LEVELS:
        raise StoreFault(
            f"{SYNCHRONOUS_ENV}={chosen!r} is not a durability level Baton knows",
            hint="use FULL (the default: commits survive a power cut) or NORMAL (faster; "
            "a power cut may lose the last commits), or unset it",
        )
    return level


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def database_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database).expanduser()


def prepare_file(url: str, create: bool = True) -> None:
    """Create the folder that will hold a SQLite file.

    Raises:
        StoreFault: `create` is False and the file does not exist (nothing is created).
    """
    file = database_file(url)
    if file is None:
        return
    if not create and not file.exists():
        raise faults.missing(url)
    file.parent.mkdir(parents=True, exist_ok=True)


def mark_damaged(url: str, why: str) -> None:
    """Leave the damage marker beside a file (best effort: its folder may be read-only)."""
    file = database_file(url)
    if file is None:
        return
    with contextlib.suppress(OSError):
        marker(file).write_text(why + "\n", encoding="utf-8")


def check_health(engine: Engine, url: str) -> None:
    """Refuse a damaged file before anything reads or writes it (see the module docstring).

    Raises:
        StoreDamaged: the file is not a database, or `quick_check` finds damage.
    """
    file = database_file(url)
    if file is None or not file.exists():
        return
    flagged = marker(file).exists()
    if not flagged and file.stat().st_size > QUICK_CHECK_LIMIT:
        return
    raw = engine.raw_connection()
    try:
        found = [row[0] for row in raw.cursor().execute("PRAGMA quick_check(3)").fetchall()]
    finally:
        raw.close()
    if found != ["ok"]:
        why = "; ".join(" ".join(str(f).split()) for f in found)[:300]
        mark_damaged(url, why)
        raise faults.damaged(str(file), f"quick_check: {why}")
    if flagged:
        marker(file).unlink(missing_ok=True)


def file_folder(url: str) -> Path | None:
    """The folder of a SQLite file (None for an in-memory database)."""
    file = database_file(url)
    return None if file is None else file.parent


def configure(engine: Engine, synchronous: str = "FULL") -> None:
    """WAL journal, the durability level, a busy timeout, BEGIN IMMEDIATE for writers.

    pysqlite's own transaction handling starts a deferred transaction lazily; two processes
    that both read and then write could then deadlock. Taking the write lock at BEGIN
    serialises writers cleanly, and WAL keeps readers unblocked.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: each commit waits for the log to reach the disk (see the module docstring).
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={faults.BUSY_SECONDS * 1000}")
        # Damaged pages are noticed as they are read rather than yielding wrong rows.
        cursor.execute("PRAGMA cell_size_check=ON")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Readers (Store.read) take no lock at BEGIN; writers take the write lock at once.
        read_only = connection.get_execution_options().get(
            "baton_read_only", False
        ) or connection.info.get(SHORT_READ, False)
        # On the driver's connection: every engine call begins, and going through
        # `exec_driver_sql` cost more than the BEGIN itself.
        dbapi = connection.connection.dbapi_connection
        dbapi.execute("BEGIN" if read_only else "BEGIN IMMEDIATE").close()


@contextlib.contextmanager
def relaxed_commit(conn: Connection, level: str) -> Iterator[None]:
    """Around one transaction on `conn`: its commit skips the wait for the disk
    (`synchronous=NORMAL`; in WAL mode it is still atomic, survives a crash of Baton and
    reaches the disk with the next durable commit); then the connection's `level` is put
    back, so the pooled connection never keeps the relaxed one.
    """
    dbapi = conn.connection.dbapi_connection
    dbapi.execute("PRAGMA synchronous=NORMAL").close()  # type: ignore[union-attr]
    try:
        yield
    finally:
        try:
            dbapi.execute(f"PRAGMA synchronous={level}").close()  # type: ignore[union-attr]
        except Exception:
            # A connection that may still be relaxed must never serve another commit.
            conn.invalidate()
            raise


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the database file (outside any transaction)."""
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def event_mark(conn: Connection) -> int:
    """The rowid of the newest event (0 when none): where a change feed starts reading."""
    return conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM events").scalar() or 0


def runs_changed_since(conn: Connection, mark: int) -> tuple[set[str], int]:
    """Runs with events appended after `mark`, and the new mark.

    The events table's rowid grows with every insert, so this reads only the new rows.
    """
    rows = conn.exec_driver_sql(
        "SELECT rowid, run_id FROM events WHERE rowid > ? ORDER BY rowid", (mark,)
    ).all()
    if not rows:
        return set(), mark
    return {r[1] for r in rows}, rows[-1][0]
