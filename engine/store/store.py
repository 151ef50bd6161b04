"""Opening the database: URL resolution, schema creation, the schema-version check."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Connection, create_engine, select

from engine.errors import StoreTooNew
from engine.store import sqlite_dialect
from engine.store.schema import SCHEMA_VERSION, meta, metadata

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

    Args:
        url: a SQLAlchemy URL or a plain file path; None picks `resolve_db_url()`.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_db_url(url)
        if sqlite_dialect.is_sqlite(self.url):
            sqlite_dialect.prepare_file(self.url)
        self.engine = create_engine(self.url)
        if sqlite_dialect.is_sqlite(self.url):
            sqlite_dialect.configure(self.engine)
        self._open_schema()

    def _open_schema(self) -> None:
        with self.engine.begin() as conn:
            metadata.create_all(conn, tables=[meta])
            row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
            if row is None:
                metadata.create_all(conn)
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            found = int(row[0])
            if found > SCHEMA_VERSION:
                raise StoreTooNew(
                    f"the database {self.url} has schema version {found}, newer than this "
                    f"Baton understands ({SCHEMA_VERSION})",
                    hint="upgrade Baton, or point --db / BATON_DB at another database",
                )
            metadata.create_all(conn)

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

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the main file (no-op elsewhere)."""
        if sqlite_dialect.is_sqlite(self.url):
            sqlite_dialect.checkpoint(self.engine)

    def file_folder(self) -> Path | None:
        """The folder holding a file database (SQLite), else None."""
        if sqlite_dialect.is_sqlite(self.url):
            return sqlite_dialect.file_folder(self.url)
        return None

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()
