"""Process tests and simulation run on the local engine's virtual clock whatever runtime is
set: with a Temporal runtime they say so in one line and work, never refuse or crash."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import main
from tests.engine.temporal.server import free_port

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


def test_baton_test_with_a_temporal_runtime_runs_locally_and_says_so(monkeypatch, capsys):
    # given a Temporal runtime that is not even running: tests never reach it
    address = f"temporal://127.0.0.1:{free_port()}/default"
    monkeypatch.setenv("BATON_RUNTIME", address)

    # when the onboarding process tests run
    code = main(["test", str(EXAMPLES / "employee_onboarding.tests.json")])

    # then they pass, with one line saying where they ran
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert captured.err.splitlines() == [
        f"baton test: process tests run locally on a virtual clock, not on {address}"
    ]
    assert "passed" in captured.out


def test_baton_simulate_with_a_temporal_runtime_runs_locally_and_says_so(monkeypatch, capsys):
    address = f"temporal://127.0.0.1:{free_port()}/default"
    monkeypatch.setenv("BATON_RUNTIME", address)

    code = main(
        [
            "simulate", str(EXAMPLES / "employee_onboarding.baton.json"),
            "--runs", "5", "--seed", "1", "--format", "json",
        ]
    )  # fmt: skip

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err.splitlines() == [
        f"baton simulate: simulated runs run locally on a virtual clock, not on {address}"
    ]
    assert json.loads(captured.out)["arrivals"] == 5


def test_a_run_on_temporal_is_recorded_as_a_local_process_test(
    tengine, temporal_server, task_queue, monkeypatch, capsys
):
    # given a run of the onboarding example on Temporal, started and partly worked
    from engine.definition import load_definition

    tengine.activate(load_definition(EXAMPLES / "employee_onboarding.baton.json"))
    run_id = tengine.start("employee_onboarding", {"employee": "Ann", "email": "a@x.org"})
    monkeypatch.setenv("BATON_DB", str(tengine.store.url).removeprefix("sqlite:///"))
    monkeypatch.setenv("BATON_RUNTIME", temporal_server.address())
    monkeypatch.setenv("BATON_TASK_QUEUE", task_queue)

    # when its history is turned into a scenario
    code = main(["test", "--record", run_id, "--name", "from temporal"])

    # then the scenario is printed, read from the workflow's Baton events
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)["name"] == "from temporal"
