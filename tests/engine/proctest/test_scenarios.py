"""Scenario stories: the script is played on the real engine, refusals and surprises fail."""

from __future__ import annotations

from pathlib import Path

from engine.definition import EndNode
from engine.proctest import run_file
from tests.engine.builders import (
    background,
    decision,
    end,
    flow,
    interactive,
    linear,
    orchestration,
    stage,
    start,
    variable,
    wait,
)
from tests.engine.proctest.helpers import scenario, write_tests


def _approval():
    """start -> review (ana approves or rejects) -> verdict -> done | turned_down."""
    review = interactive(
        "approve",
        outputs=[{"name": "decision", "choices": ["yes", "no"], "required": True}],
        due="P1D",
    )
    return orchestration(
        [start(), stage("review", review), decision("verdict"), end("done"), end("turned_down")],
        [
            flow("start", "review"),
            flow("review", "verdict"),
            flow("verdict", "turned_down", condition="approve.decision == 'no'"),
            flow("verdict", "done", default=True),
        ],
    )


def _run(folder: Path, definition, *scenarios):
    return run_file(write_tests(folder, definition, *scenarios))


def test_completing_with_the_right_outputs_reaches_the_expected_end(tmp_path):
    result = _run(
        tmp_path,
        _approval(),
        scenario(
            "yes",
            {"complete": "approve", "outputs": {"decision": "yes"}},
            expect={"status": "completed", "end": "done", "path": ["review"]},
        ),
    )
    assert [r.failures for r in result.results] == [[]]


def test_a_completion_the_engine_refuses_fails_the_scenario_at_that_entry(tmp_path):
    # Given a script that completes ana's item as bob, who may not
    result = _run(
        tmp_path,
        _approval(),
        scenario(
            "bob",
            {"complete": "approve", "as": "bob", "outputs": {"decision": "yes"}},
            users={"bob": {}},
        ),
    )
    # Then the scenario fails at script[0], saying why the engine refused
    (failure,) = result.results[0].failures
    assert failure.startswith("script[0] (complete approve as bob): ")
    assert "bob" in failure


def test_a_refusal_the_scenario_expects_passes_and_an_accepted_one_fails(tmp_path):
    expected_refusal = {
        "complete": "approve",
        "as": "bob",
        "outputs": {"decision": "yes"},
        "refused": True,
    }
    wrongly_refused = {"complete": "approve", "outputs": {"decision": "yes"}, "refused": True}
    result = _run(
        tmp_path,
        _approval(),
        scenario(
            "bob may not",
            expected_refusal,
            users={"bob": {}},
            expect={"open_items": [{"step": "approve", "assignee": "user:ana"}]},
        ),
        scenario("ana may", wrongly_refused),
    )
    assert result.results[0].failures == []
    assert result.results[1].failures == [
        "script[0] (complete approve (refused)): ana completed it, but the scenario expects a "
        "refusal"
    ]


def test_completing_a_step_with_no_open_item_says_what_is_open(tmp_path):
    result = _run(
        tmp_path,
        _approval(),
        scenario(
            "twice",
            {"complete": "approve", "outputs": {"decision": "no"}},
            {"complete": "approve", "outputs": {"decision": "yes"}},
        ),
    )
    (failure,) = result.results[0].failures
    assert failure == (
        "script[1] (complete approve): no open work item for step 'approve' "
        "(open now: none; run completed in stage None)"
    )


def test_a_checkpoint_that_does_not_hold_stops_the_script_there(tmp_path):
    result = _run(
        tmp_path,
        _approval(),
        scenario(
            "early",
            {"expect": {"status": "completed"}},
            {"complete": "approve", "outputs": {"decision": "yes"}},
        ),
    )
    assert result.results[0].failures == [
        "script[0].expect.status: expected 'completed', got 'waiting'"
    ]


def test_time_passing_fires_the_due_date_and_the_item_goes_overdue(tmp_path):
    result = _run(
        tmp_path,
        _approval(),
        scenario(
            "slow",
            {"advance": "PT23H"},
            {"expect": {"overdue": []}},
            {"advance": "PT2H"},
            expect={"overdue": ["approve"], "status": "waiting"},
        ),
    )
    assert result.results[0].failures == []


def test_an_event_the_run_does_not_wait_for_fails_and_names_what_it_waits_for(tmp_path):
    definition = linear(
        stage("hold", wait("parcel", event="delivered", key="order")), variables=[variable("order")]
    )
    result = _run(
        tmp_path,
        definition,
        scenario("wrong key", {"event": "delivered", "key": "B-2"}, inputs={"order": "A-1"}),
        scenario(
            "right key",
            {"event": "delivered", "key": "A-1"},
            inputs={"order": "A-1"},
            expect={"status": "completed"},
        ),
    )
    assert result.results[0].failures == [
        "script[0] (event delivered key 'B-2'): the run was not waiting for it "
        "(it waits for: delivered key 'A-1')"
    ]
    assert result.results[1].failures == []


def test_a_stubbed_action_returns_outputs_that_later_expressions_read(tmp_path):
    # Given a credit check (an action that does not exist here) whose score routes the run
    check = background("credit", action="credit_bureau_lookup", inputs={})
    definition = orchestration(
        [
            start(),
            stage("check", check),
            decision("score"),
            stage("manual", interactive("look")),
            end(),
        ],
        [
            flow("start", "check"),
            flow("check", "score"),
            flow("score", "manual", condition="credit.score < 600"),
            flow("score", "end", default=True),
            flow("manual", "end"),
        ],
    )
    # When two scenarios stub it with a low and a high score
    result = _run(
        tmp_path,
        definition,
        scenario(
            "low",
            actions={"credit": {"outputs": {"score": 550}}},
            expect={"path": ["check", "manual"], "open_items": [{"step": "look"}]},
        ),
        scenario(
            "high",
            actions={"credit": {"outputs": {"score": 720}}},
            expect={"path": ["check"], "status": "completed"},
        ),
    )
    # Then each takes its branch, and both decision outcomes count as covered
    assert [r.failures for r in result.results] == [[], []]
    assert result.coverage.counts("branch") == (2, 2)


def test_a_step_condition_counts_as_two_branches(tmp_path):
    gated = background(
        "notify", condition="amount > 100", action="log", inputs={"message": "'big'"}
    )
    definition = linear(stage("work", gated), variables=[variable("amount", type="number")])
    result = _run(
        tmp_path,
        definition,
        scenario("small", inputs={"amount": 5}, expect={"steps": {"notify": "skipped"}}),
    )
    assert result.results[0].failures == []
    assert [e.id for e in result.coverage.missing()] == ["notify", "notify?true"]
    assert result.coverage.counts("branch") == (1, 2)


def _with_fault_route():
    """start -> book (a background booking) -> done; book's fault route -> fix (a person)
    -> gave_up, an end whose outcome is `failed`."""
    booking = background("booking", action="ticket_system", inputs={})
    fix = interactive("fix_it", guidance="fault.error")
    return orchestration(
        [start(), stage("book", booking), stage("fix", fix), end("done"),
         EndNode(id="gave_up", type="end", outcome="failed")],
        [flow("start", "book"), flow("book", "done"), flow("book", "fix", fault=True),
         flow("fix", "gave_up")],
    )  # fmt: skip


def test_a_step_failing_for_good_follows_the_fault_route_and_ends_with_its_outcome(tmp_path):
    # Given a booking whose action fails every time, and one that works
    result = _run(
        tmp_path,
        _with_fault_route(),
        scenario(
            "the ticket system is down",
            {"expect": {"stage": "fix", "faulted": [{"stage": "book", "step": "booking"}]}},
            {"complete": "fix_it"},
            actions={"booking": {"fail": "ticket system is down"}},
            expect={"status": "completed", "end": "gave_up", "outcome": "failed",
                    "path": ["book", "fix"]},
        ),
        scenario(
            "the ticket system works",
            actions={"booking": {"outputs": {"ticket": "T-1"}}},
            expect={"end": "done", "outcome": "completed", "faulted": []},
        ),
    )  # fmt: skip
    # Then both pass and the fault route counts as reached
    assert [r.failures for r in result.results] == [[], []]
    assert result.coverage.counts("fault") == (1, 1)
    assert result.coverage.branch_percent() == 100.0


def test_a_fault_route_no_scenario_takes_is_reported_as_not_reached(tmp_path):
    result = _run(
        tmp_path,
        _with_fault_route(),
        scenario(
            "works",
            actions={"booking": {"outputs": {}}},
            expect={"outcome": "failed"},
        ),
    )
    assert result.results[0].failures == ["expect.outcome: expected 'failed', got 'completed'"]
    missing = [e.id for e in result.coverage.missing()]
    assert missing == ["fix", "book!fault", "fix_it", "gave_up"]
    assert result.coverage.branch_percent() == 0.0
