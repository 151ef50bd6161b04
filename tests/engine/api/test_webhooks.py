"""Outgoing webhooks: queued with the run, POSTed after commit, signed, retried."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from benchmarks.slow_neighbours import SilentServer
from engine.cli import main
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.runtime import Engine, VirtualClock, webhooks
from engine.runtime.webhooks import (
    add_webhook,
    deliver_pending,
    deliveries,
    list_webhooks,
    remove_webhook,
)
from tests.engine.api.receiver import Receiver
from tests.engine.runtime.builders import background, interactive, orchestration, stage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def engine(db_url, tmp_path):
    engine = Engine(db_url, clock=VirtualClock(T0), outbox=tmp_path / "outbox")
    engine.add_user("ann")
    engine.activate(orchestration("review", stage("s", interactive("check", "user:ann"))))
    engine.activate(orchestration("broken", stage("s", background("make", "create_record"))))
    yield engine
    engine.close()


def _verify(secret: str, received) -> bool:
    fields = dict(part.split("=", 1) for part in received.headers["Baton-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), f"{fields['t']}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def test_a_completed_run_is_posted_after_commit_and_signed_with_the_webhook_secret(
    engine, receiver
):
    _, secret = add_webhook(engine, "review", receiver.url, ["run.completed"])
    run_id = engine.start("review")
    engine.complete_item(engine.open_item_ids(run_id)[0], "ann")
    assert receiver.received == []  # nothing goes out inside the engine call

    assert engine.tick() == 0  # no timers; the tick delivers the outbox

    (sent,) = receiver.received
    assert sent.path == "/hooks/baton" and sent.headers["Baton-Event"] == "run.completed"
    assert _verify(secret, sent)
    body = sent.json()
    assert body["event"] == "run.completed" and body["run"] == run_id
    assert body["orchestration"] == "review" and body["version"] == 1
    assert sent.headers["Baton-Delivery"] == body["id"]
    assert not _verify("whsec_someone-else", sent)


def test_a_new_work_item_and_a_failed_run_reach_the_webhooks_that_want_them(engine, receiver):
    add_webhook(engine, "review", receiver.url, ["item.created"])
    add_webhook(engine, "broken", receiver.url, ["run.failed"])
    run_id = engine.start("review")
    failed_id = engine.start("broken")

    engine.tick()

    by_event = {r.json()["event"]: r.json() for r in receiver.received}
    assert set(by_event) == {"item.created", "run.failed"}
    assert by_event["item.created"]["run"] == run_id
    assert by_event["item.created"]["data"]["assignee"] == "user:ann"
    assert by_event["run.failed"]["run"] == failed_id


def test_an_orchestration_without_a_webhook_sends_nothing(engine, receiver):
    add_webhook(engine, "broken", receiver.url)

    engine.complete_item(engine.open_item_ids(engine.start("review"))[0], "ann")
    engine.tick()

    assert receiver.received == []


def test_a_failing_receiver_is_tried_again_after_a_growing_pause_then_delivered(engine, receiver):
    receiver.answers = [500, 503]
    add_webhook(engine, "review", receiver.url, ["run.completed"])
    engine.complete_item(engine.open_item_ids(engine.start("review"))[0], "ann")

    engine.tick()  # first try: 500
    engine.tick()  # not due yet: nothing tried
    (pending,) = deliveries(engine)
    assert pending["attempts"] == 1 and pending["last_error"] == "the receiver answered 500"
    assert pending["next_try_at"] == "2026-03-02T09:01:00.000000Z"

    engine.advance(T0 + timedelta(minutes=1))
    engine.tick()  # second try: 503, next after 2 minutes
    engine.advance(T0 + timedelta(minutes=3))
    engine.tick()  # third try: delivered

    (done,) = deliveries(engine)
    assert len(receiver.received) == 3
    assert done["sent_at"] == "2026-03-02T09:03:00.000000Z" and done["attempts"] == 2
    assert len({r.headers["Baton-Delivery"] for r in receiver.received}) == 1


def test_a_receiver_that_is_down_never_fails_the_run(engine, receiver):
    add_webhook(engine, "review", "http://127.0.0.1:9/nobody-listens", ["run.completed"])
    run_id = engine.start("review")

    engine.complete_item(engine.open_item_ids(run_id)[0], "ann")
    engine.tick()

    assert engine.run(run_id)["status"] == "completed"
    (pending,) = deliveries(engine)
    assert pending["sent_at"] is None and pending["attempts"] == 1


def test_a_removed_webhook_hears_nothing_new(engine, receiver):
    webhook_id, _ = add_webhook(engine, "review", receiver.url, ["item.created"])
    remove_webhook(engine, webhook_id)

    engine.start("review")
    engine.tick()

    assert receiver.received == []
    assert list_webhooks(engine)[0]["active"] is False


def test_a_webhook_needs_an_http_url_a_known_event_and_an_activated_orchestration(engine):
    with pytest.raises(InvalidInput, match="is not an http or https URL"):
        add_webhook(engine, "review", "ftp://example.com/x")
    with pytest.raises(InvalidInput, match=r"unknown webhook event 'run\.started'"):
        add_webhook(engine, "review", "https://example.com/x", ["run.started"])
    with pytest.raises(NotFound, match="no orchestration 'nothing'"):
        add_webhook(engine, "nothing", "https://example.com/x")


def test_only_admins_manage_webhooks_when_roles_are_enforced(db_url, tmp_path):
    engine = Engine(db_url, roles="enforce", outbox=tmp_path / "outbox")
    engine.add_user("root", role="admin")
    engine.add_user("ann")
    engine.activate(orchestration("review", stage("s", interactive("check", "user:ann"))))

    with pytest.raises(PermissionDenied, match="needs the admin role"):
        add_webhook(engine, "review", "https://example.com/x", actor="ann")
    assert add_webhook(engine, "review", "https://example.com/x", actor="root")[0]
    engine.close()


def test_the_cli_prints_the_secret_once_and_lists_delivery_counts(engine, receiver, capsys):
    db = engine.store.url
    capsys.readouterr()
    assert main(["webhooks", "add", "review", "--url", receiver.url, "--db", db]) == 0
    secret = capsys.readouterr().out.strip()
    engine.complete_item(engine.open_item_ids(engine.start("review"))[0], "ann")
    deliver_pending(engine)

    assert main(["webhooks", "list", "--format", "json", "--db", db]) == 0
    (listed,) = json.loads(capsys.readouterr().out)

    assert secret.startswith("whsec_") and secret not in str(listed)
    assert listed["sent"] == 2 and listed["pending"] == 0  # item.created, run.completed


def _commits(engine: Engine) -> list[int]:
    """A list that grows by one at each commit of the engine's database (its length is
    the count), seen by SQLAlchemy as the store commits."""
    seen: list[int] = []
    event.listen(engine.store.engine, "commit", lambda _conn: seen.append(1))
    return seen


def test_a_pass_claims_in_one_transaction_and_records_in_one_whatever_the_count(engine, receiver):
    # given twelve item.created deliveries queued for one webhook and two for another
    add_webhook(engine, "review", receiver.url, ["item.created"])
    add_webhook(engine, "broken", receiver.url, ["run.failed"])
    for _ in range(12):
        engine.start("review")
    for _ in range(2):
        engine.start("broken")
    commits = _commits(engine)

    # when one pass delivers them
    delivered = deliver_pending(engine)

    # then every one went out once, marked sent, in two commits: the claim and the record
    assert delivered == 14
    assert len(receiver.received) == 14
    assert len({r.headers["Baton-Delivery"] for r in receiver.received}) == 14
    assert all(d["sent_at"] for d in deliveries(engine))
    assert len(commits) == 2


def test_a_silent_receiver_costs_one_timeout_and_other_webhooks_still_hear(engine, receiver):
    # given a webhook whose receiver accepts and never answers, and one that answers
    silent = SilentServer()
    try:
        quiet_id, _ = add_webhook(
            engine, "review", f"http://127.0.0.1:{silent.port}/x", ["item.created"]
        )
        heard_id, _ = add_webhook(engine, "review", receiver.url, ["item.created"])
        for _ in range(3):
            engine.start("review")

        # when one pass delivers with a short receiver timeout
        delivered = deliver_pending(engine, timeout=0.5)
    finally:
        silent.close()

    # then the answering receiver got all three; the silent one cost one failed attempt,
    # and its other two deliveries were given back untried, due again at once
    assert delivered == 3 and len(receiver.received) == 3
    quiet = deliveries(engine, quiet_id)
    assert sorted(d["attempts"] for d in quiet) == [0, 0, 1]
    (tried,) = [d for d in quiet if d["attempts"] == 1]
    assert "timed out" in tried["last_error"]
    assert tried["next_try_at"] == "2026-03-02T09:01:00.000000Z"
    assert all(d["sent_at"] for d in deliveries(engine, heard_id))

    # and the next pass tries the untried ones (the receiver is gone now: refused)
    deliver_pending(engine, timeout=0.5)
    assert sorted(d["attempts"] for d in deliveries(engine, quiet_id)) == [1, 1, 1]


def test_a_pass_that_runs_out_of_time_gives_the_rest_back_untried(engine, receiver, monkeypatch):
    # given three deliveries, and a pass whose time (half a claim's lease) is already up
    add_webhook(engine, "review", receiver.url, ["item.created"])
    for _ in range(3):
        engine.start("review")
    monkeypatch.setattr(webhooks, "PASS_SECONDS", 0.0)

    # when one pass delivers
    delivered = deliver_pending(engine)

    # then the first went out and the other two are due again at once, never attempted
    assert delivered == 1 and len(receiver.received) == 1
    rows = deliveries(engine)
    assert sorted(d["attempts"] for d in rows) == [0, 0, 0]
    assert sum(1 for d in rows if d["sent_at"]) == 1
    assert deliver_pending(engine) == 1  # each pass still moves on
