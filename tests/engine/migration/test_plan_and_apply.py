"""Planning and applying a migration, one behaviour per test: what carries over, what is
released, what blocks a run, and how a mapping unblocks it."""

from __future__ import annotations

import pytest

from engine.actions import register_action, unregister_action
from engine.errors import NotFound, UsageError
from engine.migration import Selection, apply_migration, plan_migration
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
from tests.engine.runtime.test_replay import _tables


def _on_version_1(engine, v1, v2, runs=1):
    """Activate v1, start `runs` runs of it, then activate v2; returns the run ids."""
    engine.activate(v1)
    started = [engine.start(v1.id) for _ in range(runs)]
    engine.activate(v2)
    return started


def _plan(engine, run_id, **mapping):
    plan = plan_migration(engine, Selection("p", 1, 2, mapping=mapping))
    return next(r for r in plan.runs if r.run == run_id)


def _apply(engine, **mapping):
    return apply_migration(engine, Selection("p", 1, 2, mapping=mapping), "v2 is out", "root")


def test_an_open_step_the_new_version_drops_is_withdrawn_from_its_assignee(engine):
    # given a run with two open items, one of a step version 2 drops
    (run_id,) = _on_version_1(
        engine,
        orchestration("p", stage("s", interactive("keep"), interactive("gone", "user:bob"))),
        orchestration("p", stage("s", interactive("keep"))),
    )
    gone = next(i["id"] for i in engine.run(run_id)["open_items"] if i["step"] == "gone")
    # when planned, then the item is said to be withdrawn
    planned = _plan(engine, run_id)
    assert planned.items_withdrawn == [{"item": gone, "step": "gone", "assignee": "user:bob"}]
    # when applied, then bob's item is withdrawn and the log says why
    assert _apply(engine).moved == [run_id]
    item = next(i for i in engine.work_items(include_closed=True) if i["id"] == gone)
    assert item["status"] == "withdrawn"
    assert [i["step"] for i in engine.run(run_id)["open_items"]] == ["keep"]
    assert engine.replay(run_id) == _tables(engine, run_id)


def test_a_run_in_a_removed_stage_cannot_move_until_the_stage_is_mapped(engine):
    # given a run in stage `old`, which version 2 renamed to `new`
    (run_id,) = _on_version_1(
        engine,
        orchestration("p", stage("old", interactive("a"))),
        orchestration("p", stage("new", interactive("a"))),
    )
    (item,) = engine.run(run_id)["open_items"]
    # when planned without a mapping, then the run cannot move, and the reason says what to do
    planned = _plan(engine, run_id)
    assert not planned.possible
    assert "--map old=STAGE" in planned.reasons[0]
    # and apply refuses it, changing nothing
    refused = _apply(engine)
    assert refused.moved == [] and refused.refused[0][0] == run_id
    assert engine.run(run_id)["version"] == 1
    # when mapped, then it moves into `new`, keeping its item
    assert _apply(engine, old="new").moved == [run_id]
    run = engine.run(run_id)
    assert (run["version"], run["stage"]) == (2, "new")
    assert [(i["id"], i["step"]) for i in run["open_items"]] == [(item["id"], "a")]
    assert engine.replay(run_id) == _tables(engine, run_id)


def test_a_renamed_wait_step_keeps_its_wait_and_timer_when_mapped(engine):
    # given a run waiting for `signed` in step `w`, which version 2 calls `signature`
    (run_id,) = _on_version_1(
        engine,
        orchestration("p", stage("s", wait("w", event="signed", timeout="P3D"))),
        orchestration("p", stage("s", wait("signature", event="signed", timeout="P3D"))),
    )
    # when planned with the mapping, then the wait and its timeout move to the new step
    planned = _plan(engine, run_id, w="signature")
    assert planned.waits_moved == [{"from": "w", "step": "signature", "event": "signed"}]
    assert [(t["from"], t["step"], t["kind"]) for t in planned.timers_moved] == [
        ("w", "signature", "timeout")
    ]
    # when applied, then the event reaches the renamed step and the run completes
    assert _apply(engine, w="signature").moved == [run_id]
    assert engine.waits(run_id)[0]["step"] == "signature"
    assert engine.send_event("signed") == [run_id]
    assert engine.run(run_id)["status"] == "completed"
    assert engine.replay(run_id) == _tables(engine, run_id)


def test_a_later_expression_reading_a_step_the_run_never_ran_blocks_it(engine):
    # given a run past stage `one`, where version 2 added step `check` that stage `two` reads
    v1 = orchestration("p", stage("one", interactive("a")), stage("two", interactive("b")))
    v2 = orchestration(
        "p",
        stage(
            "one",
            interactive("a"),
            interactive("check", outputs=[{"name": "ok", "type": "boolean"}]),
        ),
        stage("two", interactive("b"), background("note", condition="check.ok")),
    )
    engine.activate(v1)
    run_id = engine.start("p")
    engine.complete_item(engine.run(run_id)["open_items"][0]["id"], "alice")
    engine.activate(v2)
    # when planned, then the run cannot move: nothing would ever give check.ok
    planned = _plan(engine, run_id)
    assert not planned.possible
    assert "step note reads check's outputs" in planned.reasons[0]
    # when the old step `a` is mapped onto `check`, then the missing output is named
    planned = _plan(engine, run_id, a="check")
    assert planned.reasons == [
        "step note reads check.ok, an output this run's check never gave "
        "(it completed on version 1)"
    ]


def test_a_plan_changes_nothing(engine):
    # given a run that a migration would move on to its next stage
    (run_id,) = _on_version_1(
        engine,
        orchestration("p", stage("s", interactive("a")), stage("t", interactive("b"))),
        orchestration("p", stage("t", interactive("b"))),
    )
    before = (engine.run(run_id), engine.log(run_id))
    # when planned (with the stage mapped), then the run and its log are as they were
    planned = _plan(engine, run_id, s="t")
    assert planned.possible
    assert (engine.run(run_id), engine.log(run_id)) == before


def test_a_paused_run_moves_but_starts_nothing_until_resumed(engine):
    # given a paused run, and version 2 adding a step to its stage
    (run_id,) = _on_version_1(
        engine,
        orchestration("p", stage("s", interactive("a"))),
        orchestration("p", stage("s", interactive("a"), interactive("extra"))),
    )
    engine.pause(run_id, "holiday")
    # when applied, then the new step waits for the resume
    assert _planned_steps(engine, run_id) == ([], ["extra"])
    assert _apply(engine).moved == [run_id]
    assert [i["step"] for i in engine.run(run_id)["open_items"]] == ["a"]
    engine.resume(run_id)
    assert sorted(i["step"] for i in engine.run(run_id)["open_items"]) == ["a", "extra"]
    assert engine.replay(run_id) == _tables(engine, run_id)


def test_a_run_failed_on_a_step_the_new_version_drops_goes_on(engine):
    # given a run failed on background step `sync`, which version 2 no longer has
    def unavailable(inputs, context):
        raise RuntimeError("service unavailable")

    register_action("old_sync", unavailable)
    try:
        (run_id,) = _on_version_1(
            engine,
            orchestration(
                "p", stage("s", background("sync", action="old_sync")), stage("t", interactive("a"))
            ),
            orchestration("p", stage("s"), stage("t", interactive("a"))),
        )
        assert engine.run(run_id)["status"] == "failed"
        # when planned, then the run leaves the emptied stage for the next one
        planned = _plan(engine, run_id)
        assert (planned.lands_in, planned.status_after) == ("t", "waiting")
        # when applied, then it waits on the next stage's item, no longer failed
        assert _apply(engine).moved == [run_id]
        run = engine.run(run_id)
        assert (run["status"], run["stage"]) == ("waiting", "t")
        assert engine.replay(run_id) == _tables(engine, run_id)
    finally:
        unregister_action("old_sync")


def _planned_steps(engine, run_id):
    planned = _plan(engine, run_id)
    return [i["step"] for i in planned.items_created], planned.steps_added


def test_mapping_an_element_that_does_not_exist_is_a_usage_error(engine):
    _on_version_1(
        engine,
        orchestration("p", stage("s", interactive("a"))),
        orchestration("p", stage("s", interactive("b"))),
    )
    with pytest.raises(UsageError, match="nope is not a stage, decision or step of version 1"):
        plan_migration(engine, Selection("p", 1, 2, mapping={"nope": "b"}))
    with pytest.raises(UsageError, match="zz is not a step of version 2"):
        plan_migration(engine, Selection("p", 1, 2, mapping={"a": "zz"}))
    with pytest.raises(NotFound, match="no version 3"):
        plan_migration(engine, Selection("p", 1, 3))


def test_apply_moves_only_the_chosen_runs_or_those_in_a_stage(engine):
    # given three runs of version 1, one of them moved on to stage `t`
    v1 = orchestration("p", stage("s", interactive("a")), stage("t", interactive("b")))
    v2 = orchestration("p", stage("s", interactive("a")), stage("t", interactive("b", due="P1D")))
    first, second, third = _on_version_1(engine, v1, v2, runs=3)
    engine.complete_item(engine.run(third)["open_items"][0]["id"], "alice")
    # when only the runs in stage `t` are moved, then only the third is on version 2
    in_t = apply_migration(engine, Selection("p", 1, 2, stage="t"), "t changed", "root")
    assert in_t.moved == [third]
    # when one run is named, then only it moves
    named = apply_migration(engine, Selection("p", 1, 2, runs=(first,)), "named", "root")
    assert named.moved == [first]
    assert [engine.run(r)["version"] for r in (first, second, third)] == [2, 1, 2]
    # and naming a run that is not an open run of version 1 is refused before anything moves
    with pytest.raises(NotFound, match=f"run {third} is not an open run of p version 1"):
        apply_migration(engine, Selection("p", 1, 2, runs=(third, second)), "again", "root")
    assert engine.run(second)["version"] == 1


def test_a_dropped_step_waiting_on_a_child_run_cancels_the_child_as_planned(engine):
    # given a parent run whose step `spawn` waits on a child run; version 2 drops `spawn`
    engine.activate(
        orchestration(
            "child",
            stage("c", interactive("approve", "user:bob")),
            variables=[var("who", input=True)],
        )
    )
    spawn = background(
        "spawn", action="start_orchestration", inputs={"orchestration": "'child'", "inputs": "{}"}
    )
    (parent,) = _on_version_1(
        engine,
        orchestration("p", stage("s", spawn, interactive("a"))),
        orchestration("p", stage("s", interactive("a"))),
    )
    (child,) = [r["id"] for r in engine.runs(orchestration="child")]
    # when planned, then the child is named as canceled with the step
    assert _plan(engine, parent).children_canceled == [child]
    # when applied, then the child run is canceled and the parent waits on `a` alone
    assert _apply(engine).moved == [parent]
    assert engine.run(child)["status"] == "canceled"
    assert [i["step"] for i in engine.run(parent)["open_items"]] == ["a"]


def test_a_run_failed_at_a_decision_resumes_on_the_new_versions_decision(engine):
    # given a run failed at decision `route`, whose condition cannot compare a missing limit
    def routed(condition: str):
        flows = [
            flow("start", "s"),
            flow("s", "route"),
            flow("route", "t", condition=condition),
            flow("route", "end", default=True),
            flow("t", "end"),
        ]
        return orchestration(
            "p", stage("s", interactive("a")), decision("route"), stage("t", interactive("b")),
            flows=flows, variables=[var("limit", "number")],
        )  # fmt: skip

    engine.activate(routed("limit > 3"))
    run_id = engine.start("p")
    engine.complete_item(engine.run(run_id)["open_items"][0]["id"], "alice")
    assert engine.run(run_id)["status"] == "failed"
    engine.activate(routed("(limit or 5) > 3"))
    # when moved to version 2, whose condition copes with it, and resumed
    planned = _plan(engine, run_id)
    assert planned.possible and planned.status_after == "failed"
    assert _apply(engine).moved == [run_id]
    engine.resume(run_id, reason="version 2 routes it")
    # then the run leaves the decision as version 2 says
    run = engine.run(run_id)
    assert (run["status"], run["stage"], run["version"]) == ("waiting", "t", 2)
    assert engine.replay(run_id) == _tables(engine, run_id)
