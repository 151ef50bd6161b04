"""What the designer's live views read from a Temporal runtime, beyond the CLI's calls: the
change feed that tells them which runs moved, the waits Run ▸ Send event… offers, and
variables in the order the local engine gives them."""

from __future__ import annotations

from pathlib import Path

from engine.definition import load_definition
from engine.temporal.changes import TemporalChangeFeed

ONBOARDING = Path(__file__).parents[3] / "resources/examples/employee_onboarding.baton.json"
APPROVE = {"decision": "approve", "start_date": "2026-02-02"}


def _start(engine, employee: str) -> str:
    email = employee.lower() + "@example.com"
    return engine.start("employee_onboarding", {"employee": employee, "email": email})


def test_the_change_feed_names_new_runs_and_hands_over_their_new_events(tengine):
    tengine.activate(load_definition(ONBOARDING))
    feed = TemporalChangeFeed(tengine)
    assert not feed.poll()  # the first look takes the baseline

    # when a run starts, the next look names it with every event it has
    run_id = _start(tengine, "Ada")
    changes = feed.poll()
    assert changes.new_runs == [run_id] and changes.items
    assert [e["seq"] for e in changes.events[run_id]] == [e["seq"] for e in tengine.log(run_id)]

    # and when its item is completed, only the events after the last look
    seen = changes.events[run_id][-1]["seq"]
    item = tengine.run(run_id)["open_items"][0]["id"]
    tengine.complete_item(item, "alice", APPROVE)
    changes = feed.poll()
    assert changes.new_runs == [] and changes.items
    assert changes.events[run_id][0]["seq"] == seen + 1
    assert "item_completed" in [e["type"] for e in changes.events[run_id]]

    # and a look with nothing new says nothing moved
    assert not feed.poll()


def test_variables_come_in_the_definitions_order_and_waits_are_listed(tengine):
    tengine.activate(load_definition(ONBOARDING))
    run_id = _start(tengine, "Ada")

    # the designer names a run by its first text variable: the employee, not the email
    assert list(tengine.run(run_id)["variables"])[:2] == ["employee", "email"]
    assert tengine.open_waits() == [
        {"run": run_id, "step": "badge", "event": "badge_printed", "key": "Ada"}
    ]
    assert tengine.run_seqs()[run_id] == tengine.log(run_id)[-1]["seq"]
