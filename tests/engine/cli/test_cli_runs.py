"""The runtime commands, driven like a user at a terminal (in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definition import save_definition
from tests.engine.runtime.builders import background, interactive, orchestration, stage, var, wait

APPROVAL = [
    {"name": "decision", "type": "text", "choices": ["approve", "reject"], "required": True}
]


@pytest.fixture
def review_file(tmp_path) -> Path:
    path = tmp_path / "review.baton.json"
    save_definition(
        orchestration(
            "review",
            stage(
                "check",
                interactive("approve", "group:hr", outputs=APPROVAL),
                wait("cool", timeout="PT1H"),
            ),
            stage("notify", background("note", inputs={"message": "'reviewed ' + title"})),
            variables=[var("title", input=True, required=True), var("pages", "number", input=True)],
        ),
        path,
    )
    return path


@pytest.fixture
def started(people, review_file):
    assert people("activate", str(review_file)).code == 0
    result = people("start", "review", "--input", "title=Q3 plan", "--input", "pages=12")
    assert result.code == 0
    return people, result.out.strip()


def test_start_prints_the_run_id_and_show_reports_it(started):
    baton, run_id = started
    assert run_id.startswith("run-")
    shown = baton("show", run_id, "--format", "json").json()
    assert {
        "id",
        "orchestration",
        "version",
        "status",
        "stage",
        "steps",
        "open_items",
        "variables",
    } <= set(shown)
    assert shown["status"] == "waiting" and shown["stage"] == "check"
    assert shown["variables"] == {"title": "Q3 plan", "pages": 12}
    text = baton("show", run_id).out
    assert "check/approve" in text and "group:hr" in text


def test_start_with_a_missing_required_input_exits_1_and_creates_no_run(people, review_file):
    people("activate", str(review_file))
    result = people("start", "review", "--inputs-json", '{"pages": 3}')
    assert result.code == 1
    assert "title: required input is missing" in result.err
    assert people("runs", "--format", "json").json() == []


def test_activating_an_unreadable_file_exits_2(people, tmp_path):
    bad = tmp_path / "broken.baton.json"
    bad.write_text("{ not json")
    result = people("activate", str(bad))
    assert result.code == 2 and "not valid JSON" in result.err


def test_work_complete_moves_the_run_and_twice_is_refused(started):
    baton, _ = started
    (item,) = baton("work", "list", "--as", "alice", "--format", "json").json()
    assert baton("work", "list", "--as", "bob", "--format", "json").json() == []

    done = baton("work", "complete", item["id"], "--as", "alice", "--output", "decision=approve")
    again = baton("work", "complete", item["id"], "--as", "alice", "--output", "decision=approve")

    assert done.code == 0 and "waiting" in done.out
    assert again.code == 1 and "already completed by alice" in again.err


def test_bad_outputs_exit_1_with_a_message_per_field(started):
    baton, _ = started
    (item,) = baton("work", "list", "--format", "json").json()
    result = baton("work", "complete", item["id"], "--as", "alice", "--output", "decision=perhaps")
    assert result.code == 1 and "decision: 'perhaps' is not one of approve, reject" in result.err


def test_tick_fires_due_timers_and_log_lists_events(started):
    baton, run_id = started
    (item,) = baton("work", "list", "--format", "json").json()
    baton("work", "complete", item["id"], "--as", "alice", "--output", "decision=approve")

    assert baton("tick", "--now", "2100-01-01T00:00:00Z").out.startswith("fired 1")

    assert baton("show", run_id, "--format", "json").json()["status"] == "completed"
    events = baton("log", run_id, "--format", "json").json()
    assert [set(e) for e in events[:1]] == [{"seq", "time", "type", "actor", "payload"}]
    types = [e["type"] for e in events]
    assert types[0] == "run_started" and types[-1] == "run_completed" and "log" in types
    assert "item_completed by alice" in baton("log", run_id).out


def test_reassign_and_reassign_all(started):
    baton, run_id = started
    (item,) = baton("work", "list", "--format", "json").json()
    assert baton("work", "reassign", item["id"], "--to", "user:bob", "--reason", "cover").code == 0
    moved = baton(
        "work", "reassign-all", "--from", "user:bob", "--to", "user:root", "--format", "json"
    )
    assert moved.json()["items"] == [item["id"]]
    reassigned = [
        e for e in baton("log", run_id, "--format", "json").json() if e["type"] == "item_reassigned"
    ]
    assert [(e["payload"]["to"], e["actor"]) for e in reassigned] == [
        ("user:bob", "tester"),
        ("user:root", "tester"),
    ]


def test_pause_resume_cancel(started):
    baton, run_id = started
    assert "paused" in baton("pause", run_id).out
    assert "waiting" in baton("resume", run_id).out
    assert "canceled" in baton("cancel", run_id, "--reason", "duplicate").out
    assert baton("work", "list", "--format", "json").json() == []
    assert (
        baton("runs", "--status", "canceled", "--format", "json").json()[0]["error"] == "duplicate"
    )


def test_retry_and_skip_a_failed_step(people, tmp_path):
    path = tmp_path / "fails.baton.json"
    save_definition(
        orchestration(
            "fails",
            stage("s", background("boom", action="set_variables", inputs={"x": "1 // zero"})),
            variables=[var("zero", "number", input=True), var("x", "number")],
        ),
        path,
    )
    people("activate", str(path))
    run_id = people("start", "fails", "--input", "zero=0").out.strip()
    assert people("runs", "--status", "failed", "--format", "json").json()[0]["id"] == run_id

    retried = people("retry", run_id, "boom")
    assert retried.code == 0 and "failed" in retried.out  # the data is still bad
    shown = people("show", run_id, "--format", "json").json()
    assert (
        shown["steps"][0]["status"] == "failed"
        and "ZeroDivisionError" in shown["steps"][0]["error"]
    )

    assert "completed" in people("skip", run_id, "boom", "--output", "x=5").out


def test_runs_stuck_names_the_reason(started):
    baton, run_id = started
    baton("work", "reassign-all", "--from", "group:hr", "--to", "user:ghost", "--force")
    result = baton("runs", "--stuck")
    assert run_id in result.out and "user 'ghost' is unknown" in result.out


def test_record_create_starts_record_triggered_runs_and_events_reach_waits(people, tmp_path):
    path = tmp_path / "badge.baton.json"
    save_definition(
        orchestration(
            "badge",
            stage("s", wait("printed", event="badge_printed", key="name")),
            variables=[var("name", input=True)],
            trigger={
                "type": "record",
                "object": "Employee",
                "on": ["created"],
                "condition": "record.ready",
            },
        ),
        path,
    )
    people("activate", str(path))
    people("record", "create", "Employee", "--field", "name=Ann", "--field", "ready=false")
    record_id = people(
        "record", "create", "Employee", "--field", "name=Ben", "--field", "ready=true"
    ).out.strip()
    (run,) = people("runs", "--format", "json").json()

    assert people("record", "update", "Employee", record_id, "--field", "phone=1").code == 0
    sent = people(
        "event", "send", "badge_printed", "--key", "Ben", "--data", '{"no": 7}', "--format", "json"
    )

    assert sent.json()["runs"] == [run["id"]]
    shown = people("show", run["id"], "--format", "json").json()
    assert shown["status"] == "completed" and shown["steps"][0]["outputs"] == {
        "no": 7,
        "timed_out": False,
    }


def test_users_deactivate_and_unknown_run_errors(people):
    assert people("users", "deactivate", "bob").code == 0
    users = {u["name"]: u for u in people("users", "list", "--format", "json").json()}
    assert users["bob"]["active"] is False and users["alice"]["groups"] == ["group:hr"]
    missing = people("show", "run-nope")
    assert missing.code == 1 and "no run with id 'run-nope'" in missing.err


def test_activate_prints_diagnostics_and_exits_1_for_an_invalid_definition(people, tmp_path):
    path = tmp_path / "broken.baton.json"
    save_definition(orchestration("broken", stage("s", interactive("a", "nobody"))), path)
    result = people("activate", str(path))
    assert result.code == 1
    assert "missing-assignee" in result.err and "was not activated" in result.err


def test_commands_that_create_things_print_json_on_request(people, review_file):
    assert people("activate", str(review_file), "--format", "json").json() == {
        "id": "review",
        "version": 1,
    }
    started = people("start", "review", "--input", "title=x", "--format", "json").json()
    assert started["status"] == "waiting" and started["stage"] == "check"
    (item,) = people("work", "list", "--format", "json").json()
    done = people(
        "work",
        "complete",
        item["id"],
        "--as",
        "root",
        "--output",
        "decision=reject",
        "--format",
        "json",
    )
    assert done.json() == {
        "item": item["id"],
        "run": started["id"],
        "status": "waiting",
        "stage": "check",
    }
    assert people("record", "create", "Thing", "--format", "json").json()["object"] == "Thing"
    assert people("tick", "--format", "json").json() == {"fired": 0}


def test_definitions_lists_every_version_with_the_active_one_marked(people, review_file):
    people("activate", str(review_file))
    people("deactivate", "review")
    people("activate", str(review_file))
    listed = people("definitions", "--format", "json").json()
    assert [(d["id"], d["version"], d["active"]) for d in listed] == [
        ("review", 2, True),
        ("review", 1, False),
    ]
    assert "ACTIVE" in people("definitions").out.splitlines()[0]
