"""Work items: who may complete them, output checks, reassignment, due dates, escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import Conflict, InvalidInput, PermissionDenied
from tests.engine.runtime.builders import interactive, items_of, orchestration, stage, step_status

OUTPUTS = [
    {"name": "decision", "type": "text", "choices": ["approve", "reject"], "required": True},
    {"name": "amount", "type": "number"},
]


@pytest.fixture
def hr_run(engine):
    engine.activate(
        orchestration("hr", stage("s", interactive("contract", "group:hr", outputs=OUTPUTS)))
    )
    run_id = engine.start("hr")
    return run_id, items_of(engine, run_id)[0]["id"]


def test_a_group_member_may_complete_a_group_item(engine, hr_run):
    run_id, item = hr_run
    engine.complete_item(item, "carol", {"decision": "approve"})
    assert engine.run(run_id)["status"] == "completed"


def test_someone_outside_the_group_is_refused(engine, hr_run):
    run_id, item = hr_run
    with pytest.raises(PermissionDenied, match="assigned to group:hr"):
        engine.complete_item(item, "bob", {"decision": "approve"})
    assert step_status(engine, run_id) == {"contract": "waiting"}


def test_an_admin_may_complete_any_item(engine, hr_run):
    run_id, item = hr_run
    engine.complete_item(item, "root", {"decision": "reject"})
    assert engine.run(run_id)["steps"][0]["outputs"] == {"decision": "reject"}


def test_an_inactive_user_is_refused(engine, hr_run):
    _, item = hr_run
    engine.deactivate_user("carol")
    with pytest.raises(PermissionDenied, match="inactive"):
        engine.complete_item(item, "carol", {"decision": "approve"})


def test_completing_twice_names_who_completed_it_and_when(engine, hr_run, clock):
    _, item = hr_run
    engine.complete_item(item, "alice", {"decision": "approve"})
    clock.advance(timedelta(hours=1))
    with pytest.raises(Conflict) as twice:
        engine.complete_item(item, "carol", {"decision": "approve"})
    assert "already completed by alice at 2026-01-05T09:00:00" in str(twice.value)


def test_bad_outputs_are_refused_field_by_field_and_change_nothing(engine, hr_run):
    run_id, item = hr_run
    events_before = len(engine.log(run_id))
    with pytest.raises(InvalidInput) as refused:
        engine.complete_item(item, "alice", {"decision": "maybe", "amount": "lots", "extra": 1})
    message = str(refused.value)
    assert "decision: 'maybe' is not one of approve, reject" in message
    assert "amount: 'lots' is not a number" in message
    assert "extra: not an output of this step" in message
    assert len(engine.log(run_id)) == events_before
    assert items_of(engine, run_id)[0]["status"] == "open"


def test_a_required_output_must_be_given(engine, hr_run):
    _, item = hr_run
    with pytest.raises(InvalidInput, match="decision: required"):
        engine.complete_item(item, "alice", {"amount": 3})


def test_reassigning_an_item_is_logged_with_who_and_why(engine, hr_run):
    run_id, item = hr_run
    engine.reassign(item, "user:bob", reason="holiday cover", actor="root")
    engine.complete_item(item, "bob", {"decision": "approve"})
    event = next(e for e in engine.log(run_id) if e["type"] == "item_reassigned")
    assert event["actor"] == "root"
    assert event["payload"] == {
        "item": item,
        "step": "contract",
        "from": "group:hr",
        "to": "user:bob",
        "reason": "holiday cover",
    }


def test_reassigning_to_a_malformed_assignee_is_refused(engine, hr_run):
    _, item = hr_run
    with pytest.raises(InvalidInput, match="user:NAME"):
        engine.reassign(item, "bob")


def test_reassign_all_moves_every_open_item_of_a_user_who_left(engine):
    engine.activate(
        orchestration(
            "bobs", stage("s", interactive("a", "user:bob"), interactive("b", "user:bob"))
        )
    )
    runs = [engine.start("bobs") for _ in range(3)]
    engine.deactivate_user("bob")
    assert len(engine.runs(stuck=True)) == 3

    moved = engine.reassign_all("user:bob", "user:alice", actor="root")

    assert len(moved) == 6
    assert {i["assignee"] for i in engine.work_items()} == {"user:alice"}
    assert engine.runs(stuck=True) == []
    for run_id in runs:
        assert sum(e["type"] == "item_reassigned" for e in engine.log(run_id)) == 2


def test_an_item_past_due_becomes_overdue_then_escalates(engine):
    engine.add_user("hr_lead")
    engine.activate(
        orchestration(
            "late",
            stage("s", interactive("sign", "group:hr", due="P2D", escalate_to="user:hr_lead")),
        )
    )
    run_id = engine.start("late")
    item = items_of(engine, run_id)[0]
    assert item["due_at"] == "2026-01-07T09:00:00.000000Z"

    engine.advance(engine.clock.now() + timedelta(days=1))
    assert items_of(engine, run_id)[0]["overdue"] is False

    engine.advance(engine.clock.now() + timedelta(days=2))

    item = items_of(engine, run_id)[0]
    assert item["overdue"] is True and item["assignee"] == "user:hr_lead"
    types = [e["type"] for e in engine.log(run_id)]
    assert types[-2:] == ["item_overdue", "item_reassigned"]
    engine.complete_item(item["id"], "hr_lead")
    assert engine.run(run_id)["status"] == "completed"


def test_work_list_shows_what_a_user_may_complete(engine):
    engine.activate(
        orchestration(
            "mix",
            stage(
                "s",
                interactive("mine"),
                interactive("hr", "group:hr"),
                interactive("it", "group:it"),
            ),
        )
    )
    engine.start("mix")
    assert sorted(i["step"] for i in engine.work_items("alice")) == ["hr", "mine"]
    assert sorted(i["step"] for i in engine.work_items("bob")) == ["it"]
    assert len(engine.work_items("root")) == 3
