"""The one connection a SQLite store writes through, kept open between transactions.

SQLite lets one writer at a time into a file (`BEGIN IMMEDIATE` takes the write lock), so
a process gains nothing from writing through several connections. Taking a connection
from SQLAlchemy's pool and handing it back costs some 60 µs of Python per transaction
(checkout, the reset on return, the `Connection` object), a tenth of a whole background
run; `Writer` keeps one `Connection` for every write transaction of the store instead.

Threads of one process take turns through a lock, as they took turns at SQLite's write
lock before; a thread waits at most `BUSY_SECONDS` for it, the same as for another
process, and then gets the same "busy" fault. Durability is unchanged: each transaction
still commits (and syncs) on its own.

Commits that need not wait for the disk (`Store.transaction(durable=False)`, a delivery's
claim) go through it too, with the level relaxed for that commit only and put back: on a
connection of their own they would leave the kept one's page cache stale.

A short read (`Store.read(short=True)`: a few indexed rows) borrows the kept connection
when no other call of the process holds it. A reading connection of its own would find the
file changed by the last write and throw its page cache away, then read the same pages
back: about 90 µs of CPU for a one-row query after each write; the writer's cache is
current. A long read never borrows it (a writer of the process would wait for it).

A write transaction opened inside another on the same thread could never get SQLite's
write lock (its own thread holds it), and still cannot: it gets the busy fault after the
same wait. After a failed transaction the kept connection is closed, so the next one
starts afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from engine.errors import StoreFault
from engine.store.faults import BUSY_SECONDS
from engine.store.sqlite_dialect import SHORT_READ, relaxed_commit


class Writer:
    """The kept write connection of one SQLite store (see the module docstring)."""

    def __init__(self, engine: Engine, name: str) -> None:
        """`name` is how messages name the database (`engine.store.faults.display`)."""
        self._engine = engine
        self._name = name
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._conn: Connection | None = None
        self._closing = False

    @contextmanager
    def transaction(self, relaxed: str | None = None) -> Iterator[Connection]:
        """One write transaction on the kept connection; committed when the block ends.

        Args:
            relaxed: for a commit that need not wait for the disk (`Store.transaction`'s
                `durable=False`), the connection's own level, put back after the commit
                (a connection that could not be put back is closed, never kept relaxed).

        Raises:
            StoreFault: another thread of this process kept writing for `BUSY_SECONDS`.
        """
        if not self._lock.acquire(timeout=BUSY_SECONDS):
            raise StoreFault(
                f"the database {self._name} is busy: another call of this process has been "
                f"writing to it for more than {BUSY_SECONDS} s",
                hint="repeat the command when that call has finished; nothing was changed",
            )
        self._owner = threading.get_ident()
        try:
            conn = self._connection()
            try:
                if relaxed is None:
                    with conn.begin():
                        yield conn
                else:
                    with relaxed_commit(conn, relaxed), conn.begin():
                        yield conn
            except BaseException:
                self._discard()
                raise
        finally:
            self._release()

    @contextmanager
    def borrowed(self) -> Iterator[Connection | None]:
        """The kept connection for a short read, if no other call holds it right now (else
        None: the caller reads on a pooled connection). Statements run outside a write
        transaction, each seeing what is committed; Core statements begin a deferred read
        transaction, rolled back at the end."""
        if not self._lock.acquire(blocking=False):
            yield None
            return
        self._owner = threading.get_ident()
        try:
            conn = self._connection()
            # Read-only: a Core statement's transaction begins without the write lock (a
            # mark the dialect's begin hook reads; setting an execution option and taking
            # it off again would cost more than the query).
            info = conn.info
            info[SHORT_READ] = True
            try:
                yield conn
                if conn.in_transaction():
                    conn.rollback()
                del info[SHORT_READ]
            except BaseException:
                self._discard()
                raise
        finally:
            self._release()

    def _connection(self) -> Connection:
        """The kept connection, opened again if it was closed or invalidated (lock held)."""
        conn = self._conn
        if conn is None or conn.closed or conn.invalidated:
            conn = self._conn = self._engine.connect()
        return conn

    def _release(self) -> None:
        """End the holder's turn: close the connection if `close` came meanwhile, then let
        the next thread in."""
        if self._closing:
            self._closing = False
            self._discard()
        self._owner = None
        self._lock.release()

    def close(self) -> None:
        """Close the kept connection (waiting for a transaction of another thread to end)."""
        if self._owner == threading.get_ident():
            self._closing = True  # from inside its transaction: closed when that one ends
            return
        if self._lock.acquire(timeout=BUSY_SECONDS):
            try:
                self._discard()
            finally:
                self._lock.release()

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
