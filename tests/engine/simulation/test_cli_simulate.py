"""`baton simulate`, driven like an admin at a terminal (in-process)."""

from __future__ import annotations

import json
import shutil

import pytest

from engine.cli import main
from tests.engine.simulation.helpers import EXAMPLES


@pytest.fixture
def baton(capsys):
    """Run `baton ARGS...`; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def onboarding(tmp_path):
    path = tmp_path / "employee_onboarding.baton.json"
    shutil.copy(EXAMPLES / path.name, path)
    return path


def test_same_seed_prints_the_same_json_and_another_seed_differs(baton, onboarding):
    args = ("simulate", str(onboarding), "--runs", "40", "--format", "json")
    code, first, _ = baton(*args, "--seed", "3")
    _, again, _ = baton(*args, "--seed", "3")
    _, other, _ = baton(*args, "--seed", "4")
    assert code == 0
    assert first == again
    assert first != other
    data = json.loads(first)
    assert data["runs_started"] == 40
    assert data["seed"] == 3
    assert set(data["steps"]) == {
        "contract",
        "payroll",
        "badge",
        "laptop",
        "accounts",
        "plan",
        "welcome",
    }


def test_the_text_report_names_the_bottleneck_and_every_step(baton, onboarding):
    code, out, _ = baton("simulate", str(onboarding), "--runs", "30")
    assert code == 0
    assert "Cycle time (h)" in out
    assert "Bottleneck: Check signed contract (group:hr)" in out
    for step in ("contract", "payroll", "badge", "laptop", "accounts", "plan", "welcome"):
        assert f"\n{step} " in out


def test_init_scenario_writes_a_starter_that_is_picked_up_beside_the_file(baton, onboarding):
    code, out, _ = baton("simulate", str(onboarding), "--init-scenario")
    written = onboarding.with_name("employee_onboarding.scenario.json")
    assert code == 0 and str(written) in out
    starter = json.loads(written.read_text())
    assert set(starter["steps"]) >= {"contract", "payroll", "badge", "laptop", "plan"}
    assert "group:it" in starter["assignees"]
    # edit it: a slow IT team; the next plain `baton simulate` uses it
    starter["steps"]["laptop"]["duration"] = {"kind": "fixed", "value": "P3D"}
    starter["assignees"]["group:it"]["workers"] = 1
    written.write_text(json.dumps(starter))
    code, out, _ = baton("simulate", str(onboarding), "--runs", "20")
    assert code == 0
    assert f"scenario: {written}" in out
    assert "Bottleneck: Prepare laptop (group:it)" in out


def test_init_scenario_never_overwrites_without_force(baton, onboarding):
    baton("simulate", str(onboarding), "--init-scenario")
    code, _, err = baton("simulate", str(onboarding), "--init-scenario")
    assert code == 1
    assert "exists" in err and "--force" in err
    code, _, _ = baton("simulate", str(onboarding), "--init-scenario", "--force")
    assert code == 0


def test_a_scenario_naming_an_unknown_step_is_refused_with_the_field(baton, onboarding, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"steps": {"laptopp": {"failure_probability": 0.5}}}))
    code, _, err = baton("simulate", str(onboarding), "--scenario", str(bad))
    assert code == 2
    assert "[steps.laptopp] no step 'laptopp'" in err
    assert "Traceback" not in err


@pytest.fixture
def deal_desk(tmp_path):
    # Its scenario: deals at 4 a day within a 30-day horizon, no number of runs.
    for name in ("deal_desk_approval.baton.json", "deal_desk_approval.scenario.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path / "deal_desk_approval.baton.json"


def test_asking_for_200_runs_starts_200_past_the_scenarios_horizon(baton, deal_desk):
    # when an admin asks for 200 runs of a scenario whose horizon fits about 120
    code, out, _ = baton("simulate", str(deal_desk), "--runs", "200")
    # then 200 start, and the report says the scenario's horizon was set aside
    assert code == 0
    assert out.splitlines()[0].startswith("Simulation of deal_desk_approval: 200 runs")
    assert out.splitlines()[1] == "Note: --runs 200 replaces the scenario's arrival horizon (P30D)"
    assert "Runs: 200 completed" in out


def test_runs_and_a_horizon_stop_at_whichever_comes_first_and_say_so(baton, deal_desk):
    # when the admin gives both and the horizon comes first
    code, out, _ = baton(
        "simulate", str(deal_desk), "--runs", "200", "--horizon", "P30D", "--format", "json"
    )
    # then fewer start, and the result says how many, why and what to change
    assert code == 0
    data = json.loads(out)
    assert data["runs_requested"] == 200
    assert 0 < data["arrivals"] < 200
    assert data["shortfall"] == (
        f"{data['arrivals']} of 200 runs arrived within the arrival horizon (30 days); "
        "lengthen the horizon, or remove it, to start all 200"
    )
    _, text, _ = baton("simulate", str(deal_desk), "--runs", "200", "--horizon", "P30D")
    assert text.splitlines()[1] == f"Note: {data['shortfall']}"


def test_a_horizon_alone_overrides_the_scenarios(baton, deal_desk):
    _, out, _ = baton("simulate", str(deal_desk), "--horizon", "P5D", "--format", "json")
    data = json.loads(out)
    assert 5 < data["runs_started"] < 40  # about 4 a day for 5 days
    assert data["shortfall"] is None  # no number was asked for


def test_a_horizon_that_is_not_a_duration_is_refused_in_one_line(baton, deal_desk):
    code, out, err = baton("simulate", str(deal_desk), "--horizon", "30 days")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "--horizon" in err and "'P2D'" in err
