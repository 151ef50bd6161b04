"""`baton migrate plan|apply` as an admin uses them: preview, move, refusals, exit codes."""

from __future__ import annotations

import random

from engine.definition import dumps_definition
from engine.runtime import triggers
from tests.engine.migration.onboarding import EXAMPLE, version_2
from tests.engine.runtime.builders import background, interactive, orchestration, stage


def _onboarding_runs(baton, tmp_path):
    """Two hires on version 1 (one with the contract approved), then version 2 active."""
    for args in (
        ("users", "add", "alice", "--group", "hr", "--group", "security"),
        ("users", "add", "bob", "--group", "it", "--queue", "it_service_desk"),
    ):
        assert baton(*args).code == 0
    assert baton("activate", str(EXAMPLE)).code == 0
    for name in ("Ann", "Ben"):
        baton("record", "create", "Employee", "--field", f"employee={name}",
              "--field", f"email={name}@example.com", "--field", "status=hired")  # fmt: skip
    first = baton("work", "list", "--as", "alice", "--format", "json").json()[0]
    baton("work", "complete", first["id"], "--as", "alice",
          "--output", "decision=approve", "--output", "start_date=2026-02-02")  # fmt: skip
    v2 = tmp_path / "onboarding-v2.baton.json"
    v2.write_text(dumps_definition(version_2()), encoding="utf-8")
    assert baton("activate", str(v2)).code == 0


def test_plan_previews_every_open_run_and_apply_moves_them(people, tmp_path):
    baton = people
    _onboarding_runs(baton, tmp_path)
    # when the admin plans, then both runs can move and the text names the landing stages
    shown = baton("migrate", "plan", "employee_onboarding", "--from", "1", "--to", "2")
    assert shown.code == 0, shown.err
    assert "2 run(s) can move, 0 cannot" in shown.out
    assert "removed in version 2: badge" in shown.out
    planned = baton("migrate", "plan", "employee_onboarding", "--from", "1", "--to", "2",
                    "--format", "json").json()  # fmt: skip
    assert sorted(r["lands_in"] for r in planned["runs"]) == ["equipment", "paperwork"]
    assert all(r["waits_dropped"] == [{"step": "badge", "event": "badge_printed"}]
               for r in planned["runs"])  # fmt: skip
    # when applied to all, then both are on version 2
    moved = baton("migrate", "apply", "employee_onboarding", "--from", "1", "--to", "2",
                  "--all", "--reason", "security training is mandatory")  # fmt: skip
    assert moved.code == 0, moved.err
    assert "moved 2 of 2 run(s) to version 2" in moved.out
    assert {r["version"] for r in baton("runs", "--format", "json").json()} == {2}
    # and the log says who moved each and why
    run_id = planned["runs"][0]["run"]
    (event,) = [e for e in baton("log", run_id, "--format", "json").json()
                if e["type"] == "run_migrated"]  # fmt: skip
    assert event["actor"] == "tester"
    assert event["payload"]["reason"] == "security training is mandatory"


def test_apply_exits_1_naming_each_run_it_could_not_move(people, tmp_path):
    baton = people
    _onboarding_runs(baton, tmp_path)
    # a mapping that sends the badge wait onto an interactive step of another stage
    done = baton("migrate", "apply", "employee_onboarding", "--from", "1", "--to", "2",
                 "--all", "--map", "badge=plan", "--reason", "try")  # fmt: skip
    assert done.code == 1
    assert "moved 0 of 2 run(s)" in done.out
    assert "badge maps to plan, which is in stage first_week" in done.out
    assert {r["version"] for r in baton("runs", "--format", "json").json()} == {1}


def test_apply_without_a_choice_of_runs_or_by_a_non_admin_is_refused(people, tmp_path, monkeypatch):
    baton = people
    monkeypatch.setenv("BATON_ROLES", "enforce")  # as on a shared database
    _onboarding_runs(baton, tmp_path)
    unchosen = baton("migrate", "apply", "employee_onboarding", "--from", "1", "--to", "2",
                     "--reason", "x")  # fmt: skip
    assert unchosen.code == 2
    assert "give --all, --run ID or --stage STAGE" in unchosen.err
    denied = baton("migrate", "apply", "employee_onboarding", "--from", "1", "--to", "2",
                   "--all", "--reason", "x", "--as", "alice")  # fmt: skip
    assert denied.code == 1
    assert "needs the admin role" in denied.err
    assert "Traceback" not in denied.err
    bad_map = baton("migrate", "plan", "employee_onboarding", "--from", "1", "--to", "2",
                    "--map", "badge")  # fmt: skip
    assert bad_map.code == 2
    assert "--map 'badge' is not old=new" in bad_map.err


def test_a_move_that_starts_a_child_under_a_taken_run_id_draws_again_and_succeeds(
    people, tmp_path, monkeypatch
):
    baton = people

    def activate(definition) -> None:
        path = tmp_path / f"{definition.id}.baton.json"
        path.write_text(dumps_definition(definition), encoding="utf-8")
        assert baton("activate", str(path)).code == 0

    # given a run on version 1, and version 2 starting a child run in the run's stage
    activate(orchestration("kid", stage("c", interactive("wait_here", "user:alice"))))
    activate(orchestration("mom", stage("a", interactive("look", "user:alice"))))
    # (a seeded draw: the child's first id is the one the parent drew, so it is taken)
    monkeypatch.setattr(triggers, "RANDOM", random.Random(1234))
    parent = baton("start", "mom").out.strip()
    spawn = background("spawn", action="start_orchestration", inputs={"orchestration": "'kid'"})
    activate(orchestration("mom", stage("a", interactive("look", "user:alice"), spawn)))
    monkeypatch.setattr(triggers, "RANDOM", random.Random(1234))

    # when the admin moves it to version 2
    moved = baton("migrate", "apply", "mom", "--from", "1", "--to", "2", "--all",
                  "--reason", "spawn a kid")  # fmt: skip

    # then the move drew the child's id again and went through, as a start would
    assert moved.code == 0, moved.err
    assert "moved 1 of 1 run(s) to version 2" in moved.out
    listed = {r["orchestration"]: r for r in baton("runs", "--format", "json").json()}
    assert listed["mom"]["id"] == parent and listed["mom"]["version"] == 2
    assert listed["kid"]["id"] != parent and listed["kid"]["status"] == "waiting"
