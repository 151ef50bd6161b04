"""Opening the database: URL resolution, schema creation or check, dialect hooks."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Connection, create_engine

from engine.store import migrate, pg_dialect, sqlite_dialect

DB_ENV = "BATON_DB"


def default_db_url() -> str:
    """The SQLite file in the user data folder, shared by the CLI and the designer."""
    folder = Path(platformdirs.user_data_dir("baton", appauthor=False))
    return f"sqlite:///{folder / 'baton.db'}"


def resolve_db_url(db: str | None = None) -> str:
    """An explicit `--db`, else `BATON_DB`, else the default file.

    A plain path (no `scheme://`) means a SQLite file.
    """
    chosen = db or os.environ.get(DB_ENV) or default_db_url()
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


class Store:
    """A Baton database: the tables of `engine.store.schema`, opened and version-checked.

    An empty database is created at the current schema; one at another schema revision is
    refused (see `engine.store.migrate`), unless `upgrade=True` migrates it first.

    Args:
        url: a SQLAlchemy URL or a plain file path; None picks `resolve_db_url()`.
        upgrade: apply pending migrations instead of refusing an older database.
    """

    def __init__(self, url: str | None = None, *, upgrade: bool = False) -> None:
        self.url = resolve_db_url(url)
        self.is_sqlite = sqlite_dialect.is_sqlite(self.url)
        self.is_postgresql = pg_dialect.is_postgresql(self.url)
        if self.is_sqlite:
            sqlite_dialect.prepare_file(self.url)
        if self.is_postgresql:
            self.engine = create_engine(pg_dialect.driver_url(self.url), pool_pre_ping=True)
        else:
            self.engine = create_engine(self.url)
        if self.is_sqlite:
            sqlite_dialect.configure(self.engine)
        self.upgraded: tuple[str | None, str] | None = None
        self._open_schema(upgrade)

    def _open_schema(self, upgrade: bool) -> None:
        with self.engine.begin() as conn:
            if self.is_postgresql:
                # Two desktops opening a new database at once must not both create it.
                pg_dialect.lock_schema(conn)
            if upgrade:
                self.upgraded = migrate.upgrade(conn, self.url)
            elif migrate.current(conn) is None:
                migrate.create_fresh(conn)
            else:
                migrate.check(conn, self.url)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for queries only (takes no write lock)."""
        with self.engine.connect().execution_options(baton_read_only=True) as conn:
            yield conn

    @property
    def is_shared(self) -> bool:
        """Whether several desktops may use this database (anything but a SQLite file)."""
        return not self.is_sqlite

    def is_retryable(self, exc: BaseException) -> bool:
        """Whether a database error means "another transaction won; run this one again"."""
        return self.is_postgresql and pg_dialect.is_retryable(exc)

    def announce(self, conn: Connection, run_ids: Iterable[str]) -> None:
        """Publish, with this transaction's commit, which runs it changed (PostgreSQL only;
        elsewhere readers poll the event log)."""
        if self.is_postgresql:
            pg_dialect.announce(conn, run_ids)

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the main file (no-op elsewhere)."""
        if self.is_sqlite:
            sqlite_dialect.checkpoint(self.engine)

    def file_folder(self) -> Path | None:
        """The folder holding a file database (SQLite), else None."""
        if self.is_sqlite:
            return sqlite_dialect.file_folder(self.url)
        return None

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()
