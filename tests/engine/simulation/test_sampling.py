"""Durations and values are drawn as the scenario describes them."""

from __future__ import annotations

import statistics

import pytest

from engine.simulation.sampling import run_stream, sample_seconds, sample_value
from engine.simulation.scenario import Scenario, ScenarioError, ValueSpec, scenario_from_dict

HOUR = 3600.0


def draws(dist: dict, n: int = 4000) -> list[float]:
    parsed = Scenario.model_validate({"interactive_duration": dist}).interactive_duration
    rng = run_stream(1, 1)
    return [sample_seconds(parsed, rng) / HOUR for _ in range(n)]


@pytest.mark.parametrize(
    ("dist", "mean"),
    [
        ({"kind": "fixed", "value": "PT2H"}, 2.0),
        ({"kind": "uniform", "low": "PT1H", "high": "PT3H"}, 2.0),
        ({"kind": "triangular", "low": "PT1H", "mode": "PT2H", "high": "PT6H"}, 3.0),
        ({"kind": "exponential", "mean": "PT4H"}, 4.0),
        ({"kind": "lognormal", "mean": "PT5H", "spread": "PT2H"}, 5.0),
    ],
)
def test_each_distribution_has_the_mean_an_admin_expects(dist, mean):
    assert statistics.fmean(draws(dist)) == pytest.approx(mean, rel=0.05)


def test_lognormal_spread_is_the_standard_deviation_of_the_durations():
    values = draws({"kind": "lognormal", "mean": "PT5H", "spread": "PT2H"}, 8000)
    assert statistics.stdev(values) == pytest.approx(2.0, rel=0.1)
    assert min(values) > 0


def test_a_run_draws_the_same_numbers_every_time():
    assert draws({"kind": "exponential", "mean": "PT4H"}, 5) == draws(
        {"kind": "exponential", "mean": "PT4H"}, 5
    )


def test_weighted_choices_follow_their_weights():
    spec = ValueSpec.model_validate(
        {"choices": [{"value": "approve", "weight": 3}, {"value": "reject", "weight": 1}]}
    )
    rng = run_stream(1, 1)
    picks = [sample_value(spec, rng, 1) for _ in range(4000)]
    assert picks.count("approve") / len(picks) == pytest.approx(0.75, abs=0.03)


def test_a_template_numbers_each_run():
    spec = ValueSpec(template="Hire {n}")
    assert sample_value(spec, run_stream(1, 7), 7) == "Hire 7"


def test_a_value_spec_takes_one_form_only():
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict({"inputs": {"x": {"value": 1, "template": "a{n}"}}})
    assert caught.value.field == "inputs.x"
