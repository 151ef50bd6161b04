"""Commands reach a run on Temporal as Updates: validated before they enter the history,
handled one at a time, and each returns once the next call can see its effect."""

from __future__ import annotations

import threading

import pytest

from engine.actions import register_action, unregister_action
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.temporal.client import TemporalEngine
from tests.engine.runtime.builders import background, interactive, orchestration, stage

APPROVAL = [{"name": "decision", "type": "text", "choices": ["approve", "reject"]}]


def _approval(tengine) -> tuple[str, str]:
    tengine.activate(
        orchestration("ok", stage("s", interactive("a", "group:hr", outputs=APPROVAL)))
    )
    run_id = tengine.start("ok")
    return run_id, tengine.run(run_id)["open_items"][0]["id"]


def test_two_concurrent_completions_of_one_item_exactly_one_wins(tengine, catalogue):
    # given an open item and two clients (two terminals) acting at once
    run_id, item = _approval(tengine)
    other = TemporalEngine(tengine.address, catalogue)
    outcomes: dict[str, object] = {}

    def complete(engine: TemporalEngine, who: str) -> None:
        try:
            engine.complete_item(item, who, {"decision": "approve"})
            outcomes[who] = "won"
        except Conflict as exc:
            outcomes[who] = exc

    threads = [
        threading.Thread(target=complete, args=(tengine, "alice")),
        threading.Thread(target=complete, args=(other, "carol")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    # then one won, the other was told who did it, and the log has one completion
    winners = [who for who, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    loser = next(o for o in outcomes.values() if o != "won")
    assert f"already completed by {winners[0]}" in str(loser)
    completions = [e for e in tengine.log(run_id) if e["type"] == "item_completed"]
    assert [e["actor"] for e in completions] == winners
    assert tengine.run(run_id)["status"] == "completed"


def test_refused_completions_change_nothing(tengine):
    run_id, item = _approval(tengine)
    before = tengine.log(run_id)
    with pytest.raises(PermissionDenied, match="it is assigned to group:hr"):
        tengine.complete_item(item, "bob", {"decision": "approve"})
    with pytest.raises(InvalidInput, match="maybe"):
        tengine.complete_item(item, "alice", {"decision": "maybe"})
    assert tengine.log(run_id) == before


@pytest.fixture
def failing_action():
    def fail(inputs, context):
        raise RuntimeError("service unavailable")

    register_action("always_fails", fail)  # the worker runs in this process
    yield
    unregister_action("always_fails")


def test_a_failed_step_is_retried_then_skipped_by_an_operator(tengine, failing_action):
    # given a run whose background action fails
    tengine.activate(
        orchestration("bad", stage("s", background("b", "always_fails"), interactive("i")))
    )
    run_id = tengine.start("bad")
    assert tengine.run(run_id)["status"] == "failed"
    assert tengine.runs(status="failed")[0]["id"] == run_id
    # when the operator retries it, it fails again; when they skip it, the run goes on
    tengine.retry(run_id, "b", actor="root")
    assert tengine.run(run_id)["status"] == "failed"
    tengine.skip(run_id, "b", actor="root", reason="not needed")
    run = tengine.run(run_id)
    assert run["status"] == "waiting"
    assert {s["id"]: s["status"] for s in run["steps"]}["b"] == "skipped"
    with pytest.raises(Conflict, match="already skipped"):
        tengine.skip(run_id, "b", actor="root")


def test_an_operator_reassigns_one_item_then_all_of_a_leavers_items(tengine):
    # given two runs with items for bob
    tengine.activate(orchestration("it", stage("s", interactive("fix", "user:bob"))))
    first, second = tengine.start("it"), tengine.start("it")
    item = tengine.run(first)["open_items"][0]["id"]
    # when one item goes to carol, then all of bob's remaining items to the hr group
    tengine.reassign(item, "user:carol", reason="bob is away", actor="root")
    moved = tengine.reassign_all("user:bob", "group:hr", actor="root")
    # then each run shows its new assignee, the log says who moved it and why
    assert tengine.run(first)["open_items"][0]["assignee"] == "user:carol"
    assert tengine.run(second)["open_items"][0]["assignee"] == "group:hr"
    assert moved == [tengine.run(second)["open_items"][0]["id"]]
    reassigned = [e for e in tengine.log(first) if e["type"] == "item_reassigned"]
    assert [(e["actor"], e["payload"]["reason"]) for e in reassigned] == [("root", "bob is away")]
    assert [i["assignee"] for i in tengine.work_items("alice")] == ["group:hr"]
    with pytest.raises(Conflict, match="nobody could work the item"):
        tengine.reassign(item, "user:nobody", actor="root")
