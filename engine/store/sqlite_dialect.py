"""Everything SQLite-specific lives here: WAL mode, busy timeout, immediate write locks.

Other databases (PostgreSQL) need none of this; `configure` is a no-op for them.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url


def is_sqlite(url: str) -> bool:
    """Whether a database URL names SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def prepare_file(url: str) -> None:
    """Create the folder that will hold a SQLite file."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def file_folder(url: str) -> Path | None:
    """The folder of a SQLite file (None for an in-memory database)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser().parent


def configure(engine: Engine) -> None:
    """WAL journal, a busy timeout, and BEGIN IMMEDIATE for every transaction.

    pysqlite's own transaction handling starts a deferred transaction lazily; two processes
    that both read and then write could then deadlock. Taking the write lock at BEGIN
    serialises writers cleanly, and WAL keeps readers unblocked.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives a process crash; only a power cut can lose
        # the last transactions, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Readers (Store.read) take no lock at BEGIN; writers take the write lock at once.
        read_only = connection.get_execution_options().get("baton_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the database file (outside any transaction)."""
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
