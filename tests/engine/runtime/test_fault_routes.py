"""Fault routes and end outcomes: a stage's failure leads somewhere instead of failing the run.

A stage may have one fault flow. When one of its steps fails for good (after its retries),
or entering it again would exceed its `max_visits`, the run leaves along that flow; the
failure is readable as `fault.*`; and the end it reaches gives the run its outcome.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.actions import register_action, unregister_action
from engine.definition import load_definition
from engine.errors import Conflict
from engine.runtime.events import EventType
from tests.engine.runtime.builders import (
    background,
    decision,
    flow,
    interactive,
    orchestration,
    stage,
    step_status,
)
from tests.engine.runtime.test_examples import EXAMPLES


def _broken(inputs, context):
    raise RuntimeError("the billing service said 503")


@pytest.fixture
def broken_billing():
    register_action("bill", _broken)
    yield
    unregister_action("bill")


def _fault(source: str, target: str) -> dict:
    return {"from": source, "to": target, "fault": True}


def _billing_with_remedy(**remedy_extra):
    """bill (retried twice) -> done; its fault route leads to a remedy stage, then on."""
    return orchestration(
        "billing",
        stage(
            "charge",
            background("bill", action="bill", retry={"attempts": 2}),
            interactive("receipt"),
        ),
        stage(
            "remedy",
            interactive(
                "fix_billing",
                assignee="user:bob",
                guidance="Billing failed",
                outputs=[{"name": "note", "type": "text"}],
            ),
            **remedy_extra,
        ),
        {"id": "failed_end", "type": "end", "outcome": "failed"},
        flows=[
            flow("start", "charge"),
            flow("charge", "end"),
            _fault("charge", "remedy"),
            flow("remedy", "failed_end"),
        ],
    )


def test_a_step_failing_after_its_retries_routes_the_run_to_the_remedy_stage(
    engine, broken_billing
):
    # given a stage whose background step always fails, with a fault route to a remedy stage
    engine.activate(_billing_with_remedy())

    # when a run starts
    run_id = engine.start("billing")

    # then the run did not fail: it left the stage along the fault route
    run = engine.run(run_id)
    assert run["status"] == "waiting"
    assert run["stage"] == "remedy"
    statuses = step_status(engine, run_id)
    assert statuses["bill"] == "failed"
    assert statuses["receipt"] in ("canceled", "not_started")
    stages = {s["id"]: s["status"] for s in run["stages"]}
    assert stages["charge"] == "failed"
    assert run["fault"] == {
        "stage": "charge",
        "step": "bill",
        "error": "RuntimeError: the billing service said 503",
        "attempts": 2,
    }
    assert [i["step"] for i in run["open_items"]] == ["fix_billing"]
    faulted = [e for e in engine.log(run_id) if e["type"] == EventType.STAGE_FAULTED]
    assert faulted[0]["payload"]["to"] == "remedy"


def test_replaying_the_log_gives_the_fault_and_the_outcome_the_tables_show(engine, broken_billing):
    # given a run that took its fault route and then completed at the failed end
    engine.activate(_billing_with_remedy())
    run_id = engine.start("billing")
    engine.complete_item(engine.run(run_id)["open_items"][0]["id"], "bob", {})

    # then the fold of its log agrees with the query tables
    replayed, run = engine.replay(run_id), engine.run(run_id)
    assert (replayed["outcome"], replayed["fault"]) == (run["outcome"], run["fault"])
    assert replayed["stages"]["charge"]["status"] == "failed"
    assert replayed["steps"]["bill"]["status"] == "failed"


def test_the_fault_is_readable_by_later_expressions(engine, broken_billing):
    # given a remedy stage whose step condition reads fault.step and fault.attempts
    definition = _billing_with_remedy()
    remedy = definition.node("remedy")
    remedy.steps[0].condition = "fault.step == 'bill' and fault.attempts == 2"
    engine.activate(definition)

    # when the step fails
    run_id = engine.start("billing")

    # then the condition held: the remedy item is open
    assert step_status(engine, run_id)["fix_billing"] == "waiting"


def test_the_remedy_leads_to_an_end_whose_outcome_the_run_keeps(engine, broken_billing):
    # given a run routed to the remedy stage
    engine.activate(_billing_with_remedy())
    run_id = engine.start("billing")
    item = engine.run(run_id)["open_items"][0]["id"]

    # when the remedy is done
    engine.complete_item(item, "bob", {"note": "card expired"})

    # then the run completed at the failed end, with that outcome
    run = engine.run(run_id)
    assert (run["status"], run["outcome"]) == ("completed", "failed")
    assert [r["id"] for r in engine.runs(outcome="failed")] == [run_id]
    assert engine.runs(outcome="completed") == []


def test_a_stage_without_a_fault_route_still_fails_the_run(engine, broken_billing):
    # given the same failing step, but no fault flow
    engine.activate(orchestration("plain", stage("charge", background("bill", action="bill"))))

    # when a run starts
    run_id = engine.start("plain")

    # then the run failed as before, with no outcome
    run = engine.run(run_id)
    assert (run["status"], run["outcome"]) == ("failed", None)


def test_a_run_reaching_a_plain_end_has_the_completed_outcome(engine):
    engine.activate(orchestration("quick", stage("s", background("note", action="log"))))

    run = engine.run(engine.start("quick"))

    assert (run["status"], run["outcome"]) == ("completed", "completed")


def test_a_failed_step_of_a_stage_left_by_its_fault_route_cannot_be_retried(engine, broken_billing):
    engine.activate(_billing_with_remedy())
    run_id = engine.start("billing")

    with pytest.raises(Conflict, match="fault route"):
        engine.retry(run_id, "bill")


def test_a_failing_retry_timer_routes_the_run_too(engine, broken_billing):
    # given retries with a delay: the last attempt fails in a timer call, not at start
    definition = _billing_with_remedy()
    definition.node("charge").steps[0].retry.delay = "PT5M"
    engine.activate(definition)
    run_id = engine.start("billing")
    assert engine.run(run_id)["stage"] == "charge"

    # when the retry timer fires and the action fails again
    engine.advance(engine.clock.now() + timedelta(minutes=5))

    # then the run took the fault route
    assert engine.run(run_id)["stage"] == "remedy"


def _loop_guarded(fault_to_end: bool):
    """review (max 2 visits) -> verdict: reject loops back to review; approve ends."""
    flows = [
        flow("start", "review"),
        flow("review", "verdict"),
        flow("verdict", "review", condition="check.decision == 'reject'"),
        flow("verdict", "end", default=True),
    ]
    extra_nodes = []
    if fault_to_end:
        flows.append(_fault("review", "rejected"))
        extra_nodes.append({"id": "rejected", "type": "end", "outcome": "rejected"})
    return orchestration(
        "looping",
        stage(
            "review",
            interactive("check", outputs=[{"name": "decision", "choices": ["approve", "reject"]}]),
            max_visits=2,
        ),
        decision("verdict"),
        *extra_nodes,
        flows=flows,
    )


def _reject_until_done(engine, run_id: str) -> int:
    rejections = 0
    while engine.run(run_id)["open_items"]:
        item = engine.run(run_id)["open_items"][0]["id"]
        engine.complete_item(item, "alice", {"decision": "reject"})
        rejections += 1
    return rejections


def test_exceeding_max_visits_follows_the_fault_route_to_a_rejected_end(engine):
    # given a loop guarded by max_visits whose stage has a fault route to a rejected end
    engine.activate(_loop_guarded(fault_to_end=True))
    run_id = engine.start("looping")

    # when the reviewer rejects every time
    rejections = _reject_until_done(engine, run_id)

    # then the second rejection ends the run as rejected, not failed
    run = engine.run(run_id)
    assert rejections == 2
    assert (run["status"], run["outcome"]) == ("completed", "rejected")
    assert run["fault"]["stage"] == "review" and run["fault"]["step"] is None
    assert "max_visits is 2" in run["fault"]["error"]


def test_exceeding_max_visits_without_a_fault_route_still_fails(engine):
    engine.activate(_loop_guarded(fault_to_end=False))
    run_id = engine.start("looping")

    _reject_until_done(engine, run_id)

    run = engine.run(run_id)
    assert run["status"] == "failed" and "max_visits" in run["error"]


def test_the_deal_desk_rejected_three_times_ends_rejected(engine):
    # given the shipped deal-desk example (prepare has max_visits 3 and a fault route)
    engine.add_user("sam", queues=["sales_ops"])
    engine.add_user("fiona", groups=["finance"])
    engine.activate(load_definition(EXAMPLES / "deal_desk_approval.baton.json"))
    run_id = engine.start(
        "deal_desk_approval",
        {"deal_name": "Acme", "amount": 50000, "owner_email": "o@example.com"},
    )

    # when finance rejects the quote three times
    for _ in range(3):
        _complete(engine, run_id, "quote", "sam", discount=20)
        _complete(engine, run_id, "finance_approval", "fiona", decision="reject")

    # then the run ends as rejected (not failed), and the log replays to the same
    run = engine.run(run_id)
    assert (run["status"], run["outcome"]) == ("completed", "rejected")
    assert run["open_items"] == []
    assert engine.replay(run_id)["outcome"] == "rejected"


def _complete(engine, run_id, step, actor, **outputs):
    item = next(i for i in engine.run(run_id)["open_items"] if i["step"] == step)
    engine.complete_item(item["id"], actor, outputs)


def test_a_background_step_whose_input_cannot_be_computed_takes_the_fault_route(engine):
    # given a background step whose input divides by zero, and a fault route to an end
    engine.activate(
        orchestration(
            "bad_input",
            stage("s", background("use", action="log", inputs={"message": "1 / 0"})),
            {"id": "oops", "type": "end", "outcome": "failed"},
            flows=[flow("start", "s"), flow("s", "end"), _fault("s", "oops")],
        )
    )

    # when a run starts
    run_id = engine.start("bad_input")

    # then the step's failure routed the run to the failed end
    run = engine.run(run_id)
    assert (run["status"], run["outcome"]) == ("completed", "failed")
    assert run["fault"]["step"] == "use"


# --- telling people --------------------------------------------------------------------


def test_a_run_failing_with_no_fault_route_emails_the_owner_and_the_admins(
    engine, broken_billing, tmp_path
):
    # given an owner who activated the orchestration and an admin, both with addresses
    engine.add_user("olga", email="olga@example.com", role="admin")
    engine.add_user("root", admin=True, email="root@example.com")
    engine.activate(
        orchestration("plain", stage("charge", background("bill", action="bill"))), actor="olga"
    )

    # when a run fails
    run_id = engine.start("plain")

    # then one message, written after the commit, tells both what failed and what to do
    (mail,) = (tmp_path / "outbox").glob("*.eml")
    text = mail.read_text()
    assert "olga@example.com" in text and "root@example.com" in text
    assert f"Run failed: plain run {run_id}" in text
    assert "the billing service said 503" in text


def test_a_run_taking_its_fault_route_emails_nobody(engine, broken_billing, tmp_path):
    engine.add_user("root", admin=True, email="root@example.com")
    engine.activate(_billing_with_remedy())

    engine.start("billing")

    assert list((tmp_path / "outbox").glob("*.eml")) == []


def test_a_failed_step_of_a_stage_left_by_its_fault_route_cannot_be_skipped(engine, broken_billing):
    engine.activate(_billing_with_remedy())
    run_id = engine.start("billing")

    with pytest.raises(Conflict, match="fault route"):
        engine.skip(run_id, "bill")
