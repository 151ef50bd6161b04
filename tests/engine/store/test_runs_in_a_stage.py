"""Completed runs (no current stage) stay out of the stage index (revision 0016), so
finishing a run writes one page fewer; lists by stage answer as before, and a database of
the previous revision gets the new index from `baton db upgrade`."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import Connection, text

from engine.cli import main
from engine.errors import StoreTooOld
from engine.runtime import Engine, VirtualClock
from engine.store import Store, migrate
from tests.engine.runtime.builders import background, interactive, orchestration, stage
from tests.engine.store import older

PREVIOUS = "0015_retention_indexes"

QUICK = orchestration("quick", stage("only", background("a")))
SLOW = orchestration("slow", stage("ask", interactive("sign", "user:ann")))


def _runs(engine: Engine, clock: VirtualClock) -> tuple[list[str], list[str]]:
    """Three completed runs and two waiting in stage `ask`, started one second apart."""
    engine.add_user("ann")
    engine.activate(QUICK)
    engine.activate(SLOW)
    done, waiting = [], []
    for number in range(3):
        done.append(engine.start("quick"))
        clock.advance(timedelta(seconds=1))
        if number < 2:
            waiting.append(engine.start("slow"))
            clock.advance(timedelta(seconds=1))
    return done, waiting


def _ids(found: list[dict]) -> list[str]:
    return [r["id"] for r in found]


def _stage_index(conn: Connection) -> str:
    """The definition of the stage index, as the database keeps it."""
    if conn.dialect.name == "sqlite":
        query = "SELECT sql FROM sqlite_master WHERE name = 'ix_runs_stage'"
    else:
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_runs_stage'"
    return conn.execute(text(query)).scalar_one()


def _partial(engine: Engine) -> bool:
    with engine.store.read() as conn:
        return "IS NOT NULL" in _stage_index(conn)


def _lists_answer_as_before(engine: Engine, done: list[str], waiting: list[str]) -> None:
    newest_first = list(reversed(waiting))
    assert _ids(engine.runs(stage="ask")) == newest_first
    assert _ids(engine.runs(stage="ask", limit=1)) == newest_first[:1]
    assert _ids(engine.runs(status="completed")) == list(reversed(done))
    assert engine.runs(stage="only") == []


def test_completed_runs_are_not_in_the_stage_index_and_lists_by_stage_find_every_run(
    db_url, tmp_path
):
    # given completed runs and runs waiting in a stage
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, waiting = _runs(engine, clock)

    # when runs are listed by stage, then each list is as it always was
    _lists_answer_as_before(engine, done, waiting)

    # and the index leaves the completed runs out
    assert _partial(engine)
    if engine.store.is_sqlite:
        with sqlite3.connect(db_url) as conn:
            indexed = conn.execute(
                "SELECT count(*) FROM runs INDEXED BY ix_runs_stage WHERE current_stage IS NOT NULL"
            ).fetchone()[0]
            plan = " | ".join(
                row[-1]
                for row in conn.execute(
                    "EXPLAIN QUERY PLAN SELECT id FROM runs WHERE current_stage = 'ask'"
                )
            )
        assert indexed == 2
        assert "ix_runs_stage" in plan
    engine.close()


def test_db_upgrade_makes_the_stage_index_of_a_previous_revision_database_partial(
    db_url, tmp_path, capsys
):
    # given a database as revision 0015 left it: every run in the stage index
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, waiting = _runs(engine, clock)
    engine.close()
    store = Store(db_url)
    with store.transaction() as conn:
        conn.execute(text("DROP INDEX ix_runs_stage"))
        conn.execute(text("CREATE INDEX ix_runs_stage ON runs (current_stage)"))
        assert "WHERE" not in _stage_index(conn)
        older.stamp(conn, PREVIOUS, 15)
    store.close()
    with pytest.raises(StoreTooOld):
        Store(db_url)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db_url]) == 0

    # then the index is partial, the lists answer as before, and a waiting run moves on
    # and leaves it
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    assert _partial(engine)
    _lists_answer_as_before(engine, done, waiting)
    (item,) = engine.open_item_ids(waiting[0])
    engine.complete_item(item, "ann")
    assert _ids(engine.runs(stage="ask")) == waiting[1:]
    engine.close()
