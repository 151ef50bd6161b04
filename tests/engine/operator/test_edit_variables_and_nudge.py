"""Operators edit a run's variables (type-checked, logged) and re-check its conditions."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.runtime import Engine
from engine.store import records
from tests.engine.runtime.builders import interactive, orchestration, stage

CONTRACT = orchestration(
    "contract",
    stage(
        "negotiate",
        interactive("haggle", "user:ann"),
        exit_condition="discount >= 20 or record.status == 'signed'",
    ),
    stage("close", interactive("sign", "user:ann")),
    variables=[
        {"name": "discount", "type": "number", "input": True, "default": 0},
        {"name": "note", "type": "text", "default": ""},
    ],
    trigger={"type": "record", "object": "Deal", "on": ["created"]},
)


@pytest.fixture
def engine(db_url, tmp_path):
    engine = Engine(db_url, roles="enforce", outbox=tmp_path / "outbox")
    engine.add_user("root", role="admin")
    engine.add_user("olga", role="operator")
    engine.add_user("ann")
    engine.activate(CONTRACT, actor="root")
    yield engine
    engine.close()


def _deal_run(engine: Engine, **fields) -> tuple[str, str]:
    record_id = engine.create_record("Deal", {"status": "open", **fields}, actor="ann")
    [run] = engine.runs_of_record("Deal", record_id)
    return record_id, run["id"]


def test_editing_a_variable_logs_old_and_new_values_who_and_why(engine):
    _, run_id = _deal_run(engine)

    variables = engine.edit_variables(run_id, {"note": "call back"}, "customer asked", "olga")

    edit = engine.log(run_id)[-1]
    assert variables["note"] == "call back"
    assert edit["type"] == "variables_edited" and edit["actor"] == "olga"
    assert edit["payload"] == {
        "values": {"note": "call back"},
        "previous": {"note": ""},
        "reason": "customer asked",
    }
    assert engine.replay(run_id)["variables"] == engine.run(run_id)["variables"]


def test_a_value_is_converted_to_its_declared_type(engine):
    _, run_id = _deal_run(engine)

    variables = engine.edit_variables(run_id, {"discount": "7.5"}, "typo fixed", "olga")

    assert variables["discount"] == 7.5


def test_an_undeclared_name_or_mistyped_value_is_refused_and_nothing_changes(engine):
    _, run_id = _deal_run(engine)
    before = engine.log(run_id)

    with pytest.raises(InvalidInput) as refused:
        engine.edit_variables(run_id, {"discont": 5, "discount": "lots"}, "fix", "olga")

    message = str(refused.value)
    assert "discont: not a variable of this orchestration" in message
    assert "'lots' is not a number" in message
    assert engine.log(run_id) == before


def test_an_edit_without_a_reason_is_refused(engine):
    _, run_id = _deal_run(engine)

    with pytest.raises(InvalidInput, match="needs a reason"):
        engine.edit_variables(run_id, {"note": "x"}, "  ", "olga")


def test_an_assignee_may_not_edit_variables(engine):
    _, run_id = _deal_run(engine)

    with pytest.raises(PermissionDenied, match="operator"):
        engine.edit_variables(run_id, {"note": "x"}, "why not", "ann")


def test_an_edit_that_makes_the_exit_condition_hold_moves_the_run_on(engine):
    _, run_id = _deal_run(engine)

    engine.edit_variables(run_id, {"discount": 25}, "approved by phone", "olga")

    run = engine.run(run_id)
    assert run["stage"] == "close"
    assert [i["step"] for i in run["open_items"]] == ["sign"]


def test_a_canceled_run_keeps_its_variables(engine):
    _, run_id = _deal_run(engine)
    engine.cancel(run_id, "duplicate", actor="olga")

    with pytest.raises(Conflict, match="canceled"):
        engine.edit_variables(run_id, {"note": "x"}, "late", "olga")


def test_updating_the_record_rechecks_the_exit_condition_of_its_runs(engine):
    record_id, run_id = _deal_run(engine)

    engine.update_record("Deal", record_id, {"status": "signed"}, actor="ann")

    run = engine.run(run_id)
    assert run["stage"] == "close"
    haggle = next(s for s in run["steps"] if s["id"] == "haggle")
    assert haggle["status"] == "canceled"


def test_an_update_that_leaves_the_condition_false_changes_nothing_in_the_run(engine):
    record_id, run_id = _deal_run(engine)
    before = engine.log(run_id)

    engine.update_record("Deal", record_id, {"status": "pending"}, actor="ann")

    assert engine.log(run_id) == before


def test_nudge_moves_a_run_whose_record_changed_outside_the_engine(engine):
    # Given a record changed behind the engine's back (an import, a direct SQL fix)
    record_id, run_id = _deal_run(engine)
    with engine.store.transaction() as conn:
        records.replace_fields(
            conn, "Deal", record_id, {"status": "signed"}, "2026-01-01T00:00:00.000000Z"
        )
    assert engine.run(run_id)["stage"] == "negotiate"

    # When an operator nudges it, then it moves on; a second nudge has nothing to do
    assert engine.nudge(run_id, actor="olga") is True
    assert engine.run(run_id)["stage"] == "close"
    assert engine.nudge(run_id, actor="olga") is False


def test_baton_vars_edits_and_shows_variables_from_the_command_line(engine, db_url, capsys):
    _, run_id = _deal_run(engine)

    code = main(
        ["vars", run_id, "note=urgent", "--reason", "escalated", "--as", "olga", "--db", db_url]
    )
    shown = capsys.readouterr().out
    listed = main(["vars", run_id, "--format", "json", "--db", db_url])

    assert code == 0 and "urgent" in shown
    assert listed == 0 and json.loads(capsys.readouterr().out)["note"] == "urgent"


def test_baton_vars_refuses_a_bad_value_in_one_line(engine, db_url, capsys):
    _, run_id = _deal_run(engine)

    code = main(["vars", run_id, "discount=lots", "--reason", "x", "--as", "olga", "--db", db_url])

    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and "discount: 'lots' is not a number" in err


def test_baton_nudge_reports_whether_the_run_moved(engine, db_url, capsys):
    _, run_id = _deal_run(engine)

    code = main(["nudge", run_id, "--as", "olga", "--db", db_url])

    assert code == 0
    assert capsys.readouterr().out.strip() == f"{run_id}: nothing to do (waiting, stage negotiate)"


def test_a_paused_run_whose_record_came_to_satisfy_its_exit_condition_moves_on_when_resumed(
    engine,
):
    # given a paused run; its record is updated so that the stage's exit condition holds
    record_id, run_id = _deal_run(engine)
    engine.pause(run_id, "audit", actor="olga")
    engine.update_record("Deal", record_id, {"status": "signed"}, actor="ann")
    assert engine.run(run_id)["stage"] == "negotiate"  # paused: nothing starts or leaves

    # when it is resumed, then the exit condition is evaluated and the stage is left
    engine.resume(run_id, actor="olga", reason="audit done")
    assert engine.run(run_id)["stage"] == "close"


def test_a_record_update_leaves_runs_other_records_started_alone(engine):
    # given two runs, each started by its own record
    first, first_run = _deal_run(engine)
    _, second_run = _deal_run(engine)
    before = engine.log(second_run)

    # when only the first record is signed
    engine.update_record("Deal", first, {"status": "signed"}, actor="ann")

    # then only its run moves: `record` in an expression is the run's own record
    assert engine.run(first_run)["stage"] == "close"
    assert engine.log(second_run) == before
