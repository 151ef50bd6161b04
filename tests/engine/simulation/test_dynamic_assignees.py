"""Simulating a step whose assignee comes from the run's data: the scenario's input values
decide who gets each item, each person gets the capacity the scenario gives them, and an
item whose assignee names nobody is never picked up (its run stays unfinished)."""

from __future__ import annotations

import pytest

from engine.simulation import ScenarioError, simulate
from tests.engine.builders import interactive, linear, stage, variable
from tests.engine.simulation.helpers import choose, fixed, scenario

REVIEW = linear(
    stage("review", interactive("check", assignee=None, assignee_from="reviewer")),
    variables=[variable("reviewer")],
)


def test_the_reviewer_drawn_from_the_scenario_inputs_gets_each_item():
    # given reviewers drawn 3:1 between two people
    plan = scenario(
        seed=2,
        arrivals={"runs": 200, "per_day": 4},
        inputs={"reviewer": choose(ann=3, bob=1)},
        steps={"check": {"duration": fixed("PT1H")}},
        assignees={"user:ann": {"workers": 1}, "user:bob": {"workers": 1}},
    )
    # when
    result = simulate(REVIEW, plan)
    # then every run completes and the items split as the inputs did
    assert result.runs_completed == 200
    ann, bob = result.assignees["user:ann"].items, result.assignees["user:bob"].items
    assert ann + bob == 200
    assert ann / 200 == pytest.approx(0.75, abs=0.08)


def test_runs_whose_reviewer_is_missing_stay_unfinished():
    plan = scenario(
        seed=3,
        arrivals={"runs": 100, "per_day": 4},
        inputs={
            "reviewer": {"choices": [{"value": "ann", "weight": 1}, {"value": "", "weight": 1}]}
        },
        until="P60D",
    )
    result = simulate(REVIEW, plan)
    assert result.runs_completed == result.assignees["user:ann"].items
    assert result.runs_unfinished == 100 - result.runs_completed
    assert 30 < result.runs_unfinished < 70


def test_a_scenario_may_give_capacity_to_anyone_but_a_malformed_name_is_refused():
    with pytest.raises(ScenarioError, match=r"no step of .* is assigned to 'ann'"):
        simulate(REVIEW, scenario(assignees={"ann": {"workers": 1}}))
