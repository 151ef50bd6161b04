"""Prepared statements for the engine's hottest writes and look-ups.

SQLAlchemy Core builds every statement here (so the SQL stays portable), but executing a
statement through a Connection costs ~60 µs of Python bookkeeping, more than SQLite needs
to run it. The few writes every engine call makes (run row, step rows, events, work
items) and the look-ups every call makes (the active version, the webhooks listening)
therefore go through `Prepared`: compiled once per dialect, then handed with plain
parameters to the DBAPI cursor of the same connection, inside the same transaction.

Values must already be in database form: JSON columns are passed as `json.dumps` text
(what SQLAlchemy's JSON type writes, so reads through Core decode them as usual). Rows a
query returns are plain driver tuples, in the order of its selected columns, undecoded.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement


class Prepared:
    """A Core statement compiled per dialect and executed on the raw DBAPI cursor.

    Args:
        statement: an insert/update/delete/select built with `bindparam`s (or a bare insert).
    """

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {}
        self._row: Any = None

    def _compile(self, conn: Connection) -> tuple[str, Callable[[dict[str, Any]], Any]]:
        """The SQL for this connection's dialect, and what turns a row's dict into the
        driver's parameters."""
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            defaults = dict(compiled.params)
            if dialect.paramstyle in ("qmark", "numeric", "format"):
                binder = _positional(tuple(compiled.positiontup or ()), defaults)
            else:
                binder = _named(defaults)
            found = self._compiled[dialect.name] = (compiled.string, binder)
        return found

    def run(self, conn: Connection, params: dict[str, Any]) -> int:
        """Execute once; returns the number of rows affected."""
        sql, bind = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bind(params))
            return cursor.rowcount
        finally:
            cursor.close()

    def rows(self, conn: Connection, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Execute a query; returns its rows as driver tuples."""
        sql, bind = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bind(params or {}))
            return cursor.fetchall()
        finally:
            cursor.close()

    def first(self, conn: Connection, params: dict[str, Any] | None = None) -> Any:
        """Execute a query; its first row as a named tuple of the selected columns (values
        as the driver returns them), or None."""
        found = self.rows(conn, params)
        if not found:
            return None
        return self.named(found[0])

    def named(self, row: tuple[Any, ...]) -> Any:
        """A driver row of this query as a named tuple of its selected columns."""
        if self._row is None:
            names = list(self.statement.selected_columns.keys())  # type: ignore[attr-defined]
            self._row = namedtuple("Row", names)  # type: ignore[misc]
        return self._row(*row)

    def scalar(self, conn: Connection, params: dict[str, Any] | None = None) -> Any:
        """Execute a query; the first column of its first row, or None when it has none."""
        found = self.rows(conn, params)
        return found[0][0] if found else None

    def run_many(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Execute for each parameter set, in one DBAPI call."""
        if not rows:
            return
        sql, bind = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, [bind(r) for r in rows])
        finally:
            cursor.close()


def _positional(
    order: tuple[str, ...], defaults: dict[str, Any]
) -> Callable[[dict[str, Any]], Any]:
    # itemgetter picks a row's values in C; a row that leaves a parameter out (a column
    # with a default) takes the slower path through the defaults.
    if not order:
        return lambda params: ()
    pick = itemgetter(*order)
    if len(order) == 1:
        only = order[0]

        def one(params: dict[str, Any]) -> tuple[Any, ...]:
            return (params[only] if only in params else defaults[only],)

        return one

    def many(params: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return pick(params)
        except KeyError:
            return pick({**defaults, **params})

    return many


def _named(defaults: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda params: {**defaults, **params}
