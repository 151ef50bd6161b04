"""Team mode: a role per user (admin, operator, assignee); notices retried with their error.

Revision ID: 0002_roles_notice_retries
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_roles_notice_retries"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """users.admin becomes users.role; notifications gain attempts, next try and last error."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("role", sa.String(16), nullable=False, server_default="assignee")
        )
    op.execute(sa.text("UPDATE users SET role = 'admin' WHERE admin = :yes").bindparams(yes=True))
    with op.batch_alter_table("users") as batch:
        batch.drop_column("admin")
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_try_at", sa.String(32)))
        batch.add_column(sa.Column("last_error", sa.Text))
        batch.add_column(sa.Column("failed", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute("UPDATE baton_meta SET value = '2' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 1 (roles other than admin are lost)."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("admin", sa.Boolean, nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE users SET admin = :yes WHERE role = 'admin'").bindparams(yes=True))
    with op.batch_alter_table("users") as batch:
        batch.drop_column("role")
    with op.batch_alter_table("notifications") as batch:
        for column in ("attempts", "next_try_at", "last_error", "failed"):
            batch.drop_column(column)
    op.execute("UPDATE baton_meta SET value = '1' WHERE key = 'schema_version'")
