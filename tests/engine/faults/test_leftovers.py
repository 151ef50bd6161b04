"""Leftovers: temporary files of a write that was killed or hit a full disk are removed by
the next write to the same place, and nothing else is touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from engine import tempfiles
from engine.definition import load_definition, save_definition
from tests.engine.faults.helpers import REPO, welcome_definition
from tests.engine.runtime.builders import interactive, orchestration, stage


def test_a_full_disk_leaves_no_temporary_file_in_the_outbox_and_the_mail_follows(engine, tmpfs):
    # given an outbox folder on a disk that is full
    disk = tmpfs(512)
    engine.outbox = disk.path / "outbox"
    engine.outbox.mkdir()
    filler = disk.fill()
    engine.activate(welcome_definition())

    # when a run sends its welcome email
    run_id = engine.start("welcome")

    # then the run goes on, no file (whole or partial) is left in the outbox
    assert engine.run(run_id)["status"] == "waiting"
    assert list(engine.outbox.iterdir()) == []
    # and once there is space again, the worker's pass writes the message
    filler.unlink()
    engine.tick()
    assert [p.name for p in engine.outbox.iterdir()] == [f"{run_id}-mail-1.eml"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_files_in_the_outbox_are_swept_by_the_next_delivery(engine, tmp_path):
    # given leftovers: one of a process that died, one of the old naming from long ago,
    # a temporary file of a live writer, and a file that is not ours
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    dead = outbox / f"run-1-mail-1.eml.{_dead_pid()}.x1y2.tmp"
    legacy = outbox / "run-2-mail-1.tmp"
    live = outbox / f"run-3-mail-1.eml.{os.getpid()}.a1b2.tmp"
    foreign = outbox / "notes.tmp"
    for path in (dead, legacy, live, foreign):
        path.write_bytes(b"")
    old = time.time() - 2 * tempfiles.STALE_SECONDS
    os.utime(legacy, (old, old))
    os.utime(foreign, (old, old))
    engine.activate(welcome_definition())

    # when the next email is written
    run_id = engine.start("welcome")

    # then the two stale ones are gone; the live one, the foreign one and the mail remain
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        [live.name, foreign.name, f"{run_id}-mail-1.eml"]
    )


_KILLED_SAVE = textwrap.dedent(
    """
    # Saves a 20 MB definition but stops inside fsync (after the temporary file is written)
    # until it is killed.
    import os, sys
    from engine.definition import save_definition
    from tests.engine.runtime.builders import interactive, orchestration, stage

    def blocked(fd):
        print("writing", flush=True)
        sys.stdin.read()

    os.fsync = blocked
    big = orchestration("big", stage("s", interactive("a", guidance="x" * 20_000_000)))
    save_definition(big, sys.argv[1])
    """
)


def test_a_killed_save_leaves_a_temporary_file_that_the_next_save_removes(tmp_path):
    # given a definition file, and a save of a 20 MB version killed half-way
    target = tmp_path / "big.baton.json"
    save_definition(orchestration("big", stage("s", interactive("a"))), target)
    saver = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SAVE, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert saver.stdout.readline().strip() == "writing"
    saver.send_signal(signal.SIGKILL)
    saver.wait(timeout=60)
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 20_000_000
    assert load_definition(target).id == "big"  # the old file is intact

    # when the file is saved again
    save_definition(orchestration("big", stage("s", interactive("b"))), target)

    # then the leftover is gone and the file holds the new version
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert load_definition(target).stages()[0].steps[0].id == "b"
