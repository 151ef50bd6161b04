"""Event buffering for wait steps with `buffer:`: events kept until a wait opens.

Revision ID: 0007_event_buffer
Revises: 0006_run_outcome
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_event_buffer"
down_revision = "0006_run_outcome"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `buffered_events`."""
    op.create_table(
        "buffered_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("key", sa.Text),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("sent_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200)),
    )
    op.create_index("ix_buffered_events_event", "buffered_events", ["event", "sent_at"])
    op.create_index("ix_buffered_events_expires", "buffered_events", ["expires_at"])
    op.execute("UPDATE baton_meta SET value = '7' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 6 (buffered events are lost)."""
    op.drop_index("ix_buffered_events_expires", table_name="buffered_events")
    op.drop_index("ix_buffered_events_event", table_name="buffered_events")
    op.drop_table("buffered_events")
    op.execute("UPDATE baton_meta SET value = '6' WHERE key = 'schema_version'")
