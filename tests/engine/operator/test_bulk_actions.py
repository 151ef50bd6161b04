"""Bulk cancel and bulk retry by filter, each after a dry run, logged per run."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.errors import InvalidInput, PermissionDenied
from engine.runtime import Engine
from engine.runtime.bulk import RunFilter, bulk_cancel, bulk_retry
from tests.engine.runtime.builders import background, interactive, orchestration, stage


@pytest.fixture
def engine(db_url, tmp_path):
    engine = Engine(db_url, roles="enforce", outbox=tmp_path / "outbox")
    engine.add_user("root", role="admin")
    engine.add_user("olga", role="operator")
    engine.add_user("ann")
    engine.activate(
        orchestration(
            "review",
            stage("first", interactive("a", "user:ann")),
            stage("second", interactive("b")),
        )
    )
    engine.activate(orchestration("broken", stage("s", background("make", "create_record"))))
    yield engine
    engine.close()


def _statuses(engine, run_ids):
    return [engine.run(r)["status"] for r in run_ids]


def test_a_dry_run_lists_the_matching_runs_and_changes_nothing(engine):
    waiting = [engine.start("review") for _ in range(3)]
    engine.start("broken")

    result = bulk_cancel(engine, RunFilter(orchestration="review"), "wrong setup", "olga", True)

    assert sorted(result.matched) == sorted(waiting) and result.done == []
    assert _statuses(engine, waiting) == ["waiting"] * 3


def test_bulk_cancel_cancels_only_matching_runs_and_logs_who_and_why_on_each(engine):
    first = [engine.start("review") for _ in range(2)]
    moved = engine.start("review")
    engine.complete_item(engine.open_item_ids(moved)[0], "ann")  # now in stage "second"

    result = bulk_cancel(engine, RunFilter(stage="first"), "duplicate hires", "olga")

    assert sorted(result.done) == sorted(first) and result.refused == []
    assert _statuses(engine, first) == ["canceled", "canceled"]
    assert engine.run(moved)["status"] == "waiting"
    for run_id in first:
        (event,) = [e for e in engine.log(run_id) if e["type"] == "run_canceled"]
        assert event["actor"] == "olga" and event["payload"]["reason"] == "duplicate hires"


def test_finished_runs_are_not_matched_for_cancel(engine):
    done = engine.start("review")
    engine.cancel(done, "early", actor="olga")

    result = bulk_cancel(engine, RunFilter(orchestration="review"), "again", "olga", True)

    assert done not in result.matched


def test_bulk_retry_retries_the_failed_step_of_each_failed_run(engine):
    failed = [engine.start("broken") for _ in range(2)]
    engine.start("review")

    result = bulk_retry(engine, RunFilter(status="failed"), "service back", "olga")

    assert sorted(result.done) == sorted(failed)
    for run_id in failed:
        retries = [e for e in engine.log(run_id) if e["type"] == "step_retried"]
        assert len(retries) == 1 and retries[0]["actor"] == "olga"


def test_stuck_reason_picks_runs_waiting_on_an_inactive_assignee(engine):
    stuck = engine.start("review")
    engine.deactivate_user("ann", actor="root")
    engine.add_user("bob")
    fine = engine.start("broken")

    result = bulk_cancel(engine, RunFilter(stuck_reason="inactive"), "ann left", "olga", True)

    assert result.matched == [stuck] and fine not in result.matched


def test_an_assignee_may_not_bulk_cancel_and_nothing_is_canceled(engine):
    runs = [engine.start("review") for _ in range(2)]

    with pytest.raises(PermissionDenied):
        bulk_cancel(engine, RunFilter(), "because", "ann")

    assert _statuses(engine, runs) == ["waiting", "waiting"]


def test_a_bulk_action_needs_a_reason(engine):
    with pytest.raises(InvalidInput, match="needs a reason"):
        bulk_cancel(engine, RunFilter(), "  ", "olga")


def test_the_cli_lists_first_and_acts_only_with_yes(engine, capsys):
    runs = [engine.start("review") for _ in range(2)]
    db = engine.store.url
    args = ["bulk", "cancel", "--orchestration", "review", "--reason", "test", "--as", "olga"]
    capsys.readouterr()

    assert main([*args, "--db", db]) == 0
    dry = capsys.readouterr().out
    assert main([*args, "--yes", "--format", "json", "--db", db]) == 0
    done = json.loads(capsys.readouterr().out)

    assert dry.startswith("would cancel 2 run(s); repeat with --yes")
    assert sorted(done["done"]) == sorted(runs) and done["dry_run"] is False
    assert _statuses(engine, runs) == ["canceled", "canceled"]


def test_bulk_retry_refuses_a_status_other_than_failed_in_one_line(engine, capsys):
    db = engine.store.url
    args = ["bulk", "retry", "--status", "running", "--reason", "r", "--as", "olga"]

    code = main([*args, "--db", db])

    err = capsys.readouterr().err
    assert code == 2
    assert "bulk retry acts on failed runs only" in err and "Traceback" not in err
