"""Stages, steps, decisions and loops: the run semantics of DESIGN.md."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, NotFound
from tests.engine.runtime.builders import (
    background,
    decision,
    flow,
    interactive,
    items_of,
    orchestration,
    stage,
    step_status,
    var,
)

APPROVAL = [{"name": "decision", "type": "text", "choices": ["approve", "reject"]}]


def test_steps_of_a_stage_start_in_parallel(engine):
    # given a stage with three interactive steps
    engine.activate(
        orchestration(
            "parallel",
            stage(
                "s", interactive("a"), interactive("b", "user:bob"), interactive("c", "group:hr")
            ),
        )
    )
    # when a run starts
    run_id = engine.start("parallel")
    # then all three have open work items at once
    assert sorted(i["step"] for i in items_of(engine, run_id)) == ["a", "b", "c"]
    assert engine.run(run_id)["status"] == "waiting"


def test_step_with_after_starts_when_its_predecessors_complete(engine):
    engine.activate(
        orchestration("seq", stage("s", interactive("a"), interactive("b", after=["a"])))
    )
    run_id = engine.start("seq")
    assert step_status(engine, run_id) == {"a": "waiting", "b": "not_started"}

    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")

    assert step_status(engine, run_id) == {"a": "completed", "b": "waiting"}


def test_step_whose_condition_is_false_is_skipped(engine):
    engine.activate(
        orchestration(
            "cond",
            stage("s", background("always"), background("never", condition="amount > 100")),
            variables=[var("amount", "number", input=True)],
        )
    )
    run_id = engine.start("cond", {"amount": 50})
    assert step_status(engine, run_id) == {"always": "completed", "never": "skipped"}
    assert engine.run(run_id)["status"] == "completed"


def test_completing_last_step_exits_stage_and_enters_next(engine):
    engine.activate(
        orchestration("two", stage("first", interactive("a")), stage("second", interactive("b")))
    )
    run_id = engine.start("two")

    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")

    run = engine.run(run_id)
    assert run["stage"] == "second"
    assert [s["status"] for s in run["stages"]] == ["completed", "running"]


def test_exit_condition_cancels_open_steps_and_withdraws_their_items(engine):
    engine.activate(
        orchestration(
            "race",
            stage(
                "s",
                interactive("fast", outputs=APPROVAL),
                interactive("slow", "user:bob"),
                exit_condition="fast.decision == 'approve'",
            ),
            stage("after", interactive("next")),
        )
    )
    run_id = engine.start("race")
    fast = next(i for i in items_of(engine, run_id) if i["step"] == "fast")
    slow = next(i for i in items_of(engine, run_id) if i["step"] == "slow")

    engine.complete_item(fast["id"], "alice", {"decision": "approve"})

    assert step_status(engine, run_id)["slow"] == "canceled"
    assert engine.run(run_id)["stage"] == "after"
    assert slow["id"] not in {i["id"] for i in engine.work_items()}
    assert "item_withdrawn" in [e["type"] for e in engine.log(run_id)]


def _routed(engine):
    engine.activate(
        orchestration(
            "route",
            stage("review", interactive("check", outputs=APPROVAL)),
            decision("ok"),
            stage("fix", background("repair")),
            stage("ship", background("deliver")),
            flows=[
                flow("start", "review"),
                flow("review", "ok"),
                flow("ok", "ship", condition="check.decision == 'approve'"),
                flow("ok", "fix", default=True),
                flow("fix", "end"),
                flow("ship", "end"),
            ],
        )
    )


def test_decision_follows_the_first_condition_that_holds(engine):
    _routed(engine)
    run_id = engine.start("route")
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"decision": "approve"})
    statuses = step_status(engine, run_id)
    assert "deliver" in statuses and "repair" not in statuses
    taken = [e for e in engine.log(run_id) if e["type"] == "decision_taken"]
    assert taken[0]["payload"]["to"] == "ship"


def test_decision_takes_the_default_when_no_condition_holds(engine):
    _routed(engine)
    run_id = engine.start("route")
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"decision": "reject"})
    assert "repair" in step_status(engine, run_id)
    assert engine.run(run_id)["status"] == "completed"


def test_guarded_loop_revisits_a_stage_until_told_to_stop(engine):
    engine.activate(
        orchestration(
            "rework",
            stage(
                "draft",
                interactive("write", outputs=[{"name": "again", "type": "boolean"}]),
                max_visits=3,
            ),
            decision("good"),
            flows=[
                flow("start", "draft"),
                flow("draft", "good"),
                flow("good", "draft", condition="write.again"),
                flow("good", "end", default=True),
            ],
        )
    )
    run_id = engine.start("rework")
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"again": True})
    assert engine.run(run_id)["stages"][0]["visits"] == 2
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"again": False})
    assert engine.run(run_id)["status"] == "completed"


def test_exceeding_max_visits_fails_the_run_with_the_reason(engine):
    engine.activate(
        orchestration(
            "rework",
            stage(
                "draft",
                interactive("write", outputs=[{"name": "again", "type": "boolean"}]),
                max_visits=2,
            ),
            decision("good"),
            flows=[
                flow("start", "draft"),
                flow("draft", "good"),
                flow("good", "draft", condition="write.again"),
                flow("good", "end", default=True),
            ],
        )
    )
    run_id = engine.start("rework")
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"again": "yes"})
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"again": "yes"})

    run = engine.run(run_id)
    assert run["status"] == "failed"
    assert "max_visits is 2" in run["error"] and "draft" in run["error"]


def test_step_outputs_are_readable_by_later_expressions(engine):
    engine.activate(
        orchestration(
            "outputs",
            stage("s", interactive("ask", outputs=[{"name": "amount", "type": "number"}])),
            stage(
                "t", background("copy", action="set_variables", inputs={"total": "ask.amount * 2"})
            ),
            variables=[var("total", "number")],
        )
    )
    run_id = engine.start("outputs")
    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice", {"amount": "21"})
    assert engine.run(run_id)["variables"]["total"] == 42


def test_manual_start_with_a_missing_required_input_creates_no_run(engine):
    engine.activate(
        orchestration(
            "needs",
            stage("s", background("x")),
            variables=[
                var("employee", input=True, required=True),
                var("age", "number", input=True),
            ],
        )
    )
    with pytest.raises(InvalidInput) as refused:
        engine.start("needs", {"age": "old"})
    assert "employee: required input is missing" in str(refused.value)
    assert "age: 'old' is not a number" in str(refused.value)
    assert engine.runs() == []


def test_starting_an_unknown_orchestration_is_a_clear_error(engine):
    with pytest.raises(NotFound, match="no active orchestration 'nope'"):
        engine.start("nope")


def test_a_run_keeps_the_version_it_started_with(engine):
    engine.activate(orchestration("v", stage("s", interactive("old"))))
    first = engine.start("v")
    engine.activate(orchestration("v", stage("s", interactive("new"))))
    second = engine.start("v")

    engine.complete_item(items_of(engine, first)[0]["id"], "alice")

    assert engine.run(first)["version"] == 1 and engine.run(first)["status"] == "completed"
    assert engine.run(second)["version"] == 2
    assert [s["id"] for s in engine.run(second)["steps"]] == ["new"]


def test_an_expression_error_fails_the_run_naming_the_element(engine):
    engine.activate(
        orchestration(
            "bad", stage("s", background("calc", action="log", inputs={"message": "1 / 0"}))
        )
    )
    run_id = engine.start("bad")
    run = engine.run(run_id)
    assert run["status"] == "failed"
    assert "[calc]" in run["error"] and "ZeroDivisionError" in run["error"]


def test_activation_refuses_a_definition_with_errors_and_keeps_nothing(engine):
    from engine.errors import ActivationRefused

    looping = orchestration(
        "loops",
        stage("a", interactive("x")),
        decision("again"),
        flows=[
            flow("start", "a"),
            flow("a", "again"),
            flow("again", "a", condition="x.more"),
            flow("again", "end", default=True),
        ],
    )
    with pytest.raises(ActivationRefused) as refused:
        engine.activate(looping)
    assert "unguarded-cycle" in {d.code for d in refused.value.diagnostics}
    assert engine.definitions() == []
