"""Outside effects after commit: emails are outbox rows first, delivered by the worker with
timeouts, retried with backoff, and a silent server costs one timeout per pass."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from sqlalchemy import select

from benchmarks.slow_neighbours import SilentServer
from engine.store.schema import outbox
from tests.engine.faults.helpers import welcome_definition
from tests.engine.runtime.smtp_server import SmtpServer


def _rows(engine):
    with engine.store.read() as conn:
        return conn.execute(select(outbox).order_by(outbox.c.id)).all()


def test_an_email_step_commits_a_row_and_its_file_follows_the_commit(engine, tmp_path):
    engine.activate(welcome_definition())

    run_id = engine.start("welcome")

    (row,) = _rows(engine)
    assert row.key == f"{run_id}-mail-1" and row.sent_at is None
    assert (tmp_path / "outbox" / f"{run_id}-mail-1.eml").exists()
    assert engine.run(run_id)["status"] == "waiting"


def test_a_worker_pass_sends_each_pending_email_once(engine, monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(server.port))
    try:
        engine.activate(welcome_definition())
        engine.start("welcome")
        engine.tick()
        engine.tick()
    finally:
        server.stop()
    assert [m["Subject"] for m in server.messages] == ["Hi"]
    (row,) = _rows(engine)
    assert row.sent_at is not None and row.attempts == 0


def test_a_silent_server_costs_one_timeout_per_pass_and_the_rest_wait(engine, monkeypatch, caplog):
    # given two emails pending and a server that accepts and never answers (1 s timeout)
    engine.activate(welcome_definition())
    engine.start("welcome")
    engine.start("welcome")
    server = SilentServer()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(server.port))
    monkeypatch.setenv("BATON_SMTP_TIMEOUT", "1")
    try:
        # when the worker makes a pass
        with caplog.at_level(logging.WARNING, logger="baton.notify"):
            engine.tick()
    finally:
        server.close()

    # then the first email failed once with the timeout, the second was not tried
    first, second = _rows(engine)
    assert (first.attempts, second.attempts) == (1, 0)
    assert "timed out" in first.last_error and "retrying at" in caplog.text


def test_a_failed_email_is_retried_after_its_pause_and_then_sent(engine, monkeypatch):
    from tests.engine.runtime.smtp_server import free_port

    engine.activate(welcome_definition())
    engine.start("welcome")
    port = free_port()  # nothing listens yet
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(port))
    engine.tick()
    assert _rows(engine)[0].attempts == 1

    server = SmtpServer(port=port).start()
    try:
        engine.tick()  # before the pause is over: not tried
        assert server.messages == []
        engine.advance(engine.clock.now() + timedelta(minutes=1))
        engine.tick()
    finally:
        server.stop()
    assert len(server.messages) == 1
    assert _rows(engine)[0].sent_at is not None


def test_baton_outbox_lists_what_is_undelivered_with_its_last_error(engine, monkeypatch, capsys):
    from engine.cli import main
    from tests.engine.runtime.smtp_server import free_port

    # given an email whose delivery failed once (nothing listens on the mail port)
    engine.activate(welcome_definition())
    run_id = engine.start("welcome")
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(free_port()))
    engine.tick()
    capsys.readouterr()

    # when the operator looks at the outbox
    code = main(["outbox", "--db", engine.store.url, "--format", "json"])

    # then the email is listed with its try count, next try and error
    assert code == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["kind"], row["key"], row["to"]) == ("email", f"{run_id}-mail-1", "ann@example.com")
    assert row["attempts"] == 1 and row["next_try_at"] and "Connection" in row["last_error"]
    assert main(["outbox", "--failed", "--db", engine.store.url]) == 0
    assert f"{run_id}-mail-1" not in capsys.readouterr().out  # not given up on yet
