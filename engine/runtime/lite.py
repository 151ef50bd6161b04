"""`LiteReader`: the runs list of a SQLite file, read without SQLAlchemy.

`baton runs` is the command people type most against a big database, and importing
SQLAlchemy was most of its start-up. On a plainly healthy SQLite file at this build's
schema (`engine.store.lite.open_for_reading`) it reads the runs list with the standard
library's `sqlite3`, running the very statement the SQLAlchemy path runs
(`engine.runtime.selection.runs_sql`). Everything else (stuck runs, work lists, any other
database or file) and any error on the way goes to a `Reader` opened on demand, so its
output and its faults are `Reader`'s, word for word.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from engine.runtime.listing import Listing
from engine.runtime.selection import RunSelection, WorkSelection, run_summary, runs_sql
from engine.store.lite import busy_fault, open_for_reading
from engine.store.location import resolve_db_url

if TYPE_CHECKING:
    from engine.runtime.reader import Reader


class LiteReader(Listing):
    """`runs` (and, through a `Reader`, `work_items`) on a database.

    Args:
        db: `--db` (or `BATON_DB`); None is the default file in the user data folder,
            which the `Reader` creates when it does not exist yet (as every command does).
    """

    def __init__(self, db: str | None = None) -> None:
        self.url = resolve_db_url(db)
        self._create = db is None
        self._conn = open_for_reading(self.url)
        self._reader: Reader | None = None

    @property
    def reads_without_sqlalchemy(self) -> bool:
        """Whether the runs list is read through plain `sqlite3` (for tests and benchmarks)."""
        return self._conn is not None

    def _full(self) -> Reader:
        # The Reader answers what the plain connection does not, and reports faults.
        if self._reader is None:
            from engine.runtime.reader import Reader
            from engine.store import Store

            self._reader = Reader(Store(self.url, create=self._create))
        return self._reader

    def _select_runs(self, selection: RunSelection, stuck: bool) -> list[dict[str, Any]]:
        # `Listing.runs`: stuck runs need the run machinery's reasons, so the Reader's.
        if self._conn is None or stuck:
            return self._full()._select_runs(selection, stuck)
        statement, params = runs_sql(selection)
        try:
            rows = self._conn.execute(statement, params).fetchall()
        except sqlite3.Error as exc:
            self._drop_connection()
            fault = busy_fault(exc, self.url)
            if fault is not None:
                raise fault from None
            # Damaged, changed under us: the Reader repeats the read (reads change
            # nothing) and names the fault as every other command does.
            return self._full()._select_runs(selection, stuck)
        return [run_summary(row) for row in rows]

    def _select_work_items(
        self,
        user: str | None,
        include_closed: bool,
        selection: WorkSelection,
        after: tuple[str, str] | None,
        limit: int | None,
    ) -> list[dict[str, Any]]:
        return self._full()._select_work_items(user, include_closed, selection, after, limit)

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        """Release the database."""
        self._drop_connection()
        if self._reader is not None:
            self._reader.close()
