"""Stuck runs with reasons, and the store: schema version, WAL, versions, the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, text, update

from engine.runtime import Engine
from engine.store import Store, StoreTooNew
from engine.store.schema import meta
from tests.engine.runtime.builders import interactive, items_of, orchestration, stage, wait


def test_a_run_waiting_on_an_inactive_assignee_is_stuck_with_that_reason(engine):
    engine.activate(orchestration("s", stage("x", interactive("a", "user:bob"))))
    run_id = engine.start("s")
    assert engine.runs(stuck=True) == []

    engine.deactivate_user("bob")

    (stuck,) = engine.runs(stuck=True)
    assert stuck["id"] == run_id
    assert "user 'bob' is inactive" in stuck["reasons"][0]


def test_unknown_users_and_empty_groups_are_stuck_reasons(engine):
    engine.activate(
        orchestration(
            "s", stage("x", interactive("a", "user:ghost"), interactive("b", "queue:nobody"))
        )
    )
    engine.start("s")
    (stuck,) = engine.runs(stuck=True)
    assert any("user 'ghost' is unknown" in r for r in stuck["reasons"])
    assert any("queue 'nobody' has no active member" in r for r in stuck["reasons"])


def test_an_overdue_item_makes_its_run_stuck(engine):
    engine.activate(orchestration("s", stage("x", interactive("a", due="PT4H"))))
    engine.start("s")
    engine.advance(engine.clock.now() + timedelta(hours=5))
    (stuck,) = engine.runs(stuck=True)
    assert "overdue since 2026-01-05T13:00:00" in stuck["reasons"][0]


def test_a_wait_for_an_event_without_timeout_is_not_stuck(engine):
    engine.activate(orchestration("s", stage("x", wait("w", event="go"))))
    engine.start("s")
    assert engine.runs(stuck=True) == []


def test_stuck_runs_of_one_window_are_checked_without_reading_the_others(engine):
    # Given stuck runs of two orchestrations (every item's user is gone)
    engine.activate(orchestration("s", stage("x", interactive("a", "user:bob"))))
    engine.activate(orchestration("t", stage("x", interactive("a", "user:bob"))))
    older = [engine.start("s") for _ in range(3)]
    engine.advance(engine.clock.now() + timedelta(hours=1))
    newest = engine.start("s")
    for _ in range(5):
        engine.start("t")
    engine.deactivate_user("bob")
    statements: list[str] = []
    event.listen(engine.store.engine, "before_cursor_execute", _record(statements))

    # When a panel asks about the newest runs of one orchestration
    found = engine.runs(stuck=True, orchestration="s", started_after=engine.clock.now())

    # Then it gets that run, and only that run's open items were read to decide it
    assert [r["id"] for r in found] == [newest]
    item_reads = [s for s in statements if "FROM work_items" in s]
    assert len(item_reads) == 1, f"read the items of {len(item_reads)} runs"
    assert {r["id"] for r in engine.runs(stuck=True, orchestration="s")} == {newest, *older}


def _record(statements: list[str]):
    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    return record


def test_a_database_from_a_newer_baton_is_refused_clearly(db_url):
    store = Store(db_url)
    with store.transaction() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    with pytest.raises(StoreTooNew, match="schema revision 9999_future, newer than this Baton"):
        Store(db_url)


def test_a_pre_alembic_database_from_a_newer_baton_is_refused_clearly(tmp_path):
    url = str(tmp_path / "future.db")
    store = Store(url)
    with store.transaction() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(update(meta).where(meta.c.key == "schema_version").values(value="99"))
    store.close()
    with pytest.raises(StoreTooNew, match="schema version 99, newer than this Baton"):
        Store(url)


def test_the_sqlite_file_uses_write_ahead_logging(tmp_path):
    store = Store(str(tmp_path / "wal.db"))
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_baton_db_environment_variable_selects_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("BATON_DB", str(tmp_path / "env.db"))
    store = Store()
    assert store.url.endswith("env.db")
    store.close()


def test_every_activated_version_is_kept_and_one_is_active(engine):
    engine.activate(orchestration("v", stage("s", interactive("a"))))
    engine.activate(orchestration("v", stage("s", interactive("b"))))
    versions = [(d["version"], d["active"]) for d in engine.definitions()]
    assert versions == [(2, True), (1, False)]


def test_state_and_log_survive_reopening_the_database(tmp_path, clock):
    path = str(tmp_path / "reopen.db")
    first = Engine(path, clock=clock)
    first.add_user("alice")
    first.activate(orchestration("r", stage("s", interactive("a")), stage("t", interactive("b"))))
    run_id = first.start("r")
    first.complete_item(items_of(first, run_id)[0]["id"], "alice")
    before = (first.run(run_id), first.log(run_id))
    first.close()

    second = Engine(path, clock=clock)
    assert (second.run(run_id), second.log(run_id)) == before
    second.complete_item(items_of(second, run_id)[0]["id"], "alice")
    assert second.run(run_id)["status"] == "completed"
    seqs = [e["seq"] for e in second.log(run_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    second.close()


def test_simulation_can_run_the_same_runtime_on_an_in_memory_store(tmp_path, clock):
    memory = Engine("sqlite://", clock=clock, outbox=tmp_path / "sim-outbox")
    memory.add_user("alice")
    memory.activate(orchestration("sim", stage("s", interactive("a"), wait("w", timeout="PT1H"))))
    run_id = memory.start("sim")
    memory.complete_item(memory.open_item_ids(run_id)[0], "alice")
    memory.advance(clock.now() + timedelta(hours=1))
    assert memory.run(run_id)["status"] == "completed"
    memory.close()


def test_activating_the_active_definition_again_changes_nothing(engine):
    definition = orchestration("same", stage("s", interactive("a")))
    assert engine.activate(definition) == 1
    assert engine.activate(definition) == 1
    assert engine.activate(orchestration("same", stage("s", interactive("b")))) == 2
    assert len(engine.definitions()) == 2


def test_a_run_left_waiting_on_nothing_is_stuck(engine):
    from sqlalchemy import delete

    from engine.store.schema import timers

    engine.activate(orchestration("s", stage("x", wait("w", timeout="P1D"))))
    run_id = engine.start("s")
    with engine.store.transaction() as conn:  # a timer lost outside the engine's control
        conn.execute(delete(timers))

    (stuck,) = engine.runs(stuck=True)
    assert stuck["id"] == run_id
    assert stuck["reasons"] == [
        "waits on nothing that can happen (no open item, event, timer or child run)"
    ]
