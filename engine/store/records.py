"""Records (typed business objects such as `Employee`) that record triggers watch."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, select, update

from engine.errors import NotFound
from engine.store.schema import records


def new_record_id() -> str:
    """A short random id for a new record."""
    return uuid.uuid4().hex[:12]


def insert(
    conn: Connection, object_name: str, record_id: str, fields: dict[str, Any], now: str
) -> None:
    """Store a new record."""
    conn.execute(
        records.insert().values(
            object=object_name, id=record_id, fields=fields, created_at=now, updated_at=now
        )
    )


def get(conn: Connection, object_name: str, record_id: str) -> dict[str, Any] | None:
    """The fields of a record as they are now, or None."""
    return conn.execute(
        select(records.c.fields).where(records.c.object == object_name, records.c.id == record_id)
    ).scalar()


def replace_fields(
    conn: Connection, object_name: str, record_id: str, fields: dict[str, Any], now: str
) -> None:
    """Write a record's full field set."""
    changed = conn.execute(
        update(records)
        .where(records.c.object == object_name, records.c.id == record_id)
        .values(fields=fields, updated_at=now)
    )
    if not changed.rowcount:
        raise NotFound(f"no {object_name} record with id {record_id!r}")
