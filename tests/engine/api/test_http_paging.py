"""Every list over HTTP comes a page at a time: walking the pages with a small `limit`
gives each row once, in the same order as one large page. Each test talks to a real
`baton serve`."""

from __future__ import annotations

import pytest

from tests.engine.api.receiver import Receiver


def _walk(client, path: str, field: str, **params) -> list[dict]:
    """Every row, following `next_cursor` two rows at a time (bounded: a loop guard)."""
    rows, cursor = [], None
    for _ in range(200):
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(path, params=query)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body[field]) <= 2
        rows += body[field]
        cursor = body["next_cursor"]
        if cursor is None:
            return rows
    raise AssertionError(f"{path} never ended")


def _all(client, path: str, field: str, **params) -> list[dict]:
    page = client.get(path, params={**params, "limit": 500})
    assert page.status_code == 200, page.text
    assert page.json()["next_cursor"] is None
    return page.json()[field]


@pytest.fixture(scope="module")
def some_webhooks(served):
    # Three webhooks whose deliveries pile up (nobody listens on the receiver once closed).
    receiver = Receiver()
    for _ in range(3):
        served.as_("root").post(
            "/v1/webhooks",
            json={"orchestration": "approval", "url": receiver.url, "events": ["item.created"]},
        )
    receiver.close()
    for number in range(3):
        served.as_("esign").post(
            "/v1/runs", json={"orchestration": "approval", "inputs": {"amount": number}}
        )


@pytest.mark.parametrize(
    ("path", "field", "params"),
    [
        ("/v1/users", "users", {}),
        ("/v1/tokens", "tokens", {}),
        ("/v1/webhooks", "webhooks", {}),
        ("/v1/webhooks/deliveries", "deliveries", {}),
        ("/v1/audit", "entries", {}),
        ("/v1/definitions", "definitions", {}),
        ("/v1/outbox", "messages", {}),
        ("/v1/runs", "runs", {"orchestration": "approval"}),
        ("/v1/work", "items", {}),
    ],
)
def test_walking_the_pages_of_a_list_gives_each_row_once_in_order(
    served, some_webhooks, path, field, params
):
    # given an admin reading a list that spans several pages of two
    client = served.as_("root")

    # when they walk it page by page
    walked = _walk(client, path, field, **params)

    # then they see exactly the rows of one large page, in its order
    assert walked == _all(client, path, field, **params)
    if field in ("users", "tokens", "webhooks", "deliveries", "entries", "definitions", "runs"):
        assert len(walked) > 2, f"{path} should span pages in this test"


def test_users_filter_by_group_and_role(served):
    client = served.as_("olivia")

    hr = _walk(client, "/v1/users", "users", group="group:hr")
    operators = _walk(client, "/v1/users", "users", role="operator")

    assert [u["name"] for u in hr] == ["ann", "ben"]
    assert [u["name"] for u in operators] == ["olivia"]


def test_an_assignee_lists_their_own_tokens_but_not_everyones(served):
    mine = served.as_("ann").get("/v1/tokens", params={"user": "ann"})
    everyones = served.as_("ann").get("/v1/tokens")

    assert mine.status_code == 200 and {t["user"] for t in mine.json()["tokens"]} == {"ann"}
    assert everyones.status_code == 403


def test_the_versions_of_one_orchestration_come_in_pages_and_an_unknown_one_is_404(served):
    client = served.as_("root")

    versions = _walk(client, "/v1/definitions/approval", "definitions")
    unknown = client.get("/v1/definitions/nothing")

    assert [v["id"] for v in versions] == ["approval"] and versions[0]["active"]
    assert unknown.status_code == 404


def test_a_cursor_the_server_did_not_give_is_400_naming_the_cursor(served):
    answer = served.as_("root").get("/v1/audit", params={"cursor": "bm9wZQ"})

    assert answer.status_code == 400
    assert "cursor" in answer.json()["message"]


def test_runs_and_work_filter_by_assignee_orchestration_stage_and_time(served):
    # given a run of badge (no items) and one of approval (an hr item)
    client = served.as_("root")
    started = client.post("/v1/runs", json={"orchestration": "approval", "inputs": {"amount": 7}})
    run_id = started.json()["id"]
    created = served.as_("root").get(f"/v1/runs/{run_id}").json()["open_items"][0]["created_at"]

    # when runs and work are filtered
    on_hr = _walk(client, "/v1/runs", "runs", assignee="group:hr")
    review = _walk(client, "/v1/work", "items", orchestration="approval", stage="review")
    since = _walk(client, "/v1/work", "items", created_after=created, version=1)
    badge = _walk(client, "/v1/work", "items", orchestration="badge")

    # then each filter keeps what it names
    assert run_id in [r["id"] for r in on_hr]
    assert run_id in [i["run"] for i in review]
    assert run_id in [i["run"] for i in since] and all(i["created_at"] >= created for i in since)
    assert badge == []
