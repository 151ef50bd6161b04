"""Work that the engine takes back frees people; events without a key reach every waiter."""

from __future__ import annotations

from engine.simulation import simulate
from tests.engine.builders import interactive, linear, stage, wait
from tests.engine.simulation.helpers import always, fixed, scenario

DONE = [{"name": "done", "type": "text", "choices": ["yes", "no"], "required": True}]


def test_an_item_withdrawn_mid_work_frees_its_worker_at_once():
    # given a stage that exits as soon as the quick check says "yes", canceling the slow one
    definition = linear(
        stage(
            "review",
            interactive("quick", outputs=DONE),
            interactive("slow"),
            exit_condition="quick.done == 'yes'",
        ),
        stage("wrap_up", interactive("file_it")),
    )
    chosen = scenario(
        arrivals={"runs": 1, "per_day": None},
        steps={
            "quick": {"duration": fixed("PT1H"), "outputs": {"done": always("yes")}},
            "slow": {"duration": fixed("PT5H")},
            "file_it": {"duration": fixed("PT1H")},
        },
        assignees={"user:ana": {"workers": 2}},
    )
    result = simulate(definition, chosen)
    # then the slow item is withdrawn after 1 h and the next item starts right away
    assert result.steps["slow"].canceled == 1
    assert result.steps["file_it"].wait.mean == 0
    assert result.runs[0].cycle_h == 2.0
    assert result.assignees["user:ana"].items == 2


def test_an_event_without_a_key_wakes_every_run_waiting_for_it():
    definition = linear(stage("hold", wait("go", event="market_open", timeout="P7D")))
    chosen = scenario(
        arrivals={"runs": 3, "per_day": 24, "pattern": "even"},
        steps={"go": {"duration": fixed("PT5H")}},
    )
    result = simulate(definition, chosen)
    # runs arrive at 0, 1 and 2 h; the first run's event at 5 h releases all three
    assert [r.cycle_h for r in result.runs] == [5.0, 4.0, 3.0]
