"""Opening the database: URL resolution, schema creation or check, dialect hooks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from engine.errors import StoreDamaged, StoreFault
from engine.store import faults, migrate, pg_dialect, sqlite_dialect
from engine.store.location import DB_ENV, default_db_url, resolve_db_url
from engine.store.sqlite_writer import Writer

# Where a database is lives in `location` (no SQLAlchemy); these names stay importable here.
__all__ = ["DB_ENV", "Store", "default_db_url", "resolve_db_url"]


class Store:
    """A Baton database: the tables of `engine.store.schema`, opened and version-checked.

    An empty database is created at the current schema; one at another schema revision is
    refused (see `engine.store.migrate`), unless `upgrade=True` migrates it first. Opening
    only reads (no write lock) unless the schema must be created or upgraded.

    Every database fault (missing, unreachable, read-only, full, damaged, busy, an
    unsupported URL) is raised as a `StoreFault` naming the database and what to do, both
    here and from `transaction()` and `read()`; see `engine.store.faults`.

    Args:
        url: a SQLAlchemy URL or a plain file path; None picks `resolve_db_url()`.
        upgrade: apply pending migrations instead of refusing an older database.
        create: create a missing SQLite file (False for commands that only read: a
            mistyped path is then reported, not created).
        synchronous: SQLite durability, "FULL" or "NORMAL"; None reads
            `BATON_SQLITE_SYNCHRONOUS` (default FULL; see `engine.store.sqlite_dialect`).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        upgrade: bool = False,
        create: bool = True,
        synchronous: str | None = None,
    ) -> None:
        self.url = resolve_db_url(url)
        self.upgraded: tuple[str | None, str] | None = None
        self.synchronous = synchronous
        # SQLite's writes all go through one kept connection (engine.store.sqlite_writer).
        self._writer: Writer | None = None
        try:
            self._open(upgrade, create)
        except Exception as exc:
            if not _is_fault(exc):
                raise
            raise self._fault(exc) from None

    def _open(self, upgrade: bool, create: bool) -> None:
        backend = make_url(self.url).get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise faults.unsupported_scheme(self.url)
        self.is_sqlite = backend == "sqlite"
        self.is_postgresql = backend == "postgresql"
        if self.is_sqlite:
            self.synchronous = sqlite_dialect.synchronous_level(self.synchronous)
            sqlite_dialect.prepare_file(self.url, create=create)
        if self.is_postgresql:
            self.engine = create_engine(pg_dialect.driver_url(self.url), pool_pre_ping=True)
        else:
            self.engine = create_engine(self.url)
        if self.is_sqlite:
            sqlite_dialect.configure(self.engine, self.synchronous)
            sqlite_dialect.check_health(self.engine, self.url)
        self._open_schema(upgrade)
        if self.is_sqlite and sqlite_dialect.database_file(self.url) is not None:
            # A file: an in-memory database is one per thread (SQLAlchemy's pool for it
            # hands each thread its own), so it keeps the pool's way.
            self._writer = Writer(self.engine, faults.display(self.url))

    def _open_schema(self, upgrade: bool) -> None:
        if not upgrade:
            # The common case only reads the revision, so opening never waits for (or
            # blocks) a writer; the write lock is taken only to create the schema.
            with self.engine.connect().execution_options(baton_read_only=True) as conn:
                if migrate.current(conn) is not None:
                    migrate.check(conn, self.url)
                    return
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

    def _fault(self, exc: BaseException) -> StoreFault:
        fault = faults.describe(exc, self.url)
        if isinstance(fault, StoreDamaged) and getattr(self, "is_sqlite", False):
            sqlite_dialect.mark_damaged(self.url, fault.message)
        return fault

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error.

        Args:
            durable: False for bookkeeping whose loss in a power cut is harmless (a
                delivery's claim on an outbox row: lost, the row is just due again). Its
                commit does not wait for the disk; it becomes durable with the next durable
                commit, and is never torn (SQLite: `synchronous=NORMAL` for this commit
                only; PostgreSQL: `synchronous_commit` off for this transaction).

        Raises:
            StoreFault: the database failed (a conflict another try cures is re-raised as is).
        """
        try:
            if self._writer is not None:
                # Relaxed too: a write on a connection of its own would make the kept one
                # throw its page cache away (engine.store.sqlite_writer).
                relaxed = None if durable else self.synchronous or "FULL"
                with self._writer.transaction(relaxed) as conn:
                    yield conn
            elif not durable and self.is_sqlite:
                # SQLite reads the level at commit: set around the whole transaction, on a
                # pooled connection of its own, so the pool never keeps the relaxed one.
                with (
                    self.engine.connect() as conn,
                    sqlite_dialect.relaxed_commit(conn, self.synchronous or "FULL"),
                    conn.begin(),
                ):
                    yield conn
            else:
                with self.engine.begin() as conn:
                    if not durable:
                        pg_dialect.relax_commit(conn)
                    yield conn
        except Exception as exc:
            if not faults.is_driver_error(exc) or self.is_retryable(exc):
                raise
            raise self._fault(exc) from exc

    @contextmanager
    def read(self, short: bool = False) -> Iterator[Connection]:
        """A connection for queries only (takes no write lock).

        Args:
            short: the block reads a few indexed rows and nothing else. A SQLite file store
                then reads on its kept write connection when no other call of this process
                holds it (its page cache is current; see `engine.store.sqlite_writer`). Never
                open a write transaction inside a short read.

        Raises:
            StoreFault: the database failed.
        """
        try:
            if short and self._writer is not None:
                with self._writer.borrowed() as kept:
                    if kept is not None:
                        yield kept
                        return
            with self.engine.connect().execution_options(baton_read_only=True) as conn:
                yield conn
        except Exception as exc:
            if not faults.is_driver_error(exc):
                raise
            raise self._fault(exc) from exc

    @property
    def is_shared(self) -> bool:
        """Whether several desktops may use this database (anything but a SQLite file)."""
        return not self.is_sqlite

    def is_retryable(self, exc: BaseException) -> bool:
        """Whether a database error means "run this transaction again": another
        transaction won, or a new run drew an id that is taken (the next draw differs)."""
        if faults.is_taken_run_id(exc):
            return True
        return self.is_postgresql and faults.sqlstate(exc) in pg_dialect.RETRYABLE_SQLSTATES

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
        if self._writer is not None:
            self._writer.close()
        self.engine.dispose()


def _is_fault(exc: BaseException) -> bool:
    # What opening a database can meet that is the database's fault, not Baton's.
    return isinstance(
        exc, (StoreFault, OSError, ArgumentError, NoSuchModuleError, ModuleNotFoundError)
    ) or faults.is_driver_error(exc)
