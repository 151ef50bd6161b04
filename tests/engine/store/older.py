"""Databases as earlier revisions wrote them, made from ones this build wrote.

A test runs the engine of today, then turns the tables back into an earlier revision's
shape and stamps that revision, so `baton db upgrade` meets the rows an older Baton left.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

from engine.runtime.eventrows import CODES, KEYS
from engine.store.times import micros_time

_NAMES = {code: kind.value for kind, code in CODES.items()}


def payloads_as_objects(conn: Connection) -> None:
    """Rewrite payloads kept as arrays as revisions before 0011 kept every one: objects."""
    rows = conn.execute(text("SELECT run_id, seq, type, payload FROM events")).all()
    for row in rows:
        values = json.loads(row.payload)
        if isinstance(values, list):
            conn.execute(
                text("UPDATE events SET payload = :p WHERE run_id = :r AND seq = :s"),
                {
                    "p": json.dumps(
                        dict(zip(KEYS[_NAMES[row.type]], values, strict=False)),
                        separators=(",", ":"),
                    ),
                    "r": row.run_id,
                    "s": row.seq,
                },
            )


def events_as_text(conn: Connection) -> None:
    """Rewrite `events` as revisions before 0010 kept it: times and type names as text
    (and payloads as objects, as before 0011)."""
    payloads_as_objects(conn)
    rows = conn.execute(
        text("SELECT run_id, seq, time, type, actor, payload FROM events ORDER BY run_id, seq")
    ).all()
    conn.execute(text("DROP TABLE events"))
    conn.execute(
        text(
            "CREATE TABLE events (run_id VARCHAR(40) NOT NULL, seq INTEGER NOT NULL, "
            "time VARCHAR(32) NOT NULL, type VARCHAR(40) NOT NULL, actor VARCHAR(200), "
            "payload TEXT NOT NULL, PRIMARY KEY (run_id, seq))"
        )
    )
    if rows:
        conn.execute(
            text(
                "INSERT INTO events (run_id, seq, time, type, actor, payload) "
                "VALUES (:run_id, :seq, :time, :type, :actor, :payload)"
            ),
            [
                {
                    "run_id": r.run_id,
                    "seq": r.seq,
                    "time": micros_time(r.time),
                    "type": _NAMES[r.type],
                    "actor": r.actor,
                    "payload": r.payload,
                }
                for r in rows
            ],
        )


def stamp(conn: Connection, revision: str, schema_version: int) -> None:
    """Mark the database as written at an earlier revision."""
    conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    conn.execute(
        text("UPDATE baton_meta SET value = :v WHERE key = 'schema_version'"),
        {"v": str(schema_version)},
    )
