"""A finished run keeps no stage or step rows (its log has them), and a database written
before that (revision 0008) is upgraded in place by `baton db upgrade`."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from engine.cli import main
from engine.errors import StoreTooOld
from engine.runtime import Engine, VirtualClock, writes
from engine.store import Store, migrate
from engine.store.schema import stage_instances, step_instances
from tests.engine.runtime.builders import background, interactive, orchestration, stage
from tests.engine.store import older

PREVIOUS = "0008_finished_runs_from_log"


def _rows(engine: Engine, run_id: str) -> tuple[int, int]:
    """How many stage and step rows the run has."""
    with engine.store.read() as conn:
        return tuple(
            conn.execute(
                select(func.count()).select_from(table).where(table.c.run_id == run_id)
            ).scalar_one()
            for table in (stage_instances, step_instances)
        )


def _raw_rows(db: str, run_id: str) -> tuple[int, int]:
    """The same, read straight from the file (Baton refuses an older revision)."""
    with sqlite3.connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", (run_id,)).fetchone()[0]
            for table in ("stage_instances", "step_instances")
        )


def _runs(engine: Engine) -> tuple[str, str]:
    """One run that completes at once and one that waits for ann's item after a step."""
    engine.add_user("ann")
    engine.activate(orchestration("quick", stage("s", background("a"), background("b"))))
    engine.activate(
        orchestration(
            "slow",
            stage("s", background("first"), interactive("ask", assignee="user:ann")),
        )
    )
    return engine.start("quick"), engine.start("slow")


def test_a_run_keeps_its_step_rows_until_it_finishes(db_url, tmp_path):
    # given a run that completed at once and one that waits for ann
    engine = Engine(db_url, clock=VirtualClock(), outbox=tmp_path / "outbox")
    done, waiting = _runs(engine)

    # then the completed run never wrote stage or step rows; the waiting one has them
    assert _rows(engine, done) == (0, 0)
    assert _rows(engine, waiting) == (1, 2)
    shown = engine.run(done)
    assert [(s["id"], s["stage"], s["status"], s["attempts"]) for s in shown["steps"]] == [
        ("a", "s", "completed", 1),
        ("b", "s", "completed", 1),
    ]

    # when ann completes her item, the run finishes and its rows go
    (item,) = engine.open_item_ids(waiting)
    engine.complete_item(item, "ann")
    assert _rows(engine, waiting) == (0, 0)
    assert [s["status"] for s in engine.run(waiting)["steps"]] == ["completed", "completed"]
    engine.close()


def test_db_upgrade_drops_the_step_rows_of_runs_finished_under_the_previous_revision(
    tmp_path, monkeypatch, capsys
):
    # given a database as revision 0008 wrote it: finished runs keep stage and step rows
    db = str(tmp_path / "baton.db")
    with monkeypatch.context() as old_release:
        old_release.setattr(writes, "STATE_FROM_LOG", frozenset())
        engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
        done, waiting = _runs(engine)
        shown_before = engine.run(done)
        waiting_before = engine.run(waiting)
        engine.close()
    store = Store(db)
    with store.transaction() as conn:
        older.events_as_text(conn)
        older.stamp(conn, PREVIOUS, 8)
    store.close()
    assert _raw_rows(db, done) == (1, 2)
    with pytest.raises(StoreTooOld):
        Store(db)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db]) == 0

    # then the finished run lost only its rows, the waiting run kept them, and both read
    # and move on as before
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
    assert _rows(engine, done) == (0, 0)
    assert _rows(engine, waiting) == (1, 2)
    assert engine.run(done) == shown_before
    assert engine.run(waiting) == waiting_before
    (item,) = engine.open_item_ids(waiting)
    engine.complete_item(item, "ann")
    assert engine.run(waiting)["status"] == "completed"
    assert _rows(engine, waiting) == (0, 0)
    engine.close()
