"""Completed runs stay out of the status and stage indexes (revision 0015), so finishing a
run writes fewer pages; lists by status and stage answer as before, and a database of the
previous revision gets the new indexes from `baton db upgrade`."""

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

PREVIOUS = "0014_buffer_claims"

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


def _plan(db: str, sql: str) -> str:
    """How SQLite reads a query against the file (its EXPLAIN QUERY PLAN details)."""
    with sqlite3.connect(db) as conn:
        return " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def _index_sql(conn: Connection) -> dict[str, str]:
    """The definition of the two indexes, as the database keeps it."""
    if conn.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'runs'"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'runs'"
    found = {name: sql for name, sql in conn.execute(text(query)) if sql}
    return {name: found[name] for name in ("ix_runs_status", "ix_runs_stage")}


def _partial(engine: Engine) -> bool:
    with engine.store.read() as conn:
        definitions = _index_sql(conn)
    return (
        "completed" in definitions["ix_runs_status"]
        and "IS NOT NULL" in definitions["ix_runs_stage"]
    )


def _lists_answer_as_before(engine: Engine, done: list[str], waiting: list[str]) -> None:
    newest_first = list(reversed(waiting))
    assert _ids(engine.runs(status="waiting")) == newest_first
    assert _ids(engine.runs(status="completed")) == list(reversed(done))
    assert _ids(engine.runs(stage="ask")) == newest_first
    assert _ids(engine.runs(status="waiting", limit=1)) == newest_first[:1]
    assert engine.runs(status="failed") == []


def test_completed_runs_are_in_neither_index_and_lists_still_find_every_run(db_url, tmp_path):
    # given completed runs and runs waiting in a stage
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, waiting = _runs(engine, clock)

    # when runs are listed by status and by stage, then each list is as it always was
    _lists_answer_as_before(engine, done, waiting)

    # and the indexes leave completed runs out
    assert _partial(engine)
    if engine.store.is_sqlite:
        with sqlite3.connect(db_url) as conn:
            in_status = conn.execute(
                "SELECT count(*) FROM runs INDEXED BY ix_runs_status WHERE status != 'completed'"
            ).fetchone()[0]
            in_stage = conn.execute(
                "SELECT count(*) FROM runs INDEXED BY ix_runs_stage WHERE current_stage = 'ask'"
            ).fetchone()[0]
        assert (in_status, in_stage) == (2, 2)
    engine.close()


def test_the_queries_for_unfinished_runs_read_through_the_indexes(tmp_path):
    # given a database with runs
    db = str(tmp_path / "baton.db")
    clock = VirtualClock()
    engine = Engine(db, clock=clock, outbox=tmp_path / "outbox")
    _runs(engine, clock)
    engine.close()

    # when SQLite plans the lists of runs by a status, by a stage, and the stuck runs
    # (the condition as the engine's queries add it)
    by_status = _plan(db, "SELECT id FROM runs WHERE status = 'waiting' AND status != 'completed'")
    stuck = _plan(
        db,
        "SELECT id FROM runs WHERE status IN ('waiting', 'running', 'failed') "
        "AND runs.status != 'completed'",
    )
    by_stage = _plan(db, "SELECT id FROM runs WHERE current_stage = 'ask'")

    # then each one uses its index
    assert "ix_runs_status" in by_status
    assert "ix_runs_status" in stuck
    assert "ix_runs_stage" in by_stage


def test_db_upgrade_makes_the_indexes_of_a_previous_revision_database_partial(
    db_url, tmp_path, capsys
):
    # given a database as revision 0014 left it: every run in both indexes
    clock = VirtualClock()
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    done, waiting = _runs(engine, clock)
    engine.close()
    store = Store(db_url)
    with store.transaction() as conn:
        for name, column in (("ix_runs_status", "status"), ("ix_runs_stage", "current_stage")):
            conn.execute(text(f"DROP INDEX {name}"))
            conn.execute(text(f"CREATE INDEX {name} ON runs ({column})"))
        assert "WHERE" not in " ".join(_index_sql(conn).values())
        older.stamp(conn, PREVIOUS, 14)
    store.close()
    with pytest.raises(StoreTooOld):
        Store(db_url)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db_url]) == 0

    # then both indexes are partial, every list answers as before, and a waiting run
    # moves on and leaves them
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    engine = Engine(db_url, clock=clock, outbox=tmp_path / "outbox")
    assert _partial(engine)
    _lists_answer_as_before(engine, done, waiting)
    (item,) = engine.open_item_ids(waiting[0])
    engine.complete_item(item, "ann")
    assert _ids(engine.runs(status="waiting")) == waiting[1:]
    assert _ids(engine.runs(stage="ask")) == waiting[1:]
    engine.close()
