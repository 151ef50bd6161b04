"""A finished run keeps no state snapshot (its log is its state), and a database written
before that (revision 0007) is upgraded in place by `baton db upgrade`."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select

from engine.cli import main
from engine.errors import StoreTooOld
from engine.runtime import Engine, VirtualClock
from engine.runtime import state as run_state
from engine.store import Store, migrate
from engine.store.schema import runs
from tests.engine.runtime.builders import background, interactive, orchestration, stage
from tests.engine.store import older

PREVIOUS = "0007_event_buffer"


def _stored_state(engine: Engine, run_id: str) -> str:
    with engine.store.read() as conn:
        return conn.execute(select(runs.c.state).where(runs.c.id == run_id)).scalar_one()


def _raw_state(db: str, run_id: str) -> str:
    """The stored state read straight from the file (Baton refuses an older revision)."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT state FROM runs WHERE id = ?", (run_id,)).fetchone()[0]


def _two_runs(engine: Engine) -> tuple[str, str]:
    """One run that completes at once and one that waits for ann's item."""
    engine.add_user("ann")
    engine.activate(orchestration("quick", stage("s", background("a"), background("b"))))
    engine.activate(orchestration("slow", stage("s", interactive("ask", assignee="user:ann"))))
    return engine.start("quick"), engine.start("slow")


def test_a_completed_run_stores_no_snapshot_and_shows_the_same(db_url, tmp_path):
    # given a run that completed and one that waits
    engine = Engine(db_url, clock=VirtualClock(), outbox=tmp_path / "outbox")
    done, waiting = _two_runs(engine)

    # when both are read back
    shown = engine.run(done)

    # then only the waiting run keeps a snapshot; the completed one shows every step
    assert _stored_state(engine, done) == ""
    assert json.loads(_stored_state(engine, waiting))["steps"]["ask"]["status"] == "waiting"
    assert shown["status"] == "completed"
    assert {s["id"]: s["status"] for s in shown["steps"]} == {"a": "completed", "b": "completed"}
    assert [s["id"] for s in shown["stages"]] == ["s"]
    engine.close()


def test_an_operator_action_on_a_finished_run_is_refused_as_before(db_url, tmp_path):
    # given a completed run (its state folded from the log when loaded)
    engine = Engine(db_url, clock=VirtualClock(), outbox=tmp_path / "outbox")
    done, _ = _two_runs(engine)
    log_before = engine.log(done)

    # when an operator tries to cancel it
    with pytest.raises(Exception, match="completed") as refused:
        engine.cancel(done, actor="root")

    # then the refusal is the engine's own, and nothing was written
    assert type(refused.value).__module__ == "engine.errors"
    assert engine.log(done) == log_before
    engine.close()


def test_db_upgrade_drops_the_snapshots_of_runs_finished_under_the_previous_revision(
    tmp_path, monkeypatch, capsys
):
    # given a database as revision 0007 wrote it: finished runs keep their snapshot
    db = str(tmp_path / "baton.db")
    with monkeypatch.context() as old_release:
        old_release.setattr(run_state, "STATE_FROM_LOG", frozenset())
        engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
        done, waiting = _two_runs(engine)
        shown_before = engine.run(done)
        engine.close()
    store = Store(db)
    with store.transaction() as conn:
        older.events_as_text(conn)
        older.stamp(conn, PREVIOUS, 7)
    store.close()
    assert json.loads(_raw_state(db, done))["steps"]["a"]["status"] == "completed"
    with pytest.raises(StoreTooOld):
        Store(db)

    # when the admin upgrades it
    assert main(["db", "upgrade", "--db", db]) == 0

    # then it is at the new head, the finished run lost only its snapshot, and both runs
    # read and move on as before
    assert f"upgraded from {PREVIOUS} to {migrate.head()}" in capsys.readouterr().out
    engine = Engine(db, clock=VirtualClock(), outbox=tmp_path / "outbox")
    assert _stored_state(engine, done) == ""
    assert json.loads(_stored_state(engine, waiting))["steps"]["ask"]["status"] == "waiting"
    assert engine.run(done) == shown_before
    (item,) = engine.open_item_ids(waiting)
    engine.complete_item(item, "ann")
    assert engine.run(waiting)["status"] == "completed"
    assert _stored_state(engine, waiting) == ""
    engine.close()
