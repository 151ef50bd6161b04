"""Metrics match what a person computes by hand on tiny fixed-duration scenarios."""

from __future__ import annotations

import pytest

from engine.simulation import simulate
from tests.engine.builders import interactive, linear, stage
from tests.engine.simulation.helpers import fixed, scenario


def one_step_process(**step_fields):
    return linear(stage("review", interactive("check", assignee="user:ana", **step_fields)))


def three_at_once(**fields):
    """Three runs at once, a 2-hour step, one worker; keyword fields replace any of these."""
    base = {
        "arrivals": {"runs": 3, "per_day": None},
        "steps": {"check": {"duration": fixed("PT2H")}},
        "assignees": {"user:ana": {"workers": 1}},
    }
    return scenario(**(base | fields))


def test_three_runs_queue_behind_one_worker():
    # given one 2-hour step, one worker, three runs arriving at once
    # when simulated
    result = simulate(one_step_process(), three_at_once())
    # then they finish at 2, 4 and 6 hours, each having waited 0, 2 and 4 hours
    assert [r.cycle_h for r in result.runs] == [2.0, 4.0, 6.0]
    assert result.cycle_time.mean == pytest.approx(4.0)
    assert result.cycle_time.p50 == pytest.approx(4.0)
    step = result.steps["check"]
    assert step.wait.mean == pytest.approx(2.0)
    assert step.work.mean == pytest.approx(2.0)
    assert step.time.max == pytest.approx(6.0)
    assert result.virtual_hours == pytest.approx(6.0)
    review = result.stages["review"]
    assert (review.time.mean, review.wait.mean, review.work.mean) == (4.0, 2.0, 2.0)
    assert result.runs_completed == 3
    assert result.ends == {"end": 3}


def test_one_busy_worker_is_fully_utilized_and_the_bottleneck():
    result = simulate(one_step_process(), three_at_once())
    ana = result.assignees["user:ana"]
    assert ana.utilization == pytest.approx(1.0)
    assert ana.max_waiting == 2
    assert result.bottleneck is not None
    assert (result.bottleneck.step_id, result.bottleneck.assignee) == ("check", "user:ana")
    assert result.bottleneck.mean_wait_h == pytest.approx(2.0)


def test_queue_length_over_time_steps_down_as_items_are_picked_up():
    result = simulate(one_step_process(), three_at_once())
    ana = result.assignees["user:ana"]
    # 100 bins over 6 hours: two waiting for the first 2 h, one until 4 h, none after
    assert ana.series_queue[0] == pytest.approx(2.0)
    assert ana.series_queue[50] == pytest.approx(1.0)
    assert ana.series_queue[-1] == pytest.approx(0.0)
    assert result.heatmap("mean_wait_h") == {"check": pytest.approx(2.0)}


def test_two_workers_halve_the_queue():
    chosen = three_at_once(assignees={"user:ana": {"workers": 2}})
    result = simulate(one_step_process(), chosen)
    assert [r.cycle_h for r in result.runs] == [2.0, 2.0, 4.0]


def test_an_item_finished_after_its_due_time_is_an_sla_breach():
    result = simulate(one_step_process(due="PT3H"), three_at_once())
    # run 1 finishes at 2 h (in time); runs 2 and 3 at 4 h and 6 h, past 3 h
    assert result.steps["check"].overdue == 2
    assert result.sla_breaches == 2


def test_an_overdue_item_escalates_to_another_assignee_who_finishes_it():
    definition = one_step_process(due="PT1H", escalate_to="user:boss")
    chosen = scenario(
        arrivals={"runs": 2, "per_day": None},
        steps={"check": {"duration": fixed("PT2H")}},
        assignees={"user:ana": {"workers": 1}, "user:boss": {"workers": 1}},
    )
    result = simulate(definition, chosen)
    # run 1's item is in progress with ana when it escalates: ana finishes it at 2 h;
    # run 2's item still waits at 1 h, moves to boss, who finishes it at 3 h
    assert [r.cycle_h for r in result.runs] == [2.0, 3.0]
    assert result.steps["check"].escalated == 2
    assert result.assignees["user:boss"].items == 1
    assert result.notes == []


def test_work_pauses_outside_working_hours():
    # given a run arriving Friday 16:00 for a 2-hour step with 9-17 weekday hours
    chosen = three_at_once(
        start="2026-01-09T16:00:00Z",
        working_hours={"start": "09:00", "end": "17:00"},
        arrivals={"runs": 1, "per_day": None},
    )
    result = simulate(one_step_process(), chosen)
    # then one hour is done on Friday and the other on Monday 09:00-10:00
    assert result.runs[0].cycle_h == pytest.approx(66.0)


def test_a_daily_limit_holds_items_until_the_next_day():
    chosen = three_at_once(
        start="2026-01-05T00:00:00Z",
        assignees={"user:ana": {"workers": 3, "items_per_day": 2}},
    )
    result = simulate(one_step_process(), chosen)
    assert [r.cycle_h for r in result.runs] == [2.0, 2.0, 26.0]


def test_runs_still_open_at_the_time_limit_are_reported_unfinished():
    result = simulate(one_step_process(), three_at_once(until="PT3H"))
    assert result.runs_completed == 1
    assert result.runs_unfinished == 2
    assert result.virtual_hours == pytest.approx(3.0)
    assert [r.status for r in result.runs] == ["completed", "unfinished", "unfinished"]
