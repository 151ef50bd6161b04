"""Completed runs leave the status and stage indexes.

Each durable commit waits until every page it changed is on the disk, and each index a new
row enters is at least one more page. A completed run (nearly every run, in time) is never
looked up by its stage (it has none) and is listed newest first through `ix_runs_started`
like any other list, so `ix_runs_status` now holds only runs that are not completed and
`ix_runs_stage` only runs in a stage: finishing a run writes two pages fewer. Queries for
the other statuses repeat the index's condition (`engine.store.schema.UNFINISHED`).

Revision ID: 0015_unfinished_run_indexes
Revises: 0014_buffer_claims
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_unfinished_run_indexes"
down_revision = "0014_buffer_claims"
branch_labels = None
depends_on = None

_UNFINISHED = sa.text("status != 'completed'")
_IN_A_STAGE = sa.text("current_stage IS NOT NULL")


def upgrade() -> None:
    """Rebuild the two indexes as partial ones."""
    _replace("ix_runs_status", "status", _UNFINISHED)
    _replace("ix_runs_stage", "current_stage", _IN_A_STAGE)
    op.execute("UPDATE baton_meta SET value = '15' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Back to schema 14 (every run in both indexes)."""
    _replace("ix_runs_status", "status", None)
    _replace("ix_runs_stage", "current_stage", None)
    op.execute("UPDATE baton_meta SET value = '14' WHERE key = 'schema_version'")


def _replace(name: str, column: str, where: sa.TextClause | None) -> None:
    # A database stamped back by hand may have either form already: drop whichever is there.
    op.drop_index(name, table_name="runs", if_exists=True)
    op.create_index(name, "runs", [column], sqlite_where=where, postgresql_where=where)
