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

from collections.abc import Sequence
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
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _compile(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            positional = dialect.paramstyle in ("qmark", "numeric", "format")
            order = tuple(compiled.positiontup or ()) if positional else None
            found = self._compiled[dialect.name] = (compiled.string, order, dict(compiled.params))
        return found

    def _args(
        self, order: tuple[str, ...] | None, defaults: dict[str, Any], params: dict[str, Any]
    ) -> Any:
        if order is None:
            return {**defaults, **params}
        return tuple(params[k] if k in params else defaults[k] for k in order)

    def run(self, conn: Connection, params: dict[str, Any]) -> int:
        """Execute once; returns the number of rows affected."""
        sql, order, defaults = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, self._args(order, defaults, params))
            return cursor.rowcount
        finally:
            cursor.close()

    def rows(self, conn: Connection, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Execute a query; returns its rows as driver tuples."""
        sql, order, defaults = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, self._args(order, defaults, params or {}))
            return cursor.fetchall()
        finally:
            cursor.close()

    def scalar(self, conn: Connection, params: dict[str, Any] | None = None) -> Any:
        """Execute a query; the first column of its first row, or None when it has none."""
        found = self.rows(conn, params)
        return found[0][0] if found else None

    def run_many(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Execute for each parameter set, in one DBAPI call."""
        if not rows:
            return
        sql, order, defaults = self._compile(conn)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, [self._args(order, defaults, r) for r in rows])
        finally:
            cursor.close()
