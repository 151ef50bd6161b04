"""Outcome probabilities route decisions; loops are counted and stopped by max_visits."""

from __future__ import annotations

from engine.simulation import simulate
from tests.engine.simulation.helpers import always, choose, example, fixed, scenario

DEAL_DESK = example("deal_desk_approval")


def deal_desk(discount: float, finance: dict, runs: int = 20):
    return scenario(
        arrivals={"runs": runs, "per_day": 10},
        steps={
            "quote": {"duration": fixed("PT4H"), "outputs": {"discount": always(discount)}},
            "finance_approval": {"duration": fixed("PT2H"), "outputs": {"decision": finance}},
        },
    )


def test_every_rejection_loops_back_until_max_visits_routes_the_run_to_rejected():
    # given finance always rejects a 20% discount
    result = simulate(DEAL_DESK, deal_desk(20, always("reject")))
    # then every run goes prepare -> finance -> prepare ... and on the 4th entry leaves
    # along prepare's fault route to the rejected end: completed, with outcome rejected
    assert result.runs_failed == 0
    assert result.runs_completed == 20
    assert result.ends == {"rejected": 20}
    assert result.outcomes == {"rejected": 20}
    assert result.faults == {"prepare": 20}
    prepare = result.stages["prepare"]
    assert (prepare.runs, prepare.runs_looping, prepare.max_visits) == (20, 20, 3)
    assert result.stages["finance_review"].visits == 60
    assert result.decisions["finance_verdict"] == {"prepare": 60}


def test_outcomes_are_counted_per_run():
    # given finance rejects half the time
    result = simulate(DEAL_DESK, deal_desk(20, choose(approve=1, reject=1), runs=40))
    # then every completed run is counted under its end's outcome
    assert sum(result.outcomes.values()) == result.runs_completed == 40
    assert set(result.outcomes) <= {"completed", "rejected"}
    assert result.outcomes.get("completed", 0) == result.ends.get("approved", 0)
    assert [r.outcome for r in result.runs if r.end == "rejected"] == ["rejected"] * (
        result.ends.get("rejected", 0)
    )


def test_approval_closes_every_deal_without_loops():
    result = simulate(DEAL_DESK, deal_desk(20, always("approve")))
    assert result.runs_completed == 20
    assert result.ends == {"approved": 20}
    assert result.stages["prepare"].runs_looping == 0
    assert result.steps["finance_approval"].started == 20


def test_a_small_discount_skips_finance_review():
    result = simulate(DEAL_DESK, deal_desk(10, always("reject")))
    assert result.runs_completed == 20
    assert result.steps["finance_approval"].started == 0
    assert result.decisions["discount_level"] == {"close": 20}


def test_outcome_probabilities_split_the_runs_roughly_as_given():
    result = simulate(DEAL_DESK, deal_desk(20, choose(approve=0.7, reject=0.3), runs=200))
    first_verdicts = result.steps["finance_approval"].started
    revisits = result.stages["prepare"].visits - 200
    # about 30% of finance reviews reject and send the quote back
    assert 0.2 < revisits / first_verdicts < 0.4
    assert result.runs_completed + result.runs_failed == 200
