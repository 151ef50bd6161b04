"""A slow neighbour never locks anyone out: a mail server that accepts and never answers,
and another process sitting inside a slow action, with real processes on one SQLite file.

No test times anything tightly: each command has a hang guard of `HANG_GUARD` seconds, and
"did not wait" is proven by order (the reader answered while the writer was still inside
its action, the start answered although the silent server's timeout is ten minutes).
"""

from __future__ import annotations

import json
import subprocess

from sqlalchemy import select

from benchmarks.slow_neighbours import SilentServer
from engine.store import Store
from engine.store.schema import outbox
from tests.engine.faults.helpers import (
    HANG_GUARD,
    assert_one_line_error,
    baton_command,
    prepare_database,
    run_baton,
    start_slow_writer,
)


def test_reading_commands_answer_while_another_process_is_inside_a_slow_action(tmp_path):
    # given a process inside a background action, holding its write transaction open
    env = prepare_database(tmp_path)
    assert run_baton(env, "start", "welcome").returncode == 0
    writer = start_slow_writer(env)
    try:
        # when runs, a run's detail and the work list are read meanwhile
        listed = run_baton(env, "runs", "--format", "json")
        (run,) = json.loads(listed.stdout)
        shown = run_baton(env, "show", run["id"])
        work = run_baton(env, "work", "list")
        # and a second writer, after waiting its turn for the busy timeout, says so
        second_writer = run_baton(env, "users", "add", "bob")
        still_inside = writer.poll() is None
    finally:
        writer.stdin.close()
        writer.wait(timeout=HANG_GUARD)

    # then every reader answered, from the last commit, while the writer was still inside
    assert still_inside
    assert listed.returncode == 0 and run["orchestration"] == "welcome", listed.stderr
    assert shown.returncode == 0 and "waiting" in shown.stdout, shown.stderr
    assert work.returncode == 0 and "user:ann" in work.stdout, work.stderr
    assert_one_line_error(second_writer, "baton.db", "busy", "repeat the command")
    # and the writer finished its run once let go
    assert writer.returncode == 0
    assert len(json.loads(run_baton(env, "runs", "--format", "json").stdout)) == 2


def test_a_silent_mail_server_neither_slows_nor_fails_a_start_and_the_mail_is_kept(tmp_path):
    # given a mail server that accepts and never answers, with a ten-minute SMTP timeout
    env = prepare_database(tmp_path)
    server = SilentServer()
    smtp = {
        **env,
        "BATON_SMTP_HOST": "127.0.0.1",
        "BATON_SMTP_PORT": str(server.port),
        "BATON_SMTP_TIMEOUT": "600",
    }
    try:
        # when a run whose first step sends an email is started
        started = run_baton(smtp, "start", "welcome", "--format", "json")
    finally:
        server.close()

    # then the start answered (well inside the hang guard, so without waiting for SMTP),
    # the run went on to the call, and the email is kept in the outbox table (with a mail
    # server no .eml copy is written unless BATON_OUTBOX_COPY asks for one)
    assert started.returncode == 0, started.stderr
    run = json.loads(started.stdout)
    assert run["status"] == "waiting"
    assert list((tmp_path / "outbox").glob("*.eml")) == []
    store = Store(env["BATON_DB"])
    with store.read() as conn:
        (row,) = conn.execute(select(outbox)).all()
    store.close()
    assert row.sent_at is None and not row.failed  # left for the worker to send


def test_a_worker_pass_against_a_silent_mail_server_keeps_readers_and_writers_going(tmp_path):
    # given two runs whose emails wait for the worker, and a mail server that never answers
    env = prepare_database(tmp_path)
    for _ in range(2):
        assert run_baton(env, "start", "welcome").returncode == 0
    server = SilentServer()
    smtp = {
        **env,
        "BATON_SMTP_HOST": "127.0.0.1",
        "BATON_SMTP_PORT": str(server.port),
        "BATON_SMTP_TIMEOUT": "600",
    }
    # when `baton tick` tries to send them, and meanwhile others list runs and start one
    tick = subprocess.Popen(
        [*baton_command(), "tick"], env=smtp, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert server.connected.wait(timeout=HANG_GUARD), "the tick never reached the server"
        listed = run_baton(env, "runs", "--format", "json")
        started = run_baton(env, "start", "welcome")
        tick_was_waiting = tick.poll() is None
    finally:
        server.close()  # the server hangs up: the tick's SMTP conversation ends
    _, tick_err = tick.communicate(timeout=HANG_GUARD)

    # then the readers and the writer were served while the tick waited on the server
    assert tick_was_waiting
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 2, listed.stderr
    assert started.returncode == 0, started.stderr
    # and the tick itself ended normally, each failure recorded for a retry, nothing lost
    assert tick.returncode == 0, tick_err
    store = Store(env["BATON_DB"])
    with store.read() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.id)).all()
    store.close()
    assert len(rows) == 3 and all(r.sent_at is None and not r.failed for r in rows)
    assert rows[0].attempts == 1 and rows[0].next_try_at is not None
    assert "SMTPServerDisconnected" in rows[0].last_error
