"""The schema revision this build of Baton writes and reads (`engine.store.migrate`)."""

from __future__ import annotations

HEAD = "0016_runs_in_a_stage"
"""The newest revision; a test checks it is the head of the migration chain. Opening a
database compares against this constant, so the common path imports no Alembic (~0.3 s),
and the SQLite read path (`engine.store.lite`) no SQLAlchemy either."""
