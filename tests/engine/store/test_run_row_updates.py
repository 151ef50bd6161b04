"""A call that moves a run rewrites only the `runs` columns whose values changed.

SQLite rewrites an index entry for every column an UPDATE names, changed or not; naming
them all made each call write five index pages of `runs` more to the log and the disk.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from engine.runtime import Engine, VirtualClock
from tests.engine.runtime.builders import interactive, orchestration, stage

FRAME = 24 + 4096  # a WAL frame: its header, then one page (the default page size)


def _pages_written(db: Path, call) -> list[str]:  # type: ignore[no-untyped-def]
    # The tables and indexes whose pages one call wrote to the write-ahead log.
    raw = sqlite3.connect(db, isolation_level=None)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        call()
        log = (db.parent / (db.name + "-wal")).read_bytes()[32:]
        pages = {struct.unpack(">I", log[i : i + 4])[0] for i in range(0, len(log), FRAME)}
        return sorted(
            raw.execute("SELECT name FROM dbstat WHERE pageno = ?", (page,)).fetchone()[0]
            for page in pages
        )
    finally:
        raw.close()


def _engine(tmp_path: Path) -> Engine:
    engine = Engine(str(tmp_path / "baton.db"), clock=VirtualClock())
    engine.add_user("ann")
    engine.activate(
        orchestration(
            "two",
            stage("first", interactive("a", "user:ann"), interactive("b", "user:ann")),
            stage("second", interactive("c", "user:ann")),
        )
    )
    return engine


def test_completing_an_item_within_a_stage_leaves_the_run_indexes_alone(tmp_path):
    # given a run waiting on two items of its first stage
    engine = _engine(tmp_path)
    run_id = engine.start("two")
    first = engine.open_item_ids(run_id)[0]

    # when one of them is completed (the run stays in its stage, still waiting)
    written = _pages_written(tmp_path / "baton.db", lambda: engine.complete_item(first, "ann"))

    # then the run's row was written, but none of the indexes over unchanged columns
    assert "runs" in written
    assert not {"ix_runs_started", "ix_runs_definition", "ix_runs_status_ended"} & set(written)
    engine.close()


def test_the_run_row_follows_every_move_of_the_run(tmp_path):
    # given a run that moves from stage to stage to its end
    engine = _engine(tmp_path)
    run_id = engine.start("two")
    rows = []

    # when its items are completed one by one
    while open_ids := engine.open_item_ids(run_id):
        engine.complete_item(open_ids[0], "ann")
        (row,) = [r for r in engine.runs() if r["id"] == run_id]
        rows.append((row["status"], row["stage"], row["ended_at"] is not None))

    # then the listed row showed each changed column (stage, status, end) as it happened
    assert rows == [
        ("waiting", "first", False),
        ("waiting", "second", False),
        ("completed", None, True),
    ]
    assert engine.run(run_id)["status"] == "completed"
    engine.close()
