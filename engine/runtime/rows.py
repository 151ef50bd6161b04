"""The two rows every engine call on a run reads first, fetched on the raw DBAPI cursor.

A run's row (locked `FOR UPDATE` where the database has row locks) and a work item's row
are read by nearly every call; through a SQLAlchemy `Connection` each costs more Python
bookkeeping than the database needs to answer. Like `engine.store.prepared.Prepared` for
writes, the statements are built with SQLAlchemy Core (portable SQL), compiled once per
dialect and run on the same connection, inside the same transaction.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select

from engine.store.prepared import Prepared
from engine.store.schema import runs, work_items


class _Select(Prepared):
    """One-row select returning a named tuple of the table's columns, or None."""

    def __init__(self, table: Table, statement: Any) -> None:
        super().__init__(statement)
        self.row = namedtuple(f"{table.name}_row", [c.name for c in table.columns])  # type: ignore[misc]

    def first(self, conn: Connection, params: dict[str, Any]) -> Any:
        sql, bind = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bind(params))
            found = cursor.fetchone()
        finally:
            cursor.close()
        return None if found is None else self.row(*found)


# FOR UPDATE (rendered where the database has row locks; SQLite's BEGIN IMMEDIATE already
# serialises writers): a second call on the same run waits for this one instead of doing
# its work on stale state and being rolled back by the `rev` check at the end.
_RUN = _Select(runs, select(runs).where(runs.c.id == bindparam("id")).with_for_update())
_ITEM = _Select(work_items, select(work_items).where(work_items.c.id == bindparam("id")))


def run_row(conn: Connection, run_id: str) -> Any:
    """The `runs` row of a run, locked for this transaction; None if there is none."""
    return _RUN.first(conn, {"id": run_id})


def item_row(conn: Connection, item_id: str) -> Any:
    """The `work_items` row of an item (`outputs` as stored JSON text); None if none."""
    return _ITEM.first(conn, {"id": item_id})
