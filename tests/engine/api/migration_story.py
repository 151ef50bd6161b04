"""An admin moving open runs to a new version over HTTP, told once for every runtime.

`hiring` v1 has an intro stage that v2 drops: a run still in intro cannot move (its stage
is gone and not mapped), a run already in paperwork can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from engine.runtime import Engine
from tests.engine.runtime.builders import interactive, orchestration, stage

V1 = orchestration(
    "hiring",
    stage("intro", interactive("hello", "user:ann")),
    stage("paperwork", interactive("contract", "group:hr"), interactive("badge", "user:ben")),
)
V2 = orchestration(
    "hiring",
    stage("paperwork", interactive("contract", "group:hr"), interactive("security", "user:ben")),
)
MOVE = {"orchestration": "hiring", "from": 1, "to": 2}


@dataclass
class Story:
    """The two runs and every answer the admin got, in order."""

    in_intro: str
    in_paperwork: str
    answers: dict[str, httpx.Response]
    cli_plan: Any = field(default=None)


def activate(db: str, definition: Any) -> int:
    """Activate a version as the admin does with `baton activate`."""
    engine = Engine(db)
    try:
        return engine.activate(definition)
    finally:
        engine.close()


def _start(client: httpx.Client) -> str:
    started = client.post("/v1/runs", json={"orchestration": "hiring"})
    assert started.status_code == 201, started.text
    return started.json()["id"]


def tell(
    db: str,
    root: httpx.Client,
    ann: httpx.Client,
    cli_plan: Callable[[], Any] | None = None,
) -> Story:
    """Two runs of v1 (one moved on to paperwork), v2 activated, then the plan, the
    refusals and the move, as the admin `root` and the assignee `ann` call them.
    `cli_plan`, if given, is asked for `baton migrate plan`'s JSON right after the plan."""
    assert activate(db, V1) == 1
    in_intro, in_paperwork = _start(ann), _start(ann)
    items = ann.get(f"/v1/runs/{in_paperwork}").json()["open_items"]
    (hello,) = [i["id"] for i in items]
    assert ann.post(f"/v1/work/{hello}/complete", json={}).status_code == 200
    assert activate(db, V2) == 2

    answers = {"plan": ann.post("/v1/migrations/plan", json=MOVE)}
    printed = cli_plan() if cli_plan else None
    answers |= {
        "same version": root.post("/v1/migrations/plan", json={**MOVE, "to": 1}),
        "no version 9": root.post("/v1/migrations/plan", json={**MOVE, "to": 9}),
        "bad mapping": root.post(
            "/v1/migrations/plan", json={**MOVE, "mapping": {"intro": "nowhere"}}
        ),
        "by an assignee": ann.post(
            "/v1/migrations", json={**MOVE, "all": True, "reason": "security training"}
        ),
        "no runs named": root.post("/v1/migrations", json={**MOVE, "reason": "training"}),
        "blank reason": root.post("/v1/migrations", json={**MOVE, "all": True, "reason": " "}),
        "apply": root.post(
            "/v1/migrations", json={**MOVE, "all": True, "reason": "security training"}
        ),
        "moved run": root.get(f"/v1/runs/{in_paperwork}"),
        "left run": root.get(f"/v1/runs/{in_intro}"),
    }
    return Story(in_intro, in_paperwork, answers, printed)


def check(story: Story) -> None:
    """What every runtime must have answered."""
    answers = story.answers
    plan = answers["plan"]
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert (body["from"], body["to"], body["movable"], body["blocked"]) == (1, 2, 1, 1)
    assert body["changes"]["removed"] == ["badge", "hello", "intro"]
    runs = {r["run"]: r for r in body["runs"]}
    assert runs[story.in_paperwork]["possible"] is True
    assert [i["step"] for i in runs[story.in_paperwork]["items_withdrawn"]] == ["badge"]
    assert [i["step"] for i in runs[story.in_paperwork]["items_created"]] == ["security"]
    assert runs[story.in_intro]["possible"] is False
    assert "map it to a stage: --map intro=STAGE" in runs[story.in_intro]["reasons"][0]

    for name, status, error, message in (
        ("same version", 400, "InvalidInput", "--from and --to are both version 1"),
        ("no version 9", 404, "NotFound", "no version 9 of orchestration 'hiring'"),
        ("bad mapping", 400, "UsageError", "--map intro=nowhere: nowhere is not a stage of"),
        ("by an assignee", 403, "PermissionDenied", "migrate runs"),
        ("no runs named", 400, "UsageError", "say which runs to move"),
        ("blank reason", 400, "InvalidInput", "migrating runs needs a reason"),
    ):
        answer = answers[name]
        assert answer.status_code == status, (name, answer.text)
        assert answer.json()["error"] == error, (name, answer.text)
        assert message in answer.json()["message"], (name, answer.text)
        assert "\n" not in answer.json()["message"]

    applied = answers["apply"]
    assert applied.status_code == 200, applied.text
    assert applied.json()["moved"] == [story.in_paperwork]
    (refused,) = applied.json()["refused"]
    assert refused["run"] == story.in_intro
    assert refused["reason"].startswith(f"run {story.in_intro} cannot move to version 2")
    moved = answers["moved run"].json()
    assert moved["version"] == 2
    assert sorted(i["step"] for i in moved["open_items"]) == ["contract", "security"]
    assert answers["left run"].json()["version"] == 1
