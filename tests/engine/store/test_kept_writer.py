"""A SQLite store writes through one kept connection; threads of a process take turns."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from engine.errors import StoreFault
from engine.runtime import Engine, VirtualClock
from engine.store import Store, sqlite_writer
from tests.engine.runtime.builders import background, interactive, orchestration, stage

HANG_GUARD = 60  # seconds; every wait below ends in well under one


def _engine(tmp_path) -> Engine:
    engine = Engine(str(tmp_path / "baton.db"), clock=VirtualClock())
    engine.activate(orchestration("demo", stage("s", background("a"), background("b"))))
    return engine


def test_runs_started_from_many_threads_at_once_all_complete(tmp_path):
    # given one engine shared by four threads
    engine = _engine(tmp_path)
    started: list[str] = []
    failures: list[BaseException] = []

    def start_some() -> None:
        try:
            for _ in range(15):
                started.append(engine.start("demo"))
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            failures.append(exc)

    # when they all start runs at the same time
    threads = [threading.Thread(target=start_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG_GUARD)

    # then every run was written, whole, and completed
    assert failures == []
    assert len(set(started)) == 60
    assert {engine.run(r)["status"] for r in started} == {"completed"}
    engine.close()


def test_a_thread_kept_waiting_past_the_busy_time_gets_the_busy_fault(tmp_path, monkeypatch):
    # given a store whose writer is held by another thread, and a short busy time
    monkeypatch.setattr(sqlite_writer, "BUSY_SECONDS", 0.2)
    store = Store(str(tmp_path / "baton.db"))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.transaction():
            holding.set()
            release.wait(HANG_GUARD)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(HANG_GUARD)

    # when this thread wants to write meanwhile
    with pytest.raises(StoreFault) as refused, store.transaction():
        pass  # pragma: no cover - never entered

    # then it is told in one line that the database is busy, and writes once it is free
    assert "is busy" in refused.value.message
    assert "\n" not in refused.value.message
    release.set()
    holder.join(HANG_GUARD)
    with store.transaction() as conn:
        assert conn.execute(text("SELECT count(*) FROM runs")).scalar() == 0
    store.close()


def test_a_failed_transaction_leaves_nothing_and_the_next_one_writes(tmp_path):
    # given a store and a transaction that writes a row and then fails
    store = Store(str(tmp_path / "baton.db"))
    row = "INSERT INTO baton_meta (key, value) VALUES (:k, 'x')"
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(text(row), {"k": "first"})
        raise RuntimeError("the call failed")

    # when a driver error fails the next one too (a duplicate key, reported in one line)
    with store.transaction() as conn:
        conn.execute(text(row), {"k": "second"})
    with pytest.raises(StoreFault), store.transaction() as conn:
        conn.execute(text(row), {"k": "second"})

    # then only the committed row is there, and writing goes on
    with store.transaction() as conn:
        conn.execute(text(row), {"k": "third"})
    with store.read() as conn:
        keys = {r[0] for r in conn.execute(text("SELECT key FROM baton_meta"))}
    assert {"second", "third"} <= keys
    assert "first" not in keys
    store.close()


def test_a_closed_store_can_write_again_from_a_fresh_connection(tmp_path):
    # given an engine that wrote and was closed
    engine = _engine(tmp_path)
    first = engine.start("demo")
    engine.close()

    # when it is used again
    second = engine.start("demo")

    # then both runs are there
    assert engine.run(first)["status"] == engine.run(second)["status"] == "completed"
    engine.close()


def _keys(tmp_path) -> set[str]:
    # What another connection (as another process would) finds committed.
    other = sqlite3.connect(tmp_path / "baton.db")
    try:
        return {r[0] for r in other.execute("SELECT key FROM baton_meta")}
    finally:
        other.close()


def test_rows_written_on_the_driver_and_through_core_commit_together(tmp_path):
    # given a store
    store = Store(str(tmp_path / "baton.db"))

    # when one transaction writes only on the driver's cursor (as prepared statements do),
    # and the next writes both ways
    with store.transaction() as conn:
        conn.connection.dbapi_connection.execute(
            "INSERT INTO baton_meta (key, value) VALUES ('driver only', 'x')"
        )
    with store.transaction() as conn:
        conn.connection.dbapi_connection.execute(
            "INSERT INTO baton_meta (key, value) VALUES ('driver', 'x')"
        )
        conn.execute(text("INSERT INTO baton_meta (key, value) VALUES ('core', 'x')"))

    # then another connection finds all three committed, and the writer is idle again
    assert {"driver only", "driver", "core"} <= _keys(tmp_path)
    assert not store._writer._conn.connection.dbapi_connection.in_transaction
    store.close()


def test_a_savepoint_rolled_back_undoes_only_what_followed_it(tmp_path):
    # given a transaction that writes, opens a savepoint, writes again and rolls back to it
    store = Store(str(tmp_path / "baton.db"))
    row = "INSERT INTO baton_meta (key, value) VALUES (:k, 'x')"
    with store.transaction() as conn:
        conn.connection.dbapi_connection.execute(
            "INSERT INTO baton_meta (key, value) VALUES ('before', 'x')"
        )
        savepoint = conn.begin_nested()
        conn.execute(text(row), {"k": "undone"})
        savepoint.rollback()
        conn.execute(text(row), {"k": "after"})

    # then what was written before and after it is committed, and what it undid is not
    keys = _keys(tmp_path)
    assert {"before", "after"} <= keys
    assert "undone" not in keys
    store.close()


def test_a_short_read_sees_the_last_commit_and_holds_no_write_lock(tmp_path):
    # given a store that just wrote a row
    store = Store(str(tmp_path / "baton.db"))
    with store.transaction() as conn:
        conn.execute(text("INSERT INTO baton_meta (key, value) VALUES ('new', 'x')"))

    # when a short read queries through Core (which begins a transaction)
    with store.read(short=True) as conn:
        found = conn.execute(text("SELECT value FROM baton_meta WHERE key = 'new'")).scalar()
        # then another process could write meanwhile: no write lock is held
        other = sqlite3.connect(tmp_path / "baton.db", timeout=0.1, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO baton_meta (key, value) VALUES ('other', 'x')")
        other.execute("COMMIT")
        other.close()

    # and it read the committed row, and the next read sees the other process's row
    assert found == "x"
    with store.read(short=True) as conn:
        assert conn.execute(text("SELECT count(*) FROM baton_meta WHERE key = 'other'")).scalar()
    store.close()


def test_a_short_read_while_another_thread_writes_does_not_wait_for_it(tmp_path):
    # given a store whose writer is held by another thread's open transaction
    store = Store(str(tmp_path / "baton.db"))
    with store.transaction() as conn:
        conn.execute(text("INSERT INTO baton_meta (key, value) VALUES ('old', 'x')"))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.transaction() as conn:
            conn.execute(text("INSERT INTO baton_meta (key, value) VALUES ('pending', 'x')"))
            holding.set()
            release.wait(HANG_GUARD)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(HANG_GUARD)

    # when this thread makes a short read meanwhile
    with store.read(short=True) as conn:
        keys = {r[0] for r in conn.execute(text("SELECT key FROM baton_meta"))}

    # then it read at once, what is committed only
    assert "old" in keys
    assert "pending" not in keys
    release.set()
    holder.join(HANG_GUARD)
    store.close()


def test_open_items_listed_right_after_each_completion_are_the_open_ones(tmp_path):
    # given a run of two stages of two work items each
    engine = Engine(str(tmp_path / "baton.db"), clock=VirtualClock())
    engine.add_user("ann")
    engine.activate(
        orchestration(
            "two",
            stage("first", interactive("a", "user:ann"), interactive("b", "user:ann")),
            stage("second", interactive("c", "user:ann"), interactive("d", "user:ann")),
        )
    )
    run_id = engine.start("two")
    seen = []

    # when the worker lists the open items and completes them, one at a time
    while open_ids := engine.open_item_ids(run_id):
        seen.append(len(open_ids))
        engine.complete_item(open_ids[0], "ann")

    # then each list showed what was open just then, and the run completed
    assert seen == [2, 1, 2, 1]
    assert engine.run(run_id)["status"] == "completed"
    engine.close()


def _level(conn) -> str:  # type: ignore[no-untyped-def]
    return {2: "FULL", 1: "NORMAL"}[conn.exec_driver_sql("PRAGMA synchronous").scalar()]


def test_a_relaxed_commit_on_the_kept_connection_puts_its_level_back(tmp_path):
    # given a store whose writes are durable
    store = Store(str(tmp_path / "baton.db"))

    # when a relaxed transaction commits, and another fails, on the kept connection
    with store.transaction(durable=False) as conn:
        inside = _level(conn)
        conn.execute(text("INSERT INTO baton_meta (key, value) VALUES ('claim', 'x')"))
        kept = conn
    with pytest.raises(RuntimeError), store.transaction(durable=False):
        raise RuntimeError("the call failed")

    # then only those commits were relaxed: the next write on the kept connection is durable
    with store.transaction() as conn:
        after = _level(conn)
        same = conn is kept
    assert (inside, after) == ("NORMAL", "FULL")
    assert same or kept.closed  # the failed one closed it; a fresh one is durable too
    assert "claim" in _keys(tmp_path)
    store.close()
