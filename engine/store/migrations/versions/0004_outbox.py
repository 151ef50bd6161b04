"""Outside effects after commit: an outbox table for action messages; notices get a claim.

Revision ID: 0004_outbox
Revises: 0003_api_tokens
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox"
down_revision = "0003_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `outbox` and `notifications.claimed_until`."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("run_id", sa.String(40)),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.String(32)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("failed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("claimed_until", sa.String(32)),
    )
    op.create_index("ix_outbox_pending", "outbox", ["sent_at"])
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("claimed_until", sa.String(32)))
    op.execute("UPDATE baton_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 3 (undelivered action messages are lost)."""
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("claimed_until")
    op.drop_index("ix_outbox_pending", "outbox")
    op.drop_table("outbox")
    op.execute("UPDATE baton_meta SET value = '3' WHERE key = 'schema_version'")
