"""A worker's delivery pass: a notice's file is on the disk before the notice is recorded
as delivered, a claim does not wait for the disk, and a pass with nothing due takes no
write lock."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import select, update

from engine.actions import mailfiles
from engine.runtime import Engine, delivery
from engine.store import outbox as outbox_store
from engine.store.schema import notifications
from tests.engine.runtime.builders import interactive, orchestration, stage


def _three_notices(engine):
    engine.add_user("alice", email="alice@example.com")
    engine.activate(
        orchestration(
            "n",
            stage(
                "s",
                interactive("a", "user:alice"),
                interactive("b", "user:alice"),
                interactive("c", "user:alice"),
            ),
        )
    )
    return engine.start("n")


def test_each_notice_file_reaches_the_disk_before_the_notice_is_recorded_sent(engine, monkeypatch):
    # given three notices waiting, and a record of what the disk and the database are told
    _three_notices(engine)
    seen: list[str] = []
    real_sync, real_name, real_folder = (
        mailfiles._sync_file,
        mailfiles._name_file,
        mailfiles._sync_folder,
    )
    real_mark = outbox_store.mark_sent
    names: dict[int, str] = {}

    def sync(fd):
        seen.append(f"sync {names.get(fd, '?')}")
        real_sync(fd)

    def name(entry, folder_fd):
        names[entry.fd] = os.path.basename(entry.target)
        seen.append(f"name {names[entry.fd]}")
        real_name(entry, folder_fd)

    def folder(folder_fd):
        seen.append("sync folder")
        real_folder(folder_fd)

    def mark(conn, table, row_id, now, **values):
        seen.append(f"record {table.name} {row_id}")
        real_mark(conn, table, row_id, now, **values)

    real_write = mailfiles._write_all

    def write(fd, data):  # the file's name, as the sync will be told it
        names[fd] = data.split(b"Message-ID: <", 1)[1].split(b"@", 1)[0].decode() + ".eml"
        real_write(fd, data)

    monkeypatch.setattr(mailfiles, "_sync_file", sync)
    monkeypatch.setattr(mailfiles, "_name_file", name)
    monkeypatch.setattr(mailfiles, "_sync_folder", folder)
    monkeypatch.setattr(mailfiles, "_write_all", write)
    monkeypatch.setattr(outbox_store, "mark_sent", mark)

    # when the worker's pass delivers them
    engine.tick()

    # then every file was synced before it had its name, named, the folder synced, and
    # only then were the notices recorded
    files = sorted(p.name for p in engine.outbox.glob("notice-*.eml"))
    assert len(files) == 3
    assert sorted(seen[:3]) == [f"sync {name}" for name in files]
    assert sorted(seen[3:6]) == [f"name {name}" for name in files]
    assert seen[6] == "sync folder"
    assert [s.split()[0] for s in seen[7:]] == ["record"] * 3
    assert not list(engine.outbox.glob("*.tmp"))


def test_a_notice_whose_record_was_lost_is_recorded_without_being_written_again(engine):
    # given a notice delivered, and then its record lost (as a power cut may lose a commit
    # that did not wait for the disk), the file being on the disk already
    _three_notices(engine)
    engine.tick()
    file = sorted(engine.outbox.glob("notice-*.eml"))[0]
    written = file.read_bytes()
    row_id = int(file.stem.removeprefix("notice-"))
    with engine.store.transaction() as conn:
        conn.execute(
            update(notifications)
            .where(notifications.c.id == row_id)
            .values(sent_at=None, recipients=None)
        )

    # when the next pass runs
    engine.tick()

    # then the notice is recorded again and its file is the one first written
    assert file.read_bytes() == written
    assert len(list(engine.outbox.glob("notice-*.eml"))) == 3
    with engine.store.read() as conn:
        recipients = conn.execute(
            select(notifications.c.recipients).where(notifications.c.id == row_id)
        ).scalar()
    assert recipients == "alice@example.com"


def _commit_level(conn) -> str:
    if conn.dialect.name == "sqlite":
        return {2: "durable", 1: "relaxed"}[conn.exec_driver_sql("PRAGMA synchronous").scalar()]
    found = conn.exec_driver_sql("SHOW synchronous_commit").scalar()
    return {"on": "durable", "off": "relaxed"}[found]


def _level_now(store) -> str:
    with store.read() as conn:
        return _commit_level(conn)


def test_a_relaxed_transaction_skips_the_disk_wait_only_for_itself(engine):
    # (the test PostgreSQL server itself runs relaxed, for speed; a SQLite file is durable)
    before = _level_now(engine.store)
    assert before == "durable" or engine.store.is_postgresql

    with engine.store.transaction(durable=False) as conn:
        inside = _commit_level(conn)
        conn.exec_driver_sql("CREATE TABLE scratch_relaxed (x integer)")
        conn.exec_driver_sql("INSERT INTO scratch_relaxed VALUES (1)")

    # it commits like any other, and the connection is back at the durable level after it
    assert inside == "relaxed"
    assert _level_now(engine.store) == before
    with engine.store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM scratch_relaxed").scalar() == 1
    # and after a transaction that failed as well
    with pytest.raises(RuntimeError), engine.store.transaction(durable=False):
        raise RuntimeError("boom")
    assert _level_now(engine.store) == before


def test_a_pass_with_nothing_due_does_not_wait_for_a_busy_writer(tmp_path, clock):
    # given a SQLite file whose notices were delivered, and another process holding its
    # write lock
    engine = Engine(str(tmp_path / "baton.db"), clock=clock, outbox=tmp_path / "outbox")
    _three_notices(engine)
    engine.tick()
    other = sqlite3.connect(tmp_path / "baton.db", isolation_level=None, timeout=1)
    other.execute("BEGIN IMMEDIATE")
    try:
        # when the worker's next pass finds nothing due, it answers without the lock
        # (a writer would wait up to the busy timeout, then fail)
        assert engine.tick() == 0
        assert delivery.deliver_pending(engine) == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
        engine.close()
