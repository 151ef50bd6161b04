"""`baton test --record RUN_ID`: a run from a real database becomes a scenario that passes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine.definition import load_definition
from engine.runtime import Engine, VirtualClock
from tests.engine.proctest.helpers import EXAMPLES


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A live database (a SQLite file) on a clock the story moves, in a folder with the
    deal-desk and onboarding definitions."""
    monkeypatch.setenv("BATON_OUTBOX", str(tmp_path / "outbox"))
    for name in ("deal_desk_approval", "employee_onboarding"):
        (tmp_path / f"{name}.baton.json").write_text((EXAMPLES / f"{name}.baton.json").read_text())
    clock = VirtualClock()
    engine = Engine(str(tmp_path / "live.db"), clock=clock, roles="off")
    engine.add_user("sam", queues=["sales_ops"])
    engine.add_user("hana", groups=["hr"])
    engine.add_user("cfo")
    engine.add_user("manager")
    for name in ("deal_desk_approval", "employee_onboarding"):
        engine.activate(load_definition(tmp_path / f"{name}.baton.json"))
    yield engine, clock, tmp_path
    engine.close()


def _complete(engine, run_id, actor, outputs):
    engine.complete_item(engine.open_item_ids(run_id)[0], actor, outputs)


def test_a_recorded_escalation_and_rework_replays_as_a_passing_scenario(baton, live):
    # Given a live deal-desk run: finance let it go overdue, the CFO rejected, sam reworked it
    engine, clock, folder = live
    inputs = {"deal_name": "Acme", "amount": 9000, "owner_email": "owner@example.com"}
    run_id = engine.start("deal_desk_approval", inputs, actor="sam")
    clock.advance(timedelta(hours=3))
    _complete(engine, run_id, "sam", {"discount": 20})
    engine.advance(clock.now() + timedelta(days=2, hours=2))
    _complete(engine, run_id, "cfo", {"decision": "reject", "comment": "too deep"})
    clock.advance(timedelta(minutes=30))
    _complete(engine, run_id, "sam", {"discount": 10})
    tests = folder / "deal_desk_approval.tests.json"
    # When the run is recorded into the tests file beside the definition
    recorded = baton("test", "--record", run_id, "--db", folder / "live.db", "--into", tests)
    # Then the scenario holds the story: who did what when, and the escalation it caused
    assert recorded.code == 0, recorded.err
    (scenario,) = json.loads(tests.read_text())["scenarios"]
    assert scenario["name"] == f"recorded from {run_id}"
    assert scenario["script"] == [
        {"advance": "PT3H"},
        {"complete": "quote", "as": "sam", "outputs": {"discount": 20}},
        {"advance": "P2DT2H"},
        {"complete": "finance_approval", "as": "cfo",
         "outputs": {"decision": "reject", "comment": "too deep"}},
        {"advance": "PT30M"},
        {"complete": "quote", "as": "sam", "outputs": {"discount": 10}},
    ]  # fmt: skip
    assert scenario["expect"]["escalated"] == [{"step": "finance_approval", "to": "user:cfo"}]
    assert scenario["expect"]["path"] == ["prepare", "finance_review", "prepare", "close"]
    # and it passes when the tests run
    result = baton("test", tests)
    assert result.code == 0, result.out
    assert "1 passed" in result.out


def test_a_recorded_record_triggered_run_replays_from_its_record(baton, live):
    # Given an onboarding started by an Employee record, its badge event and its contract
    engine, clock, folder = live
    engine.create_record(
        "Employee", {"employee": "Ada", "email": "ada@example.com", "status": "hired",
                     "needs_laptop": False}
    )  # fmt: skip
    (run,) = engine.runs(orchestration="employee_onboarding")
    clock.advance(timedelta(hours=5))
    _complete(engine, run["id"], "hana", {"decision": "approve", "start_date": "2026-02-02"})
    clock.advance(timedelta(days=1))
    engine.send_event("badge_printed", "Ada", {"badge": "B-7"})
    _complete(engine, run["id"], "manager", {"buddy": "Grace"})
    # When it is recorded (printed) and saved as the tests file by hand
    recorded = baton("test", "--record", run["id"], "--db", folder / "live.db", "--name", "Ada")
    assert recorded.code == 0, recorded.err
    scenario = json.loads(recorded.out)
    assert scenario["record"]["status"] == "hired"
    assert {"event": "badge_printed", "key": "Ada", "data": {"badge": "B-7"}} in scenario["script"]
    assert scenario["expect"]["emails"] == [
        {"to": "ada@example.com", "subject": "Welcome aboard, Ada"}
    ]
    tests = folder / "employee_onboarding.tests.json"
    tests.write_text(
        json.dumps({"schema": "baton-tests/1", "definition": "employee_onboarding",
                    "scenarios": [scenario]})
    )  # fmt: skip
    # Then the tests pass
    result = baton("test", tests)
    assert result.code == 0, result.out


def test_a_run_an_operator_canceled_cannot_be_recorded(baton, live):
    engine, _clock, folder = live
    inputs = {"deal_name": "Acme", "amount": 1, "owner_email": "owner@example.com"}
    run_id = engine.start("deal_desk_approval", inputs)
    engine.cancel(run_id, "duplicate")
    result = baton("test", "--record", run_id, "--db", folder / "live.db")
    assert result.code == 2
    assert "an operator canceled the run at" in result.err
    assert "a scenario cannot play that" in result.err


def test_recording_an_unknown_run_says_so(baton, live):
    _engine, _clock, folder = live
    result = baton("test", "--record", "run-0000000000", "--db", folder / "live.db")
    assert result.code == 2
    assert "no run with id 'run-0000000000'" in result.err
