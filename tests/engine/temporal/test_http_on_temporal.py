"""`baton serve` with a Temporal runtime: an integrator and operators talk HTTP to the real
server (uvicorn, a subprocess) while runs are workflows on a real Temporal dev server,
moved by a real `baton worker` subprocess. The same endpoints and answers as on the local
runtime (tests/engine/api)."""

from __future__ import annotations

import os
import subprocess
import threading
import uuid
from collections.abc import Iterator

import pytest

from tests.engine.api import migration_story
from tests.engine.api.conftest import Served, prepare
from tests.engine.api.server_process import REPO, ServerProcess, baton_command
from tests.engine.temporal.server import free_port


@pytest.fixture(scope="module")
def on_temporal(temporal_server, tmp_path_factory) -> Iterator[Served]:
    """A prepared catalogue, a `baton worker` and `baton serve` on one task queue."""
    folder = tmp_path_factory.mktemp("http-temporal")
    db = str(folder / "catalogue.db")
    tokens = prepare(db)
    env = {
        "BATON_RUNTIME": temporal_server.address(),
        "BATON_TASK_QUEUE": f"baton-http-{uuid.uuid4().hex[:8]}",
        "BATON_OUTBOX": str(folder / "outbox"),
    }
    worker = subprocess.Popen(
        [*baton_command(), "worker", "--db", db],
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )
    served = Served(ServerProcess(db, env=env), tokens)
    try:
        yield served
    finally:
        served.close()
        worker.terminate()
        worker.wait(30)


def _start(served: Served, orchestration: str, **inputs) -> dict:
    response = served.as_("esign").post(
        "/v1/runs", json={"orchestration": orchestration, "inputs": inputs}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_ready_names_the_temporal_runtime_it_reached(on_temporal, temporal_server):
    ready = on_temporal.anonymous().get("/ready")

    assert ready.status_code == 200, ready.text
    assert ready.json() == {
        "status": "ready",
        "database": "sqlite",
        "runtime": temporal_server.address(),
    }
    assert "runs on temporal://" in on_temporal.server.log[0]


def test_ready_is_503_when_temporal_does_not_answer(tmp_path):
    # given a server whose runtime names a port where no Temporal listens
    db = str(tmp_path / "catalogue.db")
    tokens = prepare(db)
    dead = f"temporal://127.0.0.1:{free_port()}/default"
    server = ServerProcess(db, env={"BATON_RUNTIME": dead})
    try:
        with server.client() as client:
            # when a load balancer asks whether to send traffic
            ready = client.get("/ready")
            health = client.get("/health")
        with server.client(tokens["olivia"]) as client:
            # and an operator lists runs
            runs = client.get("/v1/runs")
    finally:
        server.stop()

    # then readiness says no, naming Temporal, while the process itself is alive
    assert ready.status_code == 503
    assert ready.json()["error"] == "TemporalUnavailable"
    assert ready.json()["message"].startswith(f"Temporal at {dead}: cannot reach Temporal")
    assert health.status_code == 200
    # and a call that needs Temporal is 503 too (the deployment's state, not the request's)
    assert runs.status_code == 503, runs.text
    assert runs.json()["error"] == "TemporalUnavailable"
    assert runs.json()["message"].startswith(f"cannot reach Temporal at {dead}")


def test_a_run_started_over_http_is_worked_to_completion(on_temporal):
    # given an integrator starting a run
    started = _start(on_temporal, "approval", amount=1200)
    run_id = started["id"]
    assert started["status"] == "waiting" and started["stage"] == "review"

    # then an hr member sees its item, and completes it with a decision
    work = on_temporal.as_("ann").get("/v1/work", params={"limit": 500}).json()["items"]
    (item,) = [i for i in work if i["run"] == run_id]
    assert item["assignee"] == "group:hr"
    done = on_temporal.as_("ann").post(
        f"/v1/work/{item['id']}/complete", json={"outputs": {"decision": "approve"}}
    )

    # then the run is completed, the completion logged as theirs
    assert done.status_code == 200, done.text
    assert done.json() == {"item": item["id"], "run": run_id, "status": "completed", "stage": None}
    detail = on_temporal.as_("ann").get(f"/v1/runs/{run_id}").json()
    assert detail["status"] == "completed" and detail["open_items"] == []
    page = on_temporal.as_("ann").get(f"/v1/runs/{run_id}/events", params={"limit": 2}).json()
    assert [e["seq"] for e in page["events"]] == [1, 2] and page["next_cursor"]
    rest = (
        on_temporal.as_("ann")
        .get(f"/v1/runs/{run_id}/events", params={"cursor": page["next_cursor"]})
        .json()["events"]
    )
    (completion,) = [e for e in rest if e["type"] == "item_completed"]
    assert completion["actor"] == "ann"

    # and completing it again is a 409 naming who did it
    again = on_temporal.as_("ben").post(
        f"/v1/work/{item['id']}/complete", json={"outputs": {"decision": "reject"}}
    )
    assert again.status_code == 409
    assert f"was already completed by ann at {completion['time']}" in again.json()["message"]


def test_two_concurrent_completions_of_one_item_exactly_one_wins(on_temporal):
    run_id = _start(on_temporal, "approval", amount=10)["id"]
    (item,) = on_temporal.as_("ann").get(f"/v1/runs/{run_id}").json()["open_items"]
    answers: dict[str, int] = {}

    def complete(name: str) -> None:
        response = on_temporal.as_(name).post(
            f"/v1/work/{item['id']}/complete", json={"outputs": {"decision": "approve"}}
        )
        answers[name] = response.status_code

    threads = [threading.Thread(target=complete, args=(n,)) for n in ("ann", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert sorted(answers.values()) == [200, 409]
    log = on_temporal.as_("ann").get(f"/v1/runs/{run_id}/events").json()["events"]
    assert [e["type"] for e in log].count("item_completed") == 1


def test_runs_are_listed_with_filters_a_page_at_a_time(on_temporal):
    # given three runs of one orchestration
    ids = {_start(on_temporal, "approval", amount=n)["id"] for n in (1, 2, 3)}
    client = on_temporal.as_("olivia")

    # when an operator lists them two at a time, filtered by orchestration, version, stage
    params = {"orchestration": "approval", "version": 1, "stage": "review", "limit": 2}
    first = client.get("/v1/runs", params=params).json()
    second = client.get("/v1/runs", params={**params, "cursor": first["next_cursor"]}).json()

    # then the pages hold them, newest first, each once
    assert len(first["runs"]) == 2 and first["next_cursor"]
    listed = [r["id"] for r in first["runs"] + second["runs"]]
    assert ids <= set(listed) and len(listed) == len(set(listed))
    started = [r["started_at"] for r in first["runs"] + second["runs"]]
    assert started == sorted(started, reverse=True)
    assert {r["status"] for r in first["runs"]} == {"waiting"}
    assert client.get("/v1/runs", params={"orchestration": "badge"}).json()["runs"] == []
    late = client.get("/v1/runs", params={"started_after": "2999-01-01T00:00:00Z"}).json()
    assert late["runs"] == []


def test_an_event_sent_over_http_reaches_the_run_waiting_on_its_key(on_temporal):
    run_id = _start(on_temporal, "badge", employee="e-17")["id"]

    other = on_temporal.as_("esign").post(
        "/v1/events", json={"name": "badge_printed", "key": "e-99", "data": {}}
    )
    sent = on_temporal.as_("esign").post(
        "/v1/events", json={"name": "badge_printed", "key": "e-17", "data": {"desk": 4}}
    )

    assert other.status_code == 200 and run_id not in other.json()["runs"]
    assert sent.status_code == 200, sent.text
    assert sent.json()["runs"] == [run_id]
    detail = on_temporal.as_("esign").get(f"/v1/runs/{run_id}").json()
    assert detail["status"] == "completed"


def test_work_is_reassigned_one_item_and_all_of_an_assignee(on_temporal):
    first = _start(on_temporal, "approval", amount=5)["id"]
    second = _start(on_temporal, "approval", amount=6)["id"]
    olivia = on_temporal.as_("olivia")
    (item,) = olivia.get(f"/v1/runs/{first}").json()["open_items"]

    moved = olivia.post(
        f"/v1/work/{item['id']}/reassign", json={"to": "user:carl", "reason": "hr is away"}
    )
    assert moved.status_code == 200, moved.text
    carl = on_temporal.as_("carl").get("/v1/work").json()["items"]
    assert item["id"] in [i["id"] for i in carl]

    everything = olivia.post(
        "/v1/work/reassign-all",
        json={"from": "user:carl", "to": "user:ben", "reason": "carl left"},
    )
    assert everything.status_code == 200, everything.text
    assert item["id"] in everything.json()["items"]
    ben = on_temporal.as_("ben").get("/v1/work", params={"assignee": "user:ben"}).json()
    assert item["id"] in [i["id"] for i in ben["items"]]
    assert olivia.get(f"/v1/runs/{second}").json()["open_items"][0]["assignee"] == "group:hr"


def test_operators_pause_resume_edit_nudge_and_cancel_a_run(on_temporal):
    run_id = _start(on_temporal, "approval", amount=100)["id"]
    olivia = on_temporal.as_("olivia")

    paused = olivia.post(f"/v1/runs/{run_id}/pause", json={"reason": "audit"})
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    resumed = olivia.post(f"/v1/runs/{run_id}/resume", json={"reason": "audit done"})
    assert resumed.status_code == 200 and resumed.json()["status"] == "waiting"

    edited = olivia.patch(
        f"/v1/runs/{run_id}/variables", json={"values": {"amount": 250}, "reason": "typo"}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["variables"]["amount"] == 250
    wrong = olivia.patch(
        f"/v1/runs/{run_id}/variables", json={"values": {"amount": "lots"}, "reason": "x"}
    )
    assert wrong.status_code == 400 and wrong.json()["message"].startswith("variables refused")
    nudged = olivia.post(f"/v1/runs/{run_id}/nudge")
    assert nudged.status_code == 200 and nudged.json()["moved"] is False

    refused = on_temporal.as_("ann").post(f"/v1/runs/{run_id}/cancel", json={"reason": "no"})
    assert refused.status_code == 403
    canceled = olivia.post(f"/v1/runs/{run_id}/cancel", json={"reason": "duplicate"})
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    log = olivia.get(f"/v1/runs/{run_id}/events").json()["events"]
    edit = next(e for e in log if e["type"] == "variables_edited")
    assert edit["actor"] == "olivia" and edit["payload"]["previous"] == {"amount": 100}
    again = olivia.post(f"/v1/runs/{run_id}/cancel", json={"reason": "twice"})
    assert again.status_code == 409


def test_a_failed_step_is_retried_then_skipped_and_bulk_actions_count_first(on_temporal):
    # given a run whose background step fails (its action is refused on Temporal)
    run_id = _start(on_temporal, "broken")["id"]
    olivia = on_temporal.as_("olivia")
    assert olivia.get(f"/v1/runs/{run_id}").json()["status"] == "failed"
    stuck = olivia.get("/v1/runs", params={"stuck": True, "orchestration": "broken"}).json()
    assert run_id in [r["id"] for r in stuck["runs"]]

    # when an operator retries it: it fails again
    retried = olivia.post(f"/v1/runs/{run_id}/steps/make/retry", json={"reason": "again"})
    assert retried.status_code == 200 and retried.json()["status"] == "failed"

    # a bulk retry by filter counts first, changing nothing
    dry = olivia.post(
        "/v1/bulk/retry", json={"filter": {"orchestration": "broken"}, "reason": "retry all"}
    )
    assert dry.status_code == 200, dry.text
    assert run_id in dry.json()["matched"] and dry.json()["dry_run"] is True

    # and skipping the step lets the run complete
    skipped = olivia.post(f"/v1/runs/{run_id}/steps/make/skip", json={"reason": "by hand"})
    assert skipped.status_code == 200, skipped.text
    assert skipped.json()["status"] == "completed"


def test_definitions_are_listed_from_the_catalogue(on_temporal):
    client = on_temporal.as_("ann")

    page = client.get("/v1/definitions", params={"limit": 2}).json()
    versions = client.get("/v1/definitions/approval").json()["definitions"]

    assert [d["id"] for d in page["definitions"]] == ["approval", "badge"]
    assert page["next_cursor"]
    assert [(d["version"], d["active"]) for d in versions] == [(1, True)]
    assert client.get("/v1/runs/run-0000000000").status_code == 404


def test_a_record_created_then_updated_over_http_starts_its_triggered_run(on_temporal):
    # given a candidate's record (the `hire` trigger wants status hired)
    client = on_temporal.as_("esign")
    created = client.post("/v1/records/Employee", json={"fields": {"status": "candidate"}})
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]

    # when the HR system updates it to hired
    updated = client.patch(
        f"/v1/records/Employee/{record_id}", json={"fields": {"name": "Ann", "status": "hired"}}
    )

    # then the record is stored in the catalogue and a hire run on Temporal is its
    assert updated.status_code == 200, updated.text
    assert client.get(f"/v1/records/Employee/{record_id}").json()["fields"]["status"] == "hired"
    runs = client.get("/v1/runs", params={"orchestration": "hire"}).json()["runs"]
    started = [client.get(f"/v1/runs/{r['id']}").json() for r in runs]
    (mine,) = [r for r in started if r["record"] == {"object": "Employee", "id": record_id}]
    assert mine["variables"]["name"] == "Ann" and mine["open_items"][0]["assignee"] == "user:carl"
    missing = client.patch("/v1/records/Employee/nobody", json={"fields": {"status": "hired"}})
    assert missing.status_code == 404


def test_runs_and_work_are_filtered_by_assignee_and_stage_and_say_who_cannot_work(on_temporal):
    # given a run whose item is forced onto someone who does not exist
    run_id = _start(on_temporal, "approval", amount=7)["id"]
    olivia = on_temporal.as_("olivia")
    (item,) = olivia.get(f"/v1/runs/{run_id}").json()["open_items"]
    ghost = f"user:ghost-{uuid.uuid4().hex[:6]}"
    moved = olivia.post(f"/v1/work/{item['id']}/reassign", json={"to": ghost, "force": True})
    assert moved.status_code == 200, moved.text

    # when an operator lists the runs and the work for that assignee
    runs = olivia.get("/v1/runs", params={"assignee": ghost}).json()["runs"]
    stuck = olivia.get("/v1/runs", params={"assignee": ghost, "stuck": True}).json()["runs"]
    root = on_temporal.as_("root")  # an admin's work list holds everyone's items
    work = root.get("/v1/work", params={"assignee": ghost, "stage": "review"}).json()["items"]
    elsewhere = root.get("/v1/work", params={"assignee": ghost, "stage": "done"}).json()

    # then they find that run alone, and its item says why nobody can complete it
    assert [r["id"] for r in runs] == [run_id] == [r["id"] for r in stuck]
    assert [(i["id"], i["problem"]) for i in work] == [
        (item["id"], f"user {ghost.split(':')[1]!r} is unknown")
    ]
    assert elsewhere["items"] == []


def test_closed_work_is_listed_with_open_work_a_page_at_a_time(on_temporal):
    # given two runs whose items an operator moved to a new person, one item then completed
    root = on_temporal.as_("root")  # an admin: completes and lists anyone's items
    person = f"user:temp-{uuid.uuid4().hex[:6]}"
    items = []
    for amount in (1, 2):
        run_id = _start(on_temporal, "approval", amount=amount)["id"]
        (item,) = root.get(f"/v1/runs/{run_id}").json()["open_items"]
        moved = root.post(f"/v1/work/{item['id']}/reassign", json={"to": person, "force": True})
        assert moved.status_code == 200, moved.text
        items.append(item["id"])
    done = root.post(f"/v1/work/{items[0]}/complete", json={"outputs": {"decision": "approve"}})
    assert done.status_code == 200, done.text

    # when their work is listed with closed items, one per page, and without them
    params = {"assignee": person, "include_closed": True, "limit": 1}
    first = root.get("/v1/work", params=params).json()
    second = root.get("/v1/work", params={**params, "cursor": first["next_cursor"]}).json()
    open_only = root.get("/v1/work", params={"assignee": person}).json()["items"]

    # then the pages hold both, oldest first, the completed one saying by whom
    pages = first["items"] + second["items"]
    assert [(i["id"], i["status"], i["completed_by"]) for i in pages] == [
        (items[0], "completed", "root"),
        (items[1], "open", None),
    ]
    assert pages[0]["problem"] is None and pages[1]["problem"] is not None
    assert second["next_cursor"] is None
    assert [i["id"] for i in open_only] == [items[1]]


def test_an_admin_plans_and_moves_runs_to_a_new_version_over_http(on_temporal):
    # given two open runs of hiring v1 (workflows) and a v2 without v1's intro stage in the
    # catalogue, when the assignee plans and the admin moves every open run over HTTP
    story = migration_story.tell(
        on_temporal.server.db, on_temporal.as_("root"), on_temporal.as_("ann")
    )

    # then the same answers as on the local runtime: the plan, the one-line refusals, and
    # only the run whose stage v2 keeps moved (by its workflow's migrate Update)
    migration_story.check(story)
