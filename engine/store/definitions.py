"""Activated definition versions: every version kept, at most one active per id."""

from __future__ import annotations

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update

from engine.store.prepared import Prepared
from engine.store.schema import definitions


def next_version(conn: Connection, definition_id: str) -> int:
    """One past the highest stored version of this id (1 for a new id)."""
    highest = conn.execute(
        select(func.max(definitions.c.version)).where(definitions.c.id == definition_id)
    ).scalar()
    return (highest or 0) + 1


def insert_active(
    conn: Connection,
    *,
    definition_id: str,
    version: int,
    name: str,
    trigger_type: str,
    trigger_object: str | None,
    body: str,
    activated_at: str,
) -> None:
    """Store a version and make it the only active one of its id."""
    conn.execute(update(definitions).where(definitions.c.id == definition_id).values(active=False))
    conn.execute(
        definitions.insert().values(
            id=definition_id,
            version=version,
            active=True,
            name=name,
            trigger_type=trigger_type,
            trigger_object=trigger_object,
            body=body,
            activated_at=activated_at,
        )
    )


def deactivate(conn: Connection, definition_id: str) -> int:
    """Make no version of this id active; returns how many rows changed."""
    return conn.execute(
        update(definitions)
        .where(definitions.c.id == definition_id, definitions.c.active.is_(True))
        .values(active=False)
    ).rowcount


# Every start asks this: prepared, so it costs a driver call rather than a Core execution.
_ACTIVE_VERSION = Prepared(
    select(definitions.c.version).where(
        definitions.c.id == bindparam("id"), definitions.c.active.is_(True)
    )
)


def active_version(conn: Connection, definition_id: str) -> int | None:
    """The active version of an id, or None."""
    return _ACTIVE_VERSION.scalar(conn, {"id": definition_id})


def body(conn: Connection, definition_id: str, version: int) -> str | None:
    """The stored JSON of one version."""
    return conn.execute(
        select(definitions.c.body).where(
            definitions.c.id == definition_id, definitions.c.version == version
        )
    ).scalar()


def active_record_triggered(conn: Connection, object_name: str) -> list[tuple[str, int]]:
    """(id, version) of active orchestrations triggered by records of this object."""
    rows = conn.execute(
        select(definitions.c.id, definitions.c.version).where(
            definitions.c.active.is_(True),
            definitions.c.trigger_type == "record",
            definitions.c.trigger_object == object_name,
        )
    )
    return [(r.id, r.version) for r in rows]


def active_versions(conn: Connection) -> list[tuple[str, int]]:
    """(id, version) of every active orchestration."""
    rows = conn.execute(
        select(definitions.c.id, definitions.c.version).where(definitions.c.active.is_(True))
    )
    return [(r.id, r.version) for r in rows]


def list_all(
    conn: Connection, after: tuple[str, int] | None = None, limit: int | None = None
) -> list[dict]:
    """Every stored version, by id, newest version first per id.

    Args:
        after: (id, version) of the last row of the previous page.
        limit: at most this many (None: all).
    """
    query = select(
        definitions.c.id,
        definitions.c.version,
        definitions.c.active,
        definitions.c.name,
        definitions.c.trigger_type,
        definitions.c.activated_at,
    ).order_by(definitions.c.id, definitions.c.version.desc())
    if after is not None:
        last_id, last_version = after
        query = query.where(
            or_(
                definitions.c.id > last_id,
                and_(definitions.c.id == last_id, definitions.c.version < last_version),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]
