"""A SQLite commit is durable by default (it survives a power cut); NORMAL is an opt-in."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.runtime import Engine, VirtualClock
from engine.store import Store
from engine.store.sqlite_dialect import SYNCHRONOUS_ENV
from tests.engine.runtime.builders import background, orchestration, stage

FULL, NORMAL = 2, 1  # what `PRAGMA synchronous` answers


def _synchronous(store: Store) -> int:
    with store.transaction() as conn:
        return conn.exec_driver_sql("PRAGMA synchronous").scalar()


def test_every_engine_connection_commits_durably_by_default(tmp_path, monkeypatch):
    # given no durability setting at all
    monkeypatch.delenv(SYNCHRONOUS_ENV, raising=False)
    engine = Engine(str(tmp_path / "baton.db"), clock=VirtualClock())
    engine.activate(orchestration("demo", stage("s", background("a"))))

    # when a run is started and completes
    run_id = engine.start("demo")

    # then it committed with synchronous=FULL
    assert engine.run(run_id)["status"] == "completed"
    assert _synchronous(engine.store) == FULL
    engine.close()


def test_normal_is_chosen_explicitly_and_db_status_says_so(tmp_path, monkeypatch, capsys):
    # given an admin who opts in to the faster level
    db = str(tmp_path / "baton.db")
    monkeypatch.setenv(SYNCHRONOUS_ENV, "normal")

    # when the database is opened and its status asked for
    store = Store(db)
    level = _synchronous(store)
    store.close()
    assert main(["db", "status", "--db", db]) == 0

    # then commits run with NORMAL, and the status names the choice and its cost
    assert level == NORMAL
    assert "commits: NORMAL" in capsys.readouterr().out
    assert main(["db", "status", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["synchronous"] == "NORMAL"


def test_db_status_reports_full_durability_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(SYNCHRONOUS_ENV, raising=False)
    db = str(tmp_path / "baton.db")
    Store(db).close()

    assert main(["db", "status", "--db", db]) == 0

    assert "commits: FULL (a commit survives a power cut)" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["fast", "OFF", "2"])
def test_an_unknown_durability_level_is_refused_in_one_line(tmp_path, monkeypatch, capsys, value):
    # given a mistyped (or unsafe) level
    monkeypatch.setenv(SYNCHRONOUS_ENV, value)
    db = tmp_path / "baton.db"

    # when any command opens the database
    code = main(["runs", "--db", str(db)])

    # then it stops with exit 2 and one line naming the variable and the choices
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert SYNCHRONOUS_ENV in err and "FULL" in err and "NORMAL" in err
    assert not db.exists()
