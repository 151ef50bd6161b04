"""Records (typed business objects such as `Employee`) that record triggers watch."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, select, update

from engine.errors import InvalidInput, NotFound
from engine.store.schema import records

MAX_OBJECT_LENGTH = 200
"""Longest record type name: the length of the `object` column (PostgreSQL refuses more)."""


def new_record_id() -> str:
    """A short random id for a new record."""
    return uuid.uuid4().hex[:12]


def insert(
    conn: Connection, object_name: str, record_id: str, fields: dict[str, Any], now: str
) -> None:
    """Store a new record.

    Raises:
        InvalidInput: the record type is blank or longer than the column holds; every
            runtime (CLI, HTTP, actions, Temporal) writes records through here.
    """
    check_object_name(object_name)
    conn.execute(
        records.insert().values(
            object=object_name, id=record_id, fields=fields, created_at=now, updated_at=now
        )
    )


def check_object_name(object_name: str) -> None:
    """Refuse a record type no trigger could name: blank, or over `MAX_OBJECT_LENGTH`.

    Raises:
        InvalidInput: naming the type and what to write instead.
    """
    if not object_name.strip():
        raise InvalidInput(
            f"the record type {object_name!r} is blank", hint="name it, e.g. Account or Employee"
        )
    if len(object_name) > MAX_OBJECT_LENGTH:
        raise InvalidInput(
            f"the record type {object_name[:20]!r}... is {len(object_name)} characters long",
            hint=f"record types have at most {MAX_OBJECT_LENGTH} characters",
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
