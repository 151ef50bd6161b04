"""Assignees get real emails (through a real SMTP server) when work reaches them.

A notice names the run, the step, the guidance and the due time, or follows the step's own
template; a mail server that is down never fails a run: the notice is logged and retried.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.store.schema import notifications
from tests.engine.runtime.builders import interactive, orchestration, stage
from tests.engine.runtime.smtp_server import SmtpServer, free_port


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(server.port))
    monkeypatch.setenv("BATON_MAIL_FROM", "baton@team.example")
    yield server
    server.stop()


def _body(message) -> str:
    return message.get_payload(decode=True).decode()


def test_a_new_item_is_emailed_naming_run_step_guidance_and_due_time(engine, smtp):
    engine.add_user("alice", groups=["hr"], email="alice@example.com")
    engine.activate(
        orchestration(
            "hire",
            stage("paper", interactive("contract", "user:alice", guidance="Sign it.", due="P1D")),
        )
    )
    run_id = engine.start("hire")

    assert engine.tick() == 0  # nothing fired; the notice went out
    (message,) = smtp.messages
    assert message["To"] == "alice@example.com"
    assert message["From"] == "baton@team.example"
    assert message["Subject"] == "New work item: Contract"
    body = _body(message)
    assert run_id in body and "step contract of hire" in body
    assert "Sign it." in body and "Due: 2026-01-06T09:00:00" in body

    engine.tick()
    assert len(smtp.messages) == 1  # sent once, not on every tick


def test_a_step_template_shapes_its_email(engine, smtp):
    engine.add_user("alice", email="alice@example.com")
    template = {
        "subject": "[{orchestration}] {title} for you",
        "body": "Hello {assignee}, run {run} needs {step} by {due}. {guidance} ({unknown})",
    }
    engine.activate(
        orchestration(
            "deal",
            stage("desk", interactive("approve", guidance="Check margin.", notice=template)),
        )
    )
    run_id = engine.start("deal")
    engine.tick()

    (message,) = smtp.messages
    assert message["Subject"] == "[deal] Approve for you"
    assert _body(message).strip() == (
        f"Hello user:alice, run {run_id} needs approve by no due time. Check margin. ({{unknown}})"
    )


def test_overdue_and_escalated_items_notify_the_people_concerned(engine, smtp):
    engine.add_user("alice", email="alice@example.com")
    engine.add_user("bob", groups=["it"], email="bob@example.com")
    engine.activate(
        orchestration(
            "esc", stage("s", interactive("fix", "user:alice", due="PT4H", escalate_to="group:it"))
        )
    )
    engine.start("esc")
    engine.tick()
    engine.advance(engine.clock.now() + timedelta(hours=5))
    engine.tick()

    assert [(m["To"], m["Subject"]) for m in smtp.messages] == [
        ("alice@example.com", "New work item: Fix"),
        ("alice@example.com", "Overdue work item: Fix"),
        ("bob@example.com", "Overdue work item escalated to you: Fix"),
    ]


def test_a_mail_server_that_is_down_never_fails_the_run_and_the_notice_is_retried(
    engine, monkeypatch, caplog
):
    engine.add_user("alice", email="alice@example.com")
    engine.activate(orchestration("m", stage("s", interactive("a"), interactive("b"))))
    port = free_port()  # nothing listens here yet
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(port))
    run_id = engine.start("m")

    with caplog.at_level(logging.WARNING, logger="baton.notify"):
        engine.tick()

    assert "failed (attempt 1), retrying" in caplog.text
    with engine.store.read() as conn:
        notices = conn.execute(select(notifications).order_by(notifications.c.id)).all()
    assert [(n.sent_at, n.attempts) for n in notices] == [(None, 1), (None, 1)]
    assert all("Error" in n.last_error for n in notices)
    item_b = next(i["id"] for i in engine.work_items() if i["step"] == "b")
    engine.complete_item(item_b, "alice")  # the run goes on regardless
    assert engine.run(run_id)["status"] == "waiting"

    # when the server is back, nothing is resent before the pause, then the open item's is
    server = SmtpServer(port=port).start()
    try:
        engine.tick()
        assert server.messages == []
        engine.advance(engine.clock.now() + timedelta(minutes=1))
        engine.tick()
        assert [m["Subject"] for m in server.messages] == ["New work item: A"]
    finally:
        server.stop()
    with engine.store.read() as conn:
        notices = conn.execute(select(notifications).order_by(notifications.c.id)).all()
    assert [n.recipients for n in notices] == ["alice@example.com", "alice@example.com"]
    assert all(n.sent_at is not None for n in notices)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_smtp_credentials_from_the_environment_are_used_to_log_in(engine, monkeypatch):
    server = SmtpServer(credentials=("baton", "s3cret")).start()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(server.port))
    monkeypatch.setenv("BATON_SMTP_USER", "baton")
    monkeypatch.setenv("BATON_SMTP_PASSWORD", "s3cret")
    try:
        engine.add_user("alice", email="alice@example.com")
        engine.activate(orchestration("c", stage("s", interactive("a"))))
        engine.start("c")
        engine.tick()
        assert server.logins == ["baton"]
        assert len(server.messages) == 1
    finally:
        server.stop()
