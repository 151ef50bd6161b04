"""A cheap change feed: which runs other processes changed, for live views (inbox, overlay).

On PostgreSQL every engine commit NOTIFYs the ids of the runs it changed (see
`pg_dialect.announce`); `ChangeFeed.poll` LISTENs on its own connection and returns as soon
as a notice arrives. On SQLite there is no server to push anything: `poll` returns at once
with the runs whose events were appended since the previous call, and the caller polls on
its own timer (the designer's overlay does so every half second).
"""

from __future__ import annotations

from sqlalchemy import Connection

from engine.store import pg_dialect, sqlite_dialect
from engine.store.store import Store


class ChangeFeed:
    """Run ids changed since the last `poll`, across processes.

    Args:
        store: the database to watch (the feed keeps one connection of its own).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._conn: Connection | None = None
        self._mark = 0
        if store.is_postgresql:
            # Notices reach a session that is not inside a transaction: hence autocommit.
            self._conn = store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            pg_dialect.listen(self._conn)
        else:
            with store.read() as conn:
                self._mark = sqlite_dialect.event_mark(conn)

    def poll(self, timeout: float = 1.0) -> set[str]:
        """Ids of runs changed since the previous call.

        Blocks up to `timeout` seconds for the first change on PostgreSQL; returns at once
        on SQLite.
        """
        if self._conn is not None:
            return pg_dialect.wait_for_changes(self._conn, timeout)
        with self.store.read() as conn:
            changed, self._mark = sqlite_dialect.runs_changed_since(conn, self._mark)
        return changed

    def close(self) -> None:
        """Stop listening and release the connection."""
        if self._conn is not None:
            self._conn.close()
