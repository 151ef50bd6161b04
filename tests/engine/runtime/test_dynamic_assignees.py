"""Dynamic assignees: an interactive step's `assignee_from` names who gets the item when the
step starts (a record field, an earlier step's output, a variable); naming nobody leaves
the run stuck with the reason, never silently passing the step."""

from __future__ import annotations

import pytest

from engine.errors import PermissionDenied
from tests.engine.runtime.builders import interactive, items_of, orchestration, stage, var

OWNER_TRIGGER = {"type": "record", "object": "Case", "on": ["created"]}


def _by_owner(assignee_from: str = "record.Owner.Username", **extra):
    step = interactive("handle", None, assignee_from=assignee_from, **extra)
    del step["assignee"]
    return orchestration("cases", stage("work", step), trigger=OWNER_TRIGGER)


def test_the_record_owner_gets_the_item_of_a_step_assigned_from_the_record(engine):
    engine.activate(_by_owner())

    engine.create_record("Case", {"Subject": "Broken", "Owner": {"Username": "bob"}})

    (run,) = engine.runs()
    (item,) = items_of(engine, run["id"])
    assert item["assignee"] == "user:bob"
    assert engine.runs(stuck=True) == []
    engine.complete_item(item["id"], "bob")
    assert engine.run(run["id"])["status"] == "completed"


def test_a_bare_name_takes_the_steps_assignee_kind_and_a_whole_name_is_used_as_given(engine):
    review = interactive("review", None, assignee_from="team", assignee_kind="group")
    del review["assignee"]
    sign = interactive("sign", None, assignee_from="review.signer", after=["review"])
    del sign["assignee"]
    review["outputs"] = [{"name": "signer"}]
    engine.activate(
        orchestration("d", stage("s", review, sign), variables=[var("team", input=True)])
    )

    run_id = engine.start("d", {"team": "hr"})
    (first,) = items_of(engine, run_id)
    assert first["assignee"] == "group:hr"
    engine.complete_item(first["id"], "carol", {"signer": "queue:it"})

    (second,) = items_of(engine, run_id)
    assert second["assignee"] == "queue:it"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"Subject": "No owner"}, "assignee_from 'record.Owner' named nobody (it gave None)"),
        ({"Owner": ""}, "named nobody (it gave an empty text)"),
        ({"Owner": "Ann Smith"}, "gave 'Ann Smith', which is no user, group or queue name"),
        ({"Owner": {"Username": "ann"}}, "gave a record, not a name"),
    ],
)
def test_an_assignee_from_that_names_nobody_leaves_the_run_stuck_with_the_reason(
    engine, fields, reason
):
    engine.activate(_by_owner("record.Owner"))

    engine.create_record("Case", fields)

    (stuck,) = engine.runs(stuck=True)
    assert stuck["status"] == "waiting"
    (why,) = stuck["reasons"]
    assert reason in why
    assert why.endswith("reassign the item to someone")
    (item,) = items_of(engine, stuck["id"])
    assert item["assignee"] == ""
    assert reason in item["problem"]


def test_an_assignee_from_that_cannot_be_evaluated_is_a_stuck_reason_not_a_failure(engine):
    engine.activate(_by_owner("record.Owner.Username"))

    engine.create_record("Case", {"Subject": "Owner missing"})

    (stuck,) = engine.runs(stuck=True)
    assert stuck["status"] == "waiting"
    assert "could not be evaluated" in stuck["reasons"][0]


def test_reassigning_the_unassigned_item_unsticks_the_run(engine):
    engine.activate(_by_owner("record.Owner"))
    engine.create_record("Case", {"Subject": "No owner"})
    (stuck,) = engine.runs(stuck=True)
    (item,) = items_of(engine, stuck["id"])

    engine.reassign(item["id"], "user:alice", reason="owner left", actor="root")

    assert engine.runs(stuck=True) == []
    engine.complete_item(item["id"], "alice")
    assert engine.run(stuck["id"])["status"] == "completed"


def test_a_name_the_directory_does_not_know_is_a_stuck_reason(engine):
    engine.activate(_by_owner("record.Owner"))

    engine.create_record("Case", {"Owner": "ghost"})

    (stuck,) = engine.runs(stuck=True)
    assert "user 'ghost' is unknown" in stuck["reasons"][0]
    (item,) = items_of(engine, stuck["id"])
    assert item["problem"] == "user 'ghost' is unknown"


def test_nobody_is_notified_of_an_unassigned_item_and_an_admin_may_complete_it(engine, tmp_path):
    engine.add_user("root", admin=True, email="root@example.com")
    engine.activate(_by_owner("record.Owner"))
    engine.create_record("Case", {"Subject": "No owner"})
    (run,) = engine.runs()
    (item,) = items_of(engine, run["id"])

    engine.tick()
    engine.complete_item(item["id"], "root")

    assert list((tmp_path / "outbox").glob("notice-*.eml")) == []

    assert engine.run(run["id"])["status"] == "completed"


def test_only_an_admin_may_complete_an_unassigned_item(engine):
    engine.activate(_by_owner("record.Owner"))
    engine.create_record("Case", {"Subject": "No owner"})
    (run,) = engine.runs()
    (item,) = items_of(engine, run["id"])

    with pytest.raises(PermissionDenied, match="it has no assignee"):
        engine.complete_item(item["id"], "alice")
