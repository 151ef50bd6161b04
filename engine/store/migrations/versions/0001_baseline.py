"""Baseline: the schema Baton 0.1 created (schema version 1), for both dialects.

Revision ID: 0001_baseline
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

_TIME = sa.String(32)


def upgrade() -> None:
    """Create every table of schema version 1."""
    op.create_table(
        "baton_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "definitions",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("trigger_type", sa.String(16), nullable=False),
        sa.Column("trigger_object", sa.String(200)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("activated_at", _TIME, nullable=False),
    )
    op.create_index("ix_definitions_active", "definitions", ["active", "trigger_type"])
    op.create_table(
        "runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("definition_id", sa.String(200), nullable=False),
        sa.Column("definition_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("current_stage", sa.String(200)),
        sa.Column("started_at", _TIME, nullable=False),
        sa.Column("ended_at", _TIME),
        sa.Column("parent_run_id", sa.String(40)),
        sa.Column("parent_step_id", sa.String(200)),
        sa.Column("record_object", sa.String(200)),
        sa.Column("record_id", sa.String(64)),
        sa.Column("error", sa.Text),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("rev", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_table(
        "stage_instances",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("stage_id", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("visits", sa.Integer, nullable=False),
        sa.Column("entered_at", _TIME),
        sa.Column("exited_at", _TIME),
    )
    op.create_table(
        "step_instances",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("step_id", sa.String(200), primary_key=True),
        sa.Column("stage_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("started_at", _TIME),
        sa.Column("ended_at", _TIME),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "work_items",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("step_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("guidance", sa.Text, nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("due_at", _TIME),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("completed_by", sa.String(200)),
        sa.Column("completed_at", _TIME),
        sa.Column("outputs", sa.JSON),
    )
    op.create_index("ix_work_items_open", "work_items", ["status", "assignee"])
    op.create_index("ix_work_items_run", "work_items", ["run_id"])
    op.create_table(
        "events",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("time", _TIME, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200)),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "records",
        sa.Column("object", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("email", sa.String(320)),
        sa.Column("admin", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "groups",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
    )
    op.create_table(
        "memberships",
        sa.Column("user_name", sa.String(200), primary_key=True),
        sa.Column("group_name", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
    )
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("due_at", _TIME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("step_id", sa.String(200), nullable=False),
        sa.Column("item_id", sa.String(40)),
    )
    op.create_index("ix_timers_due", "timers", ["due_at"])
    op.create_index("ix_timers_run", "timers", ["run_id"])
    op.create_table(
        "waits",
        sa.Column("run_id", sa.String(40), primary_key=True),
        sa.Column("step_id", sa.String(200), primary_key=True),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("key", sa.Text),
    )
    op.create_index("ix_waits_event", "waits", ["event"])
    op.create_table(
        "schedules",
        sa.Column("definition_id", sa.String(200), primary_key=True),
        sa.Column("cron", sa.String(120), nullable=False),
        sa.Column("next_at", _TIME, nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("item_id", sa.String(40), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME),
        sa.Column("recipients", sa.Text),
    )
    op.create_index("ix_notifications_pending", "notifications", ["sent_at"])
    op.execute("INSERT INTO baton_meta (key, value) VALUES ('schema_version', '1')")


def downgrade() -> None:
    """Baton never goes back below its baseline."""
    raise NotImplementedError("the baseline cannot be downgraded")
