"""`baton prune` driven as an operator would: a dry run first, then old finished runs go
with everything that is only theirs, into an archive that `show`/`log --archive` read back;
running and recent runs stay (in-process CLI on SQLite and PostgreSQL; a prune of many
runs in its own process while a run is started)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.definition import save_definition
from engine.runtime import Engine, VirtualClock, triggers
from tests.engine.runtime.builders import background, interactive, orchestration, stage, var
from tests.engine.runtime.smtp_server import SmtpServer

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def asks(people, tmp_path):
    """An orchestration with one item for alice, and a way to run one to its end."""
    path = tmp_path / "ask.baton.json"
    save_definition(orchestration("ask", stage("s", interactive("answer", "user:alice"))), path)
    assert people("activate", str(path)).code == 0

    def start() -> str:
        result = people("start", "ask")
        assert result.code == 0, result.err
        return result.out.strip()

    def finish(run_id: str) -> None:
        item = people("show", run_id, "--format", "json").json()["open_items"][0]["id"]
        assert people("work", "complete", item, "--as", "alice").code == 0

    return people, start, finish


def _run_ids(baton) -> set[str]:
    return {r["id"] for r in baton("runs", "--limit", "1000", "--format", "json").json()}


def test_prune_removes_exactly_the_old_finished_runs_after_a_dry_run_that_changes_nothing(
    asks, tmp_path
):
    baton, start, finish = asks
    # given three old finished runs (two completed, one canceled), one old run still open,
    # and, after the cutoff, a run that finished recently
    done = [start(), start()]
    for run_id in done:
        finish(run_id)
    canceled = start()
    assert baton("cancel", canceled, "--reason", "duplicate").code == 0
    still_open = start()
    assert baton("tick").code == 0  # the worker delivers the assignment notices
    cutoff = datetime.now(UTC).isoformat()
    recent = start()
    finish(recent)
    assert baton("tick").code == 0
    logged = baton("log", done[0], "--format", "json").json()
    everything = _run_ids(baton)

    # when the operator looks first
    dry = baton("prune", "--before", cutoff, "--archive", str(tmp_path / "old.jsonl"))

    # then it counts the three and changes nothing
    assert dry.code == 0, dry.err
    assert "would prune 3 run(s) (completed, canceled)" in dry.out
    assert "repeat with --yes" in dry.out
    assert _run_ids(baton) == everything
    assert not (tmp_path / "old.jsonl").exists()

    # when they prune with an archive and give the space back
    archive = tmp_path / "old.jsonl"
    pruned = baton("prune", "--before", cutoff, "--yes", "--archive", str(archive), "--vacuum")

    # then exactly the old finished runs are gone, with their closed items
    assert pruned.code == 0, pruned.err
    assert "pruned 3 run(s)" in pruned.out
    assert _run_ids(baton) == everything - {*done, canceled}
    assert baton("show", still_open, "--format", "json").json()["status"] == "waiting"
    assert baton("show", recent, "--format", "json").json()["status"] == "completed"
    items = baton("work", "list", "--format", "json").json()
    assert [i["run"] for i in items] == [still_open]

    # and `show` of a pruned run says so in one line, naming the archive
    gone = baton("show", done[0])
    assert gone.code == 1
    assert len(gone.err.strip().splitlines()) == 1
    assert f"no run with id {done[0]!r}" in gone.err and "pruned" in gone.err
    assert f"baton show --archive {archive} {done[0]}" in gone.err

    # and the archive gives the run and its whole log back
    shown = baton("show", "--archive", str(archive), done[0])
    assert shown.code == 0 and "completed  (pruned)" in shown.out
    assert baton("log", "--archive", str(archive), done[0], "--format", "json").json() == logged
    lines = archive.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["run"]["id"] for line in lines) == sorted([*done, canceled])

    # and the audit log says who pruned what
    (entry,) = baton("audit", "--action", "runs.pruned", "--format", "json").json()
    assert entry["actor"] == "tester" and entry["details"]["runs"] == 3


def test_a_run_whose_notice_is_not_delivered_yet_is_kept_until_it_is(asks):
    baton, start, finish = asks
    # given an old completed run whose assignment notice the worker has not sent yet
    run_id = start()
    finish(run_id)
    cutoff = datetime.now(UTC).isoformat()

    # when pruned before delivery, then after it
    first = baton("prune", "--before", cutoff, "--yes")
    kept = _run_ids(baton)
    assert baton("tick").code == 0
    second = baton("prune", "--before", cutoff, "--yes")

    # then the notice held it the first time only
    assert first.code == 0 and "kept 1 run(s): a message waits for delivery" in first.out
    assert run_id in kept
    assert second.code == 0 and "pruned 1 run(s)" in second.out
    assert run_id not in _run_ids(baton)


@pytest.fixture
def smtp(monkeypatch):
    server = SmtpServer().start()
    monkeypatch.setenv("BATON_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BATON_SMTP_PORT", str(server.port))
    monkeypatch.setenv("BATON_OUTBOX_COPY", "1")  # an .eml copy of each message sent
    yield server
    server.stop()


def _files(folder: Path) -> list[str]:
    return sorted(str(f.relative_to(folder)) for f in folder.rglob("*") if f.is_file())


def test_prune_takes_the_files_of_the_runs_messages_out_of_the_outbox_folder(
    people, smtp, tmp_path
):
    # given a flow that emails a welcome and then asks alice (who gets an assignment notice),
    # all sent by SMTP with a copy kept, so the outbox folder holds each message's .eml and
    # the sent journal
    assert people("users", "add", "carol", "--email", "carol@example.com").code == 0
    welcome = background(
        "welcome",
        action="send_email",
        inputs={"to": "'new@example.com'", "subject": "'Welcome'", "body": "'Hi'"},
    )
    path = tmp_path / "hello.baton.json"
    flow = orchestration("hello", stage("s", welcome, interactive("call", "user:carol")))
    save_definition(flow, path)
    assert people("activate", str(path)).code == 0
    old, recent = (people("start", "hello").out.strip() for _ in range(2))
    assert people("tick").code == 0  # the worker writes and sends the messages
    outbox_folder = tmp_path / "outbox"
    before = _files(outbox_folder)
    assert len([f for f in before if f.endswith(".eml")]) == 4, before
    assert "sent.journal" in before and len(before) == 5, before
    assert people("cancel", old, "--reason", "test").code == 0
    cutoff = datetime.now(UTC).isoformat()
    assert people("cancel", recent, "--reason", "test").code == 0

    # when the operator looks first, then prunes
    dry = people("prune", "--before", cutoff)
    assert _files(outbox_folder) == before
    pruned = people("prune", "--before", cutoff, "--yes", "--format", "json")

    # then the dry run named the files, and the prune removed exactly those of the old run
    assert dry.code == 0 and f"would remove 2 file(s) of their messages from {outbox_folder}" in (
        dry.out
    )
    assert pruned.code == 0, pruned.err
    shown = pruned.json()
    assert shown["runs"] == 1
    assert shown["outbox_files"] == {
        "folder": str(outbox_folder),
        "removed": 2,
        "left": 0,
        "error": None,
    }
    left = _files(outbox_folder)
    assert len(left) == 3 and set(left) < set(before)  # the recent run's two, the journal
    assert not [f for f in left if old in f]
    assert len([f for f in left if recent in f]) == 1  # its welcome (its notice is by number)


def test_a_notice_written_after_a_prune_is_sent_though_it_may_get_a_pruned_notices_id(
    people, smtp, tmp_path
):
    # given carol's assignment notice delivered, and its run canceled and pruned
    assert people("users", "add", "carol", "--email", "carol@example.com").code == 0
    path = tmp_path / "call.baton.json"
    save_definition(orchestration("call", stage("s", interactive("call", "user:carol"))), path)
    assert people("activate", str(path)).code == 0
    first = people("start", "call").out.strip()
    assert people("tick").code == 0
    assert people("cancel", first, "--reason", "test").code == 0
    cutoff = datetime.now(UTC).isoformat()
    assert people("prune", "--before", cutoff, "--yes").code == 0

    # when a new run assigns carol again (on SQLite its notice takes the freed id)
    second = people("start", "call").out.strip()
    assert people("tick").code == 0

    # then carol gets the second notice too, and its file is the new message
    assert len(smtp.messages) == 2
    assert second in smtp.messages[1].get_payload(decode=True).decode()
    (eml,) = (tmp_path / "outbox").glob("notice-*.eml")
    assert second in eml.read_text(encoding="utf-8")


def test_failed_runs_are_kept_unless_the_operator_counts_them_as_closed(people, tmp_path):
    path = tmp_path / "breaks.baton.json"
    step = background("boom", action="set_variables", inputs={"x": "1 // zero"})
    variables = [var("zero", "number", input=True), var("x", "number")]
    save_definition(orchestration("breaks", stage("s", step), variables=variables), path)
    assert people("activate", str(path)).code == 0
    run_id = people("start", "breaks", "--input", "zero=0").out.strip()
    assert people("show", run_id, "--format", "json").json()["status"] == "failed"
    cutoff = datetime.now(UTC).isoformat()

    plain = people("prune", "--before", cutoff, "--yes")
    assert plain.code == 0 and "pruned 0 run(s)" in plain.out
    assert run_id in _run_ids(people)

    closed = people("prune", "--before", cutoff, "--yes", "--include-failed")
    assert closed.code == 0 and "pruned 1 run(s) (completed, canceled, failed)" in closed.out
    assert run_id not in _run_ids(people)


def test_a_failed_parent_stays_while_its_child_failed_again_after_the_cutoff(people, tmp_path):
    # given a parent whose child failed before the cutoff (so both failed), and an operator
    # who retried the child after the cutoff, where it failed again
    kid = orchestration(
        "kid",
        stage(
            "c",
            interactive("check", "user:alice"),
            background("boom", action="set_variables", inputs={"x": "1 // zero"}, after=["check"]),
        ),
        variables=[var("zero", "number"), var("x", "number")],
    )
    spawn = background("spawn", action="start_orchestration", inputs={"orchestration": "'kid'"})
    for definition in (kid, orchestration("mom", stage("a", spawn))):
        path = tmp_path / f"{definition.id}.baton.json"
        save_definition(definition, path)
        assert people("activate", str(path)).code == 0
    mom = people("start", "mom").out.strip()
    (child,) = _run_ids(people) - {mom}
    item = people("show", child, "--format", "json").json()["open_items"][0]["id"]
    assert people("work", "complete", item, "--as", "alice").code == 0
    assert {people("show", r, "--format", "json").json()["status"] for r in (mom, child)} == {
        "failed"
    }
    cutoff = datetime.now(UTC).isoformat()
    assert people("retry", child, "boom", "--reason", "once more").code == 0

    # when failed runs are pruned as closed
    pruned = people("prune", "--before", cutoff, "--yes", "--include-failed")

    # then the family stays together: the parent is kept for its child
    assert pruned.code == 0, pruned.err
    assert "pruned 0 run(s)" in pruned.out
    assert "kept 1 run(s): a child run is kept" in pruned.out
    assert _run_ids(people) == {mom, child}


def test_prune_refuses_unclear_requests_in_one_line(people, monkeypatch):
    for args, words in (
        ((), "give --older-than AGE or --before TIME"),
        (("--older-than", "90d", "--before", "2026-01-01"), "give --older-than AGE or --before"),
        (("--older-than", "ninety"), "--older-than 'ninety' is not an age"),
        (("--before", "last week"), "--before 'last week' is not an ISO time"),
        (("--older-than", "1d", "--batch", "0"), "--batch 0 is not a positive number"),
    ):
        result = people("prune", *args)
        assert result.code == 2, args
        assert len(result.err.strip().splitlines()) == 1 and words in result.err, result.err
    monkeypatch.setenv("BATON_RUNTIME", "temporal://localhost:7233/baton")
    refused = people("prune", "--older-than", "30d")
    assert refused.code == 2
    assert "retention period of namespace 'baton'" in refused.err
    assert "temporal operator namespace update --retention" in refused.err


def test_an_operator_who_is_not_an_admin_may_not_prune(people, monkeypatch):
    # given roles enforced (as on a shared database) and bob, who is not an admin
    monkeypatch.setenv("BATON_ROLES", "enforce")
    refused = people("prune", "--older-than", "1d", "--as", "bob")
    assert refused.code == 1
    assert "'bob' may not prune runs: that needs the admin role" in refused.err


def test_a_run_starts_while_a_prune_of_thousands_of_old_runs_goes_on(tmp_path):
    # given a database of 3,000 old completed runs (a month ago on the engine's clock)
    db = tmp_path / "baton.db"
    engine = Engine(str(db), clock=VirtualClock(), outbox=tmp_path / "outbox")
    engine.activate(orchestration("quick", stage("s", background("note"))))
    engine.activate(orchestration("ask", stage("s", interactive("answer", "user:ann"))))
    for _ in range(30):
        with engine.unit() as unit:
            for _ in range(100):
                triggers.start(unit, "quick")
    engine.close()
    archive = tmp_path / "old.jsonl"
    env = {**os.environ, "BATON_DB": str(db), "BATON_USER": "ops", "PYTHONPATH": str(REPO)}

    # when a prune removes them one run per transaction in its own process
    prune = subprocess.Popen(
        [sys.executable, "-c", "import sys; from engine.cli import main; sys.exit(main())",
         "prune", "--older-than", "1d", "--batch", "1", "--yes", "--archive", str(archive)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # hang guard; the first batch takes well under 1 s
        while not archive.exists() or not archive.read_text(encoding="utf-8"):
            assert prune.poll() is None, prune.communicate()
            assert time.monotonic() < deadline, "the prune never wrote its first batch"
            time.sleep(0.05)
        # and someone starts a run meanwhile
        working = Engine(str(db), outbox=tmp_path / "outbox")
        run_id = working.start("ask")
        still_pruning = prune.poll() is None
        out, err = prune.communicate(timeout=600)
    finally:
        if prune.poll() is None:
            prune.kill()

    # then the run started while the prune was going on, and the prune took only the old
    assert still_pruning
    assert prune.returncode == 0, err
    assert "pruned 3,000 run(s)" in out
    assert [r["id"] for r in working.runs()] == [run_id]
    working.close()
