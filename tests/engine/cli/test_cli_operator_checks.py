"""Operator actions check what they are given and record who did them and why; usage
mistakes exit 2; with roles enforced only known, active users act (in-process CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definition import save_definition
from tests.engine.runtime.builders import (
    decision,
    flow,
    interactive,
    orchestration,
    stage,
    var,
)

QUOTE_OUTPUTS = [
    {"name": "discount", "type": "number", "required": True},
    {"name": "decision", "type": "text", "choices": ["approve", "reject"]},
]


@pytest.fixture
def deal(people, tmp_path) -> tuple:
    """A deal desk: `quote` (outputs discount, decision) then a decision on the discount."""
    path = tmp_path / "deal.baton.json"
    save_definition(
        orchestration(
            "deal",
            stage("quoting", interactive("quote", "user:alice", outputs=QUOTE_OUTPUTS)),
            decision("big"),
            stage("finance", interactive("sign", "group:it")),
            flows=[
                flow("start", "quoting"),
                flow("quoting", "big"),
                flow("big", "finance", condition="quote.discount > 20"),
                flow("big", "end", default=True),
                flow("finance", "end"),
            ],
            variables=[var("amount", "number", input=True, required=True)],
        ),
        path,
    )
    assert people("activate", str(path)).code == 0
    run_id = people("start", "deal", "--input", "amount=100").out.strip()
    return people, run_id


def _log(baton, run_id: str) -> list[dict]:
    return baton("log", run_id, "--format", "json").json()


def test_skip_refuses_an_output_of_the_wrong_type_or_not_declared_and_changes_nothing(deal):
    baton, run_id = deal
    wrong_type = baton("skip", run_id, "quote", "--output", "discount=abc")
    undeclared = baton("skip", run_id, "quote", "--output", "discont=5")
    assert wrong_type.code == 1 and "discount: 'abc' is not a number" in wrong_type.err
    assert undeclared.code == 1 and "discont: not an output of this step" in undeclared.err
    assert baton("show", run_id, "--format", "json").json()["status"] == "waiting"


def test_skip_with_valid_outputs_feeds_the_decision_and_records_who_and_why(deal):
    baton, run_id = deal
    done = baton("skip", run_id, "quote", "--output", "discount=30", "--reason", "agreed by phone")
    assert done.code == 0, done.err
    (skipped,) = [e for e in _log(baton, run_id) if e["type"] == "step_skipped"]
    assert skipped["actor"] == "tester" and skipped["payload"]["reason"] == "agreed by phone"
    assert skipped["payload"]["outputs"] == {"discount": 30}
    assert baton("show", run_id, "--format", "json").json()["stage"] == "finance"


def test_pause_and_resume_record_their_reasons(deal):
    baton, run_id = deal
    assert baton("pause", run_id, "--reason", "audit").code == 0
    assert baton("resume", run_id, "--reason", "audit over").code == 0
    events = {e["type"]: e for e in _log(baton, run_id)}
    assert events["run_paused"]["payload"] == {"reason": "audit"}
    assert events["run_resumed"]["payload"] == {"reason": "audit over"}
    assert events["run_resumed"]["actor"] == "tester"


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("user:nobody", "user 'nobody' is unknown"),
        ("user:gone", "user 'gone' is inactive"),
        ("group:empty", "group 'empty' has no active member"),
    ],
)
def test_reassigning_to_someone_nobody_can_be_is_refused_unless_forced(deal, target, why):
    baton, _ = deal
    assert baton("users", "add", "gone", "--group", "empty").code == 0
    assert baton("users", "deactivate", "gone").code == 0
    (item,) = baton("work", "list", "--format", "json").json()

    refused = baton("work", "reassign", item["id"], "--to", target)
    assert refused.code == 1 and why in refused.err and "--force" in refused.err
    assert baton("work", "list", "--format", "json").json()[0]["assignee"] == "user:alice"

    forced = baton("work", "reassign", item["id"], "--to", target, "--force")
    assert forced.code == 0 and "warning" in forced.err and why in forced.err
    assert baton("work", "list", "--format", "json").json()[0]["assignee"] == target


def test_reassign_all_to_an_unknown_user_is_refused(deal):
    baton, _ = deal
    refused = baton("work", "reassign-all", "--from", "user:alice", "--to", "user:nobody")
    assert refused.code == 1 and "unknown" in refused.err


def test_work_complete_acts_as_baton_user_when_as_is_not_given(deal, monkeypatch):
    baton, run_id = deal
    (item,) = baton("work", "list", "--format", "json").json()
    monkeypatch.setenv("BATON_USER", "alice")
    done = baton("work", "complete", item["id"], "--output", "discount=5")
    assert done.code == 0, done.err
    (completed,) = [e for e in _log(baton, run_id) if e["type"] == "item_completed"]
    assert completed["actor"] == "alice"


def test_with_roles_enforced_an_unknown_user_can_neither_start_runs_nor_create_records(
    deal, monkeypatch
):
    baton, _ = deal
    monkeypatch.setenv("BATON_ROLES", "enforce")
    started = baton("start", "deal", "--input", "amount=1", "--as", "nobody")
    created = baton("record", "create", "Deal", "--field", "name=x", "--as", "nobody")
    assert started.code == 1 and "'nobody' is not in the directory" in started.err
    assert created.code == 1 and "'nobody' is not in the directory" in created.err
    assert len(baton("runs", "--format", "json").json()) == 1
    assert baton("start", "deal", "--input", "amount=1", "--as", "alice").code == 0


def test_a_usage_mistake_exits_2(deal):
    baton, _ = deal
    result = baton("record", "create", "Deal", "--field", "status")
    assert result.code == 2 and "'status' is not key=value" in result.err
    bad_json = baton("start", "deal", "--inputs-json", "{nope")
    assert bad_json.code == 2 and "not valid JSON" in bad_json.err


def test_an_input_that_is_not_a_number_is_refused_once(deal):
    baton, _ = deal
    result = baton("start", "deal", "--input", "amount=lots")
    assert result.code == 1
    assert "amount: 'lots' is not a number" in result.err
    assert "required input is missing" not in result.err


def test_retry_records_its_reason(people, tmp_path):
    from engine.actions.registry import register_action, unregister_action

    calls = []

    def flaky(inputs, context):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("down")
        return {}

    register_action("flaky_once", flaky)
    try:
        path = Path(tmp_path / "f.baton.json")
        from tests.engine.runtime.builders import background

        save_definition(orchestration("f", stage("s", background("call", "flaky_once"))), path)
        assert people("activate", str(path)).code == 0
        run_id = people("start", "f").out.strip()
        assert people("retry", run_id, "call", "--reason", "service back").code == 0
    finally:
        unregister_action("flaky_once")
    (retried,) = [e for e in _log(people, run_id) if e["type"] == "step_retried"]
    assert retried["payload"]["reason"] == "service back" and retried["actor"] == "tester"
