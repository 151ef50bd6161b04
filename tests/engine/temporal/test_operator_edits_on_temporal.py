"""Operators edit a run's variables and nudge it from the command line, with the same
answers and refusals on the local runtime and on Temporal."""

from __future__ import annotations

import json

import pytest

from engine.definition import save_definition
from tests.engine.runtime.builders import interactive, orchestration, stage


@pytest.fixture
def baton(cli, tmp_path, monkeypatch):
    """`cli` (on both runtimes) as the operator olga, with ann's contract orchestration;
    returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("BATON_USER", "olga")
    assert cli("users", "add", "olga", "--role", "admin")[0] == 0
    assert cli("users", "add", "ann")[0] == 0
    path = tmp_path / "contract.baton.json"
    save_definition(
        orchestration(
            "contract",
            stage("negotiate", interactive("haggle", "user:ann"), exit_condition="discount >= 20"),
            stage("close", interactive("sign", "user:ann")),
            variables=[
                {"name": "discount", "type": "number", "input": True, "default": 0},
                {"name": "note", "type": "text", "default": ""},
            ],
        ),
        path,
    )
    assert cli("activate", str(path))[0] == 0
    return cli


def test_an_edited_variable_moves_the_run_on_and_is_logged_on_both_runtimes(baton):
    # given a contract run negotiating
    code, out, _ = baton("start", "contract")
    run_id = out.strip()

    # when an operator raises the discount past the stage's exit condition
    code, out, err = baton("vars", run_id, "discount=25", "--reason", "VP approved")

    # then the new value is shown, the run moved to closing, and the log says who and why
    assert code == 0, err
    assert "discount  25" in out
    assert json.loads(baton("show", run_id, "--format", "json")[1])["stage"] == "close"
    log = json.loads(baton("log", run_id, "--format", "json")[1])
    edits = [e for e in log if e["type"] == "variables_edited"]
    assert [(e["actor"], e["payload"]["reason"]) for e in edits] == [("olga", "VP approved")]
    assert edits[0]["payload"]["previous"] == {"discount": 0}


def test_a_mistyped_value_is_refused_in_one_line_and_changes_nothing(baton):
    run_id = baton("start", "contract")[1].strip()

    code, out, err = baton("vars", run_id, "discount=lots", "--reason", "typo")

    assert code == 1 and out == ""  # 1: refused by the engine (docs/operator.md)
    assert len(err.strip().splitlines()) == 1 and "discount" in err
    assert json.loads(baton("vars", run_id, "--format", "json")[1])["discount"] == 0


def test_a_nudge_with_nothing_changed_says_so_on_both_runtimes(baton):
    run_id = baton("start", "contract")[1].strip()

    code, out, err = baton("nudge", run_id)

    assert code == 0, err
    assert out.strip() == f"{run_id}: nothing to do (waiting, stage negotiate)"
