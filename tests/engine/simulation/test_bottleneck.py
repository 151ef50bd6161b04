"""USERS.md story 4: a month of hires shows IT as the bottleneck; more IT capacity helps."""

from __future__ import annotations

import pytest

from engine.simulation import load_scenario, simulate
from engine.simulation.scenario import Capacity
from tests.engine.simulation.helpers import EXAMPLES, choose, example, fixed, scenario

ONBOARDING = example("employee_onboarding")


def month_of_hires(it_workers: int):
    return scenario(
        seed=4,
        arrivals={"per_day": 3, "horizon": "P30D", "runs": None},
        steps={
            "contract": {
                "duration": fixed("PT2H"),
                "outputs": {"decision": choose(approve=1, reject=0)},
            },
            "badge": {"duration": fixed("PT4H")},
            "laptop": {
                "duration": {"kind": "triangular", "low": "PT6H", "mode": "PT8H", "high": "PT12H"}
            },
            "accounts": {"duration": fixed("PT1H")},
            "plan": {"duration": fixed("PT1H")},
        },
        assignees={
            "group:hr": {"workers": 2},
            "group:it": {"workers": it_workers},
            "queue:it_service_desk": {"workers": 2},
            "user:manager": {"workers": 3},
        },
    )


def test_it_is_the_bottleneck_of_a_month_of_hires():
    result = simulate(ONBOARDING, month_of_hires(it_workers=1))
    assert result.bottleneck is not None
    assert result.bottleneck.step_id == "laptop"
    assert result.bottleneck.assignee == "group:it"
    assert result.bottleneck.mean_wait_h > 24
    assert result.assignees["group:it"].utilization > 0.9


def test_a_second_it_assignee_cuts_the_laptop_wait():
    before = simulate(ONBOARDING, month_of_hires(it_workers=1))
    after = simulate(ONBOARDING, month_of_hires(it_workers=2))
    # the same hires with the same work times (one random stream per run)
    assert before.runs_started == after.runs_started
    assert after.steps["laptop"].work.mean == pytest.approx(before.steps["laptop"].work.mean)
    assert after.steps["laptop"].wait.mean < before.steps["laptop"].wait.mean / 4
    assert after.cycle_time.mean < before.cycle_time.mean


def test_the_bundled_onboarding_scenario_tells_story_four():
    # given the example's own scenario: a month of hires, one IT technician, office hours
    story = load_scenario(EXAMPLES / "employee_onboarding.scenario.json")
    before = simulate(ONBOARDING, story)
    # then laptops wait days for IT, the bottleneck
    assert before.bottleneck is not None
    assert (before.bottleneck.step_id, before.bottleneck.assignee) == ("laptop", "group:it")
    assert before.steps["laptop"].wait.mean > 48
    # when the admin adds a second IT technician and simulates again
    more_it = story.model_copy(
        update={"assignees": story.assignees | {"group:it": Capacity(workers=2)}}
    )
    after = simulate(ONBOARDING, more_it)
    # then the laptop wait is cut by more than half, and runs finish sooner
    assert after.steps["laptop"].wait.mean < before.steps["laptop"].wait.mean / 2
    assert after.cycle_time.mean < before.cycle_time.mean
