"""Operators over HTTP: pause, resume, cancel, retry, skip and reassign, with roles."""

from __future__ import annotations


def _start(served, orchestration="approval", inputs=None):
    response = served.as_("esign").post(
        "/v1/runs",
        json={
            "orchestration": orchestration,
            "inputs": {"amount": 10} if inputs is None else inputs,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_an_operator_pauses_resumes_and_cancels_a_run_with_a_reason(served):
    run_id = _start(served)["id"]
    olivia = served.as_("olivia")

    paused = olivia.post(f"/v1/runs/{run_id}/pause", json={"reason": "customer on hold"})
    resumed = olivia.post(f"/v1/runs/{run_id}/resume")
    canceled = olivia.post(f"/v1/runs/{run_id}/cancel", json={"reason": "duplicate"})

    assert [paused.json()["status"], resumed.json()["status"], canceled.json()["status"]] == [
        "paused",
        "waiting",
        "canceled",
    ]
    log = olivia.get(f"/v1/runs/{run_id}/events").json()["events"]
    (cancel,) = [e for e in log if e["type"] == "run_canceled"]
    assert cancel["actor"] == "olivia" and cancel["payload"]["reason"] == "duplicate"


def test_canceling_a_canceled_run_is_409(served):
    run_id = _start(served)["id"]
    olivia = served.as_("olivia")
    olivia.post(f"/v1/runs/{run_id}/cancel", json={})

    again = olivia.post(f"/v1/runs/{run_id}/cancel", json={})

    assert again.status_code == 409
    assert "already canceled" in again.json()["message"]


def test_a_failed_background_step_is_retried_then_skipped_by_an_operator(served):
    failed = _start(served, "broken", {})
    run_id = failed["id"]
    assert failed["status"] == "failed"
    olivia = served.as_("olivia")

    retried = olivia.post(f"/v1/runs/{run_id}/steps/make/retry")
    skipped = olivia.post(
        f"/v1/runs/{run_id}/steps/make/skip", json={"outputs": {"record_id": "r1"}}
    )

    assert retried.status_code == 200 and retried.json()["status"] == "failed"
    assert skipped.status_code == 200 and skipped.json()["status"] == "completed"


def test_retrying_a_step_of_an_unknown_run_is_404(served):
    response = served.as_("olivia").post("/v1/runs/nope/steps/make/retry")

    assert response.status_code == 404


def test_an_operator_reassigns_an_item_and_the_new_assignee_sees_it(served):
    run_id = _start(served)["id"]
    (item,) = served.as_("olivia").get(f"/v1/runs/{run_id}").json()["open_items"]

    moved = served.as_("olivia").post(
        f"/v1/work/{item['id']}/reassign", json={"to": "user:carl", "reason": "hr is away"}
    )

    assert moved.status_code == 200
    carl_items = served.as_("carl").get("/v1/work", params={"limit": 500}).json()["items"]
    assert item["id"] in [i["id"] for i in carl_items]


def test_reassigning_to_a_malformed_assignee_is_400(served):
    run_id = _start(served)["id"]
    (item,) = served.as_("olivia").get(f"/v1/runs/{run_id}").json()["open_items"]

    response = served.as_("olivia").post(f"/v1/work/{item['id']}/reassign", json={"to": "carl"})

    assert response.status_code == 400
    assert "write user:NAME, group:NAME or queue:NAME" in response.json()["message"]


def test_an_operator_moves_every_open_item_of_someone_who_left(served):
    first, second = _start(served)["id"], _start(served)["id"]
    olivia = served.as_("olivia")
    olivia.post("/v1/work/reassign-all", json={"from": "group:hr", "to": "user:ben"})

    moved = olivia.post("/v1/work/reassign-all", json={"from": "user:ben", "to": "user:ann"})

    assert moved.status_code == 200
    ann_runs = {i["run"] for i in served.as_("ann").get("/v1/work?limit=500").json()["items"]}
    assert {first, second} <= ann_runs


def test_an_assignee_may_not_reassign_work_403(served):
    run_id = _start(served)["id"]
    (item,) = served.as_("ann").get(f"/v1/runs/{run_id}").json()["open_items"]

    refused = served.as_("ann").post(f"/v1/work/{item['id']}/reassign", json={"to": "user:ann"})

    assert refused.status_code == 403


def test_bulk_cancel_over_http_is_a_dry_run_until_told_otherwise(served):
    runs = {_start(served, "badge", {"employee": "bulk-http"})["id"] for _ in range(2)}
    olivia = served.as_("olivia")
    body = {"filter": {"orchestration": "badge", "status": "waiting"}, "reason": "test"}

    dry = olivia.post("/v1/bulk/cancel", json=body)
    done = olivia.post("/v1/bulk/cancel", json={**body, "dry_run": False})

    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    assert runs <= set(dry.json()["matched"]) and dry.json()["done"] == []
    assert runs <= set(done.json()["done"])
    assert {olivia.get(f"/v1/runs/{r}").json()["status"] for r in runs} == {"canceled"}


def test_bulk_cancel_by_an_assignee_is_403(served):
    refused = served.as_("ann").post(
        "/v1/bulk/cancel", json={"reason": "x", "dry_run": False, "filter": {"status": "waiting"}}
    )

    assert refused.status_code == 403


def test_reassigning_to_someone_who_cannot_work_it_is_409_unless_forced(served):
    run_id = _start(served)["id"]
    (item,) = served.as_("olivia").get(f"/v1/runs/{run_id}").json()["open_items"]
    olivia = served.as_("olivia")

    refused = olivia.post(f"/v1/work/{item['id']}/reassign", json={"to": "user:nobody"})
    forced = olivia.post(
        f"/v1/work/{item['id']}/reassign", json={"to": "user:nobody", "force": True}
    )

    assert refused.status_code == 409 and "nobody" in refused.json()["message"]
    assert forced.status_code == 200


def test_resume_retry_and_skip_log_the_operators_reason(served):
    olivia = served.as_("olivia")
    paused_id = _start(served)["id"]
    olivia.post(f"/v1/runs/{paused_id}/pause", json={})
    failed_id = _start(served, "broken", {})["id"]

    olivia.post(f"/v1/runs/{paused_id}/resume", json={"reason": "customer back"})
    olivia.post(f"/v1/runs/{failed_id}/steps/make/retry", json={"reason": "service fixed"})
    olivia.post(
        f"/v1/runs/{failed_id}/steps/make/skip",
        json={"outputs": {"record_id": "r1"}, "reason": "made by hand"},
    )

    def reasons(run_id, kind):
        log = olivia.get(f"/v1/runs/{run_id}/events").json()["events"]
        return [(e["actor"], e["payload"]["reason"]) for e in log if e["type"] == kind]

    assert reasons(paused_id, "run_resumed") == [("olivia", "customer back")]
    assert reasons(failed_id, "step_retried") == [("olivia", "service fixed")]
    assert reasons(failed_id, "step_skipped") == [("olivia", "made by hand")]


def test_an_operator_edits_a_variable_and_the_log_keeps_the_old_value(served):
    run_id = _start(served)["id"]
    olivia = served.as_("olivia")

    edited = olivia.patch(
        f"/v1/runs/{run_id}/variables", json={"values": {"amount": "12"}, "reason": "typo"}
    )

    assert edited.status_code == 200, edited.text
    assert edited.json()["variables"]["amount"] == 12
    edit = olivia.get(f"/v1/runs/{run_id}/events").json()["events"][-1]
    assert (edit["type"], edit["actor"]) == ("variables_edited", "olivia")
    assert edit["payload"]["previous"] == {"amount": 10} and edit["payload"]["reason"] == "typo"


def test_a_mistyped_variable_is_400_and_an_assignee_editing_is_403(served):
    run_id = _start(served)["id"]
    body = {"values": {"amount": "lots"}, "reason": "x"}

    bad = served.as_("olivia").patch(f"/v1/runs/{run_id}/variables", json=body)
    forbidden = served.as_("ann").patch(
        f"/v1/runs/{run_id}/variables", json={"values": {"amount": 3}, "reason": "x"}
    )

    assert bad.status_code == 400 and "'lots' is not a number" in bad.json()["message"]
    assert forbidden.status_code == 403


def test_nudging_a_run_says_whether_it_moved(served):
    run_id = _start(served)["id"]

    nudged = served.as_("olivia").post(f"/v1/runs/{run_id}/nudge")

    assert nudged.status_code == 200
    assert (nudged.json()["moved"], nudged.json()["status"]) == (False, "waiting")


def test_an_event_sent_before_a_buffered_wait_opens_is_kept_and_delivered(served):
    esign = served.as_("esign")

    sent = esign.post("/v1/events", json={"name": "nda_signed", "key": "K-7", "data": {"n": 1}})
    started = esign.post("/v1/runs", json={"orchestration": "nda", "inputs": {"ref": "K-7"}})

    assert sent.status_code == 200 and sent.json()["runs"] == []
    assert sent.json()["kept_until"] is not None
    assert started.json()["status"] == "completed"
