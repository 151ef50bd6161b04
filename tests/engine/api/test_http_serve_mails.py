"""`baton serve` alone delivers outgoing mail: a `send_email` step's message and the
assignment notice of a new work item reach a real SMTP server (started by the test)
shortly after the request that caused them, with no `baton worker` running."""

from __future__ import annotations

import time

import pytest

from engine.api.tokens import create_token
from engine.runtime import Engine
from tests.engine.api.server_process import ServerProcess
from tests.engine.runtime.builders import background, interactive, orchestration, stage, var
from tests.engine.runtime.smtp_server import SmtpServer


def _wait_until(condition, guard: float = 60.0) -> None:
    # A hang guard far above the moment delivery takes (the server is woken by the request).
    deadline = time.monotonic() + guard
    while not condition():
        assert time.monotonic() < deadline, "baton serve did not deliver the mail"
        time.sleep(0.05)


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def served(tmp_path, smtp):
    db = str(tmp_path / "baton.db")
    engine = Engine(db)
    engine.add_user("root", role="admin")
    engine.add_user("hana", email="hana@example.com")
    welcome = background(
        "welcome",
        action="send_email",
        inputs={"to": "'new.hire@example.com'", "subject": "'Welcome'", "body": "'Hi ' + who"},
    )
    sign = interactive("sign", "user:hana", guidance="Sign the contract.", after=["welcome"])
    engine.activate(
        orchestration("hire", stage("paper", welcome, sign), variables=[var("who", input=True)])
    )
    token = create_token(engine, "root", "tests").secret
    engine.close()
    server = ServerProcess(
        db,
        env={
            "BATON_SMTP_HOST": "127.0.0.1",
            "BATON_SMTP_PORT": str(smtp.port),
            "BATON_MAIL_FROM": "baton@team.example",
            "BATON_OUTBOX": str(tmp_path / "outbox"),
        },
    )
    client = server.client(token)
    yield client
    client.close()
    server.stop()


def test_serve_sends_a_steps_email_and_the_assignment_notice_by_smtp(served, smtp):
    # when a run is started over HTTP (no worker anywhere)
    started = served.post("/v1/runs", json={"orchestration": "hire", "inputs": {"who": "Ann"}})
    assert started.status_code == 201, started.text

    # then the server itself sends the step's email and hana's notice to the mail server
    _wait_until(lambda: len(smtp.messages) >= 2)
    by_subject = {m["Subject"]: m for m in smtp.messages}
    welcome = by_subject["Welcome"]
    assert welcome["To"] == "new.hire@example.com"
    assert "Hi Ann" in welcome.get_payload(decode=True).decode()
    (notice,) = [m for m in smtp.messages if m["To"] == "hana@example.com"]
    assert "Sign" in notice["Subject"] and notice["From"] == "baton@team.example"

    # and the outbox over HTTP empties (each row is marked sent once its mail went out):
    # nothing is left for a worker
    _wait_until(lambda: served.get("/v1/outbox").json()["messages"] == [])
