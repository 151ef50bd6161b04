"""The log is the truth: replaying a run's events rebuilds exactly what the tables show."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import update

from engine.actions import register_action, unregister_action
from engine.store.schema import runs
from tests.engine.runtime.builders import (
    background,
    decision,
    flow,
    interactive,
    items_of,
    orchestration,
    stage,
    var,
    wait,
)


def _tables(engine, run_id):
    run = engine.run(run_id)
    return {
        "status": run["status"],
        "stage": run["stage"],
        "error": run["error"],
        "outcome": run["outcome"],
        "fault": run["fault"],
        "stages": {s["id"]: {"status": s["status"], "visits": s["visits"]} for s in run["stages"]},
        "steps": {s["id"]: {"status": s["status"], "outputs": s["outputs"]} for s in run["steps"]},
        "variables": run["variables"],
        "items": {
            i["id"]: {"step": i["step"], "assignee": i["assignee"], "status": i["status"]}
            for i in engine.work_items(include_closed=True)
            if i["run"] == run_id
        },
    }


def _assert_replay_matches(engine, run_id):
    assert engine.replay(run_id) == _tables(engine, run_id)


def test_replay_matches_a_looping_run_with_decisions_and_variables(engine):
    engine.activate(
        orchestration(
            "loop",
            stage(
                "draft",
                interactive("write", outputs=[{"name": "again", "type": "boolean"}]),
                background("count", action="set_variables", inputs={"n": "n + 1"}, after=["write"]),
                max_visits=3,
            ),
            decision("more"),
            flows=[
                flow("start", "draft"),
                flow("draft", "more"),
                flow("more", "draft", condition="write.again"),
                flow("more", "end", default=True),
            ],
            variables=[var("n", "number", default=0)],
        )
    )
    run_id = engine.start("loop")
    for again in (True, True, True):
        _assert_replay_matches(engine, run_id)
        engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"again": again})
    assert engine.run(run_id)["status"] == "failed"
    _assert_replay_matches(engine, run_id)


def test_replay_matches_exit_conditions_escalation_pause_and_cancel(engine):
    engine.add_user("lead")
    engine.activate(
        orchestration(
            "mixed",
            stage(
                "s",
                interactive("fast", outputs=[{"name": "ok", "type": "boolean"}]),
                interactive("slow", "user:bob", due="PT1H", escalate_to="user:lead"),
                exit_condition="fast.ok",
            ),
            stage("t", interactive("last"), wait("w", event="go", timeout="P1D")),
        )
    )
    run_id = engine.start("mixed")
    engine.advance(engine.clock.now() + timedelta(hours=2))
    _assert_replay_matches(engine, run_id)
    engine.pause(run_id)
    engine.complete_item(
        next(i["id"] for i in items_of(engine, run_id) if i["step"] == "fast"),
        "alice",
        {"ok": True},
    )
    _assert_replay_matches(engine, run_id)
    engine.resume(run_id)
    _assert_replay_matches(engine, run_id)
    engine.cancel(run_id, "no longer needed")
    _assert_replay_matches(engine, run_id)


def test_replay_matches_failures_retries_and_skips(engine):
    calls = []

    def fails_twice(inputs, context):
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("down")
        return {"done": True}

    register_action("fails_twice", fails_twice)
    try:
        engine.activate(
            orchestration(
                "ops",
                stage(
                    "s",
                    background(
                        "call", action="fails_twice", retry={"attempts": 2, "delay": "PT5M"}
                    ),
                ),
                # skip's outputs are checked like a completion's, so `note` is declared
                stage(
                    "t",
                    interactive("a", outputs=[{"name": "note", "type": "text"}]),
                    interactive("b"),
                ),
            )
        )
        run_id = engine.start("ops")
        _assert_replay_matches(engine, run_id)
        engine.advance(engine.clock.now() + timedelta(minutes=5))
        assert engine.run(run_id)["status"] == "failed"
        _assert_replay_matches(engine, run_id)
        engine.retry(run_id, "call")
        engine.skip(run_id, "a", {"note": "done by phone"})
        engine.reassign(items_of(engine, run_id)[0]["id"], "user:carol", "cover")
        _assert_replay_matches(engine, run_id)
    finally:
        unregister_action("fails_twice")


def test_replaying_a_prefix_shows_the_run_as_it_was(engine):
    engine.activate(
        orchestration("two", stage("first", interactive("a")), stage("second", interactive("b")))
    )
    run_id = engine.start("two")
    first_seq = engine.log(run_id)[-1]["seq"]
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")

    then = engine.replay(run_id, upto=first_seq)

    assert then["stage"] == "first" and then["steps"] == {
        "a": {"status": "waiting", "outputs": None}
    }


def test_a_run_stored_before_items_were_kept_in_its_state_still_moves_on(engine):
    # given a run whose stored state lacks items, timers and waits (as older versions
    # wrote it: those lived only in their tables)
    engine.activate(
        orchestration(
            "older", stage("s", interactive("a", due="PT1H"), wait("w", event="go", key="1"))
        )
    )
    run_id = engine.start("older")
    with engine.store.transaction() as conn:
        state = json.loads(conn.execute(runs.select().where(runs.c.id == run_id)).one().state)
        for part in ("items", "timers", "waits"):
            del state[part]
        conn.execute(update(runs).where(runs.c.id == run_id).values(state=json.dumps(state)))

    # when its item is completed and its event arrives
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")
    reached = engine.send_event("go", 1, {})

    # then the run ends as any other, and its log still rebuilds the tables
    assert reached == [run_id]
    assert engine.run(run_id)["status"] == "completed"
    _assert_replay_matches(engine, run_id)
