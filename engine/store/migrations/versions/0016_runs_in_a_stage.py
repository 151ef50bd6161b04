"""Finished runs leave the stage index.

Each durable commit waits until every page it changed is on the disk, and each index a new
row enters is at least one more page. A finished run (nearly every run, in time) has no
current stage and is never looked up by one, so `ix_runs_stage` now holds only runs in a
stage: finishing a run writes one page fewer. A query for a stage (`current_stage = ...`)
implies the index's condition, so it reads the index as before.

Revision ID: 0016_runs_in_a_stage
Revises: 0015_retention_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_runs_in_a_stage"
down_revision = "0015_retention_indexes"
branch_labels = None
depends_on = None

_IN_A_STAGE = sa.text("current_stage IS NOT NULL")


def upgrade() -> None:
    """Rebuild the stage index as a partial one."""
    # A database stamped back by hand may have either form already: drop whichever is there.
    op.drop_index("ix_runs_stage", table_name="runs", if_exists=True)
    op.create_index(
        "ix_runs_stage",
        "runs",
        ["current_stage"],
        sqlite_where=_IN_A_STAGE,
        postgresql_where=_IN_A_STAGE,
    )
    op.execute("UPDATE baton_meta SET value = '16' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 15 (every run in the stage index)."""
    op.drop_index("ix_runs_stage", table_name="runs", if_exists=True)
    op.create_index("ix_runs_stage", "runs", ["current_stage"])
    op.execute("UPDATE baton_meta SET value = '15' WHERE key = 'schema_version'")
