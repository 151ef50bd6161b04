"""The in-memory engine called directly, as the simulator calls it.

Kept events (`buffer:` on a wait step) are compared with the SQL store event by event: a
simulation's own events always find their wait, so only a direct call reaches that path.
A call that raises after it emitted events must leave everything as it found it, as a
rolled-back transaction does; no decision does that today, so the tests make one do it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.actions import register_action, unregister_action
from engine.errors import Conflict
from engine.runtime import VirtualClock, commands
from engine.simulation.memory import MemoryEngine
from engine.simulation.observed import ObservedEngine
from tests.engine.builders import background, interactive, linear, stage, variable, wait

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORDER_TRIGGER = {"type": "record", "object": "Order", "on": ["created"]}
_IDS = re.compile(r"\b(?:run|wi)-[0-9a-z]{10,13}\b")


def _signing():
    return linear(
        stage("signing", wait("signed", event="signed", key="customer", buffer="PT1H")),
        stage("check", interactive("look")),
        variables=[variable("customer", required=True)],
    )


def _buffer_story(engine: Any, clock: VirtualClock) -> None:
    engine.activate(_signing())
    engine.send_event("signed", "acme", {"by": "fax"})  # nobody waits: kept for an hour
    engine.send_event("signed", "globex", {})
    clock.set(T0 + timedelta(minutes=30))
    engine.start("test_process", {"customer": "acme"})  # takes the kept event at once
    engine.start("test_process", {"customer": "acme"})  # none left for a second run
    clock.set(T0 + timedelta(hours=2))
    engine.start("test_process", {"customer": "globex"})  # its event was kept too long ago
    engine.send_event("signed", None, {})  # reaches no keyed wait: kept
    clock.set(T0 + timedelta(hours=2, minutes=10))
    engine.send_event("signed", "globex", {"by": "mail"})


def _logged(make: Any) -> list[str]:
    """What a story logged, with run and item ids named by their first appearance."""
    clock = VirtualClock(T0)
    calls: list[list[dict[str, Any]]] = []
    engine = make(clock, calls.append)
    try:
        _buffer_story(engine, clock)
    finally:
        engine.close()
    names: dict[str, str] = {}
    lines = []
    for events in calls:
        for event in events:
            text = json.dumps(
                [event["run_id"], event["seq"], event["time"], event["type"], event["payload"]],
                sort_keys=True,
            )
            lines.append(_IDS.sub(lambda m: names.setdefault(m.group(), f"id{len(names)}"), text))
        lines.append("--- end of call")
    return lines


def test_an_event_sent_before_its_wait_opens_is_kept_as_on_the_sql_store():
    # given the same calls made to the in-memory engine and to the SQL store
    memory = _logged(MemoryEngine)
    stored = _logged(ObservedEngine)
    # then they log the same events in the same calls
    assert memory == stored
    # and the first acme run took the kept event when its wait opened
    taken = [line for line in memory if '"buffered": 1' in line]
    assert len(taken) == 1 and '"key": "acme"' in taken[0]
    assert any('"fax"' in line for line in memory[memory.index(taken[0]) :])


def _order_process():
    return linear(
        stage("review", interactive("check")),
        stage(
            "wrap_up",
            background("mark", action="update_record", inputs={"fields": "{'done': true}"}),
            interactive("file_it"),
        ),
        trigger=ORDER_TRIGGER,
    )


def _refusing_after(decision: Any) -> Any:
    """`decision`, run to its end, then refused: a call that raises after emitting."""

    def refusing(*args: Any, **kwargs: Any) -> Any:
        yield from decision(*args, **kwargs)
        raise Conflict("refused after the events were emitted")

    return refusing


def _snapshot(engine: MemoryEngine, run_id: str) -> tuple[Any, ...]:
    run = engine.runs[run_id]
    return (run.seq, run.status, run.current_stage, json.dumps(run.document(), sort_keys=True))


def test_a_call_that_raises_after_emitting_leaves_runs_and_records_as_they_were(monkeypatch):
    # given an order whose run waits on its review item
    logged: list[list[dict[str, Any]]] = []
    engine = MemoryEngine(VirtualClock(T0), logged.append)
    engine.activate(_order_process())
    engine.add_user("ana")
    record_id = engine.create_record("Order", {"n": 1})
    (run_id,) = engine.runs
    (item_id,) = engine.runs[run_id].items
    before, calls_before = _snapshot(engine, run_id), len(logged)
    # when completing it moves the run on, updates the record, then the call raises
    monkeypatch.setattr(commands, "complete_item", _refusing_after(commands.complete_item))
    with pytest.raises(Conflict):
        engine.complete_item(item_id, "ana")
    # then the run, its record and the log are as before the call
    assert _snapshot(engine, run_id) == before
    assert engine.records.get("Order", record_id) == {"n": 1}
    assert len(logged) == calls_before
    # and the same call, made again without the fault, goes on from there
    monkeypatch.undo()
    engine.complete_item(item_id, "ana")
    assert logged[-1][0]["seq"] == before[0] + 1
    assert engine.runs[run_id].current_stage == "wrap_up"
    assert engine.records.get("Order", record_id) == {"n": 1, "done": True}


def test_a_timer_whose_firing_raises_stays_due(monkeypatch):
    # given a run whose wait times out in an hour
    logged: list[list[dict[str, Any]]] = []
    clock = VirtualClock(T0)
    engine = MemoryEngine(clock, logged.append)
    engine.activate(linear(stage("hold", wait("go", event="go", timeout="PT1H"))))
    run_id = engine.start("test_process")
    before = _snapshot(engine, run_id)
    clock.set(T0 + timedelta(hours=1))
    # when firing the timeout emits its events and then raises
    monkeypatch.setattr(commands, "fire_timer", _refusing_after(commands.fire_timer))
    with pytest.raises(Conflict):
        engine.tick()
    # then the run is as it was and the timer is still due
    assert _snapshot(engine, run_id) == before
    assert engine.next_due() == T0 + timedelta(hours=1)
    # and the next tick without the fault fires it
    monkeypatch.undo()
    assert engine.tick() == 1
    assert engine.runs.get(run_id) is None or engine.runs[run_id].status != "waiting"


def test_a_failed_action_leaves_no_record_behind():
    # given an action that creates a record and then fails
    made: list[str] = []

    def create_then_fail(inputs: dict[str, Any], context: Any) -> None:
        made.append(context.create_record("Ticket", {"attempt": context.attempt}))
        raise RuntimeError("boom")

    register_action("simulation_test.half_done", create_then_fail)
    engine = MemoryEngine(VirtualClock(T0), lambda events: None)
    try:
        engine.activate(linear(stage("s", background("x", action="simulation_test.half_done"))))
        # when a run calls it
        run_id = engine.start("test_process")
    finally:
        unregister_action("simulation_test.half_done")
    # then the run failed and the record it created is gone
    assert made
    assert all(engine.records.get("Ticket", record_id) is None for record_id in made)
    assert engine.runs[run_id].status == "failed"
