"""Alembic environment: migrations run on the connection `engine.store.migrate` hands in.

Baton never runs Alembic from an `alembic.ini`; `baton db upgrade` (and the tests) call
`engine.store.migrate.upgrade`, which passes its open connection in `config.attributes`.
"""

from __future__ import annotations

from alembic import context

from engine.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
