"""Indexes for the paged, filtered lists (runs, work, tokens, deliveries, audit, groups).

Every list is read a page at a time by a keyset query (`engine.store.keyset`): these
indexes serve their sort keys and filters, so a page costs the same however long the list.

Revision ID: 0012_list_indexes
Revises: 0011_event_payload_arrays
"""

from __future__ import annotations

from alembic import op

revision = "0012_list_indexes"
down_revision = "0011_event_payload_arrays"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_runs_started", "runs", ["started_at", "id"]),
    ("ix_runs_definition", "runs", ["definition_id", "definition_version", "started_at"]),
    ("ix_runs_stage", "runs", ["current_stage"]),
    ("ix_work_items_created", "work_items", ["created_at", "id"]),
    ("ix_api_tokens_created", "api_tokens", ["created_at", "id"]),
    ("ix_webhook_deliveries_webhook", "webhook_deliveries", ["webhook_id", "id"]),
    ("ix_audit_log_action", "audit_log", ["action", "id"]),
    ("ix_audit_log_actor", "audit_log", ["actor", "id"]),
    ("ix_audit_log_subject", "audit_log", ["subject", "id"]),
    ("ix_memberships_group", "memberships", ["group_name", "kind"]),
)


def upgrade() -> None:
    """Add the list indexes (each only where missing: a database made by a newer Baton
    and stamped back to an older revision already has them)."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, if_not_exists=True)
    op.execute("UPDATE baton_meta SET value = '12' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 11 (lists still work, by scanning)."""
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
    op.execute("UPDATE baton_meta SET value = '11' WHERE key = 'schema_version'")
