"""Wait steps (events, keys, timeouts) and operator pause, resume and cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import Conflict
from tests.engine.runtime.builders import (
    background,
    interactive,
    items_of,
    orchestration,
    stage,
    step_status,
    var,
    wait,
)


@pytest.fixture
def badge(engine):
    engine.activate(
        orchestration(
            "badge",
            stage("s", wait("printed", event="badge_printed", key="employee", timeout="P5D")),
            variables=[var("employee", input=True)],
        )
    )
    return engine


def test_an_event_with_the_matching_key_completes_the_wait_with_its_data(badge):
    ann = badge.start("badge", {"employee": "ann"})
    ben = badge.start("badge", {"employee": "ben"})

    reached = badge.send_event("badge_printed", key="ann", data={"badge_no": 7})

    assert reached == [ann]
    assert badge.run(ann)["steps"][0]["outputs"] == {"badge_no": 7, "timed_out": False}
    assert badge.run(ann)["status"] == "completed"
    assert badge.run(ben)["status"] == "waiting"


def test_an_event_nobody_waits_for_reaches_no_run(badge):
    badge.start("badge", {"employee": "ann"})
    assert badge.send_event("badge_printed", key="zoe") == []
    assert badge.send_event("other_event", key="ann") == []


def test_a_wait_times_out_with_timed_out_true(badge):
    run_id = badge.start("badge", {"employee": "ann"})

    badge.advance(badge.clock.now() + timedelta(days=5))

    run = badge.run(run_id)
    assert run["steps"][0]["outputs"] == {"timed_out": True}
    assert run["status"] == "completed"
    assert badge.send_event("badge_printed", key="ann") == []


def test_a_wait_answered_before_its_timeout_does_not_time_out_later(badge):
    run_id = badge.start("badge", {"employee": "ann"})
    badge.send_event("badge_printed", key="ann")
    assert badge.advance(badge.clock.now() + timedelta(days=6)) == 0
    assert badge.run(run_id)["steps"][0]["outputs"]["timed_out"] is False


def test_a_paused_run_starts_no_new_step_until_resumed(engine):
    engine.activate(
        orchestration("p", stage("one", interactive("a")), stage("two", interactive("b")))
    )
    run_id = engine.start("p")
    engine.pause(run_id, actor="root")

    engine.complete_item(items_of(engine, run_id)[0]["id"], "alice")

    assert engine.run(run_id)["status"] == "paused"
    assert step_status(engine, run_id) == {"a": "completed"}

    engine.resume(run_id, actor="root")

    assert engine.run(run_id)["stage"] == "two"
    assert [i["step"] for i in items_of(engine, run_id)] == ["b"]


def test_resuming_a_run_that_is_not_paused_is_refused(engine):
    engine.activate(orchestration("p", stage("one", interactive("a"))))
    run_id = engine.start("p")
    with pytest.raises(Conflict, match="not paused or failed"):
        engine.resume(run_id)


def test_cancel_withdraws_items_drops_waits_and_records_the_reason(engine):
    engine.activate(
        orchestration(
            "c",
            stage(
                "s",
                interactive("a"),
                wait("w", event="go", timeout="P1D"),
                background("later", after=["a"]),
            ),
        )
    )
    run_id = engine.start("c")

    engine.cancel(run_id, "duplicate request", actor="root")

    run = engine.run(run_id)
    assert run["status"] == "canceled" and run["error"] == "duplicate request"
    assert step_status(engine, run_id) == {"a": "canceled", "w": "canceled", "later": "not_started"}
    assert engine.work_items() == []
    assert engine.send_event("go") == []
    assert engine.advance(engine.clock.now() + timedelta(days=2)) == 0
    assert engine.log(run_id)[-1]["type"] == "run_canceled"


def test_canceling_twice_is_refused(engine):
    engine.activate(orchestration("c", stage("s", interactive("a"))))
    run_id = engine.start("c")
    engine.cancel(run_id)
    with pytest.raises(Conflict, match="already canceled"):
        engine.cancel(run_id)


def test_a_run_failed_on_a_decision_resumes_there_once_the_data_is_fixed(engine):
    from tests.engine.runtime.builders import decision, flow

    engine.activate(
        orchestration(
            "deal",
            stage("intake", background("note")),
            decision("big"),
            stage("finance", interactive("approve")),
            flows=[
                flow("start", "intake"),
                flow("intake", "big"),
                flow("big", "finance", condition="record.amount > 1000"),
                flow("big", "end", default=True),
                flow("finance", "end"),
            ],
            trigger={"type": "record", "object": "Deal", "on": ["created"]},
        )
    )
    record_id = engine.create_record("Deal", {"name": "Acme"})
    (run,) = engine.runs()
    assert run["status"] == "failed" and "[big]" in run["error"]

    engine.update_record("Deal", record_id, {"amount": 5000})
    engine.resume(run["id"], actor="root")

    resumed = engine.run(run["id"])
    assert resumed["status"] == "waiting" and resumed["stage"] == "finance"
    assert resumed["error"] is None
