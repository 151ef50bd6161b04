"""A finished run (completed or canceled) keeps no state snapshot: its log holds it.

`runs.state` is "" for such runs from this revision on; the engine folds their state from
`events` when one is read (engine.runtime.state.STATE_FROM_LOG). Older Baton versions
would fail on that empty text, so the revision changes and they refuse the database.

Revision ID: 0008_finished_runs_from_log
Revises: 0007_event_buffer
"""

from __future__ import annotations

from alembic import op

revision = "0008_finished_runs_from_log"
down_revision = "0007_event_buffer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the snapshots of runs already finished (the bulk of their bytes)."""
    op.execute("UPDATE runs SET state = '' WHERE status IN ('completed', 'canceled')")
    op.execute("UPDATE baton_meta SET value = '8' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Refused: the snapshots can only be rebuilt by the engine's fold, which a migration
    does not run. Restore the backup taken before `baton db upgrade` instead."""
    raise RuntimeError(
        "0008_finished_runs_from_log cannot be undone: restore the backup of the database "
        "taken before `baton db upgrade`"
    )
