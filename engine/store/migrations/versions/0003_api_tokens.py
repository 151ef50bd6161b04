"""API tokens for `baton serve`: one row per token, holding its SHA-256, never the token.

Revision ID: 0003_api_tokens
Revises: 0002_roles_notice_retries
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_api_tokens"
down_revision = "0002_roles_notice_retries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the api_tokens table."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(200)),
        sa.Column("revoked_at", sa.String(32)),
        sa.Column("revoked_by", sa.String(200)),
    )
    op.create_index("ix_api_tokens_user", "api_tokens", ["user_name"])
    op.execute("UPDATE baton_meta SET value = '3' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Drop the api_tokens table (every token stops working)."""
    op.drop_index("ix_api_tokens_user", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.execute("UPDATE baton_meta SET value = '2' WHERE key = 'schema_version'")
