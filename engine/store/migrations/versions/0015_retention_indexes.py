"""Indexes that let `baton prune` remove old finished runs in small batches, and `baton
runs` read its first page without sorting every run.

`prune` walks the finished runs of each status oldest first, a batch at a time, and for each
batch deletes the notices, outbox messages and webhook deliveries of those runs. Without
these indexes each batch would read every run and every message row ever written, while
holding the write lock. `ix_runs_status` becomes (status, ended_at, id): lists by status
read it as before, and a run's row still has a single status index to keep up to date.

`ix_runs_started` becomes (started_at DESC, id), the order lists page in (newest first, ties
by id): with (started_at, id) the database sorted every run that shares a start time (runs
started by one call, e.g. a schedule or an import, share it) for each page.

Revision ID: 0015_retention_indexes
Revises: 0014_buffer_claims
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_retention_indexes"
down_revision = "0014_buffer_claims"
branch_labels = None
depends_on = None

_BY_RUN = (
    ("ix_notifications_run", "notifications"),
    ("ix_outbox_run", "outbox"),
    ("ix_webhook_deliveries_run", "webhook_deliveries"),
)


def upgrade() -> None:
    """Widen the runs' status index, index message rows by run."""
    op.drop_index("ix_runs_status", table_name="runs", if_exists=True)
    op.create_index(
        "ix_runs_status_ended", "runs", ["status", "ended_at", "id"], if_not_exists=True
    )
    for name, table in _BY_RUN:
        op.create_index(name, table, ["run_id"], if_not_exists=True)
    op.drop_index("ix_runs_started", table_name="runs", if_exists=True)
    op.create_index("ix_runs_started", "runs", [sa.text("started_at DESC"), "id"])
    op.execute("UPDATE baton_meta SET value = '15' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 14."""
    op.drop_index("ix_runs_started", table_name="runs", if_exists=True)
    op.create_index("ix_runs_started", "runs", ["started_at", "id"])
    for name, table in _BY_RUN:
        op.drop_index(name, table_name=table, if_exists=True)
    op.drop_index("ix_runs_status_ended", table_name="runs", if_exists=True)
    op.create_index("ix_runs_status", "runs", ["status"], if_not_exists=True)
    op.execute("UPDATE baton_meta SET value = '14' WHERE key = 'schema_version'")
