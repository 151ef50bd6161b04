"""Kept events are claimed by a wait on Temporal before it takes them (`claimed_by`).

A workflow reaches the database only through activities, and Temporal runs an activity
again when its answer was lost. So a run on Temporal claims a kept event under a token of
its own (run, step, visit) in one statement, and an attempt run again finds the event it
claimed already rather than taking a second one. A claimed event reaches no other wait.

Revision ID: 0014_buffer_claims
Revises: 0013_runs_by_record
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_buffer_claims"
down_revision = "0013_runs_by_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `buffered_events.claimed_by`."""
    # A database stamped back by hand (or restored) may have it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("buffered_events")}
    if "claimed_by" not in columns:
        with op.batch_alter_table("buffered_events") as batch:
            batch.add_column(sa.Column("claimed_by", sa.String(300), nullable=True))
    op.execute("UPDATE baton_meta SET value = '14' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 13 (claims are forgotten; claimed events are dropped)."""
    op.execute("DELETE FROM buffered_events WHERE claimed_by IS NOT NULL")
    with op.batch_alter_table("buffered_events") as batch:
        batch.drop_column("claimed_by")
    op.execute("UPDATE baton_meta SET value = '13' WHERE key = 'schema_version'")
