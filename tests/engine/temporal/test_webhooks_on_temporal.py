"""Webhooks of runs on Temporal: the workflow's outbox activity queues the deliveries in the
catalogue (`BATON_DB`), and `baton serve` or `baton worker` delivers them, signed, to a real
receiving HTTP server, as for local runs."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from engine.runtime import Engine
from engine.runtime.webhooks import add_webhook
from tests.engine.api.conftest import Served, prepare
from tests.engine.api.receiver import Receiver
from tests.engine.api.server_process import REPO, ServerProcess, baton_command

DELIVERY_GUARD = 90.0
"""Seconds a delivery may take (a hang guard: it takes a second or two, polls included)."""


def _wait_for(receiver: Receiver, count: int) -> None:
    deadline = time.monotonic() + DELIVERY_GUARD
    while len(receiver.received) < count:
        assert time.monotonic() < deadline, f"only {len(receiver.received)} of {count} came"
        time.sleep(0.1)


def _signed_by(secret: str, received) -> bool:
    fields = dict(p.split("=", 1) for p in received.headers["Baton-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), f"{fields['t']}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def _worker(db: str, env: dict[str, str], poll: str = "1") -> subprocess.Popen:
    return subprocess.Popen(
        [*baton_command(), "worker", "--db", db, "--poll", poll],
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def runtime_env(temporal_server, tmp_path) -> dict[str, str]:
    return {
        "BATON_RUNTIME": temporal_server.address(),
        "BATON_TASK_QUEUE": f"baton-hooks-{uuid.uuid4().hex[:8]}",
        "BATON_OUTBOX": str(tmp_path / "outbox"),
    }


def test_a_run_on_temporal_completed_over_http_is_posted_to_the_receiver(
    tmp_path, runtime_env, receiver
):
    # given a catalogue with a webhook on approvals, a worker and the HTTP server on Temporal
    db = str(tmp_path / "catalogue.db")
    tokens = prepare(db)
    served = Served(ServerProcess(db, env=runtime_env), tokens)
    worker = _worker(db, runtime_env)
    try:
        created = served.as_("root").post(
            "/v1/webhooks", json={"orchestration": "approval", "url": receiver.url}
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]

        # when a run is started and its item completed over HTTP
        started = served.as_("esign").post(
            "/v1/runs", json={"orchestration": "approval", "inputs": {"amount": 5}}
        )
        assert started.status_code == 201, started.text
        run_id = started.json()["id"]
        (item,) = served.as_("ann").get(f"/v1/runs/{run_id}").json()["open_items"]
        done = served.as_("ann").post(
            f"/v1/work/{item['id']}/complete", json={"outputs": {"decision": "approve"}}
        )
        assert done.status_code == 200, done.text

        # then the receiver hears of the item created and the run completed, signed
        _wait_for(receiver, 2)
        bodies = sorted((r.json() for r in receiver.received), key=lambda b: b["time"])
        assert [(b["event"], b["run"]) for b in bodies] == [
            ("item.created", run_id),
            ("run.completed", run_id),
        ]
        assert bodies[0]["data"]["item"] == item["id"]
        assert all(_signed_by(secret, r) for r in receiver.received)
        # and each delivery is recorded as sent once
        (listed,) = served.as_("root").get("/v1/webhooks").json()["webhooks"]
        assert (listed["sent"], listed["pending"], listed["failed"]) == (2, 0, 0)
    finally:
        served.close()
        worker.terminate()
        worker.wait(30)
    assert len(receiver.received) == 2


def test_baton_worker_alone_delivers_the_failure_of_a_run_on_temporal(
    tmp_path, runtime_env, receiver, monkeypatch
):
    # given a catalogue with a webhook for failed runs of `broken`, and a worker, no server
    db = str(tmp_path / "catalogue.db")
    prepare(db)
    catalogue = Engine(db)
    add_webhook(catalogue, "broken", receiver.url, ["run.failed"])
    worker = _worker(db, runtime_env)
    try:
        from engine.temporal.address import TemporalAddress
        from engine.temporal.client import TemporalEngine

        target = runtime_env["BATON_RUNTIME"].removeprefix("temporal://").split("/")[0]
        address = TemporalAddress(target, "default", runtime_env["BATON_TASK_QUEUE"])
        engine = TemporalEngine(address, catalogue)
        # when a run starts whose only step fails
        run_id = engine.start("broken", actor="esign")
        assert engine.run(run_id)["status"] == "failed"

        # then the worker delivers run.failed with the step's error
        _wait_for(receiver, 1)
    finally:
        worker.terminate()
        worker.wait(30)
    (received,) = receiver.received
    assert received.headers["Baton-Event"] == "run.failed"
    assert received.json()["run"] == run_id
    assert received.json()["data"]["reason"].startswith("[make] ")
    engine.close()


def test_a_worker_delivers_a_webhook_its_run_queued_without_waiting_for_its_poll(
    tmp_path, runtime_env, receiver
):
    # given a webhook for failed runs of `broken`, and a worker that polls once a minute
    db = str(tmp_path / "catalogue.db")
    prepare(db)
    catalogue = Engine(db)
    add_webhook(catalogue, "broken", receiver.url, ["run.failed"])
    worker = _worker(db, runtime_env, poll="60")
    try:
        from engine.temporal.address import TemporalAddress
        from engine.temporal.client import TemporalEngine

        target = runtime_env["BATON_RUNTIME"].removeprefix("temporal://").split("/")[0]
        address = TemporalAddress(target, "default", runtime_env["BATON_TASK_QUEUE"])
        engine = TemporalEngine(address, catalogue)
        # when a run fails
        run_id = engine.start("broken", actor="esign")
        failed_at = time.monotonic()
        # then run.failed arrives well before the worker's first poll would send it: the
        # outbox activity woke the worker's deliverer once its row was committed
        deadline = failed_at + 30  # a hang guard half the poll; it takes a second or two
        while not receiver.received:
            assert time.monotonic() < deadline, "the delivery waited for the poll"
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(30)
    (received,) = receiver.received
    assert (received.headers["Baton-Event"], received.json()["run"]) == ("run.failed", run_id)
    engine.close()


def test_baton_serve_delivers_the_webhook_of_its_request_without_waiting_for_its_poll(
    tmp_path, runtime_env, receiver, temporal_server, monkeypatch
):
    from engine.store import Store
    from tests.engine.temporal.runtimes import WorkerThread

    # given a webhook for failed runs of `broken`; a worker that queues deliveries in the
    # catalogue but delivers none (unlike `baton worker`); and baton serve, whose own
    # delivery passes come once a minute
    db = str(tmp_path / "catalogue.db")
    tokens = prepare(db)
    add_webhook(Engine(db), "broken", receiver.url, ["run.failed"])
    monkeypatch.setenv("BATON_DB", db)
    worker = WorkerThread(
        temporal_server.target, "default", runtime_env["BATON_TASK_QUEUE"], Store(db)
    )
    served = Served(ServerProcess(db, env=runtime_env, deliver_every=60), tokens)
    # and the catalogue busy with another writer for a moment, so the worker's outbox
    # activity commits only after the request has been answered
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        # when a run whose only step fails is started over HTTP
        started = served.as_("esign").post("/v1/runs", json={"orchestration": "broken"})
        assert started.status_code == 201, started.text
        answered_at = time.monotonic()
        time.sleep(1)
        other.execute("COMMIT")
        # then run.failed arrives well before the server's first poll would send it: the
        # server waited for the run's outbox activity before its delivery pass
        deadline = answered_at + 30  # a hang guard half the poll; it takes a second or two
        while not receiver.received:
            assert time.monotonic() < deadline, "the delivery waited for the poll"
            time.sleep(0.1)
    finally:
        other.close()
        served.close()
        worker.stop()
    (received,) = receiver.received
    assert received.headers["Baton-Event"] == "run.failed"
    assert received.json()["run"] == started.json()["id"]


def test_a_repeated_outbox_attempt_queues_each_delivery_once(tmp_path, receiver):
    from engine.store import webhooks as webhook_rows
    from engine.temporal.outbox import OutboxWriter
    from engine.temporal.shapes import OutboxBatch

    # given a webhook on approvals and a turn's events of one run
    prepare(str(tmp_path / "catalogue.db"))
    catalogue = Engine(str(tmp_path / "catalogue.db"))
    add_webhook(catalogue, "approval", receiver.url)
    batch = OutboxBatch(
        "run-0123456789",
        "approval",
        1,
        [
            {"seq": 4, "time": "2026-12-05T06:00:00Z", "type": "item_created", "actor": None,
             "payload": {"item": "wi-0123456789", "step": "approve"}},
            {"seq": 9, "time": "2026-12-05T06:01:00Z", "type": "run_completed", "actor": None,
             "payload": {}},
        ],
    )  # fmt: skip
    writer = OutboxWriter(catalogue.store)

    # when the activity runs twice (Temporal retries an attempt whose worker died)
    first, second = writer.queue(batch), writer.queue(batch)

    # then the second attempt queues nothing
    assert (first, second) == (2, 0)
    with catalogue.store.read() as conn:
        rows = webhook_rows.deliveries(conn)
    assert [(r["run_id"], r["event"]) for r in rows] == [
        ("run-0123456789", "item.created"),
        ("run-0123456789", "run.completed"),
    ]
    catalogue.close()
