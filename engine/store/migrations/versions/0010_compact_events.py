"""Events keep their time as integer microseconds and their type as a small code.

Every row of `events` repeated a 27-character time and an event name of up to 20
characters; they now take 8 bytes and one (engine.runtime.eventrows reads them back as the
same text, so the log, the API and the history views show what they showed). PostgreSQL
converts both columns in place; on SQLite the table is rebuilt: the old one is renamed, the
new one created as `schema.events` is, every row copied across converted, the old one
dropped.

Revision ID: 0010_compact_events
Revises: 0009_finished_runs_rows
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.errors import StoreFault
from engine.store.times import format_time, parse_time

revision = "0010_compact_events"
down_revision = "0009_finished_runs_rows"
branch_labels = None
depends_on = None

_OLD = "events_before_0010"

# The codes as this revision writes them (engine.runtime.eventrows.CODES, frozen here: a
# test checks the two agree; later event types get later codes there, never here).
CODES = {
    "step_started": 0,
    "step_completed": 1,
    "variables_set": 2,
    "stage_entered": 3,
    "stage_completed": 4,
    "run_started": 5,
    "run_completed": 6,
    "item_created": 7,
    "item_completed": 8,
    "event_received": 9,
    "timer_fired": 10,
    "decision_taken": 11,
    "step_skipped": 12,
    "step_canceled": 13,
    "step_failed": 14,
    "step_attempt_failed": 15,
    "step_retry_scheduled": 16,
    "step_retried": 17,
    "child_started": 18,
    "item_withdrawn": 19,
    "item_reassigned": 20,
    "item_overdue": 21,
    "run_failed": 22,
    "run_canceled": 23,
    "run_paused": 24,
    "run_resumed": 25,
    "run_recovered": 26,
    "run_migrated": 27,
    "stage_faulted": 28,
    "log": 29,
    "variables_edited": 30,
}

# Stored times are fixed-width text (`2026-01-31T09:00:00.000000Z`): whole seconds by the
# database's own date function, plus the six digits of microseconds.
_MICROS = {
    "sqlite": "CAST(strftime('%s', substr(time, 1, 19)) AS INTEGER) * 1000000"
    " + CAST(substr(time, 21, 6) AS INTEGER)",
    "postgresql": "CAST(extract(epoch FROM CAST(substr(time, 1, 19) AS timestamp)) AS bigint)"
    " * 1000000 + CAST(substr(time, 21, 6) AS integer)",
}


def upgrade() -> None:
    """Convert `events` to integer times and type codes, every row kept."""
    bind = op.get_bind()
    dialect = bind.dialect.name
    unknown = bind.execute(
        sa.text(f"SELECT DISTINCT type FROM events WHERE type NOT IN ({_names()})")
    ).scalars()
    unknown = sorted(unknown)
    if unknown:
        # Nothing was changed yet: the transaction of `baton db upgrade` rolls back.
        raise StoreFault(
            f"the log holds events of types this Baton does not know ({', '.join(unknown)})",
            hint="upgrade with the Baton version that wrote them",
        )
    _normalise_odd_times(bind)
    codes = " ".join(f"WHEN '{name}' THEN {code}" for name, code in CODES.items())
    if dialect == "postgresql":
        # Converted in place: the table keeps its privileges (a team database revokes
        # UPDATE and DELETE on the log from the application role) and its constraints.
        op.execute(
            f"ALTER TABLE events ALTER COLUMN time TYPE bigint USING ({_MICROS[dialect]}), "
            f"ALTER COLUMN type TYPE smallint USING (CASE type {codes} END)"
        )
    else:
        _rebuild(codes)
    op.execute("UPDATE baton_meta SET value = '10' WHERE key = 'schema_version'")


def _rebuild(codes: str) -> None:
    # SQLite cannot change a column's type: a new table takes the rows, in rowid order
    # (the change feed of engine.store.sqlite_dialect reads rowids).
    op.rename_table("events", _OLD)
    op.create_table(
        "events",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("time", sa.BigInteger, nullable=False),
        sa.Column("type", sa.SmallInteger, nullable=False),
        sa.Column("actor", sa.String(200)),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.execute(
        "INSERT INTO events (run_id, seq, time, type, actor, payload) "
        f"SELECT run_id, seq, {_MICROS['sqlite']}, CASE type {codes} END, actor, payload "
        f"FROM {_OLD} ORDER BY rowid"
    )
    op.drop_table(_OLD)


def _names() -> str:
    return ", ".join(f"'{name}'" for name in CODES)


def _normalise_odd_times(bind: sa.Connection) -> None:
    # Baton always wrote the fixed-width form; a row edited by hand may hold other ISO
    # text, which the SQL conversion would misread: rewrite those first (rare, so per row).
    odd = bind.execute(
        sa.text(
            "SELECT run_id, seq, time FROM events "
            "WHERE length(time) <> 27 OR substr(time, 27, 1) <> 'Z'"
        )
    ).all()
    for run_id, seq, moment in odd:
        bind.execute(
            sa.text("UPDATE events SET time = :time WHERE run_id = :run AND seq = :seq"),
            {"time": format_time(parse_time(moment)), "run": run_id, "seq": seq},
        )


def downgrade() -> None:
    """Refused, as the revisions before it (0008, 0009) are: restore the backup instead."""
    raise RuntimeError(
        "0010_compact_events cannot be undone: restore the backup of the database "
        "taken before `baton db upgrade`"
    )
