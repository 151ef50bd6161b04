"""A SQLite store writes through one kept connection; threads of a process take turns."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from engine.errors import StoreFault
from engine.runtime import Engine, VirtualClock
from engine.store import Store, sqlite_writer
from tests.engine.runtime.builders import background, orchestration, stage

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
