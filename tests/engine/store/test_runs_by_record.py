"""A record's runs are found through an index (revision 0013), so a record update does not
read every run ever started; a database of the previous revision gets it from
`baton db upgrade`."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from engine.cli import main
from engine.errors import StoreTooOld
from engine.runtime import Engine, VirtualClock
from engine.store import Store, migrate
from tests.engine.runtime.builders import interactive, orchestration, stage

PREVIOUS = "0012_list_indexes"

DEAL = orchestration(
    "deal",
    stage("negotiate", interactive("haggle", "user:ann"), exit_condition="record.status == 'won'"),
    stage("close", interactive("sign", "user:ann")),
    trigger={"type": "record", "object": "Deal", "on": ["created"]},
)
PLAIN = orchestration("plain", stage("s", interactive("ask", "user:ann")))


def _plan(db: str, sql: str) -> str:
    """How SQLite reads a query against the file (its EXPLAIN QUERY PLAN details)."""
    with sqlite3.connect(db) as conn:
        return " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def _indexes(db: str) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}


RECORD_LOOKUP = "SELECT id FROM runs WHERE record_object = 'Deal' AND record_id = 'x'"


def test_a_records_runs_are_read_through_the_index_and_runs_without_one_stay_out_of_it(
    tmp_path,
):
    # given runs started by records and runs started by hand
    db = str(tmp_path / "baton.db")
    engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
    engine.add_user("ann")
    engine.activate(DEAL)
    engine.activate(PLAIN)
    deals = [engine.create_record("Deal", {"status": "open"}) for _ in range(3)]
    for _ in range(5):
        engine.start("plain")

    # when a record's runs are looked up, and the record changes
    (run,) = engine.runs_of_record("Deal", deals[1])
    engine.update_record("Deal", deals[1], {"status": "won"})

    # then the look-up uses the index, which holds only the runs that have a record,
    # and the update moved that record's run on
    assert "ix_runs_record" in _plan(db, RECORD_LOOKUP)
    with sqlite3.connect(db) as conn:
        indexed = conn.execute(
            "SELECT count(*) FROM runs INDEXED BY ix_runs_record WHERE record_id IS NOT NULL"
        ).fetchone()[0]
    assert indexed == 3
    assert engine.run(run["id"])["stage"] == "close"
    engine.close()


def test_db_upgrade_adds_the_index_to_a_database_of_the_previous_revision(tmp_path, capsys):
    # given a database as revision 0012 left it: record runs, no index
    db = str(tmp_path / "baton.db")
    engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
    engine.add_user("ann")
    engine.activate(DEAL)
    record_id = engine.create_record("Deal", {"status": "open"})
    (run,) = engine.runs_of_record("Deal", record_id)
    engine.close()
    store = Store(db)
    with store.transaction() as conn:
        conn.execute(text("DROP INDEX ix_runs_record"))
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": PREVIOUS})
        conn.execute(text("UPDATE baton_meta SET value = '12' WHERE key = 'schema_version'"))
    store.close()
    assert "ix_runs_record" not in _indexes(db)
    with pytest.raises(StoreTooOld):
        Store(db)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db]) == 0

    # then it is at the new head with the index, and the record's run is found and moved
    # on by a record update as before
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    assert "ix_runs_record" in _plan(db, RECORD_LOOKUP)
    engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
    assert [r["id"] for r in engine.runs_of_record("Deal", record_id)] == [run["id"]]
    engine.update_record("Deal", record_id, {"status": "won"})
    assert engine.run(run["id"])["stage"] == "close"
    engine.close()
