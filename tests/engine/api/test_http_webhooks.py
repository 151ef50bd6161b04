"""Webhooks over HTTP: an admin registers one on the real server; the run it watches,
completed over HTTP, is POSTed to the receiver by the server itself (no worker needed)."""

from __future__ import annotations

import time

import pytest

from tests.engine.api.receiver import Receiver


def _wait_until(condition, guard: float = 30.0) -> None:
    # A hang guard far above the moment delivery takes (it is woken by the request).
    deadline = time.monotonic() + guard
    while not condition():
        assert time.monotonic() < deadline, "the server did not deliver the webhook"
        time.sleep(0.05)


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def test_an_admin_registers_a_webhook_and_hears_of_the_run_completed_over_http(served, receiver):
    created = served.as_("root").post(
        "/v1/webhooks",
        json={"orchestration": "approval", "url": receiver.url, "events": ["run.completed"]},
    )
    assert created.status_code == 201, created.text
    started = served.as_("esign").post(
        "/v1/runs", json={"orchestration": "approval", "inputs": {"amount": 5}}
    )
    run_id = started.json()["id"]
    (item,) = served.as_("ann").get(f"/v1/runs/{run_id}").json()["open_items"]
    served.as_("ann").post(
        f"/v1/work/{item['id']}/complete", json={"outputs": {"decision": "approve"}}
    )

    # No worker runs: the server delivers by itself, soon after the completing request.
    _wait_until(lambda: receiver.received)

    assert [r.json()["run"] for r in receiver.received] == [run_id]
    assert receiver.received[0].headers["Baton-Signature"].startswith("t=")
    listed = next(
        w
        for w in served.as_("root").get("/v1/webhooks", params={"limit": 500}).json()["webhooks"]
        if w["url"] == receiver.url
    )
    assert listed["sent"] == 1 and "secret" not in listed
    assert served.as_("root").delete(f"/v1/webhooks/{listed['id']}").status_code == 204


def test_an_assignee_may_not_register_a_webhook_403(served, receiver):
    refused = served.as_("ann").post(
        "/v1/webhooks", json={"orchestration": "approval", "url": receiver.url}
    )

    assert refused.status_code == 403


def test_a_webhook_with_a_bad_url_is_400(served):
    refused = served.as_("root").post(
        "/v1/webhooks", json={"orchestration": "approval", "url": "not a url"}
    )

    assert refused.status_code == 400
    assert refused.json()["field"] == "url"
