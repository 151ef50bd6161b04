"""Integrators and assignees over HTTP: start a run, see the work, complete it, and the
error statuses they meet on the way. Every test talks to a real `baton serve`."""

from __future__ import annotations


def _start_approval(served, amount=500):
    response = served.as_("esign").post(
        "/v1/runs", json={"orchestration": "approval", "inputs": {"amount": amount}}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _item_of(served, run_id):
    (item,) = served.as_("ann").get(f"/v1/runs/{run_id}").json()["open_items"]
    return item["id"]


def test_a_started_run_puts_work_in_the_inbox_and_completing_it_completes_the_run(served):
    # given an integrator's token, when it starts a run
    started = served.as_("esign").post(
        "/v1/runs", json={"orchestration": "approval", "inputs": {"amount": 1200}}
    )
    run_id = started.json()["id"]
    assert started.status_code == 201
    assert started.json()["status"] == "waiting" and started.json()["stage"] == "review"

    # then an hr member sees the item in their work list
    work = served.as_("ann").get("/v1/work", params={"limit": 500}).json()["items"]
    (item,) = [i for i in work if i["run"] == run_id]
    assert item["assignee"] == "group:hr" and item["status"] == "open"

    # when they complete it with a decision
    done = served.as_("ann").post(
        f"/v1/work/{item['id']}/complete", json={"outputs": {"decision": "approve"}}
    )

    # then the run is completed, with the completion logged as theirs
    assert done.status_code == 200, done.text
    assert done.json() == {"item": item["id"], "run": run_id, "status": "completed", "stage": None}
    run = served.as_("ann").get(f"/v1/runs/{run_id}").json()
    assert run["status"] == "completed" and run["open_items"] == []
    assert [s["status"] for s in run["steps"]] == ["completed"]
    log = served.as_("ann").get(f"/v1/runs/{run_id}/events").json()["events"]
    (completion,) = [e for e in log if e["type"] == "item_completed"]
    assert completion["actor"] == "ann"


def test_a_request_without_a_token_is_refused_with_401(served):
    response = served.anonymous().get("/v1/runs")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "Unauthenticated"
    assert response.json()["message"].startswith("this request has no API token")


def test_a_made_up_token_is_refused_with_401(served):
    forged = "bt_0123456789ab_" + "x" * 43

    response = served.server.client(forged).get("/v1/runs")

    assert response.status_code == 401
    assert response.json()["message"].startswith("the API token is not valid")


def test_an_assignee_may_not_cancel_a_run_403(served):
    run_id = _start_approval(served)

    refused = served.as_("ann").post(f"/v1/runs/{run_id}/cancel", json={"reason": "oops"})

    assert refused.status_code == 403
    assert refused.json()["error"] == "PermissionDenied"
    assert "needs the operator role and they are assignee" in refused.json()["message"]
    assert served.as_("ann").get(f"/v1/runs/{run_id}").json()["status"] == "waiting"


def test_completing_an_item_of_another_group_is_refused_with_403(served):
    run_id = _start_approval(served)

    refused = served.as_("carl").post(
        f"/v1/work/{_item_of(served, run_id)}/complete", json={"outputs": {"decision": "approve"}}
    )

    assert refused.status_code == 403
    assert "group 'hr'" in refused.json()["message"]


def test_an_unknown_run_is_404_with_the_cli_message(served):
    response = served.as_("ann").get("/v1/runs/no-such-run")

    assert response.status_code == 404
    assert response.json()["message"] == (
        "no run with id 'no-such-run' (list runs with `baton runs`)"
    )


def test_completing_an_item_twice_is_409_naming_who_completed_it_and_when(served):
    run_id = _start_approval(served)
    item_id = _item_of(served, run_id)
    first = served.as_("ann").post(
        f"/v1/work/{item_id}/complete", json={"outputs": {"decision": "approve"}}
    )

    second = served.as_("ben").post(
        f"/v1/work/{item_id}/complete", json={"outputs": {"decision": "reject"}}
    )

    assert first.status_code == 200
    assert second.status_code == 409
    message = second.json()["message"]
    assert message.startswith(f"work item {item_id} was already completed by ann at 20")


def test_a_body_that_does_not_match_the_schema_is_422_naming_the_field(served):
    response = served.as_("esign").post(
        "/v1/runs", json={"orchestration": "approval", "inputs": ["not", "an", "object"]}
    )

    assert response.status_code == 422
    assert response.json()["error"] == "RequestInvalid"
    assert response.json()["message"].startswith("body.inputs:")


def test_a_misspelt_field_is_422_rather_than_silently_ignored(served):
    response = served.as_("esign").post(
        "/v1/runs", json={"orchestration": "approval", "input": {"amount": 1}}
    )

    assert response.status_code == 422
    assert "body.input" in response.json()["message"]


def test_inputs_the_definition_refuses_are_400_with_the_engine_message(served):
    response = served.as_("esign").post(
        "/v1/runs", json={"orchestration": "approval", "inputs": {"amount": "lots"}}
    )

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidInput"
    assert "amount" in response.json()["message"]


def test_a_number_too_big_for_a_float_is_400_and_no_run_starts(served):
    # 1e400 is valid JSON, read as infinity: a run holding it could not be shown as JSON
    response = served.as_("esign").post(
        "/v1/runs",
        content=b'{"orchestration": "approval", "inputs": {"amount": 1e400}}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "inputs refused: amount: inf is beyond the largest number a run holds (about 1.8e308) "
        "(no run was started)"
    )


def test_a_body_that_is_not_json_is_400(served):
    response = served.as_("esign").post(
        "/v1/runs", content=b'{"orchestration": ', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["message"] == "the request body is not valid JSON"


def test_a_wrong_output_choice_is_refused_and_the_item_stays_open(served):
    run_id = _start_approval(served)
    item_id = _item_of(served, run_id)

    refused = served.as_("ann").post(
        f"/v1/work/{item_id}/complete", json={"outputs": {"decision": "maybe"}}
    )

    assert refused.status_code == 400
    assert "decision" in refused.json()["message"]
    assert _item_of(served, run_id) == item_id


def test_a_completed_run_carries_its_outcome_and_runs_filter_by_it(served):
    # given a run completed at its (plain) end
    run_id = _start_approval(served)
    item = _item_of(served, run_id)
    served.as_("ann").post(f"/v1/work/{item}/complete", json={"outputs": {"decision": "approve"}})

    # then its detail and the filtered list say how it ended
    detail = served.as_("root").get(f"/v1/runs/{run_id}").json()
    assert (detail["status"], detail["outcome"]) == ("completed", "completed")
    assert detail["fault"] is None
    listed = served.as_("root").get("/v1/runs", params={"outcome": "completed", "limit": 500})
    assert run_id in [r["id"] for r in listed.json()["runs"]]
    rejected = served.as_("root").get("/v1/runs", params={"outcome": "rejected", "limit": 500})
    assert run_id not in [r["id"] for r in rejected.json()["runs"]]


def test_a_work_item_nobody_can_complete_says_why_in_the_work_list(served):
    # given an item forced onto a user the directory does not know
    run_id = _start_approval(served)
    item_id = _item_of(served, run_id)
    moved = served.as_("olivia").post(
        f"/v1/work/{item_id}/reassign",
        json={"to": "user:ghost", "reason": "test", "force": True},
    )
    assert moved.status_code == 200, moved.text

    # when an admin lists that assignee's work
    listed = served.as_("root").get("/v1/work", params={"assignee": "user:ghost"}).json()

    # then the item says why it is stuck, as `baton show` does; a workable one says nothing
    (item,) = [i for i in listed["items"] if i["id"] == item_id]
    assert item["problem"] == "user 'ghost' is unknown"
    other = _item_of(served, _start_approval(served))
    hr = served.as_("ann").get("/v1/work", params={"limit": 500}).json()["items"]
    assert [i["problem"] for i in hr if i["id"] == other] == [None]
