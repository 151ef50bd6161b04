"""Persistence: SQLAlchemy Core tables on SQLite (default) or another database."""

from engine.errors import StoreTooNew
from engine.store.store import DB_ENV, Store, default_db_url, resolve_db_url
from engine.store.times import format_time, parse_time

__all__ = [
    "DB_ENV",
    "Store",
    "StoreTooNew",
    "default_db_url",
    "format_time",
    "parse_time",
    "resolve_db_url",
]
