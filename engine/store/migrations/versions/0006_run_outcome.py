"""Runs record the outcome of the end they reached (fault routes and end outcomes).

Revision ID: 0006_run_outcome
Revises: 0005_webhooks_and_audit
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_run_outcome"
down_revision = "0005_webhooks_and_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add runs.outcome; runs completed before it ended at an end without an outcome, so
    they are `completed`."""
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("outcome", sa.String(64)))
    op.execute("UPDATE runs SET outcome = 'completed' WHERE status = 'completed'")
    op.execute("UPDATE baton_meta SET value = '6' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Drop runs.outcome (rejected runs then read as plainly completed)."""
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("outcome")
    op.execute("UPDATE baton_meta SET value = '5' WHERE key = 'schema_version'")
