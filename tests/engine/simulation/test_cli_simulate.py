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
