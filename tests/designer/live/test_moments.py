"""A run at a past moment equals what the engine showed then, with what the overlay needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from live_helpers import item_of, start_onboarding

from designer.runs.moments import snapshot_at, state_at
from engine.actions import register_action, unregister_action
from tests.engine.runtime.builders import background, interactive, orchestration, stage, wait


def plan_of(engine, run_id: str):
    run = engine.run(run_id)
    with engine.store.read() as conn:
        return engine.plan(run["orchestration"], run["version"], conn)


def live_view(engine, run_id: str) -> dict:
    run = engine.run(run_id)
    return {
        "status": run["status"],
        "stage": run["stage"],
        "elements": {s["id"]: s["status"] for s in [*run["stages"], *run["steps"]]},
        "items": {i["id"]: (i["step"], i["assignee"], i["overdue"]) for i in run["open_items"]},
    }


def snapshot_view(snap) -> dict:
    return {
        "status": snap.status,
        "stage": snap.current_stage,
        "elements": snap.element_states(),
        "items": {k: (v["step"], v["assignee"], v["overdue"]) for k, v in snap.items.items()},
    }


class Checkpoints:
    """What the engine showed after each call, with the log position then."""

    def __init__(self, engine) -> None:
        self.engine, self.seen = engine, []

    def take(self, run_id: str) -> None:
        seq = self.engine.log(run_id)[-1]["seq"]
        self.seen.append((run_id, seq, live_view(self.engine, run_id)))

    def assert_every_moment_matches(self) -> None:
        assert len(self.seen) > 3
        for run_id, seq, view in self.seen:
            events, plan = self.engine.log(run_id), plan_of(self.engine, run_id)
            assert snapshot_view(snapshot_at(plan, events, seq)) == view, f"after event {seq}"


def test_an_onboarding_run_at_every_past_moment(engine, clock):
    check = Checkpoints(engine)
    run_id = start_onboarding(engine)
    check.take(run_id)
    approve = {"decision": "approve", "start_date": "2026-02-02"}
    engine.complete_item(item_of(engine, run_id, "contract"), "alice", approve)
    check.take(run_id)
    engine.send_event("badge_printed", "Ann Lee")
    check.take(run_id)
    engine.advance(clock.now() + timedelta(days=4))  # both IT items overdue, laptop escalated
    check.take(run_id)
    engine.reassign(item_of(engine, run_id, "accounts"), "user:dan", "desk is busy", actor="root")
    check.take(run_id)
    engine.complete_item(item_of(engine, run_id, "laptop"), "it_lead", {"asset_tag": "LT-1"})
    engine.complete_item(item_of(engine, run_id, "accounts"), "dan")
    check.take(run_id)
    engine.complete_item(item_of(engine, run_id, "plan"), "manager", {"buddy": "Bo"})
    check.take(run_id)

    check.assert_every_moment_matches()
    snap = snapshot_at(plan_of(engine, run_id), engine.log(run_id))
    assert snap.status == "completed"
    assert snap.path == ["paperwork", "contract_ok", "laptop_needed", "equipment", "first_week",
                         "done"]  # fmt: skip


@pytest.fixture
def flaky(engine):
    calls = {"n": 0, "fail_until": 3}

    def action(inputs, context):
        calls["n"] += 1
        if calls["n"] <= calls["fail_until"]:
            raise RuntimeError(f"service unavailable (call {calls['n']})")
        return {"ok": True}

    register_action("flaky", action)
    engine.activate(
        orchestration(
            "ops",
            stage(
                "work",
                background("call", action="flaky", retry={"attempts": 2, "delay": "PT1M"}),
                background("after_call", after=["call"]),
                interactive("review", after=["after_call"]),
                wait("signal", event="go", timeout="P1D"),
            ),
        )
    )
    yield calls
    unregister_action("flaky")


def test_failures_retries_skips_pauses_and_a_cancel_at_every_past_moment(engine, clock, flaky):
    check = Checkpoints(engine)
    run_id = engine.start("ops")
    check.take(run_id)  # the first attempt failed; a retry is due
    engine.advance(clock.now() + timedelta(minutes=2))
    check.take(run_id)  # the second failed too: step and run failed
    failed_at = engine.log(run_id)[-1]["seq"]
    engine.retry(run_id, "call")
    check.take(run_id)
    engine.skip(run_id, "call", {"ok": True})
    check.take(run_id)
    engine.pause(run_id)
    engine.resume(run_id)
    check.take(run_id)
    engine.advance(clock.now() + timedelta(days=2))  # the wait times out
    check.take(run_id)
    engine.cancel(run_id, "customer withdrew")
    check.take(run_id)

    check.assert_every_moment_matches()
    events, plan = engine.log(run_id), plan_of(engine, run_id)
    assert snapshot_at(plan, events, failed_at).errors == {
        "call": "RuntimeError: service unavailable (call 2)"
    }
    assert snapshot_at(plan, events).errors == {}  # the skip cleared it
    assert state_at(plan, events, 0) == {}
