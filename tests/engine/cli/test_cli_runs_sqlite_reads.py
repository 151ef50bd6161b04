"""`baton runs` on a SQLite file reads with plain `sqlite3` (`engine.runtime.lite`), and
says exactly what the other commands say about a database it cannot use.

The other read commands (`definitions` here) open the database through `Store`, so their
words are the reference: for each fault, `runs` must print the same line and exit code.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from engine.runtime import Engine, VirtualClock
from engine.runtime.lite import LiteReader
from engine.runtime.selection import RunSelection, runs_sql
from engine.store import faults, sqlite_file
from tests.engine.clirunner import in_process
from tests.engine.runtime.builders import interactive, orchestration, stage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def baton(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("BATON_USER", "ann")
    return in_process(capsys)


def _database(path, batches=((3, 0),)):
    """A database with runs of `review`: each (count, hours) batch is started by one call
    at T0 + hours, so the runs of a batch share one start time."""
    engine = Engine(str(path), clock=VirtualClock(T0))
    engine.add_user("ann", groups=["hr"])
    engine.activate(orchestration("review", stage("first", interactive("a", "group:hr"))))
    started = []
    for count, hours in batches:
        engine.clock.set(T0 + timedelta(hours=hours))
        started += [engine.start("review") for _ in range(count)]
    engine.close()
    return started


def _same_words(baton, db, *args):
    """`baton runs ARGS` and `baton definitions` on `db`: both results."""
    listed = baton("runs", *args, "--db", str(db))
    reference = baton("definitions", "--db", str(db))
    return listed, reference


def test_a_missing_database_is_named_as_by_every_other_command(baton, tmp_path):
    listed, reference = _same_words(baton, tmp_path / "typo" / "baton.db")

    assert listed == reference
    assert listed.code == 2 and "does not exist" in listed.err
    assert not (tmp_path / "typo").exists()


def test_a_database_of_a_newer_baton_is_refused_as_too_new(baton, tmp_path):
    db = tmp_path / "baton.db"
    _database(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")

    listed, reference = _same_words(baton, db)

    assert listed == reference
    assert listed.code != 0 and "newer than this Baton" in listed.err


def test_a_database_of_an_older_baton_asks_for_an_upgrade(baton, tmp_path):
    db = tmp_path / "baton.db"
    _database(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0015_retention_indexes'")

    listed, reference = _same_words(baton, db)

    assert listed == reference
    assert listed.code != 0 and "baton db upgrade" in listed.err


def test_a_file_that_is_not_a_database_is_called_damaged(baton, tmp_path):
    db = tmp_path / "baton.db"
    db.write_bytes(bytes(range(256)) * 64)

    listed, reference = _same_words(baton, db)

    assert listed == reference
    assert listed.code == 2 and "damaged" in listed.err


def test_a_database_another_process_keeps_locked_is_busy_after_one_wait(
    baton, tmp_path, monkeypatch
):
    # given a database another process holds an exclusive lock on
    db = tmp_path / "baton.db"
    _database(db)
    for module in (faults, sqlite_file):
        monkeypatch.setattr(module, "BUSY_SECONDS", 0.5)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE users SET name = name")
    try:
        # when runs and definitions are listed
        listed, reference = _same_words(baton, db)
    finally:
        holder.close()

    # then both say the database is busy, in the same line
    assert listed == reference
    assert listed.code == 2 and "busy" in listed.err


def test_runs_json_is_the_engines_list_for_every_filter(baton, tmp_path):
    # given runs started in three batches
    db = tmp_path / "baton.db"
    _database(db, batches=((4, 0), (5, 1), (2, 3)))
    ten = T0 + timedelta(hours=1)
    engine = Engine(str(db))
    try:
        for args, filters in (
            ((), {}),
            (("--status", "waiting"), {"status": "waiting"}),
            (("--orchestration", "review", "--version", "1"),
             {"orchestration": "review", "version": 1}),
            (("--stage", "first"), {"stage": "first"}),
            (("--assignee", "group:hr"), {"assignee": "group:hr"}),
            (("--started-after", "2026-03-02T10:00Z"), {"started_after": ten}),
            (("--started-before", "2026-03-02T10:00Z"), {"started_before": ten}),
            (("--outcome", "rejected"), {"outcome": "rejected"}),
        ):  # fmt: skip
            # when the CLI lists runs with a filter (read through sqlite3)
            listed = baton("runs", *args, "--format", "json", "--db", str(db))

            # then it is what the engine (SQLAlchemy) lists with the same filter
            assert listed.code == 0, listed.err
            assert listed.json() == engine.runs(**filters), args
    finally:
        engine.close()


def _pages(baton, db, limit, *args):
    """Every page of `baton runs --limit N ARGS`, following the `--after` it prints."""
    seen, after = [], []
    while True:
        page = baton("runs", "-q", "--limit", str(limit), *args, *after, "--db", str(db))
        assert page.code == 0, page.err
        seen += page.out.split()
        if "--after" not in page.err:
            return seen
        after = ["--after", page.err.split("--after ")[1].split(")")[0]]


def test_pages_of_runs_started_together_give_each_run_once_newest_first(baton, tmp_path):
    # given 23 runs, most started by one call (one start time), some earlier and later
    db = tmp_path / "baton.db"
    _database(db, batches=((3, 0), (17, 1), (3, 2)))
    reader = LiteReader(str(db))
    try:
        everything = [r["id"] for r in reader.runs()]
        assert reader.reads_without_sqlalchemy
    finally:
        reader.close()

    # when they are read four at a time, and filtered by status three at a time
    pages = _pages(baton, db, 4)
    waiting = _pages(baton, db, 3, "--status", "waiting")

    # then each run comes once, in the order of the whole list
    assert pages == everything
    assert waiting == everything
    assert len(everything) == 23


def test_a_page_after_the_first_seeks_in_the_runs_index(tmp_path):
    # given a database with runs, and the statement of a page after the first
    db = tmp_path / "baton.db"
    started = _database(db, batches=((5, 0), (5, 1)))
    statement, params = runs_sql(
        RunSelection(after=("2026-03-02T10:00:00.000000Z", started[7]), limit=3)
    )

    # when SQLite plans it
    with sqlite3.connect(db) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", params)]

    # then both halves search the runs index; none scans the runs table or index
    searches = [step for step in plan if step.startswith("SEARCH runs")]
    assert len(searches) == 2, plan
    assert all("ix_runs_started" in step for step in searches), plan
    assert not any(step.startswith("SCAN runs") for step in plan), plan


def test_engine_pages_of_runs_started_together_are_whole_on_every_database(db_url, tmp_path):
    # given 12 runs of which 8 share one start time, on SQLite and PostgreSQL (SQLAlchemy)
    engine = Engine(db_url, clock=VirtualClock(T0), outbox=tmp_path / "outbox")
    try:
        engine.add_user("ann", groups=["hr"])
        engine.activate(orchestration("review", stage("first", interactive("a", "group:hr"))))
        for count, hours in ((2, 0), (8, 1), (2, 2)):
            engine.clock.set(T0 + timedelta(hours=hours))
            for _ in range(count):
                engine.start("review")
        everything = [r["id"] for r in engine.runs()]

        # when they are read three at a time, each page after the last run of the one before
        pages, last = [], None
        while True:
            page = engine.runs(after=last, limit=3)
            if not page:
                break
            pages += [r["id"] for r in page]
            last = (page[-1]["started_at"], page[-1]["id"])
    finally:
        engine.close()

    # then each run comes once, in the order of the whole list
    assert pages == everything
    assert len(everything) == 12
