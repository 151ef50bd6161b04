"""Replaying a run's log gives the state the engine showed after each of its calls."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from engine.actions import register_action, unregister_action
from engine.definition import load_definition
from engine.runtime.replay import replay, state_at
from tests.engine.runtime.builders import (
    background,
    decision,
    flow,
    interactive,
    orchestration,
    stage,
    var,
    wait,
)

EXAMPLE = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"


def live_view(engine, run_id: str) -> dict:
    """What the engine shows of a run now, in the replay's terms."""
    run = engine.run(run_id)
    return {
        "status": run["status"],
        "stage": run["stage"],
        "stages": {s["id"]: s["status"] for s in run["stages"]},
        "steps": {s["id"]: s["status"] for s in run["steps"]},
        "items": {i["id"]: (i["step"], i["assignee"], i["overdue"]) for i in run["open_items"]},
    }


def replayed_view(events, definition, seq: int) -> dict:
    snap = replay(events, definition, seq)
    return {
        "status": snap.status,
        "stage": snap.current_stage,
        "stages": snap.stages,
        "steps": snap.steps,
        "items": {k: (v["step"], v["assignee"], v["overdue"]) for k, v in snap.items.items()},
    }


class Checkpoints:
    """Remembers what the engine showed after each call, with the log position then."""

    def __init__(self, engine, definition) -> None:
        self.engine, self.definition, self.seen = engine, definition, []

    def take(self, run_id: str) -> None:
        seq = self.engine.log(run_id)[-1]["seq"]
        self.seen.append((run_id, seq, live_view(self.engine, run_id)))

    def assert_replay_matches(self) -> None:
        assert self.seen
        for run_id, seq, view in self.seen:
            events = self.engine.log(run_id)
            assert replayed_view(events, self.definition, seq) == view, f"after event {seq}"


@pytest.fixture
def flaky_action():
    calls = {"n": 0, "fail_until": 0}

    def action(inputs, context):
        calls["n"] += 1
        if calls["n"] <= calls["fail_until"]:
            raise RuntimeError(f"service unavailable (call {calls['n']})")
        return {"ok": True}

    register_action("flaky", action)
    yield calls
    unregister_action("flaky")


def test_onboarding_replays_to_every_state_the_engine_showed(engine):
    definition = load_definition(EXAMPLE)
    engine.add_user("hr_lead", groups=["hr"])
    engine.add_user("it_lead", groups=["it"])
    engine.add_user("dan", queues=["it_service_desk"])
    engine.add_user("manager")
    engine.activate(definition)
    check = Checkpoints(engine, definition)

    run_id = engine.start("employee_onboarding", {"employee": "Ann", "email": "ann@example.com"})
    check.take(run_id)
    contract = engine.open_item_ids(run_id)[0]
    engine.complete_item(contract, "alice", {"decision": "approve", "start_date": "2026-02-02"})
    check.take(run_id)
    engine.send_event("badge_printed", "Ann")
    check.take(run_id)
    engine.advance(engine.clock.now() + timedelta(days=4))  # laptop overdue and escalated
    check.take(run_id)
    items = {i["step"]: i["id"] for i in engine.run(run_id)["open_items"]}
    engine.reassign(items["accounts"], "user:dan", "desk is busy", actor="root")
    check.take(run_id)
    engine.complete_item(items["laptop"], "it_lead", {"asset_tag": "LT-1"})
    check.take(run_id)
    engine.complete_item(items["accounts"], "dan")
    check.take(run_id)
    engine.complete_item(engine.open_item_ids(run_id)[0], "manager", {"buddy": "Bo"})
    check.take(run_id)

    assert engine.run(run_id)["status"] == "completed"
    check.assert_replay_matches()


def test_failures_retries_skips_pauses_and_cancel_replay_exactly(engine, flaky_action):
    definition = orchestration(
        "ops",
        stage(
            "work",
            background("call", action="flaky", retry={"attempts": 2, "delay": "PT1M"}),
            background("after_call", after=["call"]),
            interactive("review", after=["after_call"]),
            wait("signal", event="go", timeout="P1D"),
        ),
    )
    engine.activate(definition)
    check = Checkpoints(engine, definition)
    flaky_action["fail_until"] = 3
    run_id = engine.start("ops")
    check.take(run_id)  # first attempt failed, retry timer set
    engine.advance(engine.clock.now() + timedelta(minutes=2))
    check.take(run_id)  # second attempt failed: step and run failed
    engine.retry(run_id, "call")
    check.take(run_id)  # third call fails again
    engine.skip(run_id, "call", {"ok": True})
    check.take(run_id)
    engine.pause(run_id)
    check.take(run_id)
    engine.resume(run_id)
    check.take(run_id)
    engine.advance(engine.clock.now() + timedelta(days=2))  # the wait times out
    check.take(run_id)
    engine.cancel(run_id, "customer withdrew")
    check.take(run_id)

    assert engine.run(run_id)["status"] == "canceled"
    check.assert_replay_matches()


def test_a_loop_back_and_an_exit_condition_replay_exactly(engine):
    definition = orchestration(
        "loop",
        stage(
            "draft",
            interactive("write", outputs=[{"name": "ok", "type": "boolean"}]),
            interactive("side", assignee="group:hr"),
            exit_condition="write.ok == True",
            max_visits=2,
        ),
        decision("check"),
        flows=[
            flow("start", "draft"),
            flow("draft", "check"),
            flow("check", "end", condition="write.ok"),
            flow("check", "draft", default=True),
        ],
        variables=[var("topic")],
    )
    engine.activate(definition)
    check = Checkpoints(engine, definition)
    run_id = engine.start("loop")
    check.take(run_id)
    for item in engine.open_item_ids(run_id):
        step = next(i for i in engine.run(run_id)["open_items"] if i["id"] == item)["step"]
        engine.complete_item(item, "root", {"ok": False} if step == "write" else {})
        check.take(run_id)
    write = next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == "write")
    engine.complete_item(write, "alice", {"ok": True})
    check.take(run_id)

    snap = replay(engine.log(run_id), definition)
    assert snap.status == "completed" and snap.path == ["draft", "check", "draft", "check", "end"]
    check.assert_replay_matches()


def test_without_the_definition_unstarted_steps_are_absent_and_started_ones_known(engine):
    definition = orchestration("plain", stage("s", interactive("a"), interactive("b", after=["a"])))
    engine.activate(definition)
    run_id = engine.start("plain")
    events = engine.log(run_id)

    assert state_at(events, events[-1]["seq"]) == {"s": "running", "a": "waiting"}
    assert state_at(events, events[-1]["seq"], definition)["b"] == "not_started"
    assert state_at(events, 0) == {}
