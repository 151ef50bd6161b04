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
    def transaction(self) -> Iterator[Connection]:
        """One write transaction on the kept connection; committed when the block ends.

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
            conn = self._conn
            if conn is None or conn.closed or conn.invalidated:
                conn = self._conn = self._engine.connect()
            try:
                with conn.begin():
                    yield conn
            except BaseException:
                self._discard()
                raise
        finally:
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
