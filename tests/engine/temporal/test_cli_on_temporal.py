"""The run commands on a Temporal runtime, driven like a user at a terminal, side by side
with the local runtime: the same commands give the same answers and the same refusals.

`baton` (tests/engine/temporal/conftest.py) runs each test on both runtimes."""

from __future__ import annotations

import os
import re
import time

from engine.definition import save_definition
from tests.engine.runtime.builders import background, interactive, orchestration, stage, var


def _without_ids(text: str) -> str:
    return re.sub(r"(run|wi)-[0-9a-z]{10,13}", r"\1-ID", text)


def test_a_review_runs_from_start_to_end_with_the_same_answers_on_both_runtimes(baton):
    # given a started review
    started = baton("start", "review", "--input", "title=Q3")
    assert started.code == 0, started.err
    run_id = started.out.strip()
    shown = baton("show", run_id, "--format", "json").json()
    assert (shown["status"], shown["stage"]) == ("waiting", "check")
    # then it is listed by the filters that match it, and only by those
    assert [r["id"] for r in baton("runs", "--status", "waiting", "--format", "json").json()] == [
        run_id
    ]
    assert baton("runs", "--status", "completed", "--format", "json").json() == []
    assert baton("runs", "--stage", "check", "--format", "json").json()[0]["id"] == run_id
    # and alice sees the review item in her list
    items = baton("work", "list", "--as", "alice", "--format", "json").json()
    assert [(i["step"], i["assignee"]) for i in items] == [("approve", "group:hr")]
    item = items[0]["id"]
    assert baton("work", "list", "--as", "bob", "--format", "json").json() == []

    # when bob (not in hr) tries to complete it, or alice with a bad output
    refused = baton("work", "complete", item, "--as", "bob", "--output", "decision=approve")
    bad = baton("work", "complete", item, "--as", "alice", "--output", "decision=maybe")
    # then both are refused with the local engine's messages, and nothing changed
    assert refused.code != 0 and "'bob' may not complete this item" in refused.err
    assert bad.code != 0 and "maybe" in bad.err
    # when alice approves, and tries again
    done = baton("work", "complete", item, "--as", "alice", "--output", "decision=approve")
    again = baton("work", "complete", item, "--as", "alice", "--output", "decision=approve")
    assert done.code == 0, done.err
    assert again.code != 0 and "already completed by alice" in again.err
    assert baton("work", "list", "--format", "json").json() == []

    # when the badge event comes with the wrong key, then the right one
    wrong = baton("event", "send", "badge_printed", "--key", "Q4")
    right = baton("event", "send", "badge_printed", "--key", "Q3", "--format", "json")
    assert "delivered to 0 run(s)" in wrong.out
    assert right.json()["runs"] == [run_id]
    # then the run completed, and its log tells the story in order
    assert baton("show", run_id, "--format", "json").json()["status"] == "completed"
    log = baton("log", run_id, "--format", "json").json()
    assert log[-1]["type"] == "run_completed"
    assert any(e["type"] == "log" and e["payload"]["message"] == "reviewed Q3" for e in log)


def test_an_event_keyed_by_a_name_with_a_quote_reaches_its_run_on_both_runtimes(baton):
    # given a review of O'Reilly's contract, approved, its run waiting for the badge
    run_id = baton("start", "review", "--input", "title=O'Reilly").out.strip()
    item = baton("work", "list", "--as", "alice", "--format", "json").json()[0]["id"]
    done = baton("work", "complete", item, "--as", "alice", "--output", "decision=approve")
    assert done.code == 0, done.err
    # when the badge event comes keyed by that name (a quote in a visibility query's value)
    sent = baton("event", "send", "badge_printed", "--key", "O'Reilly", "--format", "json")
    # then it reaches the run, which completes
    assert sent.code == 0, sent.err
    assert sent.json()["runs"] == [run_id]
    assert baton("show", run_id, "--format", "json").json()["status"] == "completed"
    # and a filter value with a quote is read as a value too
    listed = baton("runs", "--stage", "it's", "--format", "json")
    assert (listed.code, listed.json()) == (0, [])


def test_operators_pause_resume_and_cancel_a_run_the_same_way(baton):
    run_id = baton("start", "review", "--input", "title=Q3").out.strip()
    assert _without_ids(baton("pause", run_id, "--reason", "audit").out) == "run-ID: paused\n"
    assert "not paused" not in baton("resume", run_id).err
    assert baton("show", run_id, "--format", "json").json()["status"] == "waiting"
    assert baton("cancel", run_id, "--reason", "no longer needed").code == 0
    again = baton("cancel", run_id)
    assert again.code != 0 and "already canceled" in again.err
    assert baton("runs", "--status", "canceled", "--format", "json").json()[0]["id"] == run_id
    types = [e["type"] for e in baton("log", run_id, "--format", "json").json()]
    assert types[-4:] == ["step_canceled", "item_withdrawn", "step_canceled", "run_canceled"]


def test_runs_stuck_names_the_run_whose_group_has_nobody_left(baton):
    # given a run whose review item is for hr, and alice (hr's only member) leaves
    run_id = baton("start", "review", "--input", "title=Q3").out.strip()
    assert baton("users", "deactivate", "alice").code == 0
    # when the operator lists stuck runs
    stuck = baton("runs", "--stuck", "--format", "json").json()
    # then the run is there, with the reason in the local engine's words
    assert [r["id"] for r in stuck] == [run_id]
    assert [_without_ids(r) for r in stuck[0]["reasons"]] == [
        "work item wi-ID (approve): group 'hr' has no active member"
    ]


def test_runs_are_listed_by_outcome_with_their_end_and_error_on_both_runtimes(baton):
    # given a review that ended, one still open, and one whose step failed
    ended = baton("start", "review", "--input", "title=Q3").out.strip()
    baton("start", "review", "--input", "title=Q4")
    item = [i for i in baton("work", "list", "--format", "json").json() if i["run"] == ended]
    assert baton("work", "complete", item[0]["id"], "--as", "alice",
                 "--output", "decision=approve").code == 0  # fmt: skip
    assert baton("event", "send", "badge_printed", "--key", "Q3").code == 0
    outcome = baton("show", ended, "--format", "json").json()["outcome"]
    # when the operator lists the runs by that outcome, and by another
    listed = baton("runs", "--outcome", outcome, "--format", "json")
    other = baton("runs", "--outcome", "rejected", "--format", "json")
    # then the ended run alone is listed, with its end time; nothing ended rejected
    assert listed.code == 0, listed.err
    assert [(r["id"], r["outcome"]) for r in listed.json()] == [(ended, outcome)]
    assert listed.json()[0]["ended_at"]
    assert other.code == 0 and other.json() == []


def test_a_failed_run_is_listed_with_its_error_on_both_runtimes(baton, tmp_path):
    # given a run whose only step starts an orchestration that nobody activated
    path = tmp_path / "broken.baton.json"
    spawn = background("x", "start_orchestration", inputs={"orchestration": "'nothing'"})
    save_definition(orchestration("broken", stage("s", spawn)), path)
    assert baton("activate", str(path)).code == 0
    run_id = baton("start", "broken").out.strip()
    # when the operator lists failed runs (not only stuck ones)
    failed = baton("runs", "--status", "failed", "--format", "json").json()
    # then the row carries the run's error, as `baton show` does
    shown = baton("show", run_id, "--format", "json").json()
    assert [(r["id"], r["error"]) for r in failed] == [(run_id, shown["error"])]
    assert shown["error"]


def test_the_definitions_are_listed_a_page_at_a_time_on_both_runtimes(baton):
    # given the review orchestration activated (by the fixture)
    # when the admin lists definitions, one per page
    listed = baton("definitions", "--limit", "1", "--format", "json")
    # then the catalogue answers the same way whichever runtime holds the runs
    assert listed.code == 0, listed.err
    assert [(d["id"], d["version"]) for d in listed.json()] == [("review", 1)]


def test_show_reads_the_same_fields_on_both_runtimes(baton):
    # given a waiting run
    run_id = baton("start", "review", "--input", "title=Q3").out.strip()
    # when the operator looks at it, as text and as JSON
    text = baton("show", run_id)
    shown = baton("show", run_id, "--format", "json")
    # then both answer, with the fault and outcome fields the local engine gives
    assert text.code == 0, text.err
    assert text.out.startswith(f"run {run_id}  review v1  waiting")
    detail = shown.json()
    assert detail["fault"] is None and detail["outcome"] is None


def _delivered(baton, outbox, subject: str) -> list[str]:
    """The outbox messages with this subject once delivered: the local runtime delivers
    notices on `baton tick` (as `baton worker` does); on Temporal the workflow sends them
    by an activity of their own, so they are waited for (a hang guard, not a pause)."""
    if "BATON_RUNTIME" not in os.environ:
        assert baton("tick").code == 0
    deadline = time.monotonic() + 120
    while True:
        found = [f.read_text() for f in sorted(outbox.glob("*.eml"))]
        found = [m for m in found if f"Subject: {subject}" in m]
        if found or time.monotonic() > deadline:
            return found


def test_assignees_and_admins_get_the_same_notices_on_both_runtimes(baton, tmp_path):
    # given alice (hr) and the admin with addresses, and a definition that fails
    for name, *more in (("alice", "--group", "hr"), ("tester", "--role", "admin")):
        address = "ops@example.com" if name == "tester" else "alice@example.com"
        assert baton("users", "add", name, *more, "--email", address).code == 0
    path = tmp_path / "broken.baton.json"
    spawn = background("x", "start_orchestration", inputs={"orchestration": "'nothing'"})
    save_definition(orchestration("broken", stage("s", spawn)), path)
    assert baton("activate", str(path)).code == 0
    # when a review starts (its item is for hr) and a broken run fails
    review = baton("start", "review", "--input", "title=Q3").out.strip()
    broken = baton("start", "broken").out.strip()
    outbox = tmp_path / "outbox"
    # then alice is told about the new item, and the admin about the failure, once each
    [assigned] = _delivered(baton, outbox, "New work item: Approve")
    assert "To: alice@example.com" in assigned and review in assigned
    [failed] = _delivered(baton, outbox, f"Run failed: broken run {broken}")
    assert "To: ops@example.com" in failed and f"baton show {broken}" in failed


def test_record_create_and_update_start_the_triggered_runs_on_both_runtimes(baton, tmp_path):
    # given an escalation started by high-priority cases, on creation and every update
    path = tmp_path / "escalate.baton.json"
    trigger = {"type": "record", "object": "Case", "on": ["created", "updated"],
               "condition": "record.priority == 'high'", "every_update": True}  # fmt: skip
    save_definition(
        orchestration(
            "escalate",
            stage("call", interactive("ring", "group:hr")),
            variables=[var("priority", input=True)],
            trigger=trigger,
        ),
        path,
    )
    assert baton("activate", str(path)).code == 0
    # when a high-priority case is created, then updated
    created = baton("record", "create", "Case", "--field", "priority=high")
    case = created.out.strip()
    updated = baton("record", "update", "Case", case, "--field", "note=called again")
    # then each started an escalation for the case, listed like any run
    assert created.code == 0, created.err
    assert _without_ids(created.err) == "started run-ID (escalate v1): waiting\n"
    assert updated.code == 0 and updated.out == f"updated Case {case}\n"
    runs = baton("runs", "--orchestration", "escalate", "--format", "json").json()
    assert len(runs) == 2 and {r["status"] for r in runs} == {"waiting"}
    shown = baton("show", runs[0]["id"], "--format", "json").json()
    assert shown["record"] == {"object": "Case", "id": case}
    fields = baton("record", "show", "Case", case).json()
    assert fields == {"priority": "high", "note": "called again"}
