"""Background steps fail with their probability and retry; waits hear their event or time out."""

from __future__ import annotations

import pytest

from engine.actions import action_names
from engine.simulation import simulate
from tests.engine.builders import background, interactive, linear, stage, variable, wait
from tests.engine.simulation.helpers import example, fixed, scenario


def sync_process(**retry):
    return linear(
        stage("sync", background("push", action="send_email", inputs={}, **retry)),
        stage("review", interactive("check")),
    )


def test_certain_failure_fails_every_run_after_its_retries():
    definition = sync_process(retry={"attempts": 3, "delay": "PT10M"})
    chosen = scenario(
        arrivals={"runs": 5, "per_day": None}, steps={"push": {"failure_probability": 1.0}}
    )
    result = simulate(definition, chosen)
    assert result.runs_failed == 5
    assert result.steps["push"].failed_attempts == 15
    assert result.steps["push"].failed == 5
    (reason,) = result.failures
    assert "simulated failure" in reason
    # two retry delays of 10 minutes each, fired by the engine's own timers
    assert [r.cycle_h for r in result.runs] == [pytest.approx(20 / 60)] * 5


def test_stand_in_actions_are_removed_after_the_simulation():
    simulate(sync_process(), scenario(arrivals={"runs": 1, "per_day": None}))
    assert not [name for name in action_names() if name.startswith("simulation.")]


def test_a_background_duration_holds_the_step_that_long():
    chosen = scenario(
        arrivals={"runs": 2, "per_day": None},
        steps={"push": {"duration": fixed("PT3H")}, "check": {"duration": fixed("PT1H")}},
    )
    result = simulate(sync_process(), chosen)
    assert [r.cycle_h for r in result.runs] == [4.0, 4.0]
    assert result.steps["push"].time.mean == pytest.approx(3.0)
    # the helper runs that model the duration are not counted as runs
    assert result.runs_started == 2


def test_a_wait_step_completes_when_its_event_arrives():
    definition = linear(
        stage("hold", wait("form", event="form_done", key="customer", timeout="P7D")),
        variables=[variable("customer", required=True)],
    )
    chosen = scenario(
        arrivals={"runs": 3, "per_day": None}, steps={"form": {"duration": fixed("P2D")}}
    )
    result = simulate(definition, chosen)
    assert [r.cycle_h for r in result.runs] == [48.0, 48.0, 48.0]
    assert result.steps["form"].timed_out == 0


def test_a_late_form_times_out_and_the_customer_is_chased():
    # given customer onboarding where the setup form takes longer than its 7-day timeout
    chosen = scenario(
        arrivals={"runs": 4, "per_day": None},
        steps={"setup_form": {"duration": fixed("P10D")}},
    )
    result = simulate(example("customer_onboarding"), chosen)
    # then every visit of the setup stage times out and the customer is chased; after the
    # third chase the run would enter the stage a 4th time, which max_visits (3) stops
    assert result.steps["setup_form"].timed_out == 12
    assert result.stages["setup"].max_visits == 3
    assert result.steps["chase_call"].started == 12
    assert result.runs_failed == 4


def test_no_email_leaves_a_simulation(tmp_path, monkeypatch):
    # given the deal desk, whose closing stage e-mails the deal owner, and the simulation's
    # outbox (where the real send_email would write) inside tmp_path
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = simulate(example("deal_desk_approval"), scenario(arrivals={"runs": 5, "per_day": 5}))
    # then every run closed, yet nothing was written to any outbox
    assert result.steps["notify_owner"].completed == 5
    assert not list(tmp_path.rglob("*.eml"))
