"""A finished run (completed or canceled) keeps no stage or step rows: its log holds them.

From this revision on, the engine deletes a run's `stage_instances` and `step_instances`
rows when it finishes (a run finishing in the call that started it never writes any), and
`run_detail` reads steps from the run's state, which a finished run folds from `events`.
Older Baton versions read steps from those rows and would show a finished run without
steps, so the revision changes and they refuse the database.

Revision ID: 0009_finished_runs_rows
Revises: 0008_finished_runs_from_log
"""

from __future__ import annotations

from alembic import op

revision = "0009_finished_runs_rows"
down_revision = "0008_finished_runs_from_log"
branch_labels = None
depends_on = None

_FINISHED = "SELECT id FROM runs WHERE status IN ('completed', 'canceled')"


def upgrade() -> None:
    """Drop the stage and step rows of runs already finished."""
    op.execute(f"DELETE FROM step_instances WHERE run_id IN ({_FINISHED})")
    op.execute(f"DELETE FROM stage_instances WHERE run_id IN ({_FINISHED})")
    op.execute("UPDATE baton_meta SET value = '9' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Refused: the rows can only be rebuilt by the engine's fold, which a migration does
    not run. Restore the backup taken before `baton db upgrade` instead."""
    raise RuntimeError(
        "0009_finished_runs_rows cannot be undone: restore the backup of the database "
        "taken before `baton db upgrade`"
    )
