"""Runs are found by their record through an index, not by scanning `runs`.

Every record update looks up the runs started for that record (their stage exit conditions
are checked again), and so do `baton record show` and the API's record view. Without an
index that read scans every run ever started, and grows with them. The index is partial:
runs without a record (most of them) add no entry, so it costs them nothing to write.

Revision ID: 0013_runs_by_record
Revises: 0012_list_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_runs_by_record"
down_revision = "0012_list_indexes"
branch_labels = None
depends_on = None

_WITH_RECORD = sa.text("record_id IS NOT NULL")


def upgrade() -> None:
    """Add the index on (record_object, record_id)."""
    op.create_index(
        "ix_runs_record",
        "runs",
        ["record_object", "record_id"],
        sqlite_where=_WITH_RECORD,
        postgresql_where=_WITH_RECORD,
        # A database restored or stamped back by hand may already have it.
        if_not_exists=True,
    )
    op.execute("UPDATE baton_meta SET value = '13' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 12 (record look-ups scan the runs again)."""
    op.drop_index("ix_runs_record", table_name="runs", if_exists=True)
    op.execute("UPDATE baton_meta SET value = '12' WHERE key = 'schema_version'")
