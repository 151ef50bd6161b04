"""Event payloads may be kept as JSON arrays of their values (engine.runtime.eventrows).

Rows already written stay JSON objects, which this and later versions still read; only
the revision changes, so that older versions, which would misread an array, refuse the
database instead.

Revision ID: 0011_event_payload_arrays
Revises: 0010_compact_events
"""

from __future__ import annotations

from alembic import op

revision = "0011_event_payload_arrays"
down_revision = "0010_compact_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to convert: the engine reads both forms."""
    op.execute("UPDATE baton_meta SET value = '11' WHERE key = 'schema_version'")


def downgrade() -> None:
    """Refused, as the revisions before it are: restore the backup instead."""
    raise RuntimeError(
        "0011_event_payload_arrays cannot be undone: restore the backup of the database "
        "taken before `baton db upgrade`"
    )
