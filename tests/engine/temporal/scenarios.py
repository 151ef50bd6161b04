"""Semantic scenarios of the run contract (DESIGN.md "Run semantics"), each a function of
a `Driver` that returns the runs whose event logs are compared across runtimes.

Each scenario checks its own outcome too, so a runtime that does nothing cannot match.
`USES_TIME` names the scenarios that move time (on Temporal: the time-skipping server).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine.store import buffered
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
from tests.engine.temporal.runtimes import Driver

APPROVAL = [{"name": "decision", "type": "text", "choices": ["approve", "reject"]}]


def _steps(d: Driver, run_id: str) -> dict[str, str]:
    return {s["id"]: s["status"] for s in d.engine.run(run_id)["steps"]}


def stages_parallel_after_conditions_and_decisions(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "routing",
            stage(
                "intake",
                interactive("a"),
                interactive("b", "group:hr", after=["a"]),
                background("c", condition="amount > 100", inputs={"message": "'big one'"}),
                background("d", "set_variables", inputs={"total": "amount * 2"}),
            ),
            decision("big"),
            stage("review", interactive("approve", "user:bob", outputs=APPROVAL)),
            flows=[
                flow("start", "intake"),
                flow("intake", "big"),
                flow("big", "review", condition="total > 500"),
                flow("big", "end", default=True),
                flow("review", "end"),
            ],
            variables=[var("amount", "number", input=True), var("total", "number")],
        )
    )
    small = d.start("routing", {"amount": 50})
    large = d.start("routing", {"amount": 400})
    assert _steps(d, small) == {
        "a": "waiting",
        "b": "not_started",
        "c": "skipped",
        "d": "completed",
    }
    for run_id in (small, large):
        d.engine.complete_item(d.item(run_id, "a"), "alice")
        d.engine.complete_item(d.item(run_id, "b"), "carol")
    assert d.engine.run(small)["status"] == "completed"
    assert d.engine.run(large)["stage"] == "review"
    d.engine.complete_item(d.item(large, "approve"), "bob", {"decision": "approve"})
    assert d.engine.run(large)["status"] == "completed"
    return [small, large]


def loops_guarded_by_max_visits(d: Driver) -> list[str]:
    d.engine.activate(
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
    run_id = d.start("rework")
    d.engine.complete_item(d.item(run_id, "write"), "alice", {"again": True})
    d.engine.complete_item(d.item(run_id, "write"), "alice", {"again": True})
    run = d.engine.run(run_id)
    assert run["status"] == "failed" and "max_visits is 2" in run["error"]
    return [run_id]


def exit_conditions_cancel_open_steps(d: Driver) -> list[str]:
    d.engine.activate(
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
    run_id = d.start("race")
    d.engine.complete_item(d.item(run_id, "fast"), "alice", {"decision": "approve"})
    assert _steps(d, run_id)["slow"] == "canceled"
    return [run_id]


def waits_for_events_by_key(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "badge",
            stage(
                "s",
                wait("keyed", event="printed", key="name"),
                wait("any", event="printed"),
            ),
            variables=[var("name", input=True)],
        )
    )
    ada = d.start("badge", {"name": "Ada"})
    bo = d.start("badge", {"name": "Bo"})
    assert d.engine.send_event("printed", "Cy", {}) == sorted([ada, bo])  # the any-key waits
    assert d.engine.send_event("printed", "Ada", {"desk": 3}) == [ada]
    assert d.engine.send_event("printed", "Ada", {}) == []
    assert d.engine.run(ada)["status"] == "completed"
    assert d.engine.run(bo)["status"] == "waiting"
    return [ada, bo]


def operators_pause_resume_retry_skip_and_cancel(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "ops",
            stage("s", interactive("a"), background("b", "always_fails", after=["a"])),
            stage("t", interactive("c")),
        )
    )
    run_id = d.start("ops")
    d.engine.pause(run_id, "audit")
    d.engine.complete_item(d.item(run_id, "a"), "alice")  # recorded while paused
    assert _steps(d, run_id)["b"] == "not_started"
    d.engine.resume(run_id, reason="audit done")
    assert d.engine.run(run_id)["status"] == "failed"
    d.engine.retry(run_id, "b", reason="once more")
    d.engine.skip(run_id, "b", reason="done by hand")
    assert d.engine.run(run_id)["stage"] == "t"
    d.engine.cancel(run_id, "no longer needed")
    assert d.engine.run(run_id)["status"] == "canceled"
    return [run_id]


def wait_timeouts(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "cool",
            stage("s", wait("cool_off", event="never", timeout="PT2H")),
            stage("t", interactive("a")),
        )
    )
    run_id = d.start("cool")
    d.advance(timedelta(hours=1))
    assert _steps(d, run_id) == {"cool_off": "waiting"}
    d.advance(timedelta(hours=2))
    assert d.engine.run(run_id)["stage"] == "t"
    return [run_id]


def due_dates_and_escalation(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration("esc", stage("s", interactive("a", due="PT1H", escalate_to="user:carol")))
    )
    run_id = d.start("esc")
    d.advance(timedelta(hours=2))
    item = d.item(run_id, "a")
    assert d.engine.run(run_id)["open_items"][0]["assignee"] == "user:carol"
    d.engine.complete_item(item, "carol")
    assert d.engine.run(run_id)["status"] == "completed"
    return [run_id]


def retries_after_a_delay(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "flaky",
            stage(
                "s",
                background("call", "fails_twice", retry={"attempts": 3, "delay": "PT10M"}),
            ),
        )
    )
    run_id = d.start("flaky")
    assert _steps(d, run_id) == {"call": "waiting"}
    d.advance(timedelta(minutes=10))
    assert _steps(d, run_id) == {"call": "waiting"}
    d.advance(timedelta(minutes=10))
    assert d.engine.run(run_id)["status"] == "completed"
    return [run_id]


def migrating_open_runs_to_a_new_version(d: Driver) -> list[str]:
    from engine.migration import Selection, apply_migration, plan_migration

    # given runs of version 1 in each stage: intro, paperwork (contract and badge open), and
    # first week
    d.engine.activate(
        orchestration(
            "hiring",
            stage("intro", interactive("hello")),
            stage(
                "paperwork", interactive("contract", "group:hr"), interactive("badge", "user:bob")
            ),
            stage("first_week", interactive("plan")),
        )
    )
    in_intro, in_paperwork, in_first_week = (d.start("hiring") for _ in range(3))
    for run_id in (in_paperwork, in_first_week):
        d.engine.complete_item(d.item(run_id, "hello"), "alice")
    d.engine.complete_item(d.item(in_first_week, "contract"), "carol")
    d.engine.complete_item(d.item(in_first_week, "badge"), "bob")
    # and version 2: no intro, security training instead of the badge
    d.engine.activate(
        orchestration(
            "hiring",
            stage(
                "paperwork",
                interactive("contract", "group:hr"),
                interactive("security", "group:it"),
            ),
            stage("first_week", interactive("plan")),
        )
    )
    selection = Selection("hiring", 1, 2)
    # when the plan is read, then the move applied
    plan = {p.run: p for p in plan_migration(d.engine, selection).runs}
    result = apply_migration(d.engine, selection, "security training is required", "root")
    # then the run in the removed stage is refused with the plan's reason, the others move
    assert not plan[in_intro].possible and "--map intro=STAGE" in plan[in_intro].reasons[0]
    assert [w["step"] for w in plan[in_paperwork].items_withdrawn] == ["badge"]
    assert [c["step"] for c in plan[in_paperwork].items_created] == ["security"]
    assert sorted(result.moved) == sorted([in_paperwork, in_first_week])
    ((refused, why),) = result.refused
    assert refused == in_intro and why.startswith(f"run {in_intro} cannot move to version 2")
    assert d.engine.run(in_intro)["version"] == 1
    # and the moved runs complete on version 2
    d.engine.complete_item(d.item(in_paperwork, "contract"), "alice")
    d.engine.complete_item(d.item(in_paperwork, "security"), "bob")
    for run_id in (in_paperwork, in_first_week):
        assert d.engine.run(run_id)["version"] == 2
        d.engine.complete_item(d.item(run_id, "plan"), "alice")
        assert d.engine.run(run_id)["status"] == "completed"
    return [in_paperwork, in_first_week]


def long_runs_continue_as_new(d: Driver) -> list[str]:
    if hasattr(d.engine, "history_limit"):
        d.engine.history_limit = 40  # on Temporal: continue as new every few commands
    d.engine.activate(
        orchestration(
            "drafts",
            stage(
                "draft",
                interactive("write", outputs=[{"name": "again", "type": "boolean"}]),
                max_visits=20,
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
    run_id = d.start("drafts")
    for again in [True] * 11 + [False]:
        d.engine.complete_item(d.item(run_id, "write"), "alice", {"again": again})
    run = d.engine.run(run_id)
    assert run["status"] == "completed" and run["stages"][0]["visits"] == 12
    log = d.engine.log(run_id)
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    if hasattr(d.engine, "history_limit"):
        # the run went on over several workflow executions (each a new history)
        assert len(d.engine.executions(run_id)) > 2
    return [run_id]


def _by_orchestration(d: Driver, runs: list[dict[str, Any]]) -> list[str]:
    # Runs started in one call share a start time; their ids are random: order by what
    # they run (runs of one orchestration here log the same events, in any order).
    return [r["id"] for r in sorted(runs, key=lambda r: r["orchestration"])]


def record_triggers_start_runs_and_recheck_them(d: Driver) -> list[str]:
    high = "record.priority == 'high'"
    d.engine.activate(
        orchestration(
            "escalate",
            stage("handle", interactive("call"), exit_condition="record.status == 'closed'"),
            variables=[var("priority", input=True)],
            trigger={"type": "record", "object": "Case", "on": ["created", "updated"],
                     "condition": high},
        )
    )  # fmt: skip
    d.engine.activate(
        orchestration(
            "audit",
            stage("s", background("note", inputs={"message": "'audit ' + priority"})),
            variables=[var("priority", input=True)],
            trigger={"type": "record", "object": "Case", "on": ["updated"],
                     "condition": high, "every_update": True},
        )
    )  # fmt: skip
    low = d.engine.create_record("Case", {"priority": "low"})
    assert d.engine.runs_of_record("Case", low) == []
    case = d.engine.create_record("Case", {"priority": "high"})
    d.engine.update_record("Case", case, {"note": "called again"})
    d.engine.update_record("Case", low, {"priority": "high"})
    d.engine.update_record("Case", case, {"status": "closed"})
    runs = d.engine.runs_of_record("Case", case)
    assert sorted(r["orchestration"] for r in runs) == ["audit", "audit", "escalate"]
    assert {r["status"] for r in runs} == {"completed"}  # the escalation exits on close
    others = d.engine.runs_of_record("Case", low)
    assert sorted(r["orchestration"] for r in others) == ["audit", "escalate"]
    return _by_orchestration(d, runs) + _by_orchestration(d, others)


def child_orchestrations_wait_for_their_child(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "child",
            stage("work", interactive("do", "user:bob")),
            variables=[var("who", input=True), var("done_by")],
        )
    )
    spawn = background(
        "spawn",
        "start_orchestration",
        inputs={"orchestration": "'child'", "inputs": "{'who': 'ann'}"},
    )
    d.engine.activate(
        orchestration(
            "parent", stage("hand_off", spawn), stage("check", interactive("look", "user:alice"))
        )
    )
    finished = d.start("parent")
    abandoned = d.start("parent")
    children = {r["id"] for r in d.engine.runs(orchestration="child")}
    assert len(children) == 2
    first = next(c for c in children if d.engine.run(c)["parent_run"] == finished)
    second = next(c for c in children if c != first)
    # the child's work is done: its parent's step completes and the parent moves on
    d.engine.complete_item(d.item(first, "do"), "bob")
    assert d.engine.run(first)["status"] == "completed"
    assert d.engine.run(finished)["stage"] == "check"
    # the other parent is canceled: its waiting step goes, and its child with it
    d.engine.cancel(abandoned, "not needed", actor="root")
    assert d.engine.run(second)["status"] == "canceled"
    return [finished, first, abandoned, second]


def actions_write_records_that_trigger_runs(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "welcome",
            stage("greet", interactive("call", "user:carol")),
            variables=[var("name", input=True)],
            trigger={"type": "record", "object": "Person", "on": ["created"]},
        )
    )
    d.engine.activate(
        orchestration(
            "hire",
            stage(
                "enrol",
                background(
                    "make",
                    "create_record",
                    inputs={"object": "'Person'", "fields": "{'name': name}"},
                ),
                background(
                    "look",
                    "set_variables",
                    inputs={"seen": "name + ' enrolled'"},
                    after=["make"],
                ),
            ),
            variables=[var("name", input=True), var("seen")],
        )
    )
    run_id = d.start("hire", {"name": "Ann"})
    assert d.engine.run(run_id)["status"] == "completed"
    person = d.engine.run(run_id)["steps"][0]["outputs"]["record_id"]
    assert d.engine.record("Person", person) == {"name": "Ann"}
    [welcome] = d.engine.runs_of_record("Person", person)
    assert welcome["orchestration"] == "welcome" and welcome["status"] == "waiting"
    return [run_id, welcome["id"]]


def actions_updating_a_record_recheck_its_other_runs(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "follow_up",
            stage("handle", interactive("call"), exit_condition="record.status == 'closed'"),
            trigger={"type": "record", "object": "Case", "on": ["created"]},
        )
    )
    close = background(
        "close",
        "update_record",
        inputs={"object": "'Case'", "id": "case", "fields": "{'status': 'closed'}"},
        after=["decide"],
    )
    d.engine.activate(
        orchestration(
            "closer",
            stage("settle", interactive("decide", "user:bob"), close),
            variables=[var("case", input=True)],
        )
    )
    case = d.engine.create_record("Case", {"status": "open"})
    [follow_up] = d.engine.runs_of_record("Case", case)
    closer = d.start("closer", {"case": case})
    assert d.engine.run(follow_up["id"])["status"] == "waiting"
    # bob decides: the closer's action closes the case, so the follow-up's stage exits
    d.engine.complete_item(d.item(closer, "decide"), "bob")
    assert d.engine.record("Case", case) == {"status": "closed"}
    assert d.engine.run(closer)["status"] == "completed"
    assert d.engine.run(follow_up["id"])["status"] == "completed"
    return [closer, follow_up["id"]]


def waits_take_buffered_events(d: Driver) -> list[str]:
    d.engine.activate(
        orchestration(
            "contract",
            stage("prepare", interactive("draft")),
            stage("signing", wait("signed", event="signed", key="customer", buffer="PT1H")),
            variables=[var("customer", input=True)],
        )
    )
    first = d.start("contract", {"customer": "Acme"})
    sent = d.engine.publish("signed", "Acme", {"envelope": "e-1"})
    assert sent.runs == [] and sent.kept_until is not None
    d.engine.complete_item(d.item(first, "draft"), "alice")  # the wait opens: takes it
    assert d.engine.run(first)["status"] == "completed"
    assert _kept(d, "signed") == []  # taken means gone, not left claimed until it expires
    second = d.start("contract", {"customer": "Acme"})
    d.engine.complete_item(d.item(second, "draft"), "alice")  # taken once: nothing left
    assert d.engine.run(second)["status"] == "waiting"
    return [first, second]


def _kept(d: Driver, event: str) -> list[dict[str, Any]]:
    """The events of this name the runtime's catalogue keeps for waits (`buffer:`)."""
    with d.engine.store.read() as conn:
        return buffered.listing(conn, event)


def buffered_events_claimed_after_the_turn(d: Driver) -> list[str]:
    """`waits_take_buffered_events` as histories recorded before `baton-buffer-in-turn`
    show it (a kept event taken in a turn after the one that opened the wait): kept so
    today's workflow still replays such runs. Recording it again records today's way."""
    return waits_take_buffered_events(d)


def buffered_events_left_claimed(d: Driver) -> list[str]:
    """`waits_take_buffered_events` as histories recorded before `baton-buffer-consume`
    show it (a kept event taken within the turn but left claimed in the catalogue): kept
    so today's workflow still replays such runs. Recording it again records today's way."""
    return waits_take_buffered_events(d)


def fails_twice(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """An action that fails on its first two attempts (deterministic: by attempt)."""
    if context.attempt < 3:
        raise RuntimeError(f"attempt {context.attempt} failed")
    return {"attempt": context.attempt}


def always_fails(inputs: dict[str, Any], context: Any) -> dict[str, Any]:
    """An action that always fails."""
    raise RuntimeError("service unavailable")


SCENARIOS = [
    stages_parallel_after_conditions_and_decisions,
    loops_guarded_by_max_visits,
    exit_conditions_cancel_open_steps,
    waits_for_events_by_key,
    operators_pause_resume_retry_skip_and_cancel,
    wait_timeouts,
    due_dates_and_escalation,
    retries_after_a_delay,
    record_triggers_start_runs_and_recheck_them,
    child_orchestrations_wait_for_their_child,
    actions_write_records_that_trigger_runs,
    long_runs_continue_as_new,
    migrating_open_runs_to_a_new_version,
    actions_updating_a_record_recheck_its_other_runs,
    waits_take_buffered_events,
]
# Recorded for the replay test only, not compared with local SQLite.
HISTORY_ONLY = [buffered_events_claimed_after_the_turn, buffered_events_left_claimed]
USES_TIME = {wait_timeouts, due_dates_and_escalation, retries_after_a_delay}
ACTIONS = {"fails_twice": fails_twice, "always_fails": always_fails}
