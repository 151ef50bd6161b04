"""Everything PostgreSQL-specific: the driver, which errors mean "try again", the change feed.

The tables, statements and row locks are portable SQLAlchemy Core; what differs lives here:
psycopg 3 as the driver for plain `postgresql://` URLs, SQLSTATEs that a repeated
transaction cures (serialization failure, deadlock), and `LISTEN/NOTIFY` so other desktops
hear of a change without polling.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

CHANNEL = "baton_changes"
"""The NOTIFY channel; the payload is the comma-separated ids of the runs a commit changed."""

CONNECT_TIMEOUT = 10
"""Seconds to wait for a PostgreSQL server to answer a new connection (unless the URL says)."""

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def is_postgresql(url: str) -> bool:
    """Whether a database URL names PostgreSQL."""
    return make_url(url).get_backend_name() == "postgresql"


def driver_url(url: str) -> str:
    """Pin psycopg 3 for `postgresql://` URLs (SQLAlchemy would otherwise pick psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        # A server that drops packets would otherwise hold every command for minutes.
        parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT)})
    return parsed.render_as_string(hide_password=False)


def is_retryable(exc: BaseException) -> bool:
    """Whether a database error is cured by running the transaction again."""
    original = getattr(exc, "orig", None)
    return getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES


def announce(conn: Connection, run_ids: Iterable[str]) -> None:
    """Tell listeners which runs this transaction changed (delivered only if it commits)."""
    payload = ",".join(sorted(run_ids))
    if payload:
        # NOTIFY payloads are capped at 8000 bytes; a listener re-reads anyway.
        conn.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": payload[:7900]},
        )


def relax_commit(conn: Connection) -> None:
    """This transaction's commit does not wait for the server's disk (a crash of the server
    may lose it, never tear it); the setting ends with the transaction."""
    conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def lock_schema(conn: Connection) -> None:
    """Hold a transaction-scoped advisory lock while the schema is checked or created."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 0x6261746F6E})


def listen(conn: Connection) -> None:
    """Subscribe a connection (outside any transaction) to the change channel."""
    conn.exec_driver_sql(f"LISTEN {CHANNEL}")


def wait_for_changes(conn: Connection, timeout: float) -> set[str]:
    """Block up to `timeout` seconds for change notices; returns the run ids announced."""
    raw = conn.connection.dbapi_connection
    changed: set[str] = set()
    for notice in raw.notifies(timeout=timeout, stop_after=1):  # type: ignore[union-attr]
        changed.update(r for r in notice.payload.split(",") if r)
    return changed
