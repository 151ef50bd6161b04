"""Scenario files: defaults, the starter file, round trips, and errors that name the field."""

from __future__ import annotations

import pytest

from engine.simulation import (
    Scenario,
    ScenarioError,
    load_scenario,
    save_scenario,
    scenario_path_for,
    simulate,
    starter_scenario,
)
from tests.engine.simulation.helpers import always, example, scenario

ONBOARDING = example("employee_onboarding")


def test_the_scenario_file_sits_beside_the_definition(tmp_path):
    path = scenario_path_for(tmp_path / "deal_desk.baton.json")
    assert path == tmp_path / "deal_desk.scenario.json"


def test_a_starter_scenario_round_trips_through_its_file(tmp_path):
    starter = starter_scenario(ONBOARDING)
    save_scenario(starter, tmp_path / "s.json")
    assert load_scenario(tmp_path / "s.json") == starter


def test_no_run_limit_and_all_at_once_survive_the_file(tmp_path):
    chosen = scenario(arrivals={"runs": None, "per_day": 2, "horizon": "P5D"})
    save_scenario(chosen, tmp_path / "a.json")
    assert load_scenario(tmp_path / "a.json").arrivals.runs is None
    at_once = scenario(arrivals={"runs": 3, "per_day": None})
    save_scenario(at_once, tmp_path / "b.json")
    assert load_scenario(tmp_path / "b.json").arrivals.per_day is None


def test_the_starter_scenario_simulates_like_no_scenario_at_all():
    arrivals = {"runs": 15, "per_day": 3}
    starter = starter_scenario(ONBOARDING).model_dump(mode="json", by_alias=True)
    plain = simulate(ONBOARDING, scenario(arrivals=arrivals)).to_json()
    from_starter = simulate(ONBOARDING, scenario(**(starter | {"arrivals": arrivals}))).to_json()
    assert from_starter["cycle_time"] == plain["cycle_time"]
    assert from_starter["steps"] == plain["steps"]


def test_defaults_need_no_file():
    chosen = Scenario()
    assert chosen.arrivals.runs == 100
    assert chosen.default_capacity.workers == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {"steps": {"contract": {"outputs": {"decision": always("maybe")}}}},
            "steps.contract.outputs.decision",
        ),
        (
            {"steps": {"contract": {"outputs": {"colour": always("red")}}}},
            "steps.contract.outputs.colour",
        ),
        ({"inputs": {"salary": always(1)}}, "inputs.salary"),
        ({"assignees": {"group:itt": {"workers": 2}}}, "assignees.group:itt"),
        ({"definition": "deal_desk_approval"}, "definition"),
    ],
)
def test_a_scenario_that_does_not_fit_the_definition_is_refused(fields, field):
    with pytest.raises(ScenarioError) as caught:
        simulate(ONBOARDING, scenario(**fields))
    assert caught.value.field == field


def test_a_malformed_file_names_the_field(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"arrivals": {"runs": -1}}')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.field == "arrivals.runs"
    assert str(path) in str(caught.value)


def test_arrivals_can_create_records_so_the_trigger_condition_is_simulated():
    # given hires arriving as Employee records, a quarter of them not (yet) hired
    chosen = scenario(
        arrivals={"runs": 40, "per_day": 10},
        record={
            "status": {
                "choices": [{"value": "hired", "weight": 3}, {"value": "candidate", "weight": 1}]
            }
        },
    )
    result = simulate(ONBOARDING, chosen)
    # then only records whose status is 'hired' start a run
    assert result.arrivals == 40
    assert 20 < result.runs_started < 40
    assert result.runs_completed == result.runs_started


def test_records_are_refused_for_an_orchestration_started_by_hand():
    with pytest.raises(ScenarioError) as caught:
        simulate(example("deal_desk_approval"), scenario(record={"status": always("x")}))
    assert caught.value.field == "record"
