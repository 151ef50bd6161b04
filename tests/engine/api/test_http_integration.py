"""What other systems do over HTTP: send events, create and update records, page through
runs, read definitions, and probe the server. Every test talks to a real `baton serve`."""

from __future__ import annotations

import uuid


def test_an_event_with_a_key_completes_only_the_run_waiting_for_that_key(served):
    client = served.as_("esign")
    ann = client.post("/v1/runs", json={"orchestration": "badge", "inputs": {"employee": "an"}})
    zoe = client.post("/v1/runs", json={"orchestration": "badge", "inputs": {"employee": "zo"}})

    sent = client.post(
        "/v1/events", json={"name": "badge_printed", "key": "an", "data": {"badge_no": 7}}
    )

    assert sent.status_code == 200
    assert sent.json() == {
        "event": "badge_printed",
        "key": "an",
        "runs": [ann.json()["id"]],
        "kept_until": None,
    }
    shown = client.get(f"/v1/runs/{ann.json()['id']}").json()
    assert shown["status"] == "completed"
    assert shown["steps"][0]["outputs"] == {"badge_no": 7, "timed_out": False}
    assert client.get(f"/v1/runs/{zoe.json()['id']}").json()["status"] == "waiting"


def test_an_event_nobody_waits_for_reaches_no_run(served):
    sent = served.as_("esign").post("/v1/events", json={"name": "nobody_listens"})

    assert sent.status_code == 200 and sent.json()["runs"] == []


def test_a_record_created_over_http_starts_its_record_triggered_run(served):
    client = served.as_("esign")
    name = f"Ann {uuid.uuid4().hex[:6]}"

    created = client.post(
        "/v1/records/Employee", json={"fields": {"name": name, "status": "hired"}}
    )

    assert created.status_code == 201
    record_id = created.json()["id"]
    assert created.json()["fields"]["name"] == name
    runs = client.get("/v1/runs", params={"orchestration": "hire", "limit": 500}).json()["runs"]
    started = [client.get(f"/v1/runs/{r['id']}").json() for r in runs]
    (mine,) = [r for r in started if r["record"] == {"object": "Employee", "id": record_id}]
    assert mine["variables"]["name"] == name


def test_updating_a_record_so_its_condition_holds_starts_the_run(served):
    client = served.as_("esign")
    record_id = client.post(
        "/v1/records/Employee", json={"fields": {"status": "candidate"}}
    ).json()["id"]

    updated = client.patch(
        f"/v1/records/Employee/{record_id}", json={"fields": {"status": "hired"}}
    )

    assert updated.status_code == 200
    assert updated.json()["fields"]["status"] == "hired"
    runs = client.get("/v1/runs", params={"orchestration": "hire", "limit": 500}).json()["runs"]
    records = [client.get(f"/v1/runs/{r['id']}").json()["record"] for r in runs]
    assert {"object": "Employee", "id": record_id} in records


def test_updating_an_unknown_record_is_404(served):
    response = served.as_("esign").patch(
        "/v1/records/Employee/nobody", json={"fields": {"status": "hired"}}
    )

    assert response.status_code == 404


def test_runs_are_listed_newest_first_one_page_at_a_time_without_repeats(served):
    client = served.as_("esign")
    mine = {
        client.post("/v1/runs", json={"orchestration": "badge", "inputs": {"employee": k}}).json()[
            "id"
        ]
        for k in ("p1", "p2", "p3", "p4", "p5")
    }

    seen, cursor, pages = [], None, 0
    while True:
        params = {"orchestration": "badge", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/runs", params=params).json()
        seen += page["runs"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    ids = [r["id"] for r in seen]
    assert mine <= set(ids) and len(ids) == len(set(ids))
    assert all(len(p) <= 2 for p in [ids[i : i + 2] for i in range(0, len(ids), 2)])
    keys = [(r["started_at"], r["id"]) for r in seen]
    assert keys == sorted(keys, key=lambda k: (_desc(k[0]), k[1]))
    assert pages == (len(ids) + 1) // 2


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def test_a_cursor_the_server_never_gave_out_is_400(served):
    response = served.as_("esign").get("/v1/runs", params={"cursor": "garbage"})

    assert response.status_code == 400
    assert response.json()["field"] == "cursor"


def test_an_unknown_status_filter_is_400_listing_the_statuses(served):
    response = served.as_("esign").get("/v1/runs", params={"status": "sleeping"})

    assert response.status_code == 400
    assert "use one of running, waiting" in response.json()["message"]


def test_definitions_list_each_version_with_the_active_one_marked(served):
    client = served.as_("esign")

    every = client.get("/v1/definitions").json()["definitions"]
    versions = client.get("/v1/definitions/approval").json()

    assert {d["id"] for d in every} >= {"approval", "badge", "hire", "broken"}
    assert versions["definitions"] == [d for d in every if d["id"] == "approval"]
    assert versions["definitions"][0]["active"] is True
    assert versions["definitions"][0]["trigger_type"] == "manual"
    assert client.get("/v1/definitions/nothing").status_code == 404


def test_definitions_and_a_runs_log_come_a_page_at_a_time(served):
    client = served.as_("esign")
    run_id = client.post("/v1/runs", json={"orchestration": "approval", "inputs": {"amount": 1}})
    run_id = run_id.json()["id"]
    client.post(f"/v1/runs/{run_id}/cancel", json={})  # refused (not an operator): no event

    def every(path, field):
        rows, cursor = [], None
        while True:
            page = client.get(path, params={"limit": 2, **({"cursor": cursor} if cursor else {})})
            assert page.status_code == 200, page.text
            rows += page.json()[field]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                return rows

    definitions = every("/v1/definitions", "definitions")
    log = every(f"/v1/runs/{run_id}/events", "events")

    assert [(d["id"], d["version"]) for d in definitions] == [
        (d["id"], d["version"])
        for d in client.get("/v1/definitions?limit=500").json()["definitions"]
    ]
    assert len(definitions) >= 5
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1)) and len(log) >= 3
    bad = client.get(f"/v1/runs/{run_id}/events", params={"cursor": "nonsense"})
    assert bad.status_code == 400 and bad.json()["field"] == "cursor"


def test_me_names_the_tokens_user_and_role(served):
    assert served.as_("olivia").get("/v1/me").json()["name"] == "olivia"
    assert served.as_("olivia").get("/v1/me").json()["role"] == "operator"


def test_probes_and_the_schema_answer_without_a_token(served):
    client = served.anonymous()

    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json()["status"] == "ready"
    schema = client.get("/openapi.json").json()
    assert "/v1/work/{item_id}/complete" in schema["paths"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert "swagger-ui" in client.get("/docs").text.lower()


def test_an_unknown_path_is_404_in_the_same_error_shape(served):
    response = served.as_("esign").get("/v1/nothing-here")

    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "NotFound"
    assert body["message"] == "no route GET /v1/nothing-here"
    assert "/docs" in body["hint"]
    assert body["element"] is None and body["field"] is None


def test_a_method_the_path_does_not_take_is_405_naming_the_allowed_ones(served):
    response = served.as_("esign").delete("/v1/runs")

    assert response.status_code == 405
    body = response.json()
    assert body["error"] == "MethodNotAllowed"
    assert body["message"] == "DELETE is not allowed on /v1/runs"
    assert "GET" in body["hint"] and "GET" in response.headers["allow"]


def test_a_body_over_the_limit_is_refused_with_413(served):
    huge = {"name": "big", "data": {"blob": "x" * (2 * 1024 * 1024)}}

    response = served.as_("esign").post("/v1/events", json=huge)

    assert response.status_code == 413
    assert response.json()["message"] == "the request body is larger than 1024 KiB"
