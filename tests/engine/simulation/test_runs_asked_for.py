"""A simulation asked for a number of runs starts them all, or says why not."""

from __future__ import annotations

from engine.simulation import simulate
from tests.engine.builders import interactive, linear, stage
from tests.engine.simulation.helpers import scenario


def _review():
    return linear(stage("review", interactive("check")))


def test_all_runs_asked_for_arrive_when_nothing_stops_them():
    result = simulate(_review(), scenario(arrivals={"runs": 12, "per_day": 4}))
    assert result.runs_started == 12
    assert result.runs_requested == 12 and result.shortfall is None


def test_a_clock_stopped_by_until_before_the_last_arrival_is_named():
    # given 30 runs at 2 a day, but the clock stops after 5 days
    result = simulate(_review(), scenario(arrivals={"runs": 30, "per_day": 2}, until="P5D"))
    # then about 10 arrived, and the result says `until` stopped the rest
    assert 0 < result.arrivals < 30
    assert result.shortfall == (
        f"{result.arrivals} of 30 runs arrived before the simulation stopped at `until` "
        "(5 days); lengthen `until` to start all 30"
    )


def test_record_arrivals_are_counted_as_records_created():
    definition = linear(
        stage("review", interactive("check")),
        trigger={"type": "record", "object": "Order", "on": ["created"]},
    )
    chosen = scenario(
        arrivals={"runs": 40, "per_day": 4, "horizon": "P3D"}, record={"n": {"value": 1}}
    )
    result = simulate(definition, chosen)
    assert result.shortfall is not None
    assert f"{result.arrivals} of 40 records were created within" in result.shortfall


def test_arrivals_too_rare_for_the_default_clock_say_what_to_raise():
    # given 3 runs at one in a thousand days: the next one comes after the default stop
    result = simulate(_review(), scenario(arrivals={"runs": 3, "per_day": 0.001}))
    assert result.arrivals < 3
    assert "a year after the last arrival; raise `arrivals.per_day`" in result.shortfall
