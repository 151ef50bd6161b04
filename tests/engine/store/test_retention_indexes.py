"""Revision 0015 indexes what `baton prune` walks (finished runs by status and end, message
rows by run) and orders runs as lists page them (newest first, ties by id); a database of
the previous revision gets them from `baton db upgrade` and can then be pruned."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from engine.cli import main
from engine.errors import StoreTooOld
from engine.runtime import Engine, VirtualClock
from engine.store import Store, migrate
from tests.engine.runtime.builders import interactive, orchestration, stage

PREVIOUS = "0014_buffer_claims"
NEW = ("ix_runs_status_ended", "ix_notifications_run", "ix_outbox_run", "ix_webhook_deliveries_run")
FIRST_PAGE = "SELECT id FROM runs ORDER BY started_at DESC, id LIMIT 101"
OLDEST_COMPLETED = (
    "SELECT id FROM runs WHERE status = 'completed' AND ended_at < '2027' "
    "ORDER BY ended_at, id LIMIT 200"
)


def _indexes(db: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}


def _plan(db: str, sql: str) -> str:
    with sqlite3.connect(db) as conn:
        return " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_db_upgrade_adds_the_indexes_and_the_upgraded_database_can_be_pruned(tmp_path, capsys):
    # given a database as revision 0014 left it, with a completed run
    db = str(tmp_path / "baton.db")
    engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
    engine.add_user("ann")
    engine.activate(orchestration("ask", stage("s", interactive("a", "user:ann"))))
    run_id = engine.start("ask")
    engine.complete_item(engine.open_item_ids(run_id)[0], "ann")
    engine.tick()
    engine.close()
    store = Store(db)
    with store.transaction() as conn:
        for name in NEW:
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("CREATE INDEX ix_runs_status ON runs (status)"))
        conn.execute(text("DROP INDEX ix_runs_started"))
        conn.execute(text("CREATE INDEX ix_runs_started ON runs (started_at, id)"))
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": PREVIOUS})
        conn.execute(text("UPDATE baton_meta SET value = '14' WHERE key = 'schema_version'"))
    store.close()
    with pytest.raises(StoreTooOld):
        Store(db)
    assert "TEMP B-TREE" in _plan(db, FIRST_PAGE)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db]) == 0

    # then the finished runs are walked oldest first through the index, and a prune works
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    assert set(NEW) <= _indexes(db) and "ix_runs_status" not in _indexes(db)
    assert "USING COVERING INDEX ix_runs_status_ended" in _plan(db, OLDEST_COMPLETED)
    assert "TEMP B-TREE" not in _plan(db, FIRST_PAGE)  # the list's first page: no sort
    assert main(["prune", "--before", "2026-06-01", "--yes", "--db", db]) == 0
    assert "pruned 1 run(s)" in capsys.readouterr().out
