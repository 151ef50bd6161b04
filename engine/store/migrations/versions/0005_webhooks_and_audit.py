"""Outgoing webhooks (registrations and their delivery outbox) and the admin audit log.

Revision ID: 0005_webhooks_and_audit
Revises: 0004_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_webhooks_and_audit"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add webhooks, webhook_deliveries and audit_log."""
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("orchestration", sa.String(200), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("events", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_webhooks_orchestration", "webhooks", ["orchestration"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("webhook_id", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(40)),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("sent_at", sa.String(32)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.String(32)),
        sa.Column("last_error", sa.Text),
        sa.Column("failed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("claimed_until", sa.String(32)),
    )
    op.create_index("ix_webhook_deliveries_pending", "webhook_deliveries", ["sent_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("details", sa.JSON),
    )
    op.create_index("ix_audit_log_time", "audit_log", ["time"])
    op.execute("UPDATE baton_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Drop them (webhooks stop, the audit log is lost)."""
    op.drop_index("ix_audit_log_time", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_webhook_deliveries_pending", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhooks_orchestration", table_name="webhooks")
    op.drop_table("webhooks")
    op.execute("UPDATE baton_meta SET value = '4' WHERE key = 'schema_version'")
